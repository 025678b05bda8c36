/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PTPSW_FUZZ_CHECK_H
#define PTPSW_FUZZ_CHECK_H

/* What the fuzz targets share: their assertion, and writing a seed. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* Report where and abort (libFuzzer keeps the input as a crash artifact).
 * Active in every build, unlike assert. */
#define CHECK(cond)							\
	do {								\
		if (!(cond)) {						\
			fprintf(stderr, "%s:%d: check failed: %s\n",	\
				__FILE__, __LINE__, #cond);		\
			abort();					\
		}							\
	} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Seed generators: run the input once (it must not fail), then write it
 * as dir/name. */
static inline void fuzz_write_seed(const char *dir, const char *name,
				   const uint8_t *in, size_t n)
{
	char path[512];
	FILE *fp;

	LLVMFuzzerTestOneInput(in, n);
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fp = fopen(path, "wb");
	CHECK(fp != NULL);
	CHECK(fwrite(in, 1, n, fp) == n);
	CHECK(fclose(fp) == 0);
}

#endif /* PTPSW_FUZZ_CHECK_H */
