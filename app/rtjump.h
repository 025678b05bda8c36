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

#define RTJUMP_SHOW_NS	10000000000ULL	/* status line: 10 s */

/* After every map renewal (control lcore, 10 times a second): the test
 * switch. */
void rtjump_refresh(struct app *app);

/* Once a second (control lcore): one log line per port whose bursts met
 * a map that no longer held since the last line. */
void rtjump_tick(struct app *app);

/* Status line: " REALTIME-JUMP (p0 p1)" while a port met one within
 * RTJUMP_SHOW_NS. */
void rtjump_line(const struct app *app, FILE *out);

#endif /* PTPSW_APP_RTJUMP_H */
