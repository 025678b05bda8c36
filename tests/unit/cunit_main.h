/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PTPSW_TESTS_CUNIT_MAIN_H
#define PTPSW_TESTS_CUNIT_MAIN_H

#include <CUnit/CUnit.h>

/*
 * Each test_<module>.c defines this: add its suite(s) to the registry.
 * Returns 0 or a CUnit error code.
 */
int test_register(void);

/* Helper: add a suite with an array of { name, fn } terminated by NULL. */
struct test_case {
	const char *name;
	CU_TestFunc fn;
};
int test_add_suite(const char *name, const struct test_case *cases);

#endif
