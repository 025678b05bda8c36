/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PTPSW_TC_TC_H
#define PTPSW_TC_TC_H

/*
 * End-to-end transparent clock logic (IEEE 1588-2019 10.2, 11.5; RFC 9760
 * EP-20/21/25), on plain byte buffers: no EAL, no allocation after
 * tc_create(). One instance per worker lcore; nothing in it is shared.
 *
 * The caller classifies each frame (frame_classify), calls tc_ingress() once
 * per received PTP frame of a TC domain, and tc_egress() once per copy it
 * sends, with that copy's egress port and egress timestamp taken just before
 * transmission. Both timestamps are on the one common timebase (ns).
 */

#include <stdbool.h>
#include <stdint.h>

#include "net/frame.h"
#include "ptp/msg.h"
#include "ptp/ptp_time.h"

#define TC_MAX_PORTS 16

enum tc_mode { TC_ONE_STEP = 0, TC_TWO_STEP };

struct tc_params {
	enum tc_mode mode;
	bool syntonize;
	uint32_t pending_entries;	/* two-step table size (> 0) */
	int64_t pending_timeout_ns;	/* entries older than this are stale */
	int32_t ingress_latency_ns[TC_MAX_PORTS];
	int32_t egress_latency_ns[TC_MAX_PORTS];
};

/* Counters of one instance (monotonic). */
struct tc_domain_stats {
	uint64_t corrected;		/* messages whose CF was changed */
	uint64_t sync_seen;
	double rate_ratio;		/* current estimate, 1.0 if unknown */
};

struct tc_stats {
	uint64_t corrected_sync;
	uint64_t corrected_delay_req;
	uint64_t corrected_follow_up;
	uint64_t corrected_delay_resp;
	uint64_t pending_stored;
	uint64_t pending_evicted;	/* table full: oldest entry dropped */
	uint64_t pending_expired;
	uint64_t pending_unmatched;	/* Follow_Up/Delay_Resp with no entry */
	uint64_t ratio_rejected;	/* implausible rate samples ignored */
	uint32_t pending_in_use;
	struct tc_domain_stats domain[256];
};

struct tc;

/* Returns NULL on bad params or no memory. */
struct tc *tc_create(const struct tc_params *p);
void tc_free(struct tc *tc);

/*
 * A PTP frame of a TC domain arrived on in_port at rx_ts.
 * Feeds the per-domain rate-ratio estimator (Sync / Follow_Up).
 * Never modifies buf.
 */
void tc_ingress(struct tc *tc, const uint8_t *buf, size_t len,
		const struct frame_info *fi, uint16_t in_port, tmv_t rx_ts);

/*
 * One copy of the frame leaves on out_port at tx_ts.
 * Event messages: one-step mode (and one-step Sync in two-step mode):
 * residence is added to the copy's correctionField; two-step mode: the
 * residence is stored for the matching Follow_Up / Delay_Resp.
 * Follow_Up / Delay_Resp in two-step mode: the stored residence, if any,
 * is added. Other messages are not touched (EP-25).
 * Returns true if buf was modified (checksum already fixed).
 */
bool tc_egress(struct tc *tc, uint8_t *buf, size_t len,
	       const struct frame_info *fi, uint16_t in_port,
	       uint16_t out_port, tmv_t rx_ts, tmv_t tx_ts);

/*
 * Residence for an event message whose egress time is only known after
 * sending (hardware TX timestamp). Stores it for the matching general
 * message like two-step mode does. Returns the residence stored.
 */
ptp_cf_t tc_event_sent(struct tc *tc, const uint8_t *buf, size_t len,
		       const struct frame_info *fi, uint16_t in_port,
		       uint16_t out_port, tmv_t rx_ts, tmv_t tx_ts);

/* Residence in correctionField units, latencies and rate ratio applied. */
ptp_cf_t tc_residence(const struct tc *tc, uint8_t domain, uint16_t in_port,
		      uint16_t out_port, tmv_t rx_ts, tmv_t tx_ts);

/* Expire stale pending entries (call from a timer, not per packet). */
void tc_expire(struct tc *tc, tmv_t now);

const struct tc_stats *tc_get_stats(const struct tc *tc);
double tc_rate_ratio(const struct tc *tc, uint8_t domain);

#endif /* PTPSW_TC_TC_H */
