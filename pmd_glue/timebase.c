/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * timebase: nanoseconds from the TSC. ns = (tsc * mult) >> TB_SHIFT with a
 * 128-bit product, so it never overflows and keeps sub-ppb resolution.
 * The frequency is EAL's, refined against CLOCK_MONOTONIC_RAW at init.
 */

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <rte_cycles.h>

#include "timebase.h"

#define TB_SHIFT 40

static uint64_t tb_mult;	/* ns per tick, scaled by 2^TB_SHIFT */
static uint64_t tb_hz;

/* One (TSC, clock ns) pair with the tightest bracket. */
static void tb_pair_clock(clockid_t clock, uint64_t *tsc, int64_t *ns)
{
	uint64_t best = UINT64_MAX, t0, t1;
	struct timespec t;
	int i;

	*tsc = 0;
	*ns = 0;
	for (i = 0; i < 5; i++) {
		t0 = rte_rdtsc();
		clock_gettime(clock, &t);
		t1 = rte_rdtsc();
		if (t1 - t0 < best) {
			best = t1 - t0;
			*tsc = t0 + (t1 - t0) / 2;
			*ns = (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
		}
	}
}

static void tb_pair(uint64_t *tsc, int64_t *raw)
{
	tb_pair_clock(CLOCK_MONOTONIC_RAW, tsc, raw);
}

/*
 * EAL's TSC frequency may be a nominal value; measure it against
 * CLOCK_MONOTONIC_RAW over TB_CAL_NS (sub-ppm with bracketed reads) and
 * keep EAL's value if the measurement is implausible (> 2 % off;
 * EAL's nominal value was 1500 ppm off on the lab VM).
 */
#define TB_CAL_NS 100000000

static uint64_t tb_measure_hz(uint64_t nominal)
{
	struct timespec d = { 0, TB_CAL_NS };
	uint64_t c0, c1;
	int64_t r0, r1;
	double hz;

	tb_pair(&c0, &r0);
	nanosleep(&d, NULL);
	tb_pair(&c1, &r1);
	if (r1 <= r0)
		return nominal;
	hz = (double)(c1 - c0) * 1e9 / (double)(r1 - r0);
	if (fabs(hz / (double)nominal - 1.0) > 2e-2)
		return nominal;
	return (uint64_t)llround(hz);
}

int timebase_init(void)
{
	uint64_t hz = rte_get_tsc_hz();

	if (hz == 0)
		return -1;
	hz = tb_measure_hz(hz);
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

int timebase_xts(int tries, int (*read)(void *arg, int64_t *foreign),
		 void *arg, int64_t *foreign, int64_t *base)
{
	uint64_t best = UINT64_MAX, t0, t1;
	int64_t f;
	int i, ret;

	for (i = 0; i < tries; i++) {
		t0 = timebase_now();
		ret = read(arg, &f);
		if (ret != 0)
			return ret;
		t1 = timebase_now();
		if (t1 - t0 < best) {
			best = t1 - t0;
			*foreign = f;
			*base = (int64_t)(t0 + (t1 - t0) / 2);
		}
	}
	return tries > 0 ? 0 : -EINVAL;
}

int timebase_xts_update(struct clockmap *m, int tries,
			int (*read)(void *arg, int64_t *foreign), void *arg)
{
	int64_t f, b;
	int ret = timebase_xts(tries, read, arg, &f, &b);

	if (ret == 0)
		clockmap_update(m, f, b);
	return ret;
}

int timebase_read_realtime(void *arg, int64_t *ns)
{
	struct timespec t;

	(void)arg;
	if (clock_gettime(CLOCK_REALTIME, &t) != 0)
		return -errno;
	*ns = (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
	return 0;
}

int timebase_rt_map_holds(const struct clockmap *m, uint64_t base0,
			  int64_t *err_ns)
{
	uint64_t base1;
	int64_t rt;

	*err_ns = 0;
	if (timebase_read_realtime(NULL, &rt) != 0)
		return -1;
	base1 = timebase_now();
	if (base1 - base0 > TIMEBASE_RT_BRACKET_NS)
		return -1;
	return clockmap_holds(m, rt, (int64_t)(base0 + (base1 - base0) / 2),
			      TIMEBASE_RT_TOL_NS, err_ns) ? 1 : 0;
}

static int tb_cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static uint32_t tb_u32(uint64_t v)
{
	return v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
}

#define TB_CS_DIR "/sys/devices/system/clocksource/clocksource0/"

/* The first line of file path that starts with prefix (all of it if
 * prefix is ""), into buf; NULL if there is none. */
static char *tb_read_line(const char *path, const char *prefix, char *buf,
			  size_t len)
{
	FILE *f = fopen(path, "r");
	char *ret = NULL;

	if (f == NULL)
		return NULL;
	while (fgets(buf, (int)len, f) != NULL)
		if (strncmp(buf, prefix, strlen(prefix)) == 0) {
			ret = buf;
			break;
		}
	fclose(f);
	return ret;
}

static void tb_clocksource(char *buf, size_t len)
{
	size_t n;

	if (tb_read_line(TB_CS_DIR "current_clocksource", "", buf, len) == NULL ||
	    buf[0] == '\n')
		snprintf(buf, len, "unknown");
	n = strcspn(buf, "\n");
	buf[n] = '\0';
	/* a kernel identifier; anything else would go raw into JSON */
	for (n = 0; buf[n] != '\0'; n++)
		if (!isalnum((unsigned char)buf[n]) && buf[n] != '_' &&
		    buf[n] != '-' && buf[n] != '.')
			buf[n] = '?';
}

void timebase_probe_rt(struct timebase_rt_cost *c)
{
	static uint64_t d[TIMEBASE_RT_PROBE_READS];
	const char *sw = getenv("PTPSW_TEST_RT_SYSCALL");
	struct timespec t;
	uint64_t t0;
	unsigned int i;

	memset(c, 0, sizeof(*c));
	c->syscall = sw != NULL && strcmp(sw, "1") == 0;
	for (i = 0; i < TIMEBASE_RT_PROBE_READS; i++) {
		t0 = rte_rdtsc();
		if (c->syscall)
			syscall(SYS_clock_gettime, CLOCK_REALTIME, &t);
		else
			clock_gettime(CLOCK_REALTIME, &t);
		d[i] = rte_rdtsc() - t0;
	}
	qsort(d, TIMEBASE_RT_PROBE_READS, sizeof(d[0]), tb_cmp_u64);
	c->median_ns = tb_u32(timebase_from_tsc(d[TIMEBASE_RT_PROBE_READS / 2]));
	c->p99_ns = tb_u32(timebase_from_tsc(
		d[TIMEBASE_RT_PROBE_READS * 99 / 100]));
	c->slow = c->median_ns > TIMEBASE_RT_READ_SLOW_NS;
	tb_clocksource(c->clocksource, sizeof(c->clocksource));
}

/* Is w a whole word of the blank-separated list s? */
static bool tb_has_word(const char *s, const char *w)
{
	size_t n = strlen(w);
	const char *p = s;

	while (s != NULL && (p = strstr(p, w)) != NULL) {
		if ((p == s || isspace((unsigned char)p[-1]) || p[-1] == ':') &&
		    (p[n] == '\0' || isspace((unsigned char)p[n])))
			return true;
		p += n;
	}
	return false;
}

void timebase_tsc_verdict(const char *cpu_flags, const char *clocksources,
			  struct timebase_tsc_check *c)
{
	memset(c, 0, sizeof(*c));
	c->reliable = true;
	if (cpu_flags == NULL || clocksources == NULL)
		return;
	c->checked = true;
	c->constant = tb_has_word(cpu_flags, "constant_tsc");
	c->nonstop = tb_has_word(cpu_flags, "nonstop_tsc");
	c->kernel = tb_has_word(clocksources, "tsc");
	c->reliable = c->constant && c->nonstop && c->kernel;
}

void timebase_check_tsc(struct timebase_tsc_check *c)
{
#if defined(RTE_ARCH_X86)
	static char flags[8192];
	char list[256];
	const char *test = getenv("PTPSW_TEST_CLOCKSOURCES");
	const char *fl, *cs;

	fl = tb_read_line("/proc/cpuinfo", "flags", flags, sizeof(flags));
	if (test != NULL)
		cs = test;
	else
		cs = tb_read_line(TB_CS_DIR "available_clocksource", "", list,
				  sizeof(list));
	timebase_tsc_verdict(fl, cs, c);
	c->test = test != NULL;
#else
	timebase_tsc_verdict(NULL, NULL, c);
#endif
}

void timebase_rate_init(struct timebase_rate *r, clockid_t clock,
			double tol_ppm, const char *test_env)
{
	const char *t = test_env != NULL ? getenv(test_env) : NULL;

	memset(r, 0, sizeof(*r));
	r->clock = clock;
	r->tol_ppm = tol_ppm;
	if (t != NULL && *t != '\0')
		r->test_ppm = strtod(t, NULL);
	if (!isfinite(r->test_ppm) || fabs(r->test_ppm) > 1e5)
		r->test_ppm = 0;
}

void timebase_rate_add(struct timebase_rate *r, int64_t clk, uint64_t base)
{
	unsigned int old, prev;
	double db;

	if (r->n > 0) {
		/* the clock set: beyond any slew (a tenth) plus 1 ms */
		prev = (r->head + TIMEBASE_RATE_WIN - 1) % TIMEBASE_RATE_WIN;
		db = (double)(int64_t)(base - r->base[prev]);
		if (fabs((double)(clk - r->clk[prev]) - db) >
		    fabs(db) / 10 + 1e6) {
			r->steps++;
			r->n = 0;
		}
	}
	r->clk[r->head] = clk;
	r->base[r->head] = base;
	r->head = (r->head + 1) % TIMEBASE_RATE_WIN;
	if (r->n < TIMEBASE_RATE_WIN)
		r->n++;
	r->ppm = 0;
	r->span_s = 0;
	r->off = false;
	if (r->n < 2)
		return;
	old = (r->head + TIMEBASE_RATE_WIN - r->n) % TIMEBASE_RATE_WIN;
	db = (double)(base - r->base[old]);
	if (db <= 0)
		return;
	r->span_s = db / 1e9;
	r->ppm = ((double)(clk - r->clk[old]) / db - 1.0) * 1e6;
	r->off = fabs(r->ppm) > r->tol_ppm;
}

void timebase_rate_sample(struct timebase_rate *r)
{
	uint64_t tsc;
	int64_t clk;

	tb_pair_clock(r->clock, &tsc, &clk);
	if (r->test_ppm != 0) {
		if (r->n == 0 && r->steps == 0)
			r->test_clk0 = clk;
		clk = r->test_clk0 + (int64_t)llround(
			(double)(clk - r->test_clk0) * (1.0 + r->test_ppm * 1e-6));
	}
	timebase_rate_add(r, clk, timebase_from_tsc(tsc));
}
