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
#define TC_PENDING_MAX (1u << 20)	/* largest pending_entries accepted */

/*
 * Rate-ratio estimator (syntonize): per domain, one tracked time
 * transmitter (the sourcePortIdentity of the first Sync seen; another one
 * is adopted after TC_RATE_MASTER_TIMEOUT_NS of silence). The ratio is
 * (origin_n - origin_ref) / (ingress_n - ingress_ref) over a baseline of
 * at least TC_RATE_MIN_BASE_NS, kept between TC_RATE_WINDOW_NS and twice
 * that once running, smoothed over TC_RATE_SMOOTH samples. A sample further
 * than TC_RATE_MAX_DEV from 1.0 is rejected (counted); after
 * TC_RATE_MAX_REJECTS in a row (the time transmitter stepped its time) the
 * reference restarts, keeping the last estimate. At most one Sync per
 * TC_RATE_MIN_GAP_NS is sampled.
 */
#define TC_RATE_MAX_DEV 500e-6
#define TC_RATE_MIN_BASE_NS 1000000000LL
#define TC_RATE_WINDOW_NS 8000000000LL
#define TC_RATE_SMOOTH 8
#define TC_RATE_MAX_REJECTS 4
#define TC_RATE_MASTER_TIMEOUT_NS 5000000000LL
/* Syncs of the tracked time transmitter closer than this to the last one
 * sampled are not sampled (the profile's fastest Sync rate is 128/s;
 * bounds the estimator's cost under a Sync flood). */
#define TC_RATE_MIN_GAP_NS 1000000LL

enum tc_mode { TC_ONE_STEP = 0, TC_TWO_STEP };

/* Sync and Delay_Req: header and originTimestamp (tc_egress() needs it) */
#define TC_IN_PLACE_MIN_LEN	44

struct tc_params {
	enum tc_mode mode;
	bool syntonize;
	uint32_t pending_entries;	/* two-step table size, 1..TC_PENDING_MAX */
	int64_t pending_timeout_ns;	/* entries older than this are stale (> 0) */
	/* Wire time = rx_ts - ingress_latency = tx_ts + egress_latency.
	 * Ports >= TC_MAX_PORTS have no latency. */
	int32_t ingress_latency_ns[TC_MAX_PORTS];
	int32_t egress_latency_ns[TC_MAX_PORTS];
};

/* Residence times in ns (the rate ratio applied, latencies included;
 * rounded down to whole ns). min/max only mean something when n > 0;
 * sum_ns wraps after 2^63 ns of summed residence. A negative minimum says
 * the egress stamp came before the ingress stamp: latency settings larger
 * than the real path, or stamps from clocks the timebase does not map
 * well. */
struct tc_res_stats {
	uint64_t n;
	int64_t sum_ns;
	int64_t min_ns;
	int64_t max_ns;
};

/* Mean residence (n > 0). */
static inline int64_t tc_res_mean_ns(const struct tc_res_stats *r)
{
	return r->sum_ns / (int64_t)r->n;
}

/* Counters of one instance (monotonic). */
struct tc_domain_stats {
	uint64_t corrected;		/* messages whose CF was changed */
	uint64_t sync_seen;		/* Syncs given to tc_ingress() */
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
	/* per egress port: the residence times of the event messages sent
	 * (each TC copy of a Sync or Delay_Req once, corrected in place or
	 * stored for its Follow_Up / Delay_Resp) */
	struct tc_res_stats res[TC_MAX_PORTS];
	struct tc_domain_stats domain[256];
};

/* sum += s: counters added, residence extremes merged (rate_ratio is not
 * summed: take tc_rate_ratio() of one instance). */
void tc_stats_add(struct tc_stats *sum, const struct tc_stats *s);
/* a += b for one port's residence times. */
void tc_res_merge(struct tc_res_stats *a, const struct tc_res_stats *b);

struct tc;

/* Returns NULL on bad params or no memory. All memory is taken here. */
struct tc *tc_create(const struct tc_params *p);
/* Free tc (NULL is fine). */
void tc_free(struct tc *tc);

/*
 * New parameters for a running instance (its owner's thread, between two
 * messages: a configuration reload): mode, syntonize, the pending
 * timeout and the latencies change; the pending table, the rate
 * estimators and the counters are kept. Entries stored in two-step mode
 * are still matched or expire after a change to one-step. Returns 0, or
 * -1 (nothing changed) for bad params or a different pending_entries
 * (the table's size is fixed by tc_create()).
 */
int tc_reconfigure(struct tc *tc, const struct tc_params *p);

/* Whether the TC does anything with a message of type at ingress
 * (tc_ingress()) or egress (tc_egress() and the paths like it): Sync,
 * Delay_Req, Follow_Up and Delay_Resp. Any other message (Pdelay_*,
 * Announce, Signaling, Management) is forwarded as it is. */
static inline bool tc_handles(uint8_t type)
{
	return type == PTP_SYNC || type == PTP_DELAY_REQ ||
	       type == PTP_FOLLOW_UP || type == PTP_DELAY_RESP;
}

/* Whether tc_egress() and the paths like it leave every Follow_Up and
 * Delay_Resp as it is, counting nothing: one-step mode with no residence
 * stored (from two-step mode before a reload) to add to one. Their
 * ingress work (tc_ingress(): a Follow_Up feeds the rate estimator) is
 * still to be done. */
bool tc_general_passes(const struct tc *tc);

/* tc_ingress() for a Sync or Follow_Up (out of line). */
void tc_ingress_msg(struct tc *tc, const uint8_t *buf, size_t len,
		    const struct frame_info *fi, uint16_t in_port, tmv_t rx_ts);

/*
 * A PTP frame of a TC domain arrived on in_port at rx_ts.
 * Feeds the per-domain rate-ratio estimator (Sync / Follow_Up).
 * Never modifies buf. Inline: other messages return at once.
 */
static inline void tc_ingress(struct tc *tc, const uint8_t *buf, size_t len,
			      const struct frame_info *fi, uint16_t in_port,
			      tmv_t rx_ts)
{
	if (fi != NULL && fi->cls == FRAME_PTP &&
	    (fi->ptp_type == PTP_SYNC || fi->ptp_type == PTP_FOLLOW_UP))
		tc_ingress_msg(tc, buf, len, fi, in_port, rx_ts);
}

/*
 * Egress: the contract of the three paths.
 *
 * One copy of a frame leaves on out_port at tx_ts (its egress time, on the
 * timebase of rx_ts, taken just before transmission). Three entry points
 * do the same thing to it, for callers that know more or less about it:
 *
 *   tc_egress()           any frame, any mode: the reference.
 *   tc_egress_in_place()  one message that tc_in_place() accepts, without
 *                         reading its headers again.
 *   tc_run()              a run of one-step event messages, all from one
 *                         in_port to one out_port at one tx_ts.
 *
 * For the same messages in the same order, all three leave the same bytes
 * in the frame (correctionField + residence, UDP checksum kept valid) and
 * the same counters in tc_get_stats(): corrected_<type>, the domain's
 * corrected, and the out_port's residence statistics (res[], rounded down
 * to whole ns). test_tc and fuzz_tc check that they agree; a change to one
 * is a change to all three. tc_egress_choose() is the choice between the
 * first two for one frame (tc_in_place()), the call the worker's TX
 * buffer and fuzz_tc make.
 *
 * What tc_egress() does, by message type:
 * - Sync and Delay_Req in one-step mode, and a one-step Sync in two-step
 *   mode: the residence (tc_residence()) is added to the copy's
 *   correctionField at once (tc_in_place() says which).
 * - Other Syncs and Delay_Reqs in two-step mode: the residence is stored
 *   for the matching Follow_Up / Delay_Resp; buf is not modified.
 * - Follow_Up / Delay_Resp in two-step mode (or whenever entries are
 *   pending): the stored residence, if any, is added and the entry freed;
 *   none is counted in pending_unmatched. A Follow_Up matches a Sync entry
 *   with the same domain, sourcePortIdentity and sequenceId, the same
 *   in_port and out_port; a Delay_Resp matches the Delay_Req entry whose
 *   sourcePortIdentity is its requestingPortIdentity, same domain and
 *   sequenceId, with the ports swapped (it travels the other way).
 * - Other messages (Announce, Signaling, Management, Pdelay_*) are never
 *   touched (EP-25).
 * tc_ingress() of the frame comes before its egress (tc_run() calls it
 * itself). Only correctionField and the UDP checksum are ever written.
 */

/*
 * fi must come from frame_classify() of this buffer; a frame_info that
 * does not fit buf/len is ignored.
 * Returns true if buf was modified (checksum already fixed).
 */
bool tc_egress(struct tc *tc, uint8_t *buf, size_t len,
	       const struct frame_info *fi, uint16_t in_port,
	       uint16_t out_port, tmv_t rx_ts, tmv_t tx_ts);

/*
 * tc_in_place(), from the frame_info alone: true if tc_egress() would
 * correct this message in place at once: a Sync or Delay_Req in one-step
 * mode, a one-step Sync in two-step mode (the rest is stored or matched:
 * tc_egress()).
 */
static inline bool tc_in_place(enum tc_mode mode, const struct frame_info *fi)
{
	if (fi->cls != FRAME_PTP || fi->ptp_len < TC_IN_PLACE_MIN_LEN)
		return false;
	if (mode == TC_ONE_STEP)
		return fi->ptp_type == PTP_SYNC ||
		       fi->ptp_type == PTP_DELAY_REQ;
	return fi->ptp_type == PTP_SYNC && !(fi->flags & FRAME_F_TWO_STEP);
}

/*
 * The worker's per-message path, for a message tc_in_place() accepted.
 * fi must be frame_classify()'s for these bytes (then the correctionField
 * lies in whole words of the UDP datagram: frame_cf_in_place_ok); for any
 * other fi it stays within buf[0..len) but the UDP checksum may come out
 * wrong. Returns false (frame untouched) for a message tc_in_place()
 * refuses or one that does not fit in len; true once corrected.
 */
bool tc_egress_in_place(struct tc *tc, uint8_t *buf, size_t len,
			const struct frame_info *fi, uint16_t in_port,
			uint16_t out_port, tmv_t rx_ts, tmv_t tx_ts);

/*
 * One copy's egress as the worker's TX buffer makes it: by
 * tc_egress_in_place() where tc_in_place() accepts the message (no second
 * read of its headers), else by tc_egress(). mode must be tc's own (the
 * caller keeps a copy of it); fi as for tc_egress(). Returns what
 * tc_egress() would.
 */
static inline bool tc_egress_choose(struct tc *tc, enum tc_mode mode,
				    uint8_t *buf, size_t len,
				    const struct frame_info *fi,
				    uint16_t in_port, uint16_t out_port,
				    tmv_t rx_ts, tmv_t tx_ts)
{
	if (tc_in_place(mode, fi))
		return tc_egress_in_place(tc, buf, len, fi, in_port, out_port,
					  rx_ts, tx_ts);
	return tc_egress(tc, buf, len, fi, in_port, out_port, rx_ts, tx_ts);
}

/*
 * The worker's burst run: n event messages that frame_ptp_event() found
 * (ptp[k]: each one's PTP header), all received on in_port at
 * rx_ns[k * rx_step] (rx_step 1: a time per message; 0: one time for all,
 * a port with one stamp per burst) and leaving on out_port at tx_ts. In
 * order, each gets tc_ingress() (a Sync feeds the rate estimator) and
 * then what tc_egress_in_place() would give it with the frame_info
 * frame_classify() makes of it; the latencies and the residence
 * statistics are taken once per call. One-step mode only (the caller's
 * choice; nothing is stored). Returns the number corrected (n).
 */
unsigned int tc_run(struct tc *tc, uint16_t in_port, uint16_t out_port,
		    tmv_t tx_ts, uint8_t *const *ptp, const uint64_t *rx_ns,
		    unsigned int rx_step, unsigned int n);

/*
 * Residence for an event message whose egress time is only known after
 * sending (hardware TX timestamp). Stores it for the matching general
 * message like two-step mode does (two-step Sync and Delay_Req only: a
 * one-step Sync has no Follow_Up). buf is not modified.
 * Returns the residence (also when not stored), 0 for other messages.
 */
ptp_cf_t tc_event_sent(struct tc *tc, const uint8_t *buf, size_t len,
		       const struct frame_info *fi, uint16_t in_port,
		       uint16_t out_port, tmv_t rx_ts, tmv_t tx_ts);

/* Residence in correctionField units, latencies and rate ratio applied:
 * ((tx_ts + egress_latency[out]) - (rx_ts - ingress_latency[in])) x ratio. */
ptp_cf_t tc_residence(const struct tc *tc, uint8_t domain, uint16_t in_port,
		      uint16_t out_port, tmv_t rx_ts, tmv_t tx_ts);

/* Expire pending entries stored more than pending_timeout_ns before now
 * (call from a timer, not per packet: it scans the table). */
void tc_expire(struct tc *tc, tmv_t now);

/* Counters of tc (live: the pointer stays valid until tc_free). */
const struct tc_stats *tc_get_stats(const struct tc *tc);
/* Current rate ratio estimate of domain (GM rate / ours), 1.0 if unknown
 * or syntonize is off. */
double tc_rate_ratio(const struct tc *tc, uint8_t domain);
/* The time transmitter whose Syncs the rate estimate of domain follows:
 * its sourcePortIdentity (10 octets) into id; false (id untouched) if
 * none is tracked. One is adopted by its first Sync while none is
 * tracked, or once the tracked one sent no Sync for
 * TC_RATE_MASTER_TIMEOUT_NS. */
bool tc_rate_source(const struct tc *tc, uint8_t domain, uint8_t id[10]);

#endif /* PTPSW_TC_TC_H */
