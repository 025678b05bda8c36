/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PTPSW_APP_WORKER_H
#define PTPSW_APP_WORKER_H

/*
 * Worker lcore: the data plane. Polls the RX queue of the ports assigned
 * to it, classifies, learns, forwards (unicast or flood), runs the
 * transparent clock on PTP of TC domains and hands PTP of BC domains to
 * the control lcore. Owns one TX queue on every port and one tc instance.
 * Counters are per worker, per port, written only by the worker.
 */

#include <stdint.h>

#include <rte_common.h>
#include <rte_mbuf.h>

#include "conf/config.h"
#include "meta.h"
#include "net/frame.h"
#include "net/watchdog.h"
#include "sw/fwd_view.h"
#include "sw/learn.h"
#include "sw/memo.h"
#include "sw/dcache.h"
#include "tc/tc.h"

struct app;
struct tc_hwtx;
struct fwd_view;

/* Frames per rte_eth_rx_burst at most (the RX arrays' size), at most
 * WORKER_TXBUF (ptp_at's 64 bits). A worker takes WORKER_BURST on
 * hugepages and WORKER_BURST_4K on 4 KiB pages (struct worker.rx_burst):
 * in alternating timed runs of bench/forwarding, 64 was faster on
 * hugepages (and 9 / 13 fewer instructions per frame than 32 at 1 % /
 * 100 % PTP, callgrind), 32 faster with --no-huge, where more mbufs in
 * flight cost TLB misses. */
#define WORKER_BURST	64
#define WORKER_BURST_4K	32
#define WORKER_TXBUF	64

/* Drop reasons: indices below FRAME_E__COUNT are frame_err values. */
enum drop_reason {
	DROP_FILTERED = FRAME_E__COUNT,	/* destination is the ingress port */
	DROP_NO_DEST,			/* no other port up to flood to */
	DROP_PORT_DOWN,			/* known destination's link is down */
	DROP_NO_MBUF,			/* copy for a flooded PTP frame failed */
	DROP_TX_FULL,			/* PMD did not take it (egress port) */
	DROP_BC_RING_FULL,		/* control lcore not keeping up */
	DROP__COUNT
};

/* Name of a drop reason (static). */
const char *drop_reason_name(unsigned int r);

/* A Sync or Delay_Req frame_ptp_event() found, by domain (ev_path). */
enum ev_path {
	EV_GENERAL = FWD_EV_GENERAL,	/* a BC's, or the two-step TC's:
					 * handle_ptp() */
	EV_RUN_TC = FWD_EV_RUN_TC,	/* the one-step TC's: tc_run(), in
					 * the run if it can */
	EV_AS_IS = FWD_EV_AS_IS,	/* neither: switched as a plain frame,
					 * byte for byte */
};

struct port_stats {
	uint64_t rx_pkts, rx_bytes;
	uint64_t tx_pkts, tx_bytes;
	uint64_t ptp_rx;		/* well-formed PTP received */
	uint64_t ptp_tx;		/* TC-handled PTP copies sent */
	uint64_t ptp_corrected;		/* copies whose CF was changed */
	uint64_t ptp_to_bc;		/* handed to the control lcore */
	uint64_t flooded;		/* frames flooded (ingress) */
	uint64_t drop[DROP__COUNT];
} __rte_cache_aligned;

#define TXF_PTP	1u	/* a PTP frame the worker handled (metadata valid) */
#define TXF_TC	2u	/* call tc_egress() before sending */
#define TXF_NOHOLD 4u	/* released by tc_hwtx: do not hold it again */

/* What the TC needs of a queued copy: its classification as is (no
 * conversion at either end), ingress port and time. */
_Static_assert(WORKER_TXBUF <= 64, "a TX buffer's entries fit ptp_at");

struct tx_tc_info {
	struct frame_info fi;
	uint8_t in_port;
	uint64_t rx_ts;			/* timebase ns */
};

struct txbuf {
	uint16_t n;
	uint64_t ptp_at;		/* bit per entry flagged TXF_PTP */
	uint64_t bytes;			/* sum of their pkt_len */
	uint8_t flags[WORKER_TXBUF];
	struct rte_mbuf *pkts[WORKER_TXBUF];
	struct tx_tc_info tc[WORKER_TXBUF];	/* entries flagged TXF_TC */
};

/*
 * A burst's state in rx_port() (app/worker.c): the types are here for
 * struct worker, which holds them (struct burst_mem).
 */

/* The one-step TC messages of a burst's run, in order, for tc_run(). Only
 * the first n entries of ptp and rx are valid (not initialized). */
struct run_tc {
	uint8_t *ptp[WORKER_BURST];	/* PTP header (frame_ptp_event()) */
	uint64_t rx[WORKER_BURST];	/* with a stamp per frame only */
	const uint64_t *rx_at;		/* their RX times: rx, or */
	unsigned int rx_step;		/* 0: one for all (tc_run()) */
	uint64_t at;			/* bit per run entry that is one */
	uint16_t n;
};

/*
 * What the frames of one RX burst change as they go: the burst's run and
 * the destination memo resolved for the burst (sw/memo.h; the memo
 * itself is struct worker's, kept across bursts and read only on a
 * miss). Not in here: a field pair that gcc would carry in a vector
 * register (the memo's key and time did, at four instructions a frame).
 */
struct burst_regs {
	/* the burst's run: frames for one port, sent straight from the
	 * RX array (run[0..run_n-1], written over frames already handled)
	 * at the end of the burst, before that port's TX buffer */
	int run_out;		/* its port, RUN_NONE or RUN_CLOSED (worker.c) */
	unsigned int run_n;	/* not 16 bits: no zero-extension per frame */
	unsigned int run_port;		/* its port, also once closed */
	struct memo_fast fast;		/* struct worker's memo resolved for
					 * the burst */
	/* fast's key while fast's port is run_out (a frame to that MAC
	 * joins the run at once), else MEMO_FAST_NONE: run_key_sync() */
	uint64_t run_key;
	/* Floods of the frames that joined through run_key, counted at a
	 * change of fast and at the burst's end (run_key_settle()): those
	 * frames are run_n - key_base, as every other join moves key_base
	 * too (run_add_other()). */
	unsigned int key_base;
	uint32_t key_floods;
};

/* What a burst's frames share and nothing changes (rx_port()). */
struct burst_const {
	uint64_t now;
	uint64_t key_hi;		/* learn_key_hi() of now */
	struct memo_flood fl;		/* the link mask, where to flood */
	uint64_t *drop;			/* the ingress port's drop counters
					 * from DROP_FILTERED (memo_dest()) */
};

/* One burst: c and r (rx_frames() keeps copies in registers and hands r
 * over to handle_pkt() here), and the run's one-step TC messages. */
struct burst_ctx {
	struct burst_const c;
	struct burst_regs r;
	struct rte_mbuf **run;		/* the RX array */
	struct run_tc tc;		/* not in r: the loop keeps registers */
	uint16_t ptp_as_is;		/* PTP frames switched as plain */
	uint64_t rx_bytes;
};

/* rx_port()'s RX array, RX times and burst state. In struct worker (its
 * huge page, sw/hotmem.h), not on the lcore's stack: there, on 4 KiB
 * pages, the larger frame of 64-entry arrays cost about 3 % of the rate
 * with bursts of 32 (alternating runs, docs/performance.md). */
struct burst_mem {
	struct rte_mbuf *pkts[WORKER_BURST];
	uint64_t ts[WORKER_BURST];
	struct burst_ctx bc;
};

struct worker {
	unsigned int id;
	unsigned int lcore;
	uint16_t txq;
	uint16_t rx_burst;		/* frames per RX burst (WORKER_BURST*) */
	enum tc_mode tc_mode;		/* the TC's, for tc_in_place() */
	/* per domain, what rx_frames()'s loop does with a Sync or
	 * Delay_Req that frame_ptp_event() found (enum ev_path) */
	uint8_t ev_path[256];
	struct app *app;
	/* the configuration's fast-path part (sw/fwd_view.h), replaced at
	 * a burst boundary when a reload publishes a new generation */
	const struct fwd_view *view;
	uint64_t view_gen;		/* generation of view */
	uint64_t view_changes;		/* views taken over */
	uint64_t view_errors;		/* tc_reconfigure refused */
	struct tc *tc;
	/* TX stamps (tc_hwtx.h): worker 0 only, on the ports whose backend
	 * has them, for the two-step TC and the boundary clocks' event
	 * messages; NULL if none or neither uses them */
	struct tc_hwtx *hwtx;
	bool hwtx_tc;			/* the TC uses hwtx (two-step mode) */
	unsigned int n_rx;
	uint8_t rx_ports[CONF_MAX_PORTS];	/* conf port indices */
	uint64_t loops;
	uint64_t idle_sleep_ns;		/* worker_idle_sleep_us; 0: busy-poll */
	uint64_t idle_since;		/* timebase ns of the first empty loop */
	uint64_t idle_sleeps;		/* nanosleep calls */
	uint64_t last_expire_ns;
	uint32_t last_up;		/* link mask of the previous loop */
	unsigned int learn_shift;	/* learn epoch: ns >> learn_shift */
	uint64_t learn_refresh_ns;	/* learn_renew(): fdb aging / 128 */
	uint64_t learn_renewed;		/* epochs renewed without the fdb */
	uint64_t fdb_learn_calls;	/* MACs handed to the fdb */
	uint64_t fdb_lookup_calls;	/* destinations looked up in it */
	struct memo memo;		/* destination memo between bursts */
	uint64_t dcache_last;		/* fast key of the last dcache hit */
	struct burst_mem burst __rte_cache_aligned;	/* rx_port()'s */
	struct learn_set learn[LEARN_SETS] __rte_cache_aligned;
	/* the fdb's answers for many destinations (the memo's rules) */
	struct dcache dcache __rte_cache_aligned;
	struct txbuf tx[CONF_MAX_PORTS];
	struct port_stats stats[CONF_MAX_PORTS];
	/* profile watchdog (RFC 9760 forbidden options) per ingress port */
	struct watchdog_counters wd[CONF_MAX_PORTS];
	/* BC event messages sent through hwtx (worker 0) */
	uint64_t bc_ts_stamped;		/* stamp from the backend */
	uint64_t bc_ts_predicted;	/* backend had none: predicted time */
} __rte_cache_aligned;

/* Allocate a worker (sw/hotmem.h: a huge page) with its tc instance.
 * Returns NULL on failure. */
struct worker *worker_create(struct app *app, unsigned int id,
			     unsigned int lcore);
void worker_free(struct worker *w);

/* What the workers' caches in front of the fdb missed, summed over
 * workers (worker_cache_sum()). */
struct worker_cache_stats {
	uint64_t learn_misses;		/* source MACs handed to the fdb */
	uint64_t dest_lookups;		/* destinations looked up in it */
};

/* Sum of the cache counters of n workers into *out (overwritten). Reads
 * live counters (aligned 64-bit words). */
void worker_cache_sum(struct worker *const *ws, unsigned int n,
		      struct worker_cache_stats *out);

/* Sum of the watchdog counters of ingress port p over n workers into
 * *out (overwritten). Reads live counters (aligned 64-bit words). */
void worker_watchdog_sum(struct worker *const *ws, unsigned int n,
			 unsigned int p, struct watchdog_counters *out);

/* Take over the view of generation g that a reload published (the
 * worker's loop calls it at a burst boundary; worker_setup.c). */
void worker_view_adopt(struct worker *w, uint64_t g);

/* lcore entry point (arg: struct worker *). Returns 0 when app_quit. */
int worker_main(void *arg);

#endif /* PTPSW_APP_WORKER_H */
