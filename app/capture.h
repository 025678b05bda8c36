/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PTPSW_APP_CAPTURE_H
#define PTPSW_APP_CAPTURE_H

/*
 * Live capture: DPDK's packet-capture framework (librte_pdump), so that
 * `dpdk-dumpcap` or `dpdk-pdump`, started as secondary processes, copy a
 * port's traffic into a pcapng while ptpsw runs. The secondary process
 * asks over EAL's multi-process channel; the copies are made by RX/TX
 * callbacks on the workers only while a capture runs.
 *
 * Needs EAL multi-process: a primary started without --no-shconf (and,
 * for a secondary to map its memory, without --no-huge). Otherwise
 * capture is simply unavailable (logged at start-up).
 */

#include <stdbool.h>

/*
 * Initialise the capture server (after rte_eal_init, before the ports
 * carry traffic). Returns 0 if captures can attach, -1 if not (the
 * reason is logged; ptpsw runs on without capture).
 */
int capture_init(void);

/* Is the capture server running? */
bool capture_enabled(void);

/* Stop the capture server (before rte_eal_cleanup). */
void capture_fini(void);

#endif /* PTPSW_APP_CAPTURE_H */
