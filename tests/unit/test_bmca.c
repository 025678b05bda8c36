/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * BMCA: data set comparison (1588-2019 9.3.4, figures 34/35), state
 * decision (9.3.3, figure 33), and the foreign timeTransmitter table
 * (qualification, EP-10 timeouts, EP-17 acceptable table, EP-03 keys).
 */
#include <string.h>

#include "cunit_main.h"
#include "bc/bmca.h"
#include "bc/foreign.h"

static struct ptp_clock_identity cid(uint8_t last)
{
	struct ptp_clock_identity c = { { 0x00, 0x11, 0x22, 0xff, 0xfe, 0x33,
					  0x44, last } };
	return c;
}

static struct ptp_port_identity pid(uint8_t clock_last, uint16_t port)
{
	struct ptp_port_identity p = { cid(clock_last), port };
	return p;
}

/* A plausible data set: GM 0x10, two hops, heard from 0x20 port 1 on our
 * clock 0x30 port 1. */
static struct bmca_dataset base_ds(void)
{
	struct bmca_dataset d;

	memset(&d, 0, sizeof(d));
	d.priority1 = 128;
	d.gm_identity = cid(0x10);
	d.quality.clockClass = 248;
	d.quality.clockAccuracy = 0x21;
	d.quality.offsetScaledLogVariance = 0x4e5d;
	d.priority2 = 128;
	d.stepsRemoved = 2;
	d.sender = pid(0x20, 1);
	d.receiver = pid(0x30, 1);
	return d;
}

/* Swapping the operands must mirror the result (errors stay errors). */
static enum bmca_result mirror(enum bmca_result r)
{
	switch (r) {
	case BMCA_A_BETTER: return BMCA_B_BETTER;
	case BMCA_B_BETTER: return BMCA_A_BETTER;
	case BMCA_A_BETTER_TOPO: return BMCA_B_BETTER_TOPO;
	case BMCA_B_BETTER_TOPO: return BMCA_A_BETTER_TOPO;
	default: return r;
	}
}

static void check_pair(const struct bmca_dataset *a,
		       const struct bmca_dataset *b, enum bmca_result want)
{
	CU_ASSERT_EQUAL(bmca_compare(a, b), want);
	CU_ASSERT_EQUAL(bmca_compare(b, a), mirror(want));
}

/* Figure 34: each attribute decides when all earlier ones are equal, even
 * if every later attribute favours the other side. */
static void test_compare_attributes(void)
{
	struct bmca_dataset a, b;

	/* priority1 beats a better clockClass etc. of B */
	a = base_ds(); b = base_ds();
	b.gm_identity = cid(0x01);	/* B has the lower identity */
	a.priority1 = 100;
	b.quality.clockClass = 6; b.quality.clockAccuracy = 0x20;
	b.quality.offsetScaledLogVariance = 1; b.priority2 = 0;
	check_pair(&a, &b, BMCA_A_BETTER);
	/* clockClass */
	a.priority1 = b.priority1 = 128;
	a.quality.clockClass = 6; b.quality.clockClass = 7;
	check_pair(&a, &b, BMCA_A_BETTER);
	/* clockAccuracy */
	a.quality.clockClass = b.quality.clockClass = 248;
	a.quality.clockAccuracy = 0x21; b.quality.clockAccuracy = 0x22;
	check_pair(&a, &b, BMCA_A_BETTER);
	b.quality.clockAccuracy = 0x20;
	check_pair(&a, &b, BMCA_B_BETTER);
	/* offsetScaledLogVariance */
	a.quality.clockAccuracy = b.quality.clockAccuracy = 0x21;
	a.quality.offsetScaledLogVariance = 0x4000;
	b.quality.offsetScaledLogVariance = 0x4001;
	check_pair(&a, &b, BMCA_A_BETTER);
	/* priority2 */
	b.quality.offsetScaledLogVariance = 0x4000;
	a.priority2 = 127; b.priority2 = 128;
	check_pair(&a, &b, BMCA_A_BETTER);
	/* GM identity is the final tie-break: B's 0x01 < A's 0x10 */
	a.priority2 = 128;
	check_pair(&a, &b, BMCA_B_BETTER);
	/* stepsRemoved plays no role between different grandmasters */
	a.stepsRemoved = 0; b.stepsRemoved = 50;
	check_pair(&a, &b, BMCA_B_BETTER);
}

/* Identity ordering: octet-wise, first octet most significant. */
static void test_compare_identity_order(void)
{
	struct bmca_dataset a = base_ds(), b = base_ds();

	a.gm_identity.id[0] = 0x01;	/* 0x01... vs 0x00...: b lower */
	a.gm_identity.id[7] = 0x00;
	b.gm_identity.id[7] = 0xff;
	check_pair(&a, &b, BMCA_B_BETTER);
	CU_ASSERT(bmca_clockid_cmp(&a.gm_identity, &b.gm_identity) > 0);
	{
		struct ptp_port_identity p1 = pid(1, 2), p2 = pid(1, 0x100);
		CU_ASSERT(bmca_portid_cmp(&p1, &p2) < 0);
		CU_ASSERT(bmca_portid_cmp(&p2, &p1) > 0);
		CU_ASSERT(bmca_portid_cmp(&p1, &p1) == 0);
	}
}

/* Figure 35: same grandmaster. */
static void test_compare_topology(void)
{
	struct bmca_dataset a = base_ds(), b = base_ds();

	/* stepsRemoved differ by 2 or more: fewer steps simply better */
	a.stepsRemoved = 1; b.stepsRemoved = 3;
	check_pair(&a, &b, BMCA_A_BETTER);
	a.stepsRemoved = 0; b.stepsRemoved = 65535;
	check_pair(&a, &b, BMCA_A_BETTER);
	/* differ by 1, A farther: receiver(A) vs sender(A) */
	a.stepsRemoved = 3; b.stepsRemoved = 2;
	a.receiver = pid(0x05, 1); a.sender = pid(0x20, 1);	/* rcv < snd */
	check_pair(&a, &b, BMCA_B_BETTER);
	a.receiver = pid(0x40, 1);				/* rcv > snd */
	check_pair(&a, &b, BMCA_B_BETTER_TOPO);
	a.receiver = a.sender;					/* rcv == snd */
	check_pair(&a, &b, BMCA_ERROR_1);
	/* receiver vs sender compares port numbers too */
	a.receiver = pid(0x20, 2);
	check_pair(&a, &b, BMCA_B_BETTER_TOPO);
	/* equal steps: lower sender identity better by topology */
	a = base_ds(); b = base_ds();
	a.sender = pid(0x20, 1); b.sender = pid(0x21, 1);
	check_pair(&a, &b, BMCA_A_BETTER_TOPO);
	b.sender = pid(0x20, 0);	/* same clock, lower port number */
	check_pair(&a, &b, BMCA_B_BETTER_TOPO);
	/* same sender: receiver port number decides */
	b.sender = a.sender;
	a.receiver = pid(0x30, 3); b.receiver = pid(0x30, 2);
	check_pair(&a, &b, BMCA_B_BETTER_TOPO);
	/* same sender, same receiver port: error 2 */
	b.receiver = a.receiver;
	check_pair(&a, &b, BMCA_ERROR_2);
	/* topology ignores the quality fields (same GM) */
	b.quality.clockClass = 6; b.priority1 = 0; b.sender = pid(0x21, 1);
	check_pair(&a, &b, BMCA_A_BETTER_TOPO);
}

static void test_dataset_builders(void)
{
	struct ptp_clock_quality q = { 248, 0xfe, 0xffff };
	struct ptp_clock_identity me = cid(0x30);
	struct bmca_dataset d0;
	struct ptp_msg m;
	struct ptp_port_identity rcv = pid(0x30, 2);
	struct bmca_dataset e;

	bmca_dataset_from_default(&d0, &me, 128, &q, 127);
	CU_ASSERT_EQUAL(d0.stepsRemoved, 0);
	CU_ASSERT_EQUAL(d0.sender.port, 0);
	CU_ASSERT(memcmp(&d0.sender.clock, &me, 8) == 0);
	CU_ASSERT(memcmp(&d0.gm_identity, &me, 8) == 0);
	CU_ASSERT_EQUAL(d0.priority2, 127);

	memset(&m, 0, sizeof(m));
	m.hdr.messageType = PTP_ANNOUNCE;
	m.hdr.sourcePortIdentity = pid(0x20, 7);
	m.body.announce.grandmasterIdentity = cid(0x10);
	m.body.announce.grandmasterPriority1 = 10;
	m.body.announce.grandmasterPriority2 = 20;
	m.body.announce.grandmasterClockQuality.clockClass = 6;
	m.body.announce.stepsRemoved = 4;
	bmca_dataset_from_announce(&e, &m, &rcv);
	CU_ASSERT_EQUAL(e.priority1, 10);
	CU_ASSERT_EQUAL(e.priority2, 20);
	CU_ASSERT_EQUAL(e.quality.clockClass, 6);
	CU_ASSERT_EQUAL(e.stepsRemoved, 4);
	CU_ASSERT_EQUAL(e.sender.port, 7);
	CU_ASSERT_EQUAL(e.receiver.port, 2);
	/* class 6 GM beats our class 248 default */
	CU_ASSERT_EQUAL(bmca_compare(&e, &d0), BMCA_A_BETTER);
}

/* Figure 33, one row per branch. */
static void test_decide(void)
{
	struct ptp_clock_quality q = { 248, 0xfe, 0xffff };
	struct ptp_clock_identity me = cid(0x30);
	struct bmca_dataset d0, good = base_ds(), worse = base_ds(), topo;

	bmca_dataset_from_default(&d0, &me, 128, &q, 128);
	good.quality.clockClass = 6;			/* better than D0 */
	worse.gm_identity = cid(0x50);
	worse.priority1 = 200;				/* worse than D0 */
	topo = good;					/* same GM, farther */
	topo.sender = pid(0x21, 1);
	topo.receiver = pid(0x30, 2);

	/* nothing heard while LISTENING: stay */
	CU_ASSERT_EQUAL(bmca_decide(&d0, NULL, NULL, false, true),
			BMCA_DEC_LISTENING);
	CU_ASSERT_EQUAL(bmca_decide(&d0, &good, NULL, false, true),
			BMCA_DEC_LISTENING);
	/* nothing heard, not LISTENING: grandmaster (M2) */
	CU_ASSERT_EQUAL(bmca_decide(&d0, NULL, NULL, false, false),
			BMCA_DEC_M2);
	/* only worse clocks: M2 */
	CU_ASSERT_EQUAL(bmca_decide(&d0, &worse, &worse, true, false),
			BMCA_DEC_M2);
	/* best clock heard on this port: S1 */
	CU_ASSERT_EQUAL(bmca_decide(&d0, &good, &good, true, false),
			BMCA_DEC_S1);
	CU_ASSERT_EQUAL(bmca_decide(&d0, &good, &good, true, true),
			BMCA_DEC_S1);
	/* best elsewhere; this port hears same GM by a worse topology: P2 */
	CU_ASSERT_EQUAL(bmca_decide(&d0, &good, &topo, false, false),
			BMCA_DEC_P2);
	/* best elsewhere, this port hears a worse GM or nothing: M3 */
	CU_ASSERT_EQUAL(bmca_decide(&d0, &good, &worse, false, false),
			BMCA_DEC_M3);
	CU_ASSERT_EQUAL(bmca_decide(&d0, &good, NULL, false, false),
			BMCA_DEC_M3);
	/* class 1..127 clock: M1 or P1, never a timeReceiver */
	d0.quality.clockClass = 6;
	d0.gm_identity = cid(0xee);			/* loses to good by id */
	d0.sender.clock = d0.receiver.clock = cid(0xee);
	CU_ASSERT_EQUAL(bmca_decide(&d0, &good, &good, true, false),
			BMCA_DEC_P1);
	CU_ASSERT_EQUAL(bmca_decide(&d0, &good, &worse, false, false),
			BMCA_DEC_M1);
	CU_ASSERT_EQUAL(bmca_decide(&d0, NULL, NULL, false, false),
			BMCA_DEC_M1);
	CU_ASSERT_STRING_EQUAL(bmca_decision_name(BMCA_DEC_P2), "P2");
	CU_ASSERT_STRING_EQUAL(bmca_decision_name((enum bmca_decision)99),
			       "invalid");
}

/* ---- foreign table ---- */

#define SEC(x) tmv_from_ns((int64_t)((x) * 1e9))

static struct ptp_msg announce(uint8_t sender, uint8_t gm, uint16_t seq,
			       uint8_t clock_class)
{
	struct ptp_msg m;

	memset(&m, 0, sizeof(m));
	m.hdr.messageType = PTP_ANNOUNCE;
	m.hdr.sourcePortIdentity = pid(sender, 1);
	m.hdr.sequenceId = seq;
	m.hdr.flagField = PTP_FLAG_UTC_VALID | PTP_FLAG_PTP_TIMESCALE;
	m.body.announce.grandmasterIdentity = cid(gm);
	m.body.announce.grandmasterPriority1 = 128;
	m.body.announce.grandmasterPriority2 = 128;
	m.body.announce.grandmasterClockQuality.clockClass = clock_class;
	m.body.announce.currentUtcOffset = 37;
	m.body.announce.stepsRemoved = 0;
	return m;
}

static void ft_init(struct foreign_table *t,
		    const struct ptp_clock_identity *acc, unsigned int nacc,
		    const struct ptp_clock_identity *pref, unsigned int npref)
{
	struct ptp_port_identity me = pid(0x30, 1);

	CU_ASSERT_EQUAL_FATAL(foreign_init(t, &me, 0, acc, nacc, pref, npref), 0);
}

static void test_foreign_qualification(void)
{
	struct foreign_table t;
	struct ptp_msg m;
	struct foreign_record *r;

	ft_init(&t, NULL, 0, NULL, 0);
	m = announce(0x20, 0x20, 1, 6);
	CU_ASSERT_EQUAL(foreign_announce(&t, &m, NULL, SEC(0), &r), FOREIGN_PENDING);
	CU_ASSERT_PTR_NOT_NULL(r);
	CU_ASSERT_PTR_NULL(foreign_best(&t));
	/* the same sequenceId again is not a second Announce */
	CU_ASSERT_EQUAL(foreign_announce(&t, &m, NULL, SEC(1), NULL),
			FOREIGN_E_DUPLICATE);
	CU_ASSERT_PTR_NULL(foreign_best(&t));
	/* second one within 4 intervals: qualified */
	m.hdr.sequenceId = 2;
	CU_ASSERT_EQUAL(foreign_announce(&t, &m, NULL, SEC(1), NULL),
			FOREIGN_QUALIFIED);
	CU_ASSERT_PTR_EQUAL(foreign_best(&t), r);
	m.hdr.sequenceId = 3;
	CU_ASSERT_EQUAL(foreign_announce(&t, &m, NULL, SEC(2), NULL),
			FOREIGN_UPDATED);
	/* a changed data set is reported again */
	m.hdr.sequenceId = 4;
	m.body.announce.grandmasterClockQuality.clockClass = 7;
	CU_ASSERT_EQUAL(foreign_announce(&t, &m, NULL, SEC(3), NULL),
			FOREIGN_QUALIFIED);

	/* two Announces 4.5 intervals apart never qualify */
	ft_init(&t, NULL, 0, NULL, 0);
	m = announce(0x21, 0x21, 1, 6);
	CU_ASSERT_EQUAL(foreign_announce(&t, &m, NULL, SEC(0), NULL), FOREIGN_PENDING);
	m.hdr.sequenceId = 2;
	CU_ASSERT_EQUAL(foreign_announce(&t, &m, NULL, SEC(4.5), NULL), FOREIGN_PENDING);
	/* ... exactly at 4 intervals from the previous one they do */
	m.hdr.sequenceId = 3;
	CU_ASSERT_EQUAL(foreign_announce(&t, &m, NULL, SEC(8.5), NULL), FOREIGN_QUALIFIED);
	CU_ASSERT_EQUAL(foreign_n_qualified(&t), 1);
	CU_ASSERT_EQUAL(t.stats.duplicates, 0);
}

/* EP-10: 3 intervals for preferred, 4 for others; EP-17: keep the best
 * for the whole timeout. */
static void test_foreign_timeout(void)
{
	struct ptp_clock_identity pref = cid(0x20);
	struct foreign_table t;
	struct ptp_msg a = announce(0x20, 0x20, 1, 6);
	struct ptp_msg b = announce(0x21, 0x21, 1, 6);

	ft_init(&t, NULL, 0, &pref, 1);
	CU_ASSERT(foreign_is_preferred(&t, &pref));
	foreign_announce(&t, &a, NULL, SEC(0), NULL);
	foreign_announce(&t, &b, NULL, SEC(0), NULL);
	a.hdr.sequenceId = b.hdr.sequenceId = 2;
	foreign_announce(&t, &a, NULL, SEC(1), NULL);
	foreign_announce(&t, &b, NULL, SEC(1), NULL);
	CU_ASSERT_EQUAL(foreign_n_qualified(&t), 2);
	CU_ASSERT_EQUAL(tmv_to_ns(foreign_timeout(&t, foreign_find(&t, &a.hdr.sourcePortIdentity))),
			3 * PTP_NSEC_PER_SEC);
	CU_ASSERT_EQUAL(tmv_to_ns(foreign_timeout(&t, foreign_find(&t, &b.hdr.sourcePortIdentity))),
			4 * PTP_NSEC_PER_SEC);
	/* at 1 + 3 s both still there (deadline is inclusive) */
	CU_ASSERT_EQUAL(foreign_expire(&t, SEC(4)), 0);
	/* just after 3 intervals: the preferred one expired, the other not */
	CU_ASSERT_EQUAL(foreign_expire(&t, SEC(4.001)), 1);
	CU_ASSERT_PTR_NULL(foreign_find(&t, &a.hdr.sourcePortIdentity));
	CU_ASSERT_PTR_NOT_NULL(foreign_find(&t, &b.hdr.sourcePortIdentity));
	CU_ASSERT_EQUAL(foreign_expire(&t, SEC(5)), 0);
	CU_ASSERT_EQUAL(foreign_expire(&t, SEC(5.001)), 1);
	CU_ASSERT_EQUAL(foreign_n_qualified(&t), 0);
	CU_ASSERT_EQUAL(t.stats.expired, 2);
	/* an expired record starts over: one Announce does not qualify */
	a.hdr.sequenceId = 3;
	CU_ASSERT_EQUAL(foreign_announce(&t, &a, NULL, SEC(6), NULL), FOREIGN_PENDING);
}

/* EP-17: a non-empty acceptable table keeps everything else out. */
static void test_foreign_acceptable(void)
{
	struct ptp_clock_identity acc[2] = { cid(0x20), cid(0x99) };
	struct foreign_table t;
	struct ptp_msg rogue = announce(0x66, 0x66, 1, 6);
	struct ptp_msg good = announce(0x20, 0x20, 1, 248);
	struct ptp_msg via = announce(0x70, 0x99, 1, 248);	/* GM listed */

	ft_init(&t, acc, 2, NULL, 0);
	for (uint16_t s = 1; s < 6; s++) {
		rogue.hdr.sequenceId = good.hdr.sequenceId = s;
		via.hdr.sequenceId = s;
		CU_ASSERT_EQUAL(foreign_announce(&t, &rogue, NULL, SEC(s), NULL),
				FOREIGN_E_NOT_ACCEPTABLE);
		CU_ASSERT(foreign_announce(&t, &good, NULL, SEC(s), NULL) >= 0);
		CU_ASSERT(foreign_announce(&t, &via, NULL, SEC(s), NULL) >= 0);
	}
	CU_ASSERT_PTR_NULL(foreign_find(&t, &rogue.hdr.sourcePortIdentity));
	CU_ASSERT_EQUAL(t.stats.not_acceptable, 5);
	CU_ASSERT_EQUAL(foreign_n_qualified(&t), 2);
	/* the rogue's class 6 would have won: the best is still acceptable */
	CU_ASSERT(memcmp(&foreign_best(&t)->ds.gm_identity, &acc[0], 8) == 0);
	CU_ASSERT(!foreign_is_acceptable(&t, &rogue.hdr.sourcePortIdentity.clock));
	ft_init(&t, NULL, 0, NULL, 0);
	CU_ASSERT(foreign_is_acceptable(&t, &rogue.hdr.sourcePortIdentity.clock));
}

/* EP-03: keyed by portIdentity, not by address; table is bounded. */
static void test_foreign_keys_and_full(void)
{
	struct foreign_table t;
	struct bc_addr a1 = { false, { 10, 0, 0, 1 } }, a2 = { false, { 10, 0, 0, 2 } };
	struct ptp_msg m = announce(0x20, 0x20, 1, 248);
	struct foreign_record *r1, *r2;
	unsigned int i;

	ft_init(&t, NULL, 0, NULL, 0);
	foreign_announce(&t, &m, &a1, SEC(0), &r1);
	m.hdr.sequenceId = 2;
	foreign_announce(&t, &m, &a2, SEC(1), &r2);	/* same sender, new IP */
	CU_ASSERT_PTR_EQUAL(r1, r2);
	CU_ASSERT_EQUAL(r2->addr.a[3], 2);		/* newest address kept */
	m.hdr.sourcePortIdentity.port = 2;		/* same clock, other port */
	foreign_announce(&t, &m, &a1, SEC(1), &r2);
	CU_ASSERT_PTR_NOT_EQUAL(r1, r2);
	for (i = 0; i < FOREIGN_MAX_RECORDS; i++) {
		m.hdr.sourcePortIdentity = pid((uint8_t)(0x80 + i), 1);
		foreign_announce(&t, &m, NULL, SEC(2), NULL);
	}
	/* full: the two stalest unqualified records made room; the
	 * qualified r1 stays */
	CU_ASSERT_EQUAL(t.stats.full, 0);
	CU_ASSERT_EQUAL(t.stats.evicted, 2);
	CU_ASSERT_PTR_NOT_NULL(foreign_find(&t, &r1->ds.sender));
	CU_ASSERT(r1->qualified);
	foreign_clear(&t);
	CU_ASSERT_PTR_NULL(foreign_find(&t, &r1->ds.sender));
	CU_ASSERT_EQUAL(foreign_init(&t, &r1->ds.sender, 8, NULL, 0, NULL, 0), -1);
	m.hdr.messageType = PTP_SYNC;
	CU_ASSERT_EQUAL(foreign_announce(&t, &m, NULL, SEC(2), NULL), FOREIGN_E_INVAL);
}

/* A table filled with Announces of other (spoofed) senders: the real
 * grandmaster still qualifies, the stalest unqualified record makes room;
 * a table of qualified records only is full. */
static void test_foreign_spoof_eviction(void)
{
	struct foreign_table t;
	struct ptp_msg gm = announce(0x20, 0x20, 1, 6), sp;
	struct foreign_record *r = NULL;
	struct ptp_port_identity first = pid(0x80, 1);
	unsigned int i;

	ft_init(&t, NULL, 0, NULL, 0);
	for (i = 0; i < FOREIGN_MAX_RECORDS; i++) {
		sp = announce((uint8_t)(0x80 + i), (uint8_t)(0x80 + i), 1, 248);
		CU_ASSERT_EQUAL(foreign_announce(&t, &sp, NULL,
						 SEC(0.1 * (i + 1)), NULL),
				FOREIGN_PENDING);
	}
	CU_ASSERT_EQUAL(foreign_announce(&t, &gm, NULL, SEC(1), &r),
			FOREIGN_PENDING);
	CU_ASSERT_PTR_NULL(foreign_find(&t, &first));	/* stalest */
	gm.hdr.sequenceId = 2;
	CU_ASSERT_EQUAL(foreign_announce(&t, &gm, NULL, SEC(2), &r),
			FOREIGN_QUALIFIED);
	CU_ASSERT_PTR_NOT_NULL_FATAL(foreign_best(&t));
	CU_ASSERT_EQUAL(foreign_best(&t)->ds.quality.clockClass, 6);
	CU_ASSERT_EQUAL(t.stats.full, 0);
	CU_ASSERT_EQUAL(t.stats.evicted, 1);
	/* all qualified: nothing to evict */
	ft_init(&t, NULL, 0, NULL, 0);
	for (i = 0; i < FOREIGN_MAX_RECORDS; i++)
		for (uint16_t q = 1; q <= 2; q++) {
			sp = announce((uint8_t)(0x80 + i), 0x80, q, 248);
			foreign_announce(&t, &sp, NULL, SEC(q), NULL);
		}
	CU_ASSERT_EQUAL(foreign_n_qualified(&t), FOREIGN_MAX_RECORDS);
	CU_ASSERT_EQUAL(foreign_announce(&t, &gm, NULL, SEC(3), NULL),
			FOREIGN_E_FULL);
	CU_ASSERT_EQUAL(t.stats.full, 1);
}

/* 1588-2019 9.3.2.5: an Announce with stepsRemoved 255 or more is not
 * considered (a BC taking it would announce 256, or wrap 65535 to 0). */
static void test_foreign_steps_removed(void)
{
	struct foreign_table t;
	struct ptp_msg m = announce(0x20, 0x20, 1, 6);

	ft_init(&t, NULL, 0, NULL, 0);
	m.body.announce.stepsRemoved = 254;
	CU_ASSERT_EQUAL(foreign_announce(&t, &m, NULL, SEC(1), NULL),
			FOREIGN_PENDING);
	for (uint16_t q = 2; q <= 4; q++) {
		m.hdr.sequenceId = q;
		m.body.announce.stepsRemoved = q == 2 ? 255 : 65535;
		CU_ASSERT_EQUAL(foreign_announce(&t, &m, NULL, SEC(q), NULL),
				FOREIGN_E_STEPS);
	}
	CU_ASSERT_EQUAL(t.stats.steps_removed, 3);
	CU_ASSERT_EQUAL(foreign_n_qualified(&t), 0);
}

/* The best record follows bmca_compare among qualified records only. */
static void test_foreign_best(void)
{
	struct foreign_table t;
	struct ptp_msg a = announce(0x20, 0x20, 1, 248);
	struct ptp_msg b = announce(0x21, 0x21, 1, 7);
	struct ptp_msg c = announce(0x22, 0x22, 1, 6);

	ft_init(&t, NULL, 0, NULL, 0);
	for (uint16_t s = 1; s <= 2; s++) {
		a.hdr.sequenceId = b.hdr.sequenceId = s;
		foreign_announce(&t, &a, NULL, SEC(s), NULL);
		foreign_announce(&t, &b, NULL, SEC(s), NULL);
	}
	foreign_announce(&t, &c, NULL, SEC(2), NULL);	/* best, unqualified */
	CU_ASSERT_EQUAL(foreign_best(&t)->ds.quality.clockClass, 7);
	c.hdr.sequenceId = 2;
	foreign_announce(&t, &c, NULL, SEC(3), NULL);
	CU_ASSERT_EQUAL(foreign_best(&t)->ds.quality.clockClass, 6);
}

int test_register(void)
{
	static const struct test_case cmp[] = {
		{ "attributes (figure 34)", test_compare_attributes },
		{ "identity order", test_compare_identity_order },
		{ "topology (figure 35)", test_compare_topology },
		{ "D0 and Announce data sets", test_dataset_builders },
		{ "state decision (figure 33)", test_decide },
		{ NULL, NULL },
	};
	static const struct test_case fm[] = {
		{ "qualification 2 in 4 intervals", test_foreign_qualification },
		{ "receipt timeout 3/4 intervals (EP-10)", test_foreign_timeout },
		{ "acceptable table (EP-17)", test_foreign_acceptable },
		{ "portIdentity keys, full table (EP-03)", test_foreign_keys_and_full },
		{ "best qualified record", test_foreign_best },
		{ "spoofed senders: stalest unqualified evicted", test_foreign_spoof_eviction },
		{ "stepsRemoved >= 255 not considered (9.3.2.5)", test_foreign_steps_removed },
		{ NULL, NULL },
	};
	int rc = test_add_suite("bmca", cmp);

	return rc ? rc : test_add_suite("foreign", fm);
}
