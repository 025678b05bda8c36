/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PTPSW_APP_HOSTCLOCK_H
#define PTPSW_APP_HOSTCLOCK_H

/*
 * hostclock: what the host's clocks are fit for, measured rather than
 * assumed, and said where they fall short (one warning line, the status
 * line, telemetry /ptpsw/info, the banner and the dump; pmd_glue/
 * timebase.h does the measuring):
 *   - what one CLOCK_REALTIME read costs: the kernel-stamp ports
 *     (af_packet, net_pcap) make one per RX burst for their jump check
 *     (rtjump.h), a vDSO call only where the clocksource has one;
 *   - whether the TSC, which every timestamp is measured on, keeps time:
 *     constant_tsc, nonstop_tsc, tsc among the kernel's clocksources;
 *   - while running, the TSC's rate against CLOCK_MONOTONIC_RAW, and
 *     CLOCK_REALTIME's against the TSC (with adjtimex(2)'s tick and
 *     frequency).
 */

#include <stdio.h>

struct app;

/* At start, after the ports: the read cost into app->rt_cost, the TSC
 * check into app->tsc_check, the rate watches' first pairs; one warning
 * line for a slow read (with kernel-stamp ports) and one for a TSC that
 * may not keep time. */
void hostclock_probe(struct app *app);

/* Once a second (control lcore): the TSC's rate and CLOCK_REALTIME's;
 * for each, one warning line when it goes off, one NOTICE when it is
 * back. */
void hostclock_tick(struct app *app);

/* Banner, --check --probe and the dump: "system clock: ..." (one line;
 * a second with CLOCK_REALTIME's rate once the watch has two pairs). */
void hostclock_banner(const struct app *app, FILE *out);

/* The same: "timebase: TSC ..." (one line), with the rate in the dump. */
void hostclock_tsc_banner(const struct app *app, FILE *out);

/* Status line: " SLOW-REALTIME-READ (N ns)", " TSC-UNRELIABLE",
 * " TSC-RATE (N ppm)", " REALTIME-RATE (N ppm)" while each holds. */
void hostclock_line(const struct app *app, FILE *out);

#endif /* PTPSW_APP_HOSTCLOCK_H */
