/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * counters: the tables of every stats struct the dump and telemetry show,
 * and their three printers. See counters.h.
 */

#include <inttypes.h>
#include <string.h>

#include <rte_common.h>
#include <rte_telemetry.h>

#include "app.h"
#include "bc_runtime.h"
#include "counters.h"
#include "mgmt_sock.h"
#include "neigh.h"
#include "sw/fdb.h"
#include "tc_hwtx.h"
#include "ts_source.h"
#include "worker.h"

#define CTR(type, field, key, label, line, help) \
	{ key, label, offsetof(type, field), \
	  sizeof(((type *)0)->field), line, help }
#define TABLE(var, name, rows) \
	const struct ctr_table var = { name, rows, RTE_DIM(rows) }

/* ---- per port, counted by the workers (app/worker.h) ---- */

#define P(f, key, label, line, help) \
	CTR(struct port_stats, f, key, label, line, help)
static const struct ctr port_rows[] = {
	P(rx_pkts, "rx_pkts", "rx", 0, "frames received"),
	P(rx_bytes, "rx_bytes", "rx-bytes", 0, "bytes received"),
	P(tx_pkts, "tx_pkts", "tx", 0, "frames sent from this port"),
	P(tx_bytes, "tx_bytes", "tx-bytes", 0, "bytes sent from this port"),
	P(flooded, "flooded", "flooded", 0,
	  "frames received here and flooded (unknown or multicast destination)"),
	P(ptp_rx, "ptp_rx", "rx", 1, "well-formed PTP received"),
	P(ptp_tx, "ptp_tx", "tx", 1, "TC-handled PTP copies sent (Sync, Delay_Req; Follow_Up, Delay_Resp when the TC may add to them)"),
	P(ptp_corrected, "ptp_corrected", "corrected", 1,
	  "PTP copies sent whose correctionField changed"),
	P(ptp_to_bc, "ptp_to_bc", "to-bc", 1,
	  "PTP of boundary-clock domains handed to the control lcore"),
};
TABLE(ctr_port, "ports", port_rows);

#define C(f, key, label, help) \
	CTR(struct app_ctl_stats, f, key, label, 0, help)
static const struct ctr ctl_rows[] = {
	C(bc_no_instance, "bc_no_instance", "bc_no_instance",
	  "boundary-clock-domain PTP with no instance to take it (dropped)"),
	C(local_rx, "local_rx", "local-rx",
	  "frames for ptpsw's own addresses"),
};
TABLE(ctr_ctl, "ports_ctl", ctl_rows);

#define W(f, key, help) \
	CTR(struct watchdog_counters, f, key, key, 0, help)
static const struct ctr watchdog_rows[] = {
	W(pdelay, "pdelay", "Pdelay messages (EP-05/24: not in this profile)"),
	W(negotiation, "negotiation",
	  "unicast negotiation Signaling (EP-14: not in this profile)"),
	W(alt_master, "alt_master", "alternate master flag set"),
	W(raw_ptp, "raw_l2", "PTP over raw Ethernet (not in this profile)"),
	W(tlv_malformed, "tlv_malformed",
	  "Signaling whose TLVs run past the message"),
};
TABLE(ctr_watchdog, "ports_watchdog", watchdog_rows);

/* ---- transparent clock (lib/tc/tc.h), summed over workers ---- */

#define T(f, key, label, line, help) \
	CTR(struct tc_stats, f, key, label, line, help)
static const struct ctr tc_rows[] = {
	T(corrected_sync, "corrected_sync", "sync", 0, "Syncs corrected"),
	T(corrected_delay_req, "corrected_delay_req", "delay_req", 0,
	  "Delay_Reqs corrected"),
	T(corrected_follow_up, "corrected_follow_up", "follow_up", 0,
	  "Follow_Ups corrected (two-step)"),
	T(corrected_delay_resp, "corrected_delay_resp", "delay_resp", 0,
	  "Delay_Resps corrected (two-step)"),
	T(pending_stored, "pending_stored", "stored", 1,
	  "residence times stored for their Follow_Up / Delay_Resp"),
	T(pending_in_use, "pending_in_use", "in-use", 1,
	  "pending entries in use now"),
	T(pending_evicted, "pending_evicted", "evicted", 1,
	  "pending table full: oldest entry dropped"),
	T(pending_unmatched, "pending_unmatched", "unmatched", 1,
	  "Follow_Up / Delay_Resp without a stored residence (uncorrected)"),
	T(pending_expired, "pending_expired", "expired", 1,
	  "stored residences whose general message never came"),
	T(ratio_rejected, "ratio_rejected", "ratio-rejected", 1,
	  "rate samples further than 500 ppm from 1, ignored"),
};
TABLE(ctr_tc, "tc", tc_rows);

#define TD(f, key, label, help) \
	CTR(struct tc_domain_stats, f, key, label, 0, help)
static const struct ctr tc_domain_rows[] = {
	TD(corrected, "corrected", "corrected",
	   "messages of the domain whose correctionField changed"),
	TD(sync_seen, "sync_seen", "sync-seen", "Syncs of the domain seen"),
};
TABLE(ctr_tc_domain, "tc_domains", tc_domain_rows);

#define F(f, help) CTR(struct fdb_stats, f, "fdb_" #f, #f, 0, help)
static const struct ctr fdb_rows[] = {
	F(entries, "MAC entries in use"),
	F(capacity, "MAC table size"),
	F(learned, "MACs learned"),
	F(moved, "MACs seen on another port"),
	F(full, "not learned: table full"),
};
TABLE(ctr_fdb, "info", fdb_rows);

#define WC(f, key, label, help) \
	CTR(struct worker_cache_stats, f, key, label, 0, help)
static const struct ctr wcache_rows[] = {
	WC(learn_misses, "learn_cache_misses", "learn-misses",
	   "source MACs the workers handed to the fdb: a new MAC, one on "
	   "another port, an active one every fdb aging/128 or after a "
	   "move in its fdb move slot"),
	WC(dest_lookups, "dest_lookups", "dest-lookups",
	   "destination MACs the workers looked up in the fdb: their "
	   "destination caches keep an answer for at most 100 us"),
};
TABLE(ctr_wcache, "info", wcache_rows);

/* ---- a port backend's TX stamps (pmd_glue/ts_source.h) ---- */

#define TX(f, help) CTR(struct ts_tx_stats, f, "ts_tx_" #f, #f, 0, help)
static const struct ctr ts_tx_rows[] = {
	TX(sent, "event messages sent for their TX stamp"),
	TX(stamped, "TX stamps taken (residence from the stamp)"),
	TX(timeout, "no stamp within 10 ms, or overtaken by a later one's"),
	TX(rejected, "stamp outside send..poll"),
	TX(refused, "sent the normal way: queue full, multi-segment, VLAN"),
	TX(unmatched, "a stamp of no message in flight"),
	TX(map_stale, "stamp off by a CLOCK_REALTIME jump: predicted egress, "
	   "not counted as missing"),
};
TABLE(ctr_ts_tx, "ports_ts_tx", ts_tx_rows);

/* ---- worker 0's owner of the ports' TX stamps (pmd_glue/tc_hwtx.h) ---- */

#define H(f, key, label, help) \
	CTR(struct tc_hwtx_stats, f, key, label, 0, help)
static const struct ctr hwtx_rows[] = {
	H(sent, "hwtx_sent", "sent",
	  "two-step event copies sent for a TX stamp"),
	H(stamped, "hwtx_stamped", "stamped",
	  "of those, residence from the TX stamp"),
	H(fallback, "hwtx_fallback", "fallback",
	  "of those, no stamp in time: residence from the predicted time"),
	H(lost, "hwtx_lost", "lost", "the backend could not send them"),
	H(busy, "hwtx_busy", "busy",
	  "stamp queue full: sent the normal way, predicted time"),
	H(held, "hwtx_held", "held", "Follow_Up / Delay_Resp held for a stamp"),
	H(released, "hwtx_released", "released",
	  "held and released with the stamp in"),
	H(hold_timeout, "hwtx_hold_timeout", "hold-timeout",
	  "held and released without it (20 ms)"),
	H(hold_full, "hwtx_hold_full", "hold-full", "hold queue full: not held"),
	H(foreign, "hwtx_bc_sent", "bc-sent",
	  "boundary-clock event messages sent for a TX stamp"),
	H(foreign_stamped, "hwtx_bc_stamped", "bc-stamped", "of those, stamped"),
	H(predicted, "hwtx_predicted", "predicted",
	  "not sent for a stamp: the port's TX stamps are lost"),
	H(onestep, "hwtx_onestep", "onestep",
	  "one-step event messages sent alone on a port with TX stamps"),
	H(onestep_stamped, "hwtx_onestep_stamped", "onestep-stamped",
	  "of those, stamped: a sample of the port's send latency"),
};
TABLE(ctr_tc_hwtx, "tc_hwtx", hwtx_rows);

/* ---- boundary clocks (lib/bc, app/bc_runtime.h) ---- */

#define BP(f, key, label, help) \
	CTR(struct bc_port_stats, f, key, label, 0, help)
static const struct ctr bc_port_rows[] = {
	BP(rx, "rx", "rx", "PTP messages received"),
	BP(tx, "tx", "tx", "PTP messages sent"),
	BP(tx_errors, "tx_errors", "tx-errors", "messages that could not be sent"),
	BP(announce_rx, "announce_rx", "announce", "Announces received"),
	BP(sync_rx, "sync_rx", "sync", "Syncs received"),
	BP(follow_up_rx, "follow_up_rx", "follow_up", "Follow_Ups received"),
	BP(delay_req_rx, "delay_req_rx", "delay_req", "Delay_Reqs received"),
	BP(delay_resp_rx, "delay_resp_rx", "delay_resp",
	   "Delay_Resps received"),
	BP(not_from_parent, "not_from_parent", "not-from-parent",
	   "Sync / Follow_Up / Delay_Resp not from the parent, ignored"),
	BP(unmatched, "unmatched", "unmatched",
	   "Follow_Up / Delay_Resp without its Sync / Delay_Req"),
	BP(resp_before_t3, "resp_before_t3", "resp-before-t3",
	   "Delay_Resps held for their Delay_Req's TX stamp"),
	BP(delay_resp_unicast, "delay_resp_unicast", "resp-unicast",
	   "Delay_Resps sent unicast (EP-07)"),
	BP(delay_resp_multicast, "delay_resp_multicast", "resp-multicast",
	   "Delay_Resps sent multicast (EP-07)"),
	BP(delay_resp_table, "delay_resp_table", "resp-table",
	   "unicast Delay_Resps to time_receivers entries (EP-15)"),
};
TABLE(ctr_bc_port, "bc_port_counters", bc_port_rows);

#define B(f, key, label, line, help) \
	CTR(struct bc_stats, f, key, label, line, help)
static const struct ctr bc_rows[] = {
	B(unicast_negotiation, "unicast_negotiation", "ignored-signaling", 0,
	  "negotiation Signaling ignored (EP-14)"),
	B(profile_violation, "profile_violation", "profile-violations", 0,
	  "Pdelay messages received (EP-05/24)"),
	B(signaling_other, "signaling_other", "other-signaling", 0,
	  "other Signaling"),
	B(management, "management", "management", 0,
	  "management messages (the management socket answers those)"),
	B(malformed, "malformed", "malformed", 0, "malformed messages"),
	B(bad_unused_ts, "bad_unused_ts", "bad-unused-ts", 0,
	  "unused originTimestamp with nanoseconds >= 1e9 (taken)"),
	B(wrong_sdo, "wrong_sdo", "other-sdo", 0,
	  "majorSdoId / minorSdoId not 0: ignored"),
	B(state_decisions, "state_decisions", "state-decisions", 1,
	  "BMCA runs"),
	B(state_changes, "state_changes", "state-changes", 1,
	  "port state changes"),
	B(servo_samples, "servo_samples", "servo-samples", 1,
	  "offset samples given to the servo"),
	B(servo_steps, "servo_steps", "steps", 1, "clock steps"),
	B(negative_delay, "negative_delay", "negative-delay", 1,
	  "negative path delays measured"),
	B(time_overflow, "time_overflow", "time-overflow", 1,
	  "offsets, delays or steps beyond 64-bit ns: ignored"),
	B(holdover_entered, "holdover_entered", "holdovers", 1,
	  "holdovers entered"),
	B(coasts, "coasts", "coasts", 1,
	  "Syncs stopped while locked: coasting on the servo's mean frequency"),
	B(utc_samples, "utc_samples", "utc-samples", 1,
	  "as grandmaster: CLOCK_REALTIME samples the clock followed"),
	B(utc_steps, "utc_steps", "utc-steps", 1,
	  "as grandmaster: steps onto CLOCK_REALTIME"),
	B(follow_lost, "follow_lost", "cannot-follow", 1,
	  "times the servo could not follow its parent or CLOCK_REALTIME "
	  "(at its frequency limit, or stepping before it settles)"),
};
TABLE(ctr_bc, "bc", bc_rows);

#define FT(f, key, label, help) \
	CTR(struct foreign_stats, f, key, label, 0, help)
static const struct ctr foreign_rows[] = {
	FT(not_acceptable, "rogue_rejected", "rogue-rejected",
	   "Announces refused by acceptable_time_transmitters (EP-17)"),
	FT(evicted, "foreign_evicted", "foreign-evicted",
	   "unqualified foreign records replaced (table of 8 per port full)"),
	FT(steps_removed, "steps_removed_255", "steps-removed-255",
	   "Announces with stepsRemoved >= 255, ignored"),
};
TABLE(ctr_foreign, "bc_foreign", foreign_rows);

#define R(f, key, label, help) \
	CTR(struct bc_runtime_stats, f, key, label, 0, help)
static const struct ctr bc_rt_rows[] = {
	R(rx, "rx", "rx", "frames given to the instance"),
	R(rx_wrong_transport, "rx_wrong_transport", "wrong-transport",
	  "PTP of the other IP version, refused"),
	R(rx_not_bc_port, "rx_not_bc_port", "not-bc-port",
	  "PTP on a port the instance does not use, refused"),
	R(rx_not_ours, "rx_not_ours", "not-ours",
	  "unicast PTP to an address not ours, refused"),
	R(tx, "tx", "tx", "frames built"),
	R(tx_ts, "tx_ts", "tx-ts", "TX timestamps handed back"),
	R(tx_ts_lost, "tx_ts_lost", "tx-ts-lost",
	  "no TX timestamp within 100 ms"),
	R(tx_unresolved, "tx_unresolved", "unresolved",
	  "not sent: neighbour unresolved"),
	R(tx_no_mbuf, "tx_no_mbuf", "no-mbuf", "not sent: no mbuf"),
	R(tx_ring_full, "tx_ring_full", "ring-full",
	  "not sent: control TX ring full"),
	R(tx_no_addr, "tx_no_addr", "no-addr",
	  "not sent: the port has no address of the transport"),
};
TABLE(ctr_bc_rt, "bc_runtime", bc_rt_rows);

/* ---- the control lcore's own traffic ---- */

#define N(f, label, line, help) \
	CTR(struct neigh_stats, f, #f, label, line, help)
static const struct ctr neigh_rows[] = {
	N(arp_request_rx, "arp-request-rx", 0, "ARP requests received"),
	N(arp_request_tx, "arp-request-tx", 0,
	  "ARP requests sent (resolving)"),
	N(arp_reply_rx, "arp-reply-rx", 0, "ARP replies received"),
	N(arp_reply_tx, "arp-reply-tx", 0, "ARP replies sent (answering)"),
	N(ns_rx, "ns-rx", 0, "Neighbor Solicitations received"),
	N(ns_tx, "ns-tx", 0, "Neighbor Solicitations sent (resolving)"),
	N(na_rx, "na-rx", 0, "Neighbor Advertisements received"),
	N(na_tx, "na-tx", 0, "Neighbor Advertisements sent (answering)"),
	N(learned, "learned", 1,
	  "address-to-MAC pairs learnt (ARP, NS, NA, gleaning; each time)"),
	N(gleaned, "gleaned", 1, "of those, from received PTP (gleaning)"),
	N(misses, "misses", 1, "frames to send whose neighbour was unresolved"),
	N(evicted, "evicted", 1, "entries replaced: cache full"),
	N(aged, "aged", 1, "entries dropped at the end of their lifetime"),
	N(malformed, "malformed", 1, "ARP / ICMPv6 ND failing a check"),
	N(not_ours, "not-ours", 1, "ARP / NS for someone else's address"),
	N(local_other, "local-other", 1,
	  "other frames to our port MACs, dropped"),
	N(tx_fail, "tx-fail", 1, "not sent: no mbuf or TX ring full"),
};
TABLE(ctr_neigh, "neigh", neigh_rows);

#define M(f, key, label, line, help) \
	CTR(struct mgmt_sock_stats, f, key, label, line, help)
static const struct ctr mgmt_rows[] = {
	M(rx, "management_rx", "rx", 0, "management datagrams received"),
	M(answered, "management_answered", "answered", 0,
	  "requests answered"),
	M(refused, "management_refused", "refused", 0,
	  "requests refused (SET, unknown domain): MANAGEMENT_ERROR_STATUS"),
	M(ignored, "management_ignored", "ignored", 0,
	  "requests needing no answer"),
	M(replies, "management_replies", "replies", 0, "messages sent"),
	M(malformed, "management_malformed", "malformed", 0,
	  "datagrams that are no management message"),
	M(no_peer, "management_no_peer", "no-peer", 1,
	  "requests from an unbound socket: cannot be answered"),
	M(send_errors, "management_send_errors", "send-errors", 1,
	  "replies that could not be sent"),
};
TABLE(ctr_mgmt, "info_management", mgmt_rows);

const struct ctr_table *const ctr_tables[] = {
	&ctr_port, &ctr_ctl, &ctr_watchdog, &ctr_tc, &ctr_tc_domain,
	&ctr_fdb, &ctr_wcache, &ctr_ts_tx, &ctr_tc_hwtx, &ctr_bc_port, &ctr_bc, &ctr_foreign,
	&ctr_bc_rt, &ctr_neigh, &ctr_mgmt,
};
const unsigned int ctr_n_tables = RTE_DIM(ctr_tables);

/* ---- the printers ---- */

uint64_t ctr_get(const struct ctr *c, const void *s)
{
	const char *p = (const char *)s + c->off;
	uint32_t v32;
	uint64_t v64;

	if (c->size == sizeof(v32)) {
		memcpy(&v32, p, sizeof(v32));
		return v32;
	}
	memcpy(&v64, p, sizeof(v64));
	return v64;
}

void ctr_sum(const struct ctr_table *t, void *sum, const void *s)
{
	unsigned int i;

	for (i = 0; i < t->n; i++) {
		const struct ctr *c = &t->row[i];
		char *p = (char *)sum + c->off;
		uint64_t v = ctr_get(c, sum) + ctr_get(c, s);
		uint32_t v32 = (uint32_t)v;

		if (c->size == sizeof(v32))
			memcpy(p, &v32, sizeof(v32));
		else
			memcpy(p, &v, sizeof(v));
	}
}

void ctr_dump(FILE *out, const struct ctr_table *t, int line, const void *s)
{
	unsigned int i;

	for (i = 0; i < t->n; i++)
		if (line == CTR_ALL || t->row[i].line == line)
			fprintf(out, " %s %" PRIu64, t->row[i].label,
				ctr_get(&t->row[i], s));
}

void ctr_tel(struct rte_tel_data *d, const struct ctr_table *t, const void *s)
{
	unsigned int i;

	for (i = 0; i < t->n; i++)
		rte_tel_data_add_dict_u64(d, t->row[i].key,
					  ctr_get(&t->row[i], s));
}
