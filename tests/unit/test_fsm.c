/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Port state machine: every (state, event) pair against a table written
 * from IEEE 1588-2019 figure 30, then the slave-only variant, the EP-13
 * guard (no MASTER/PRE_MASTER without a current UTC offset) and the
 * new-master rule of RS_SLAVE.
 */
#include <stdio.h>

#include "cunit_main.h"
#include "bc/fsm.h"

#define I FSM_INITIALIZING
#define F FSM_FAULTY
#define D FSM_DISABLED
#define L FSM_LISTENING
#define PM FSM_PRE_MASTER
#define M FSM_MASTER
#define P FSM_PASSIVE
#define U FSM_UNCALIBRATED
#define S FSM_SLAVE

/* Columns: NONE INITIALIZE INIT_COMPLETE FAULT_DETECTED FAULT_CLEARED
 * DES_ENABLED DES_DISABLED ANN_RX_TIMEOUT QUAL_TIMEOUT MASTER_SELECTED
 * SYNC_FAULT RS_MASTER RS_GRAND_MASTER RS_SLAVE RS_PASSIVE */
static const unsigned char full[FSM_N_STATES][FSM_N_EVENTS] = {
	[FSM_INITIALIZING] = { I, I, L, F, I, I, D, I, I, I, I, I, I, I, I },
	[FSM_FAULTY]       = { F, I, F, F, I, F, D, F, F, F, F, F, F, F, F },
	[FSM_DISABLED]     = { D, I, D, D, D, I, D, D, D, D, D, D, D, D, D },
	[FSM_LISTENING]    = { L, I, L, F, L, L, D, M, L, L, L, PM, M, U, P },
	[FSM_PRE_MASTER]   = { PM, I, PM, F, PM, PM, D, PM, M, PM, PM, PM, M, U, P },
	[FSM_MASTER]       = { M, I, M, F, M, M, D, M, M, M, M, M, M, U, P },
	[FSM_PASSIVE]      = { P, I, P, F, P, P, D, M, P, P, P, PM, M, U, P },
	[FSM_UNCALIBRATED] = { U, I, U, F, U, U, D, M, U, S, U, PM, M, U, P },
	[FSM_SLAVE]        = { S, I, S, F, S, S, D, M, S, S, U, PM, M, S, P },
};

/* Slave-only variant, reachable states only. */
static const unsigned char slave_only[FSM_N_STATES][FSM_N_EVENTS] = {
	[FSM_INITIALIZING] = { I, I, L, F, I, I, D, I, I, I, I, I, I, I, I },
	[FSM_FAULTY]       = { F, I, F, F, I, F, D, F, F, F, F, F, F, F, F },
	[FSM_DISABLED]     = { D, I, D, D, D, I, D, D, D, D, D, D, D, D, D },
	[FSM_LISTENING]    = { L, I, L, F, L, L, D, L, L, L, L, L, L, U, L },
	[FSM_UNCALIBRATED] = { U, I, U, F, U, U, D, L, U, S, U, L, L, U, L },
	[FSM_SLAVE]        = { S, I, S, F, S, S, D, L, S, S, U, L, L, S, L },
};

static void test_full_table(void)
{
	struct fsm_guard g = { .slave_only = false, .utc_offset_valid = true };
	unsigned int s, e, bad = 0;

	for (s = 0; s < FSM_N_STATES; s++)
		for (e = 0; e < FSM_N_EVENTS; e++) {
			enum fsm_state n = fsm_next((enum fsm_state)s, (enum fsm_event)e, &g);

			if (n != full[s][e]) {
				bad++;
				printf("\n  %s + %s -> %s, want %s", fsm_state_name((enum fsm_state)s),
				       fsm_event_name((enum fsm_event)e), fsm_state_name(n),
				       fsm_state_name((enum fsm_state)full[s][e]));
			}
		}
	CU_ASSERT_EQUAL(bad, 0);
}

static void test_slave_only_table(void)
{
	struct fsm_guard g = { .slave_only = true, .utc_offset_valid = true };
	static const enum fsm_state reach[] = { I, F, D, L, U, S };
	unsigned int i, e, bad = 0;

	for (i = 0; i < sizeof(reach) / sizeof(reach[0]); i++)
		for (e = 0; e < FSM_N_EVENTS; e++) {
			enum fsm_state s = reach[i];
			enum fsm_state n = fsm_next(s, (enum fsm_event)e, &g);

			if (n != slave_only[s][e]) {
				bad++;
				printf("\n  slave-only %s + %s -> %s",
				       fsm_state_name(s), fsm_event_name((enum fsm_event)e),
				       fsm_state_name(n));
			}
			/* never leaves the slave-only state set */
			CU_ASSERT(n != PM && n != M && n != P);
		}
	CU_ASSERT_EQUAL(bad, 0);
}

/* EP-13: without a current UTC offset, no pair ever yields PRE_MASTER or
 * MASTER; those outcomes become LISTENING, all others are unchanged. */
static void test_utc_guard(void)
{
	struct fsm_guard g = { .slave_only = false, .utc_offset_valid = false };
	unsigned int s, e;

	for (s = 0; s < FSM_N_STATES; s++)
		for (e = 0; e < FSM_N_EVENTS; e++) {
			enum fsm_state want = (enum fsm_state)full[s][e];
			enum fsm_state n = fsm_next((enum fsm_state)s, (enum fsm_event)e, &g);

			if (want == PM || want == M)
				want = L;
			CU_ASSERT_EQUAL(n, want);
			CU_ASSERT(!fsm_is_master(n));
		}
	/* explicit cases */
	CU_ASSERT_EQUAL(fsm_next(FSM_LISTENING, FSM_EV_ANNOUNCE_RECEIPT_TIMEOUT, &g), L);
	CU_ASSERT_EQUAL(fsm_next(FSM_SLAVE, FSM_EV_RS_GRAND_MASTER, &g), L);
	CU_ASSERT_EQUAL(fsm_next(FSM_PRE_MASTER, FSM_EV_QUALIFICATION_TIMEOUT, &g), L);
	/* timeReceiver states are not affected */
	CU_ASSERT_EQUAL(fsm_next(FSM_LISTENING, FSM_EV_RS_SLAVE, &g), U);
	CU_ASSERT_EQUAL(fsm_next(FSM_UNCALIBRATED, FSM_EV_MASTER_CLOCK_SELECTED, &g), S);
}

/* RS_SLAVE in SLAVE with another parent restarts calibration. */
static void test_new_master(void)
{
	struct fsm_guard g = { .utc_offset_valid = true, .new_master = true };

	CU_ASSERT_EQUAL(fsm_next(FSM_SLAVE, FSM_EV_RS_SLAVE, &g), U);
	CU_ASSERT_EQUAL(fsm_next(FSM_UNCALIBRATED, FSM_EV_RS_SLAVE, &g), U);
	CU_ASSERT_EQUAL(fsm_next(FSM_LISTENING, FSM_EV_RS_SLAVE, &g), U);
	g.slave_only = true;
	CU_ASSERT_EQUAL(fsm_next(FSM_SLAVE, FSM_EV_RS_SLAVE, &g), U);
	g.new_master = false;
	CU_ASSERT_EQUAL(fsm_next(FSM_SLAVE, FSM_EV_RS_SLAVE, &g), S);
}

/* A typical life: power up, listen, become timeReceiver, lose the
 * timeTransmitter, take over as timeTransmitter. */
static void test_sequence(void)
{
	struct fsm_guard g = { .utc_offset_valid = true };
	static const struct { enum fsm_event ev; enum fsm_state want; } seq[] = {
		{ FSM_EV_INIT_COMPLETE, L }, { FSM_EV_RS_SLAVE, U },
		{ FSM_EV_MASTER_CLOCK_SELECTED, S }, { FSM_EV_SYNCHRONIZATION_FAULT, U },
		{ FSM_EV_MASTER_CLOCK_SELECTED, S }, { FSM_EV_ANNOUNCE_RECEIPT_TIMEOUT, M },
		{ FSM_EV_RS_PASSIVE, P }, { FSM_EV_RS_MASTER, PM },
		{ FSM_EV_QUALIFICATION_TIMEOUT, M }, { FSM_EV_FAULT_DETECTED, F },
		{ FSM_EV_FAULT_CLEARED, I }, { FSM_EV_DESIGNATED_DISABLED, D },
		{ FSM_EV_FAULT_DETECTED, D }, { FSM_EV_DESIGNATED_ENABLED, I },
	};
	enum fsm_state s = FSM_INITIALIZING;

	for (unsigned int i = 0; i < sizeof(seq) / sizeof(seq[0]); i++) {
		s = fsm_next(s, seq[i].ev, &g);
		CU_ASSERT_EQUAL(s, seq[i].want);
	}
}

static void test_names(void)
{
	CU_ASSERT_STRING_EQUAL(fsm_state_name(FSM_PRE_MASTER), "PRE_MASTER");
	CU_ASSERT_STRING_EQUAL(fsm_state_name(FSM_SLAVE), "SLAVE");
	CU_ASSERT_STRING_EQUAL(fsm_state_name((enum fsm_state)FSM_N_STATES), "invalid");
	CU_ASSERT_STRING_EQUAL(fsm_event_name(FSM_EV_RS_GRAND_MASTER), "RS_GRAND_MASTER");
	CU_ASSERT_STRING_EQUAL(fsm_event_name(FSM_EV_ANNOUNCE_RECEIPT_TIMEOUT),
			       "ANNOUNCE_RECEIPT_TIMEOUT");
	CU_ASSERT_STRING_EQUAL(fsm_event_name((enum fsm_event)FSM_N_EVENTS), "invalid");
	/* out-of-range state is returned unchanged */
	{
		struct fsm_guard g = { .utc_offset_valid = true };
		CU_ASSERT_EQUAL(fsm_next((enum fsm_state)42, FSM_EV_INITIALIZE, &g), 42);
	}
}

int test_register(void)
{
	static const struct test_case cases[] = {
		{ "every (state, event) pair, figure 30", test_full_table },
		{ "slave-only variant", test_slave_only_table },
		{ "EP-13 no MASTER without UTC offset", test_utc_guard },
		{ "RS_SLAVE with a new parent", test_new_master },
		{ "life sequence", test_sequence },
		{ "names", test_names },
		{ NULL, NULL },
	};

	return test_add_suite("fsm", cases);
}
