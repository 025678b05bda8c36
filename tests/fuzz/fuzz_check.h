/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PTPSW_FUZZ_CHECK_H
#define PTPSW_FUZZ_CHECK_H

/* The fuzz targets' assertion: report where and abort (libFuzzer keeps
 * the input as a crash artifact). Active in every build, unlike assert. */
#include <stdio.h>
#include <stdlib.h>

#define CHECK(cond)							\
	do {								\
		if (!(cond)) {						\
			fprintf(stderr, "%s:%d: check failed: %s\n",	\
				__FILE__, __LINE__, #cond);		\
			abort();					\
		}							\
	} while (0)

#endif /* PTPSW_FUZZ_CHECK_H */
