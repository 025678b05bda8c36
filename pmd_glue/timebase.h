/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PTPSW_GLUE_TIMEBASE_H
#define PTPSW_GLUE_TIMEBASE_H

/*
 * The one common timebase of ptpsw: nanoseconds derived from the calibrated
 * TSC. Every port's timestamps (software, NIC clock, wall clock of a PMD)
 * are mapped onto it by an (offset, rate) estimate refreshed from periodic
 * cross-timestamps on the control lcore. The fast path only reads the
 * published maps (seqlock-free: each map is one struct written whole and
 * guarded by a generation counter).
 */

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

/* Calibrate: rte_get_tsc_hz() refined against CLOCK_MONOTONIC_RAW over
 * 100 ms (takes that long). Call once after EAL init.
 * Returns 0, or -1 if the TSC frequency is unknown. */
int timebase_init(void);

/* Now on the common timebase, ns (TSC since boot scaled; never wraps in
 * practice). Cheap: rdtsc + one 64x64->128 multiply. */
uint64_t timebase_now(void);
/* TSC ticks -> timebase ns. */
uint64_t timebase_from_tsc(uint64_t tsc);
/* TSC frequency used by the conversion, Hz (0 before timebase_init). */
uint64_t timebase_tsc_hz(void);

/*
 * A linear map from a foreign clock (ns or ticks) onto the timebase,
 * estimated from pairs (foreign, timebase) and tracking rate changes.
 * Pure arithmetic in pmd_glue/clockmap.c (no EAL: unit-testable alone).
 *
 * Estimator: exponentially weighted least squares (forgetting factor
 * 1 - 1/CLOCKMAP_WINDOW) over the pairs, kept as weighted means and
 * co-moments relative to the newest pair so doubles never hold large
 * absolute values. The published map is the fitted line evaluated at the
 * newest pair (foreign_ref, base_ref + base_frac) with slope rate: the
 * fitted line's value there is kept with its fraction of a ns, so mapping
 * rounds once, at the end (a residence from two mapped stamps is then off
 * by less than 1 ns, not 2). A pair whose
 * residual exceeds step_ns (a step of the foreign clock, e.g.
 * settimeofday) restarts the estimate at that pair, keeping the rate.
 * After an abrupt rate step the fit lags: the error decays like
 * (1 - 1/CLOCKMAP_WINDOW)^pairs (50 ppm step: about 100 ns after 128 pairs).
 *
 * Published fields (rate, foreign_ref, base_ref, base_frac) are written by
 * one writer
 * (the control lcore) under gen (odd while writing); readers on any lcore
 * retry while gen is odd or changed.
 */
#define CLOCKMAP_WINDOW 16
#define CLOCKMAP_STEP_NS 1000000	/* default step threshold: 1 ms */
/* The rate stays within nominal x (1 +- CLOCKMAP_MAX_DEV) (NIC oscillators
 * and CLOCK_REALTIME are within a few hundred ppm), and is re-estimated
 * only from pairs whose foreign values spread over CLOCKMAP_MIN_SPAN_NS
 * or more (pairs taken back to back carry only bracket noise). */
#define CLOCKMAP_MAX_DEV 1e-3
#define CLOCKMAP_MIN_SPAN_NS 1e6

struct clockmap {
	volatile uint32_t gen;		/* odd while being written */
	double rate;			/* timebase ns per foreign unit */
	int64_t foreign_ref;
	int64_t base_ref;
	double base_frac;		/* [0, 1) ns: the line is at base_ref + this */
	uint32_t samples;		/* pairs since the last (re)start */
	double last_resid_ns;		/* last pair minus prediction */
	/* estimator state (writer only) */
	double nominal_rate;
	int64_t step_ns;		/* restart when |residual| exceeds it */
	uint32_t steps;			/* restarts after the first pair */
	int64_t org_f, org_b;		/* origin: the newest pair */
	double w, mx, my, cxx, cxy;	/* weighted sums relative to origin */
};

/* Start an empty map with the given nominal rate (timebase ns per foreign
 * unit, e.g. 1000.0 for a clock in microseconds). Until the first pair,
 * clockmap_to_base() maps with that rate from 0. */
void clockmap_init(struct clockmap *m, double nominal_rate);
/* Add one cross-timestamp pair (control lcore). */
void clockmap_update(struct clockmap *m, int64_t foreign, int64_t base);
/* Map a foreign value onto the timebase (any lcore). Returns timebase ns. */
int64_t clockmap_to_base(const struct clockmap *m, int64_t foreign);

/*
 * Cross-timestamp: read(arg, &foreign) bracketed by two timebase reads,
 * tries times; the pair with the shortest bracket (the foreign value and
 * the bracket's midpoint) in *foreign and *base. Returns 0, read()'s
 * negative errno, or -EINVAL for tries < 1 (outputs unchanged then).
 * Control lcore only (the reads may be syscalls).
 */
int timebase_xts(int tries, int (*read)(void *arg, int64_t *foreign),
		 void *arg, int64_t *foreign, int64_t *base);
/* The same pair into clockmap_update(). Returns as timebase_xts (map
 * unchanged on an error). */
int timebase_xts_update(struct clockmap *m, int tries,
			int (*read)(void *arg, int64_t *foreign), void *arg);
/* A read() for timebase_xts_update: CLOCK_REALTIME in ns. */
int timebase_read_realtime(void *arg, int64_t *ns);
/* Inverse map: timebase ns -> foreign units. */
int64_t clockmap_from_base(const struct clockmap *m, int64_t base);
/* Has the map seen at least one pair? */
bool clockmap_valid(const struct clockmap *m);
/* Does the map still hold at the pair (foreign, base): within tol_ns?
 * (*err_ns: mapped foreign minus base.) A map without pairs holds. */
bool clockmap_holds(const struct clockmap *m, int64_t foreign, int64_t base,
		    int64_t tol_ns, int64_t *err_ns);
/* Test only (the writer): move the published map by ns on the timebase,
 * as if the foreign clock had jumped by ns; the next update restarts. */
void clockmap_shift(struct clockmap *m, int64_t ns);

/*
 * Does m, a map of CLOCK_REALTIME, still hold now? For a worker about to
 * map kernel stamps: CLOCK_REALTIME jumps (settimeofday, clock_settime:
 * ptp4l or phc2sys stepping the system clock, NTP, date) and the control
 * lcore renews the map only every 100 ms; meanwhile every stamp would be
 * mapped off by the jump. One CLOCK_REALTIME read (vDSO with the tsc or
 * kvm-clock clocksource: no syscall) and one timebase read after base0,
 * the caller's timebase read just before. Returns 1 if the map holds
 * within TIMEBASE_RT_TOL_NS, 0 if not (*err_ns: mapped realtime minus the
 * timebase), -1 if the reads were more than TIMEBASE_RT_BRACKET_NS apart
 * (preempted: no verdict).
 */
#define TIMEBASE_RT_TOL_NS	200000
#define TIMEBASE_RT_BRACKET_NS	50000
int timebase_rt_map_holds(const struct clockmap *m, uint64_t base0,
			  int64_t *err_ns);

/*
 * What one CLOCK_REALTIME read costs on this host, measured at start:
 * the kernel-stamp ports (af_packet, net_pcap) check their map with one
 * such read per RX burst (timebase_rt_map_holds()), and every map pair is
 * uncertain by half a read. A read through the vDSO (the tsc or kvm-clock
 * clocksource) takes tens of ns; one that falls back to a system call
 * (hpet, acpi_pm, vdso=0) hundreds. TIMEBASE_RT_PROBE_READS reads, each
 * timed with the TSC.
 */
#define TIMEBASE_RT_PROBE_READS	2001
#define TIMEBASE_RT_READ_SLOW_NS	200
struct timebase_rt_cost {
	uint32_t median_ns;
	uint32_t p99_ns;
	bool slow;			/* median above TIMEBASE_RT_READ_SLOW_NS */
	bool syscall;			/* measured through syscall(2): the test switch */
	char clocksource[32];		/* current_clocksource, or "unknown" */
};
/* After timebase_init(). Test-only switch: PTPSW_TEST_RT_SYSCALL=1 in the
 * environment times the system call path instead of the vDSO's, as on a
 * host whose clocksource has no vDSO read (the reads ptpsw then makes
 * are unchanged). */
void timebase_probe_rt(struct timebase_rt_cost *c);

/*
 * Whether the TSC that the timebase counts is fit to measure time with
 * (x86): the CPU says it ticks at a constant rate (constant_tsc) in every
 * power state (nonstop_tsc), and the kernel still offers it as a
 * clocksource (it takes tsc off that list when its own checks find it
 * unstable, e.g. out of step between sockets). timebase_tsc_verdict()
 * judges a cpuinfo flags line and an available_clocksource list (whole
 * words); timebase_check_tsc() reads them from /proc/cpuinfo and sysfs.
 * Test-only switch: PTPSW_TEST_CLOCKSOURCES=LIST in the environment
 * stands for the kernel's list.
 */
struct timebase_tsc_check {
	bool checked;			/* x86, and both read */
	bool constant;			/* constant_tsc */
	bool nonstop;			/* nonstop_tsc */
	bool kernel;			/* "tsc" among the kernel's clocksources */
	bool reliable;			/* all three (true where not checked) */
	bool test;			/* PTPSW_TEST_CLOCKSOURCES in use */
};
void timebase_tsc_verdict(const char *cpu_flags, const char *clocksources,
			  struct timebase_tsc_check *c);
void timebase_check_tsc(struct timebase_tsc_check *c);

/*
 * A clock of the kernel's against the timebase while running: the rate
 * of the oldest and newest of the last TIMEBASE_RATE_WIN pairs (the
 * control lcore adds one bracketed (clock, base) pair a second,
 * timebase_rate_sample()), as ppm of the clock over the timebase minus
 * 1, and off beyond the watch's tolerance. Two watches:
 *   - CLOCK_MONOTONIC_RAW (TIMEBASE_RATE_TOL_PPM): the TSC's rate. The
 *     timebase converts ticks with the frequency measured at start, so a
 *     TSC whose rate changes later (a VM moved to a host whose TSC runs
 *     at another rate, without TSC scaling) puts that error into every
 *     residence time and every clock map;
 *   - CLOCK_REALTIME (TIMEBASE_RT_RATE_TOL_PPM): the system clock, which
 *     the kernel's stamps are in and a boundary clock serving the host's
 *     time follows. The kernel's own discipline moves it by 500 ppm at
 *     most (ADJ_FREQUENCY, adjtime()); beyond that something moves it
 *     with the tick or in small steps (chrony, ntpd, a hypervisor's agent
 *     making up the time a paused, restored or migrated VM lost).
 * A pair that moved by more than a tenth of the elapsed time plus 1 ms
 * against the previous one (beyond any slew the tick allows: the clock
 * was set) restarts the window at that pair and counts a step.
 * Test-only switches, in the environment (name given to the init):
 * PTPSW_TEST_TSC_RATE_PPM=N, PTPSW_TEST_REALTIME_RATE_PPM=N make the
 * samples' clock run N ppm off (ptpsw's time is unchanged).
 */
#define TIMEBASE_RATE_WIN	10
#define TIMEBASE_RATE_TOL_PPM	200.0
#define TIMEBASE_RT_RATE_TOL_PPM	500.0
struct timebase_rate {
	int64_t clk[TIMEBASE_RATE_WIN];
	uint64_t base[TIMEBASE_RATE_WIN];
	unsigned int n;			/* pairs held, up to the window */
	unsigned int head;		/* where the next one goes */
	double ppm;			/* over the window (0 below 2 pairs) */
	double span_s;			/* the window's span */
	bool off;			/* |ppm| > tol_ppm */
	uint64_t steps;			/* pairs that restarted the window */
	clockid_t clock;		/* the watched clock */
	double tol_ppm;
	double test_ppm;		/* the test switch (0: none) */
	int64_t test_clk0;
};
void timebase_rate_init(struct timebase_rate *r, clockid_t clock,
			double tol_ppm, const char *test_env);
void timebase_rate_add(struct timebase_rate *r, int64_t clk, uint64_t base);
void timebase_rate_sample(struct timebase_rate *r);

#endif /* PTPSW_GLUE_TIMEBASE_H */
