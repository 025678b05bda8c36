/* SPDX-License-Identifier: BSD-3-Clause */
/* What the host's clocks are fit for: CLOCK_REALTIME's read cost, the
 * TSC at start and while running (hostclock.h). */

#include <stdio.h>

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

static void tsc_probe(struct app *app)
{
	const struct timebase_tsc_check *t = &app->tsc_check;

	timebase_check_tsc(&app->tsc_check);
	timebase_rate_init(&app->tsc_rate);
	timebase_rate_sample(&app->tsc_rate);
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

void hostclock_tick(struct app *app)
{
	struct timebase_rate *r = &app->tsc_rate;

	timebase_rate_sample(r);
	if (r->off && !app->tsc_rate_warned) {
		app->tsc_rate_warned = true;
		PLOG(WARNING, "the TSC runs %+.0f ppm off CLOCK_MONOTONIC_RAW "
		     "over the last %.0f s%s, but the timebase converts it "
		     "with the frequency measured at start (%.6f MHz): every "
		     "residence time and clock map is off by as much (a VM "
		     "moved to a host whose TSC runs at another rate?); "
		     "restarting ptpsw measures it again (docs/operations.md)",
		     r->ppm, r->span_s, r->test_ppm != 0 ? " (the raw clock "
		     "moved by PTPSW_TEST_TSC_RATE_PPM)" : "",
		     (double)timebase_tsc_hz() / 1e6);
	} else if (!r->off && app->tsc_rate_warned && r->n == TIMEBASE_RATE_WIN) {
		app->tsc_rate_warned = false;
		PLOG(NOTICE, "the TSC's rate agrees with CLOCK_MONOTONIC_RAW "
		     "again: %+.3f ppm over the last %.0f s", r->ppm,
		     r->span_s);
	}
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
}
