/* SPDX-License-Identifier: BSD-3-Clause */
/* What the host's clocks are fit for: CLOCK_REALTIME's read cost, the
 * TSC at start and while running, CLOCK_REALTIME's rate while running
 * (hostclock.h). */

#include <inttypes.h>
#include <stdio.h>
#include <sys/timex.h>
#include <unistd.h>

#include "app.h"
#include "hostclock.h"
#include "timebase.h"
#include "ts_source.h"

static bool rt_mapped(struct app_port *ap)
{
	return ap->ts.ops != NULL && ap->ts.ops->rt_map != NULL &&
	       ap->ts.ops->rt_map(&ap->ts) != NULL;
}

static const char *yes_no(bool b)
{
	return b ? "yes" : "NO";
}

/* The kernel's adjustments of CLOCK_REALTIME (adjtimex(2) reading
 * them: modes 0). The tick's nominal length is 1e6 / USER_HZ us. */
static void adj_read(struct app *app)
{
	struct timex tx = { .modes = 0 };
	long hz = sysconf(_SC_CLK_TCK);

	if (adjtimex(&tx) < 0)
		return;
	app->adj_tick = tx.tick;
	app->adj_tick_ppm = hz > 0 ? ((double)tx.tick * (double)hz / 1e6 -
				      1.0) * 1e6 : 0;
	app->adj_freq_ppm = (double)tx.freq / 65536.0;
}

static void tsc_probe(struct app *app)
{
	const struct timebase_tsc_check *t = &app->tsc_check;

	timebase_check_tsc(&app->tsc_check);
	timebase_rate_init(&app->tsc_rate, CLOCK_MONOTONIC_RAW,
			   TIMEBASE_RATE_TOL_PPM, "PTPSW_TEST_TSC_RATE_PPM");
	timebase_rate_sample(&app->tsc_rate);
	timebase_rate_init(&app->rt_rate, CLOCK_REALTIME,
			   TIMEBASE_RT_RATE_TOL_PPM,
			   "PTPSW_TEST_REALTIME_RATE_PPM");
	timebase_rate_sample(&app->rt_rate);
	adj_read(app);
	if (t->reliable)
		return;
	PLOG(WARNING, "the TSC, which every timestamp and residence time is "
	     "measured on, may not keep time here: constant_tsc %s, "
	     "nonstop_tsc %s, among the kernel's clocksources %s%s; a TSC "
	     "that changes its rate or stops with the CPU's power state, or "
	     "that the kernel found out of step between CPUs, puts errors "
	     "into every correction and into the boundary clocks' time "
	     "(docs/operations.md)", yes_no(t->constant), yes_no(t->nonstop),
	     yes_no(t->kernel), t->test ? " (the list from "
	     "PTPSW_TEST_CLOCKSOURCES)" : "");
}

void hostclock_probe(struct app *app)
{
	const struct timebase_rt_cost *c = &app->rt_cost;
	char names[128] = "";
	unsigned int p;
	size_t n = 0;

	tsc_probe(app);
	timebase_probe_rt(&app->rt_cost);
	app->rt_ports = 0;
	for (p = 0; p < app->n_ports; p++) {
		if (!rt_mapped(&app->ports[p]))
			continue;
		app->rt_ports++;
		if (n < sizeof(names))
			n += (size_t)snprintf(names + n, sizeof(names) - n,
					      "%s%s", n ? " " : "",
					      app->ports[p].conf->name);
	}
	if (!c->slow || app->rt_ports == 0)
		return;
	PLOG(WARNING, "one CLOCK_REALTIME read takes %u ns here (median, "
	     "p99 %u ns; clocksource %s%s), where a vDSO read takes tens of "
	     "ns: each RX burst of the ports whose kernel stamps map through "
	     "it (%s) pays one such read for its jump check, and each of "
	     "their map pairs is uncertain by half a read; a clocksource "
	     "with a vDSO read (tsc, kvm-clock) avoids this "
	     "(docs/operations.md)", c->median_ns, c->p99_ns,
	     c->clocksource, c->syscall ? ", timed through syscall(2) by "
	     "PTPSW_TEST_RT_SYSCALL" : "", names);
}

void hostclock_banner(const struct app *app, FILE *out)
{
	const struct timebase_rt_cost *c = &app->rt_cost;

	fprintf(out, "system clock: CLOCK_REALTIME read %u ns (median, p99 "
		"%u ns), clocksource %s%s; %u of %u ports map kernel stamps "
		"through it%s\n", c->median_ns, c->p99_ns, c->clocksource,
		c->syscall ? " (test: system call timed)" : "",
		app->rt_ports, app->n_ports,
		c->slow && app->rt_ports ? ": SLOW, one such read per RX burst"
					  : "");
	if (app->rt_rate.n >= 2 || app->rt_rate.steps)
		fprintf(out, "system clock: CLOCK_REALTIME rate against the "
			"TSC %+.3f ppm over %.0f s%s, %" PRIu64 " step(s) seen; "
			"adjtimex tick %ld us (%+.0f ppm), frequency %+.3f ppm\n",
			app->rt_rate.ppm, app->rt_rate.span_s,
			app->rt_rate.off ? " (OFF)" : "", app->rt_rate.steps,
			app->adj_tick, app->adj_tick_ppm, app->adj_freq_ppm);
}

void hostclock_tsc_banner(const struct app *app, FILE *out)
{
	const struct timebase_tsc_check *t = &app->tsc_check;

	if (!t->checked) {
		fprintf(out, "timebase: TSC %.6f MHz, not checked on this "
			"architecture\n", (double)timebase_tsc_hz() / 1e6);
		return;
	}
	fprintf(out, "timebase: TSC %.6f MHz; constant_tsc %s, nonstop_tsc "
		"%s, among the kernel's clocksources %s%s: %s",
		(double)timebase_tsc_hz() / 1e6, yes_no(t->constant),
		yes_no(t->nonstop), yes_no(t->kernel),
		t->test ? " (test list)" : "",
		t->reliable ? "reliable" : "UNRELIABLE");
	if (app->tsc_rate.n >= 2)
		fprintf(out, "; rate against CLOCK_MONOTONIC_RAW %+.3f ppm over "
			"%.0f s%s", app->tsc_rate.ppm, app->tsc_rate.span_s,
			app->tsc_rate.off ? " (OFF)" : "");
	fputc('\n', out);
}

/* A rate watch's edges: 1 when it goes off (*warned set), -1 when it is
 * back over a whole window (cleared), else 0. */
static int rate_edge(const struct timebase_rate *r, bool *warned)
{
	if (r->off && !*warned) {
		*warned = true;
		return 1;
	}
	if (!r->off && *warned && r->n == TIMEBASE_RATE_WIN) {
		*warned = false;
		return -1;
	}
	return 0;
}

/* CLOCK_REALTIME's rate: one warning line when it goes beyond what the
 * kernel's own discipline slews, one NOTICE when it is back. */
static void rt_rate_tick(struct app *app)
{
	struct timebase_rate *r = &app->rt_rate;
	int edge;

	timebase_rate_sample(r);
	adj_read(app);
	edge = rate_edge(r, &app->rt_rate_warned);
	if (edge > 0) {
		PLOG(WARNING, "CLOCK_REALTIME runs %+.0f ppm against the TSC "
		     "over the last %.0f s%s (adjtimex: tick %ld us, %+.0f "
		     "ppm; frequency %+.3f ppm): something moves the system "
		     "clock faster than the kernel's own discipline does "
		     "(500 ppm at most), with the tick or in small steps: a "
		     "time daemon making up a large offset, or a "
		     "hypervisor's agent making up the time a paused, "
		     "restored or migrated VM lost. "
		     "The kernel's stamps are in that clock (each port's map "
		     "follows it; REALTIME-JUMP where it moves between "
		     "renewals), and a boundary clock serving CLOCK_REALTIME "
		     "follows it at most 900 ppm (docs/operations.md)",
		     r->ppm, r->span_s, r->test_ppm != 0 ? " (moved by "
		     "PTPSW_TEST_REALTIME_RATE_PPM)" : "", app->adj_tick,
		     app->adj_tick_ppm, app->adj_freq_ppm);
	} else if (edge < 0) {
		PLOG(NOTICE, "CLOCK_REALTIME runs with the TSC again: %+.3f "
		     "ppm over the last %.0f s", r->ppm, r->span_s);
	}
}

void hostclock_tick(struct app *app)
{
	struct timebase_rate *r = &app->tsc_rate;
	int edge;

	timebase_rate_sample(r);
	edge = rate_edge(r, &app->tsc_rate_warned);
	if (edge > 0) {
		PLOG(WARNING, "the TSC runs %+.0f ppm off CLOCK_MONOTONIC_RAW "
		     "over the last %.0f s%s, but the timebase converts it "
		     "with the frequency measured at start (%.6f MHz): every "
		     "residence time and clock map is off by as much (a VM "
		     "moved to a host whose TSC runs at another rate?); "
		     "restarting ptpsw measures it again (docs/operations.md)",
		     r->ppm, r->span_s, r->test_ppm != 0 ? " (the raw clock "
		     "moved by PTPSW_TEST_TSC_RATE_PPM)" : "",
		     (double)timebase_tsc_hz() / 1e6);
	} else if (edge < 0) {
		PLOG(NOTICE, "the TSC's rate agrees with CLOCK_MONOTONIC_RAW "
		     "again: %+.3f ppm over the last %.0f s", r->ppm,
		     r->span_s);
	}
	rt_rate_tick(app);
}

void hostclock_line(const struct app *app, FILE *out)
{
	if (app->rt_cost.slow && app->rt_ports)
		fprintf(out, " SLOW-REALTIME-READ (%u ns)",
			app->rt_cost.median_ns);
	if (!app->tsc_check.reliable)
		fputs(" TSC-UNRELIABLE", out);
	if (app->tsc_rate_warned)
		fprintf(out, " TSC-RATE (%+.0f ppm)", app->tsc_rate.ppm);
	if (app->rt_rate_warned)
		fprintf(out, " REALTIME-RATE (%+.0f ppm)", app->rt_rate.ppm);
}
