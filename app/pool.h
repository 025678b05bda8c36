/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PTPSW_APP_POOL_H
#define PTPSW_APP_POOL_H

/*
 * The mbuf pool "ptpsw_mbufs": its size from what the ports, queues and
 * lcores hold (unless the `mbufs` key sets it), a check once the ports
 * have started, and a watch for RX running out of buffers.
 *
 * What the pool must hold, counted before the ports start:
 *	pmd_copies: frames a PMD keeps in the pool for good: net_pcap with
 *		    infinite_rx=1 copies its whole file at RX queue set-up;
 *	rx_desc:    the RX descriptors of every port (a NIC fills them);
 *	tx_desc:    the TX descriptors, one TX queue per worker per port;
 *	caches:     every lcore's mempool cache, full (1.5 x its size);
 *	workers:    one RX burst and a TX buffer per port, per worker;
 *	held:       TX-stamp holds (tc_hwtx), the BC and control rings.
 * After the ports started, tx_desc + caches + workers + held must be free.
 */

#include <stdint.h>
#include <stdio.h>

struct app;

#define POOL_NAME	"ptpsw_mbufs"
#define POOL_FLOOR	8192	/* smallest size the pool gets by default */

struct pool_need {
	unsigned int pmd_copies;
	unsigned int rx_desc;
	unsigned int tx_desc;
	unsigned int caches;
	unsigned int workers;
	unsigned int held;
};

/* Everything, and what must be free once the ports have started. */
unsigned int pool_need_total(const struct pool_need *n);
unsigned int pool_need_running(const struct pool_need *n);

/* Create app->pool: `mbufs` if set, else the larger of POOL_FLOOR and
 * what the configured ports need. Logs the size and how it was chosen.
 * Needs the workers (their count) and the BC ring. 0 or -1 (logged). */
int pool_create(struct app *app);

/* After every port started: enough free for running? Sized by ptpsw:
 * refuses (-1, one error line with the numbers). Sized by `mbufs`:
 * warns once (status line and telemetry show mbufs_short) and returns 0. */
int pool_check_started(struct app *app);

/* Before port idx is set up: will the copies its PMD keeps fit in what
 * is free? -1 (one error line naming the pool and the numbers) if not. */
int pool_port_fits(const struct app *app, unsigned int idx);

/* Control lcore, about once a second: RX out of buffers (rx_nombuf
 * growing, or the pool below one burst per worker twice in a row)?
 * One log line when that starts and one when it ends. */
void pool_watch(struct app *app);

/* Status line: " RX-NO-MBUFS (ptpsw_mbufs F/N free)" while RX is out
 * of buffers, " mbufs-short" if the pool started short, else nothing. */
void pool_line(const struct app *app, FILE *out);

/* The SIGUSR1 dump's "mbufs:" line. */
void pool_dump(const struct app *app, FILE *out);

/* rx_nombuf of every port, as last read by pool_watch(). */
uint64_t pool_rx_nombuf(const struct app *app);

#endif /* PTPSW_APP_POOL_H */
