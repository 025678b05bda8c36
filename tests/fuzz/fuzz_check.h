/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PTPSW_FUZZ_CHECK_H
#define PTPSW_FUZZ_CHECK_H

/* What the fuzz targets share: their assertion, writing a seed, and
 * comparing two frame_info. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "net/frame.h"

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

/* Every field of two frame_info alike (no memcmp: padding). */
static inline int fuzz_same_info(const struct frame_info *a,
				 const struct frame_info *b)
{
	return a->cls == b->cls && a->err == b->err && a->l3 == b->l3 &&
	       a->n_vlans == b->n_vlans && a->flags == b->flags &&
	       a->l3_off == b->l3_off && a->l4_off == b->l4_off &&
	       a->ptp_off == b->ptp_off && a->ptp_len == b->ptp_len &&
	       a->ptp_type == b->ptp_type && a->domain == b->domain &&
	       a->seq_id == b->seq_id;
}

#endif /* PTPSW_FUZZ_CHECK_H */
