/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PTPSW_PTPSIM_H
#define PTPSW_PTPSIM_H

/*
 * net_ptpsim: a TEST-ONLY virtual Ethernet device with a simulated PTP
 * hardware clock (PHC) and Intel-like one-deep timestamp latches.
 *
 * Devargs (all optional):
 *   peer=NAME       back-to-back cable to another net_ptpsim port
 *   rxring=NAME     receive what is enqueued on rte_ring NAME (no latency)
 *   txring=NAME     send into rte_ring NAME instead of a peer
 *   ppm=X           PHC frequency error against true time (may be fractional)
 *   offset_ns=N     PHC - true time at probe
 *   wire_ns=N       cable delay from this port's wire to the peer's wire
 *   rx_lat_ns=N     wire -> RX timestamp point (stamp is this much late)
 *   tx_lat_ns=N     TX timestamp point -> wire (stamp is this much early)
 *   dynfield=1      also put PHC ns into the RX timestamp mbuf dynfield of
 *                   every received packet (ice-like)
 *
 * Time model: "true time" is a free-running ns clock (host TSC by default,
 * or the function given to ptpsim_set_time_source()). Each port's PHC is
 *   phc(t) = phc_ref + (t - true_ref) * (1 + ppm * 1e-6)   (rounded)
 * A frame handed to tx_burst at true time t is stamped at t (TX timestamp
 * point), leaves the wire at t + tx_lat_ns, reaches the peer's wire at
 * t + tx_lat_ns + wire_ns and the peer's RX timestamp point rx_lat_ns later;
 * the peer's rx_burst returns it from then on.
 *
 * Latches: the RX latch holds the PHC time of the last received PTP event
 * message (UDP port 319 over IPv4/IPv6, or EtherType 0x88F7, optionally
 * behind one VLAN tag) and is not overwritten until read; the mbuf that was
 * latched carries RTE_MBUF_F_RX_IEEE1588_TMST (every PTP frame carries
 * RTE_MBUF_F_RX_IEEE1588_PTP). A frame sent with RTE_MBUF_F_TX_IEEE1588_TMST
 * latches its TX stamp if the TX latch is empty; otherwise the stamp is lost
 * and counted. Latching happens only while timesync is enabled.
 */

#include <stdbool.h>
#include <stdint.h>

#define PTPSIM_DRIVER_NAME "net_ptpsim"

/* Source of true time in ns. Must be monotonic. */
typedef uint64_t (*ptpsim_time_fn)(void);

/*
 * Replace the true-time source of every port (NULL: back to the TSC).
 * Ports keep their PHC value continuous across the switch.
 */
void ptpsim_set_time_source(ptpsim_time_fn fn);

/* True time now, ns, from the current source. */
uint64_t ptpsim_true_now(void);

/* One timestamped (or timestampable) event frame seen by the simulator. */
struct ptpsim_record {
	uint8_t msg_type;	/* PTP messageType (low nibble) */
	uint8_t domain;
	uint16_t seq_id;
	bool latched;		/* its stamp went into the one-deep latch */
	uint64_t true_stamp_ns;	/* true time at the timestamp point */
	uint64_t true_wire_ns;	/* true time at the wire (reference plane) */
	uint64_t phc_ns;	/* PHC at the timestamp point */
};

/* Counters of one port (monotonic). */
struct ptpsim_counters {
	uint64_t rx_pkts;
	uint64_t rx_ptp;		/* PTP frames seen (event or general) */
	uint64_t rx_latched;		/* RX stamps put into the latch */
	uint64_t rx_latch_busy;		/* event frame not stamped: latch full */
	uint64_t rx_latch_read;
	uint64_t tx_pkts;
	uint64_t tx_tmst_req;		/* frames sent with TX_IEEE1588_TMST */
	uint64_t tx_latched;
	uint64_t tx_latch_lost;		/* TMST request while latch was full */
	uint64_t tx_latch_read;
	uint64_t tx_dropped;		/* no peer/ring or peer queue full */
};

/* Counters of port_id. Returns 0, or -ENODEV if it is not a ptpsim port. */
int ptpsim_get_counters(uint16_t port_id, struct ptpsim_counters *c);

/*
 * Latest record of an event frame with this messageType and sequenceId
 * received (rx = true) or sent (rx = false) on port_id.
 * Returns 0, -ENOENT if none is remembered (the last 256 are), -ENODEV.
 */
int ptpsim_find_record(uint16_t port_id, bool rx, uint8_t msg_type,
		       uint16_t seq_id, struct ptpsim_record *rec);

/* The last event frame received on port_id. Returns 0, -ENOENT, -ENODEV. */
int ptpsim_last_rx(uint16_t port_id, struct ptpsim_record *rec);
/* The last event frame sent on port_id. Returns 0, -ENOENT, -ENODEV. */
int ptpsim_last_tx(uint16_t port_id, struct ptpsim_record *rec);

/* Read true time and the port's PHC at the same instant. 0 or -ENODEV. */
int ptpsim_read(uint16_t port_id, uint64_t *true_ns, uint64_t *phc_ns);

/* PHC of port_id at a given true time (no side effect). 0 or -ENODEV. */
int ptpsim_phc_at(uint16_t port_id, uint64_t true_ns, uint64_t *phc_ns);

/*
 * Step the PHC frequency error to ppm from now on (the PHC stays
 * continuous). Returns 0 or -ENODEV.
 */
int ptpsim_set_ppm(uint16_t port_id, double ppm);

/* Byte offset of the RX timestamp dynfield, or -1 if not registered. */
int ptpsim_dynfield_offset(void);

#endif /* PTPSW_PTPSIM_H */
