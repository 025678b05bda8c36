/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PTPSW_APP_RTJUMP_H
#define PTPSW_APP_RTJUMP_H

/*
 * rtjump: CLOCK_REALTIME jumps, for people. Ports whose stamps are the
 * kernel's (af_packet, net_pcap) map CLOCK_REALTIME onto the timebase;
 * a jump of the system clock (ptp4l or phc2sys stepping it, NTP, date)
 * leaves that map wrong until the control lcore renews it (every
 * 100 ms). The RX lcore checks the map at every burst and gives a burst
 * it no longer fits the poll time instead (ts_rt_map_ok(),
 * pmd_glue/ts_source.h). This logs that once per port and second at
 * most, shows it in the status line for RTJUMP_SHOW_NS after the last
 * one, and in the dump and telemetry (ts_rx_map_stale).
 *
 * Test-only switch: with PTPSW_TEST_REALTIME_JUMP=FILE in the
 * environment, a FILE holding "NS COUNT" makes the control lcore move
 * every such map by NS after each of its next COUNT renewals, as if
 * CLOCK_REALTIME had jumped by NS each time (then FILE is removed). The
 * system clock is not touched.
 */

#include <stdio.h>

struct app;

/* At start, after the ports: what one CLOCK_REALTIME read costs here
 * (timebase_probe_rt()), into app->rt_cost. If that is slow (a system
 * call instead of the vDSO) and ports map kernel stamps through
 * CLOCK_REALTIME, one warning line: each of their RX bursts pays one
 * such read, and their maps are that much less certain. */
void rtjump_probe(struct app *app);

/* Banner and --check --probe: "system clock: ..." (one line). */
void rtjump_banner(const struct app *app, FILE *out);

/* The same: "timebase: TSC ..." (one line), whether the TSC is fit to
 * measure time with (timebase_check_tsc(), also in rtjump_probe(): one
 * warning line if it is not), and in the dump its rate while running. */
void rtjump_tsc_banner(const struct app *app, FILE *out);

#define RTJUMP_SHOW_NS	10000000000ULL	/* status line: 10 s */

/* After every map renewal (control lcore, 10 times a second): the test
 * switch. */
void rtjump_refresh(struct app *app);

/* Once a second (control lcore): one log line per port whose bursts met
 * a map that no longer held since the last line; the TSC's rate against
 * CLOCK_MONOTONIC_RAW (timebase_rate_sample()), one warning line when it
 * goes off, one when it is back. */
void rtjump_tick(struct app *app);

/* Status line: " REALTIME-JUMP (p0 p1)" while a port met one within
 * RTJUMP_SHOW_NS; " SLOW-REALTIME-READ (N ns)" while ports pay a slow
 * read per burst, " TSC-UNRELIABLE" (rtjump_probe()); " TSC-RATE (N ppm)"
 * while the TSC's rate is off (rtjump_tick()). */
void rtjump_line(const struct app *app, FILE *out);

#endif /* PTPSW_APP_RTJUMP_H */
