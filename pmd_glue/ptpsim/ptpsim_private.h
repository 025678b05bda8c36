/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PTPSW_PTPSIM_PRIVATE_H
#define PTPSW_PTPSIM_PRIVATE_H

/*
 * Inside net_ptpsim: the port and its simulated PHC, shared by the vdev
 * (ptpsim.c: RX/TX, ethdev ops, probe) and the clock (ptpsim_clock.c: true
 * time, PHC, latches, record logs, the test hooks of ptpsim.h).
 */

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include <rte_ether.h>
#include <rte_ring.h>
#include <rte_spinlock.h>

#include <ethdev_driver.h>

#include "ptpsim.h"

#define PTPSIM_FIFO_SIZE 1024
#define PTPSIM_NREC 256
#define PTPSIM_PTP_EVENT_PORT 319
#define PTPSIM_PTP_GENERAL_PORT 320
#define PTPSIM_PTP_HDR_LEN 34


/* Simulated PHC: phc(t) = phc_ref + (t - true_ref) * (1 + ppt * 1e-12). */
struct ptpsim_clock {
	uint32_t gen;			/* odd while written (seqlock) */
	uint64_t true_ref;
	int64_t phc_ref;
	int64_t ppt;			/* parts per 1e12 */
	rte_spinlock_t wlock;		/* writers only (control path) */
};

/* One-deep latch with a VALID bit. */
struct ptpsim_latch {
	int64_t phc;
	uint32_t full;
};

struct ptpsim_reclog {
	struct ptpsim_record rec[PTPSIM_NREC];
	uint32_t head;			/* next write index */
	uint32_t count;
};

struct ptpsim_cfg {
	char peer[RTE_ETH_NAME_MAX_LEN];
	char rxring[RTE_RING_NAMESIZE];
	char txring[RTE_RING_NAMESIZE];
	double ppm;
	int64_t offset_ns;
	uint64_t wire_ns;
	uint64_t rx_lat_ns;
	uint64_t tx_lat_ns;
	bool dynfield;
};

struct ptpsim_port;

struct ptpsim_queue {
	struct ptpsim_port *p;
	struct rte_mempool *mp;
};

struct ptpsim_port {
	struct ptpsim_cfg cfg;
	uint16_t port_id;
	bool closed;
	uint32_t enabled;		/* timesync enabled */
	struct ptpsim_clock clk;
	struct ptpsim_latch rx_latch;
	struct ptpsim_latch tx_latch;
	struct rte_ring *fifo;		/* frames from the peer, in flight */
	struct rte_mbuf *held;		/* dequeued but not yet arrived */
	struct rte_ring *rxring;	/* external, lazily looked up */
	struct rte_ring *txring;
	struct ptpsim_port *peer;	/* lazily resolved */
	struct ptpsim_queue rxq;
	struct ptpsim_queue txq;
	struct ptpsim_counters cnt;
	struct ptpsim_reclog rxlog;
	struct ptpsim_reclog txlog;
	struct rte_ether_addr mac;
};

/* PTP facts of one frame. */
struct ptpsim_ptp {
	bool is_ptp;
	bool event;
	uint8_t msg_type;
	uint8_t domain;
	uint16_t seq_id;
};


/* ptpsim.c: the net_ptpsim port of port_id, or NULL. */
struct ptpsim_port *ptpsim_port_of(uint16_t port_id);

/* ptpsim_clock.c */
/* The PHC of c at true time t. */
int64_t ptpsim_phc_at_true(struct ptpsim_clock *c, uint64_t t);
/* Re-anchor the clock at true time t with PHC value phc and rate ppt. */
void ptpsim_clk_set(struct ptpsim_clock *c, uint64_t t, int64_t phc,
		    int64_t ppt);
/* Step by delta (adjust), or set (write), or change rate, continuously. */
void ptpsim_clk_modify(struct ptpsim_clock *c, int64_t delta,
		       const int64_t *set_to, const int64_t *new_ppt);
/* ns (negative: 0) as a timespec. */
void ns_to_timespec(int64_t ns, struct timespec *ts);
/* Latch phc unless the latch is full. Returns true if latched. */
bool ptpsim_latch_put(struct ptpsim_latch *l, int64_t phc);
/* The PHC time latch holds into ts, counted in *reads; -EINVAL if it
 * holds none. */
int ptpsim_latch_read(struct ptpsim_latch *l, uint64_t *reads,
		      struct timespec *ts);
/* Append r to log (the oldest record goes when full). */
void ptpsim_log_add(struct ptpsim_reclog *log, const struct ptpsim_record *r);

#endif /* PTPSW_PTPSIM_PRIVATE_H */
