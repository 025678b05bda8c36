/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PTPSW_BC_BC_H
#define PTPSW_BC_BC_H

/*
 * One boundary clock instance for one PTP domain (EP-08, EP-22): the
 * datasets of IEEE 1588-2019 8.2 (defaultDS, currentDS, parentDS,
 * timePropertiesDS, a portDS per port), the foreign tables, the BMCA, the
 * port state machines, the E2E delay measurement, a PI servo and a software
 * clock over the free-running timebase.
 *
 * Pure protocol logic: no EAL, no I/O, no allocation. The caller owns the
 * struct bc (it must not move after bc_init: the foreign tables point into
 * it), feeds it
 *	- every PTP message of the domain received on one of its ports with
 *	  bc_rx() (with the RX timestamp and the IP source address),
 *	- the TX timestamps of the event messages it sent, bc_tx_timestamp(),
 *	- the time, bc_tick(), often enough (a few ms) for the timers,
 * and transmits what the instance hands to ops->send().
 * All times given to and taken from this API are on the common timebase
 * (ns); the domain's time is bc_time().
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bc/bmca.h"
#include "bc/dclock.h"
#include "bc/foreign.h"
#include "bc/fsm.h"
#include "bc/servo.h"
#include "conf/config.h"
#include "ptp/msg.h"
#include "ptp/ptp_time.h"

#define BC_MAX_PORTS		CONF_MAX_BC_PORTS
#define BC_DELAY_FILTER	10	/* path delay median over this many */
#define BC_TX_BUF		128
#define BC_HOLDOVER_CLASS	187	/* may be a timeReceiver, see bc.c */
#define BC_HOLDOVER_S		300	/* default holdover time */
#define BC_COAST_GAPS		2	/* see struct bc, coasting */
#define BC_LOG_UNSPECIFIED	0x7F

/* One message to transmit. buf is valid during the send() call only. */
struct bc_tx {
	unsigned int port;	/* index in the instance, 0 .. n_ports-1 */
	const uint8_t *buf;
	size_t len;
	uint8_t type;		/* enum ptp_msg_type */
	uint16_t seq;		/* sequenceId */
	bool event;		/* UDP 319, else 320 */
	bool unicast;		/* false: 224.0.1.129 / FF0X::181 (EP-06) */
	uint8_t mcast_scope;	/* IPv6 multicast: X of FF0X::181, 0: the
				 * instance's ipv6_multicast_scope */
	struct bc_addr dst;	/* destination when unicast */
	bool want_ts;		/* report the TX timestamp with bc_tx_timestamp() */
};

struct bc_ops {
	/* Queue tx for transmission. Returns 0 or a negative errno (counted).
	 * Must not call back into the instance. */
	int (*send)(void *arg, const struct bc_tx *tx);
};

/* Metadata of a received message. */
struct bc_rx {
	tmv_t ts;		/* RX timestamp (event) or receipt time, timebase */
	struct bc_addr src;	/* IP source address */
	bool dst_multicast;	/* sent to the PTP multicast address */
	uint8_t mcast_scope;	/* IPv6: X of the FF0X::181 it came on, or 0 */
};

struct bc_port_stats {
	uint64_t rx, tx, tx_errors;
	uint64_t announce_rx, sync_rx, follow_up_rx, delay_req_rx, delay_resp_rx;
	uint64_t not_from_parent;	/* Sync/Follow_Up/Delay_Resp ignored */
	uint64_t unmatched;		/* Follow_Up / Delay_Resp without partner */
	uint64_t delay_resp_unicast, delay_resp_multicast, delay_resp_table;
	uint64_t resp_before_t3;	/* Delay_Resp held for its TX timestamp */
};

struct bc_stats {
	uint64_t malformed, wrong_domain, own_messages;
	uint64_t wrong_sdo;		/* majorSdoId/minorSdoId not 0 (other SDO) */
	uint64_t bad_unused_ts;		/* nanoseconds >= 1e9 in a timestamp
					 * not used (Announce, two-step Sync,
					 * Delay_Req): taken all the same */
	uint64_t profile_violation;	/* Pdelay received (EP-05/24) */
	uint64_t unicast_negotiation;	/* ignored Signaling (EP-14) */
	uint64_t signaling_other, management;
	uint64_t state_decisions, state_changes;
	uint64_t servo_samples, servo_steps, negative_delay;
	uint64_t time_overflow;		/* offset or delay beyond int64 ns:
					 * sample ignored */
	uint64_t holdover_entered;
	uint64_t utc_samples, utc_steps;	/* bc_track_utc() */
	uint64_t coasts;		/* Syncs stopped: coasting on the mean */
	uint64_t follow_lost;		/* a servo stopped following its
					 * reference (bc_follow()) */
};

struct bc_port {
	enum fsm_state state;
	struct ptp_port_identity id;	/* portDS.portIdentity */
	struct foreign_table ft;
	tmv_t next_announce, next_sync, next_delay_req;
	tmv_t listen_deadline;		/* LISTENING announce receipt timeout */
	tmv_t qual_deadline;		/* PRE_MASTER qualification */
	uint16_t seq_announce, seq_sync, seq_delay_req;
	struct {
		bool valid, complete, two_step;
		uint16_t seq;
		tmv_t t1, t2;		/* domain times */
		tmv_t base;		/* RX timestamp on the timebase */
		ptp_cf_t cf;		/* Sync (+ Follow_Up) correction */
	} sync;
	struct {
		bool pending, have_t3;
		bool have_resp;		/* Delay_Resp came before t3 */
		uint16_t seq;
		tmv_t sent;		/* when the pending one was sent */
		tmv_t t3, t4;
		ptp_cf_t resp_cf;
	} dreq;
	struct { bool pending; uint16_t seq; } sync_tx;
	/* the timeTransmitter's minimum Delay_Req interval (the
	 * logMessageInterval of its Delay_Resp, 1588-2019 7.7.2.4) */
	bool have_master_dreq_log;
	int8_t master_dreq_log;
	/* EP-13 held this port back from PRE_MASTER/MASTER at its last state
	 * change: no current UTC offset (bc_utc_valid() false) */
	bool ep13_held;
	/* the port hears Announces (qualified or not yet) of a grandmaster
	 * better than the one this clock announces: it stays LISTENING rather
	 * than announce over it (e.g. in holdover after lost Announces) */
	bool faces_better;
	struct bc_port_stats stats;
};

struct bc {
	struct conf_bc cfg;
	const struct bc_ops *ops;
	void *arg;
	unsigned int n_ports;
	struct bc_port port[BC_MAX_PORTS];
	struct {			/* defaultDS */
		struct ptp_clock_identity clockIdentity;
		struct ptp_clock_quality clockQuality;
		uint8_t priority1, priority2, domainNumber;
		bool slaveOnly, twoStep;
	} dds;
	struct {			/* currentDS */
		uint16_t stepsRemoved;
		tmv_t offsetFromMaster, meanPathDelay;
		bool have_delay;
		/* meanPathDelay is the median of the last BC_DELAY_FILTER
		 * measurements (as ptp4l's delay_filter): a software stamp
		 * late by a descheduled poller spoils one, not the mean */
		int64_t dfilt[BC_DELAY_FILTER];
		unsigned int dfilt_n, dfilt_i;
	} cur;
	struct {			/* parentDS */
		struct ptp_port_identity parentPortIdentity;
		struct ptp_clock_identity grandmasterIdentity;
		struct ptp_clock_quality grandmasterClockQuality;
		uint8_t grandmasterPriority1, grandmasterPriority2;
	} parent;
	struct {			/* timePropertiesDS */
		int16_t currentUtcOffset;
		bool currentUtcOffsetValid, leap59, leap61;
		bool timeTraceable, frequencyTraceable, ptpTimescale;
		uint8_t timeSource;
	} tp;
	int slave_port;			/* port in UNCALIBRATED/SLAVE, or -1 */
	bool holdover;
	tmv_t holdover_until, holdover_len;
	bool was_locked;		/* servo locked since the parent was chosen */
	/* the domain clock was steered onto a parent's time: it serves that
	 * time (and its timescale) from now on, as grandmaster and in holdover
	 * too, until another parent's time replaces it */
	bool time_from_parent;
	/* the last servo sample, the gap before it; coasting: no sample for
	 * BC_COAST_GAPS gaps (at least that many Sync intervals), so the
	 * clock runs on the servo's mean frequency (as in holdover) until
	 * samples come back or the Announce timeout says holdover */
	tmv_t last_sample, sample_gap;
	bool coasting;
	tmv_t next_decision;
	tmv_t now;			/* last time seen */
	uint64_t rng;			/* xorshift64 state (Delay_Req spacing) */
	struct servo servo;
	struct servo utc_servo;		/* bc_track_utc(): the host's UTC */
	struct dclock clock;
	struct bc_stats stats;
	uint8_t txbuf[BC_TX_BUF];
};

/*
 * Initialise bc for cfg (copied) with the clock identity id, at timebase
 * time now; the domain clock starts at now (the caller may dclock_step()).
 * Ports start in INITIALIZING and are moved to LISTENING. portNumber of
 * port index i is i + 1. Returns 0, or -1 for an invalid configuration
 * (no ports, too many ports, intervals outside the profile's range, bad
 * servo gains).
 */
int bc_init(struct bc *bc, const struct conf_bc *cfg,
	    const struct ptp_clock_identity *id, const struct bc_ops *ops,
	    void *arg, tmv_t now);

/*
 * A message of len bytes received on port index port. Parses and validates
 * it (malformed input is counted and dropped), then handles it.
 * Returns 0 if the message was used, a negative enum ptp_err for malformed
 * input, or 1 when it was valid but ignored (wrong domain, own message,
 * profile violation, not from the parent, ...; each is counted).
 */
int bc_rx(struct bc *bc, unsigned int port, const uint8_t *buf, size_t len,
	  const struct bc_rx *rx);

/* TX timestamp (timebase) of the event message (type, seq) sent on port.
 * Unknown (type, seq) pairs are ignored. */
void bc_tx_timestamp(struct bc *bc, unsigned int port, uint8_t type,
		     uint16_t seq, tmv_t ts);

/* Run the timers up to timebase time now: receipt timeouts, state
 * decisions (once per announce interval), qualification, and the
 * Announce/Sync/Delay_Req transmissions that are due. */
void bc_tick(struct bc *bc, tmv_t now);

/* Time of the domain at timebase time base. */
tmv_t bc_time(const struct bc *bc, tmv_t base);

/* State of port index port (FSM_N_STATES for a bad index). */
enum fsm_state bc_port_state(const struct bc *bc, unsigned int port);

/*
 * The link of port index port went down (up = false) or came back (up =
 * true) at timebase time now. Down: the port becomes FAULTY
 * (FAULT_DETECTED), forgets its foreign masters and sends nothing; if it
 * was the port towards the parent, a state decision runs at once (another
 * port's master is selected, or the clock becomes grandmaster, in holdover
 * if it was locked). Up: a FAULTY port clears its fault (FAULT_CLEARED ->
 * INITIALIZING -> LISTENING) and qualifies masters anew. Repeated calls
 * with the same state change nothing.
 * Returns 1 if the port changed state, 0 if not, -1 for a bad index.
 */
int bc_port_link(struct bc *bc, unsigned int port, bool up, tmv_t now);

/* What a clock's servo follows (bc_follow()). */
enum bc_ref {
	BC_REF_NONE = 0,	/* nothing: holdover, coasting, or a
				 * grandmaster that followed a parent */
	BC_REF_PARENT,		/* its parent's Syncs */
	BC_REF_REALTIME,	/* CLOCK_REALTIME (bc_track_utc()), as a
				 * grandmaster that never followed one */
};

/*
 * Whether the clock follows its reference (servo_follow() of the servo in
 * use), and which reference that is (*ref). SERVO_FOLLOWS with
 * BC_REF_NONE.
 */
enum servo_follow bc_follow(const struct bc *bc, enum bc_ref *ref);

/* "none", "parent", "CLOCK_REALTIME". */
const char *bc_ref_name(enum bc_ref ref);

/* Set the holdover time (default BC_HOLDOVER_S). */
void bc_set_holdover(struct bc *bc, tmv_t len);

/*
 * Does the instance have a current UTC offset (EP-13)? True when the
 * timePropertiesDS says so (the parent announces currentUtcOffsetValid,
 * or, as grandmaster, the configuration does), or when the instance's own
 * configuration declares the offset known (current_utc_offset_valid).
 */
bool bc_utc_valid(const struct bc *bc);

/*
 * Set the domain clock from the UTC time utc_ns (e.g. CLOCK_REALTIME) read
 * at timebase time now: a clock announcing the PTP timescale serves TAI =
 * UTC + currentUtcOffset (IEEE 1588-2019 7.2.3, 8.2.4), an ARB one UTC.
 */
void bc_set_time_utc(struct bc *bc, tmv_t now, int64_t utc_ns);

/*
 * A grandmaster that never followed a parent serves the host's time, as
 * ptp4l's software grandmaster serves CLOCK_REALTIME: the caller passes
 * utc_ns (CLOCK_REALTIME) read at timebase time now, about once every
 * BC_UTC_TRACK_NS, and the domain clock is steered onto it (TAI on the PTP
 * timescale, as bc_set_time_utc) by a PI servo of its own (gains
 * BC_UTC_KP / BC_UTC_KI per sample; the instance's step threshold). A
 * bracketed clock read carries tens of ns of noise, not the microseconds
 * of a PTP sample: the loop can be fast and follow an NTP daemon's slews
 * within a few us (20 ppm changed at once: docs/operations.md).
 * Without it the clock would run free on the timebase, whose rate is the
 * TSC's against CLOCK_MONOTONIC_RAW, away from an NTP-disciplined
 * CLOCK_REALTIME by the NTP daemon's frequency correction. Returns 1 if it
 * steered, 0 if the instance follows or followed a parent: then its time
 * is the parent's (and holdover's), and the tracking servo starts afresh
 * when it tracks again.
 */
#define BC_UTC_TRACK_NS	100000000LL
#define BC_UTC_KP	7.0	/* per second: 0.7 of an offset per sample, */
#define BC_UTC_KI	3.0	/* 0.3 into the drift (servo.c's maxima) */
int bc_track_utc(struct bc *bc, tmv_t now, int64_t utc_ns);

/* Number of ports EP-13 holds back from MASTER now (see ep13_held). */
unsigned int bc_ep13_held(const struct bc *bc);

#endif /* PTPSW_BC_BC_H */
