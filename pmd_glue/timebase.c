/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * timebase: nanoseconds from the TSC. ns = (tsc * mult) >> TB_SHIFT with a
 * 128-bit product, so it never overflows and keeps sub-ppb resolution.
 */

#include <stdint.h>

#include <rte_cycles.h>

#include "timebase.h"

#define TB_SHIFT 40

static uint64_t tb_mult;	/* ns per tick, scaled by 2^TB_SHIFT */
static uint64_t tb_hz;

int timebase_init(void)
{
	uint64_t hz = rte_get_tsc_hz();

	if (hz == 0)
		return -1;
	tb_hz = hz;
	tb_mult = (uint64_t)((((unsigned __int128)1000000000u) << TB_SHIFT) / hz);
	return 0;
}

uint64_t timebase_from_tsc(uint64_t tsc)
{
	return (uint64_t)(((unsigned __int128)tsc * tb_mult) >> TB_SHIFT);
}

uint64_t timebase_now(void)
{
	return timebase_from_tsc(rte_rdtsc());
}

uint64_t timebase_tsc_hz(void)
{
	return tb_hz;
}
