/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PTPSW_APP_CONTROL_H
#define PTPSW_APP_CONTROL_H

/*
 * Control lcore: sleeps 10 ms between rounds (1 ms while boundary clocks
 * run; the machine's other core belongs to the kernel and the PTP peers)
 * and runs the timers: boundary clocks (bc_runtime.h), link poll
 * (1 s), MAC aging (1 s), timestamp-source cross-timestamps (100 ms),
 * status line (status_interval_ms), SIGUSR1 dump, and drains the BC ring.
 */

struct app;

/* Run until app_quit is set. Returns 0. */
int control_run(struct app *app);

/* Take every mbuf off the BC ring and give it to the BC hook (control
 * lcore only; also used at shutdown). Returns how many were taken. */
unsigned int control_drain_bc(struct app *app);

#endif /* PTPSW_APP_CONTROL_H */
