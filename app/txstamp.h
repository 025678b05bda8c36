/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PTPSW_APP_TXSTAMP_H
#define PTPSW_APP_TXSTAMP_H

/*
 * txstamp: what each port's TX stamps really do, for people. The start-up
 * self-test's verdict (ts_source rx_desc / tx_desc), and while running
 * the health tc_hwtx keeps per port: "stamped", "lost" (promised stamps
 * stopped coming: predicted egress until they come back), "predicted"
 * (the port has none) or "unused" (nothing on the port wants them).
 * The control lcore logs each transition once (txstamp_tick); the status
 * line, the SIGUSR1 dump and telemetry show the state.
 *
 * Test-only switch: with PTPSW_TEST_TX_STAMPS_OFF=FILE in the
 * environment, every port drops the TX stamps it reads while FILE exists
 * (checked once a second), so tests can make stamps stop and come back.
 */

#include <stdio.h>

#include <rte_telemetry.h>

struct app;

/* At start, after the ports' self-tests: a TC whose ports warm their
 * stamped sends (ts_source tx_prepare: af_packet) gets the private
 * loopback for it (pmd_glue/sendwarm.h); one warning line if it cannot
 * be had. txstamp_warm_fini() releases it. */
void txstamp_warm_init(struct app *app);
void txstamp_warm_fini(struct app *app);

/* Banner: the warm-up's line (a TC with such ports only). */
void txstamp_warm_banner(const struct app *app, FILE *out);

/* Once a second on the control lcore: the test switch, and one log
 * line per transition of a port's TX stamps. */
void txstamp_tick(struct app *app);

/* "stamped", "lost", "predicted" or "unused" for port p. */
const char *txstamp_state(const struct app *app, unsigned int p);

/* Status line: " tx-stamps-lost NAME,NAME" if any port's are lost;
 * " no-send-warmup" if the send warm-up could not be had. */
void txstamp_line(const struct app *app, FILE *out);

/* SIGUSR1 dump: the port's stamp lines. */
void txstamp_dump_port(const struct app *app, unsigned int p, FILE *out);

/* SIGUSR1 dump: the "tc: tx-stamps" line (worker 0's tc_hwtx), if any. */
void txstamp_dump_tc(const struct app *app, FILE *out);

/* Telemetry: tc_hwtx's counters (hwtx_*) into /ptpsw/tc's dict d. */
void txstamp_tel_tc(const struct app *app, struct rte_tel_data *d);

/* Telemetry: the port's stamp fields, into its dict d. */
void txstamp_tel_port(const struct app *app, unsigned int p,
		      struct rte_tel_data *d);

#endif /* PTPSW_APP_TXSTAMP_H */
