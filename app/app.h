/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PTPSW_APP_APP_H
#define PTPSW_APP_APP_H

/*
 * The running switch: configuration, ports, workers and what they share.
 * One instance, owned by main.c; workers only read it except for their
 * own struct worker and the atomics documented below.
 */

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include <rte_log.h>

#include "conf/config.h"
#include "neigh.h"
#include "port.h"
#include "reload.h"
#include "sw/flap.h"
#include "sw/vswap.h"
#include "timebase.h"

#define APP_EXIT_OK	0
#define APP_EXIT_FAIL	1
#define APP_EXIT_CONFIG	2

extern int ptpsw_logtype;
#define PLOG(level, fmt, ...) \
	rte_log(RTE_LOG_ ## level, ptpsw_logtype, "ptpsw: " fmt "\n", \
		##__VA_ARGS__)

struct worker;
struct fdb;
struct rte_mempool;
struct rte_ring;
struct bc_runtime;

/* Per-ingress-port counters kept by the control lcore. */
struct app_ctl_stats {
	uint64_t bc_no_instance;	/* BC-domain PTP with no BC running */
	uint64_t local_rx;		/* frames for ptpsw's own addresses */
};

/* The mbuf pool's sizing and RX watch (pool.c); control lcore writes,
 * status and telemetry read. */
struct app_pool_state {
	bool sized_auto;		/* no `mbufs` key: sized from the ports */
	unsigned int need;		/* pool_need_total() */
	unsigned int need_running;	/* free needed once the ports started */
	unsigned int held_at_start;	/* in use once the ports started */
	bool short_at_start;		/* fewer free than need_running */
	bool rx_starved;		/* RX cannot get buffers (pool_watch) */
	bool low_prev;			/* previous sample under one burst */
	uint64_t starved_events;	/* times rx_starved was set */
	uint64_t rx_nombuf[CONF_MAX_PORTS];	/* rte_eth_stats, last read */
};

struct app {
	struct conf conf;
	struct rte_mempool *pool;
	unsigned int mbufs_start;	/* in use after start-up */
	struct app_pool_state pool_st;
	/* one CLOCK_REALTIME read's cost (hostclock_probe()); rt_ports: the
	 * ports that map kernel stamps through CLOCK_REALTIME */
	struct timebase_rt_cost rt_cost;
	unsigned int rt_ports;
	struct timebase_tsc_check tsc_check;	/* the same (hostclock_probe()) */
	struct timebase_rate tsc_rate;		/* hostclock_tick() */
	bool tsc_rate_warned;
	/* CLOCK_REALTIME's rate against the timebase, and the kernel's
	 * adjustments of it as adjtimex(2) read them (hostclock_tick()) */
	struct timebase_rate rt_rate;
	bool rt_rate_warned;
	long adj_tick;			/* us per tick (10000 at 100 Hz) */
	double adj_tick_ppm;		/* the tick's slew: (tick / nominal - 1) */
	double adj_freq_ppm;		/* ADJ_FREQUENCY */
	int meta_offset;		/* ptpsw_meta dynfield */
	unsigned int n_ports;
	struct app_port ports[CONF_MAX_PORTS];
	unsigned int n_workers;
	struct worker *workers[CONF_MAX_WORKERS];
	struct fdb *fdb;
	uint64_t fdb_aging_ns;
	struct flap_watch flap;		/* MAC moves (fdb_watch.c) */
	struct rte_ring *bc_ring;	/* BC-domain PTP -> control lcore */
	/* the TC's send warm-up (txstamp_warm_init()): not wanted at
	 * start, held, or wanted and not to be had */
	enum { APP_WARM_UNUSED, APP_WARM_OPEN, APP_WARM_FAILED } sendwarm;
	/* control lcore's copies of the current view's (workers read
	 * their own view) */
	uint8_t tc_domains[32];		/* bit per domain the TC corrects */
	uint8_t bc_domains[32];		/* bit per domain a BC terminates */
	uint64_t start_ns;		/* timebase at "forwarding" */
	struct app_ctl_stats ctl[CONF_MAX_PORTS];
	/* boundary clocks and own addresses (bc_runtime.h, neigh.h) */
	struct neigh_local local;	/* read by workers: local delivery */
	struct rte_ring *ctl_tx_ring;	/* control -> worker 0 TX (m->port) */
	struct bc_runtime *bcrt;	/* control lcore only */
	/* the fast path's configuration (sw/fwd_view.h), one reader per
	 * worker; replaced by a reload (reload.h) */
	struct vswap views;
	struct app_reload reload;	/* control lcore */
};

/* Set by signal handlers, read by every lcore. */
extern volatile sig_atomic_t app_quit;
extern volatile sig_atomic_t app_dump;

static inline bool app_bit(const uint8_t *bm, uint8_t d)
{
	return (bm[d >> 3] >> (d & 7)) & 1;
}

#endif /* PTPSW_APP_APP_H */
