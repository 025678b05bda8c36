/* SPDX-License-Identifier: BSD-3-Clause */
/* Port state machine, IEEE 1588-2019 figure 30 and its slave-only variant. */

#include "bc/fsm.h"

/* Events accepted in every state (DISABLED excepted for faults). */
static bool fsm_common(enum fsm_state s, enum fsm_event ev,
		       enum fsm_state *next)
{
	switch (ev) {
	case FSM_EV_INITIALIZE:
		*next = FSM_INITIALIZING;
		return true;
	case FSM_EV_DESIGNATED_DISABLED:
		*next = FSM_DISABLED;
		return true;
	case FSM_EV_FAULT_DETECTED:
		if (s == FSM_DISABLED)
			return false;
		*next = FSM_FAULTY;
		return true;
	default:
		return false;
	}
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

static enum fsm_state fsm_operational(enum fsm_state s, enum fsm_event ev,
				      const struct fsm_guard *g)
{
	switch (ev) {
	case FSM_EV_RS_MASTER:
	case FSM_EV_RS_GRAND_MASTER:
	case FSM_EV_RS_PASSIVE:
	case FSM_EV_RS_SLAVE:
		return fsm_rs(s, ev, g);
	case FSM_EV_ANNOUNCE_RECEIPT_TIMEOUT:
		if (s == FSM_LISTENING || s == FSM_PASSIVE ||
		    s == FSM_UNCALIBRATED || s == FSM_SLAVE)
			return FSM_MASTER;
		return s;
	case FSM_EV_QUALIFICATION_TIMEOUT:
		return s == FSM_PRE_MASTER ? FSM_MASTER : s;
	case FSM_EV_MASTER_CLOCK_SELECTED:
		return s == FSM_UNCALIBRATED ? FSM_SLAVE : s;
	case FSM_EV_SYNCHRONIZATION_FAULT:
		return s == FSM_SLAVE ? FSM_UNCALIBRATED : s;
	default:
		return s;
	}
}

static enum fsm_state fsm_raw(enum fsm_state s, enum fsm_event ev,
			      const struct fsm_guard *g)
{
	enum fsm_state next;

	if (fsm_common(s, ev, &next))
		return next;
	switch (s) {
	case FSM_INITIALIZING:
		return ev == FSM_EV_INIT_COMPLETE ? FSM_LISTENING : s;
	case FSM_FAULTY:
		return ev == FSM_EV_FAULT_CLEARED ? FSM_INITIALIZING : s;
	case FSM_DISABLED:
		return ev == FSM_EV_DESIGNATED_ENABLED ? FSM_INITIALIZING : s;
	default:
		return fsm_operational(s, ev, g);
	}
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
