/* SPDX-License-Identifier: BSD-3-Clause */
/* lib/sw/flap.h: when MAC moves count as flapping, and when it ends. */

#include <string.h>

#include <CUnit/CUnit.h>

#include "sw/flap.h"
#include "cunit_main.h"

#define S	FLAP_WINDOW_NS

/* A few moves (hosts that really move) are no flapping; a window with
 * FLAP_ON_MOVES starts it once; it ends after FLAP_OFF_WINDOWS quiet
 * windows, not before, and a busy window in between starts the count
 * again. Samples inside a window change nothing. */
static void test_periods(void)
{
	struct flap_watch fw;
	uint64_t t = 5 * S, moved = 1000;
	unsigned int k;

	memset(&fw, 0, sizeof(fw));
	CU_ASSERT_EQUAL(flap_update(&fw, moved, t), FLAP_NONE);
	moved += FLAP_ON_MOVES - 1;		/* just below */
	CU_ASSERT_EQUAL(flap_update(&fw, moved, t += S), FLAP_NONE);
	CU_ASSERT(!fw.on);
	CU_ASSERT_EQUAL(fw.last_moves, FLAP_ON_MOVES - 1);
	moved += 5000;				/* inside the window: later */
	CU_ASSERT_EQUAL(flap_update(&fw, moved, t + S / 2), FLAP_NONE);
	CU_ASSERT_EQUAL(flap_update(&fw, moved, t += S), FLAP_STARTED);
	CU_ASSERT(fw.on);
	CU_ASSERT_EQUAL(fw.last_moves, 5000);
	CU_ASSERT_EQUAL(fw.events, 1);
	CU_ASSERT_EQUAL(fw.period_moved0, moved - 5000);	/* its window */
	CU_ASSERT_EQUAL(fw.period_t0, t - S);
	moved += 3000;
	CU_ASSERT_EQUAL(flap_update(&fw, moved, t += S), FLAP_NONE);
	/* quiet, but one busy window resets the count */
	for (k = 1; k < FLAP_OFF_WINDOWS; k++)
		CU_ASSERT_EQUAL(flap_update(&fw, moved, t += S), FLAP_NONE);
	moved += FLAP_ON_MOVES;
	CU_ASSERT_EQUAL(flap_update(&fw, moved, t += S), FLAP_NONE);
	for (k = 1; k < FLAP_OFF_WINDOWS; k++)
		CU_ASSERT_EQUAL(flap_update(&fw, moved + k, t += S), FLAP_NONE);
	moved += FLAP_OFF_WINDOWS;
	CU_ASSERT_EQUAL(flap_update(&fw, moved, t += S), FLAP_STOPPED);
	CU_ASSERT(!fw.on);
	CU_ASSERT_EQUAL(flap_update(&fw, moved, t += S), FLAP_NONE);
	/* a second period */
	moved += 100;
	CU_ASSERT_EQUAL(flap_update(&fw, moved, t += S), FLAP_STARTED);
	CU_ASSERT_EQUAL(fw.events, 2);
}

int test_register(void)
{
	static const struct test_case cases[] = {
		{ "moves per window: start, stay, stop", test_periods },
		{ NULL, NULL },
	};

	return test_add_suite("flap", cases);
}
