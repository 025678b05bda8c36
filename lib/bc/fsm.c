/* SPDX-License-Identifier: BSD-3-Clause */
/* Port state machine, IEEE 1588-2019 figure 30 and its slave-only variant. */

#include "bc/fsm.h"

/* Events accepted in every state (DISABLED excepted for faults). */
static bool fsm_common(enum fsm_state s, enum fsm_event ev,
		       enum fsm_state *next)
{
	if (ev == FSM_EV_INITIALIZE)
		*next = FSM_INITIALIZING;
	else if (ev == FSM_EV_DESIGNATED_DISABLED)
		*next = FSM_DISABLED;
	else if (ev == FSM_EV_FAULT_DETECTED && s != FSM_DISABLED)
		*next = FSM_FAULTY;
	else
		return false;
	return true;
}

/* Outcome of a recommended state, any operational state. */
static enum fsm_state fsm_rs(enum fsm_state s, enum fsm_event ev,
			     const struct fsm_guard *g)
{
	switch (ev) {
	case FSM_EV_RS_MASTER:
		return s == FSM_MASTER ? FSM_MASTER : FSM_PRE_MASTER;
	case FSM_EV_RS_GRAND_MASTER:
		return FSM_MASTER;
	case FSM_EV_RS_PASSIVE:
		return FSM_PASSIVE;
	case FSM_EV_RS_SLAVE:
		if (s == FSM_SLAVE)
			return g->new_master ? FSM_UNCALIBRATED : FSM_SLAVE;
		return FSM_UNCALIBRATED;
	default:
		return s;
	}
}

/* The transitions of figure 30 on one event from one state (the
 * recommended states are fsm_rs()'s, the common ones fsm_common()'s). */
static const struct {
	enum fsm_state from;
	enum fsm_event ev;
	enum fsm_state to;
} fsm_edges[] = {
	{ FSM_INITIALIZING, FSM_EV_INIT_COMPLETE, FSM_LISTENING },
	{ FSM_FAULTY, FSM_EV_FAULT_CLEARED, FSM_INITIALIZING },
	{ FSM_DISABLED, FSM_EV_DESIGNATED_ENABLED, FSM_INITIALIZING },
	{ FSM_LISTENING, FSM_EV_ANNOUNCE_RECEIPT_TIMEOUT, FSM_MASTER },
	{ FSM_PASSIVE, FSM_EV_ANNOUNCE_RECEIPT_TIMEOUT, FSM_MASTER },
	{ FSM_UNCALIBRATED, FSM_EV_ANNOUNCE_RECEIPT_TIMEOUT, FSM_MASTER },
	{ FSM_SLAVE, FSM_EV_ANNOUNCE_RECEIPT_TIMEOUT, FSM_MASTER },
	{ FSM_PRE_MASTER, FSM_EV_QUALIFICATION_TIMEOUT, FSM_MASTER },
	{ FSM_UNCALIBRATED, FSM_EV_MASTER_CLOCK_SELECTED, FSM_SLAVE },
	{ FSM_SLAVE, FSM_EV_SYNCHRONIZATION_FAULT, FSM_UNCALIBRATED },
};

static bool fsm_operational(enum fsm_state s)
{
	return s != FSM_INITIALIZING && s != FSM_FAULTY && s != FSM_DISABLED;
}

static enum fsm_state fsm_raw(enum fsm_state s, enum fsm_event ev,
			      const struct fsm_guard *g)
{
	enum fsm_state next;
	unsigned int i;

	if (fsm_common(s, ev, &next))
		return next;
	for (i = 0; i < sizeof(fsm_edges) / sizeof(fsm_edges[0]); i++)
		if (fsm_edges[i].from == s && fsm_edges[i].ev == ev)
			return fsm_edges[i].to;
	if (fsm_operational(s) && ev >= FSM_EV_RS_MASTER &&
	    ev <= FSM_EV_RS_PASSIVE)
		return fsm_rs(s, ev, g);
	return s;
}

enum fsm_state fsm_next(enum fsm_state s, enum fsm_event ev,
			const struct fsm_guard *g)
{
	enum fsm_state next;

	if ((unsigned int)s >= FSM_N_STATES)
		return s;
	next = fsm_raw(s, ev, g);
	if (g->slave_only && (fsm_is_master(next) || next == FSM_PASSIVE))
		return FSM_LISTENING;
	if (!g->utc_offset_valid && fsm_is_master(next))
		return FSM_LISTENING;
	return next;
}

bool fsm_is_master(enum fsm_state s)
{
	return s == FSM_PRE_MASTER || s == FSM_MASTER;
}

const char *fsm_state_name(enum fsm_state s)
{
	static const char *const names[FSM_N_STATES] = {
		"INITIALIZING", "FAULTY", "DISABLED", "LISTENING",
		"PRE_MASTER", "MASTER", "PASSIVE", "UNCALIBRATED", "SLAVE",
	};

	return (unsigned int)s < FSM_N_STATES ? names[s] : "invalid";
}

const char *fsm_event_name(enum fsm_event ev)
{
	static const char *const names[FSM_N_EVENTS] = {
		"NONE", "INITIALIZE", "INIT_COMPLETE", "FAULT_DETECTED",
		"FAULT_CLEARED", "DESIGNATED_ENABLED", "DESIGNATED_DISABLED",
		"ANNOUNCE_RECEIPT_TIMEOUT", "QUALIFICATION_TIMEOUT",
		"MASTER_CLOCK_SELECTED", "SYNCHRONIZATION_FAULT", "RS_MASTER",
		"RS_GRAND_MASTER", "RS_SLAVE", "RS_PASSIVE",
	};

	return (unsigned int)ev < FSM_N_EVENTS ? names[ev] : "invalid";
}
