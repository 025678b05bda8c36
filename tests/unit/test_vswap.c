/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of the reload's view swap (lib/sw/vswap.c) and the fast
 * path's view (lib/sw/fwd_view.c): the generation protocol step by step,
 * then reader threads that drive their own transparent clock (tc_run, as
 * the worker's burst run does) with the view of the moment while a writer
 * publishes thousands of random views. Every view carries a checksum of
 * its bytes, and one vswap frees is overwritten (and really freed at the
 * end): a torn view, a tc not re-configured with its view, or a view
 * freed while a reader may still use it fails. The sanitizer build adds
 * AddressSanitizer's checks (the tc, the protocol test's frees) and
 * LeakSanitizer's: every view is freed.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "conf/config.h"
#include "cunit_main.h"
#include "ptp/ptp_time.h"
#include "sw/fwd_view.h"
#include "sw/vswap.h"
#include "tc/tc.h"

/* ---- the protocol, step by step ---- */

static unsigned int n_freed;

static void count_free(void *view, void *arg)
{
	(void)arg;
	n_freed++;
	free(view);
}

static void test_protocol(void)
{
	struct vswap s;
	void *a = malloc(8), *b = malloc(8), *c = malloc(8);

	n_freed = 0;
	CU_ASSERT_EQUAL(vswap_init(&s, VSWAP_MAX_READERS + 1, a, count_free,
				   NULL), -EINVAL);
	CU_ASSERT_EQUAL_FATAL(vswap_init(&s, 2, a, count_free, NULL), 0);
	CU_ASSERT_EQUAL(vswap_gen(&s), 1);
	CU_ASSERT_PTR_EQUAL(vswap_get(&s), a);
	CU_ASSERT_TRUE(vswap_reclaim(&s));		/* nothing waits */
	CU_ASSERT_EQUAL(vswap_publish(&s, b), 2);
	CU_ASSERT_PTR_EQUAL(vswap_get(&s), b);
	/* a waits for both readers */
	CU_ASSERT_FALSE(vswap_reclaim(&s));
	CU_ASSERT_EQUAL(vswap_publish(&s, c), -EBUSY);
	CU_ASSERT_PTR_EQUAL(vswap_get(&s), b);		/* unchanged */
	vswap_ack(&s, 0, 2);
	CU_ASSERT_FALSE(vswap_reclaim(&s));
	CU_ASSERT_EQUAL(n_freed, 0);
	vswap_ack(&s, 1, 1);				/* still on a */
	CU_ASSERT_FALSE(vswap_reclaim(&s));
	vswap_ack(&s, 1, 2);
	CU_ASSERT_TRUE(vswap_reclaim(&s));
	CU_ASSERT_EQUAL(n_freed, 1);
	/* b retired by c; a reader that stopped does not hold it */
	CU_ASSERT_EQUAL(vswap_publish(&s, c), 3);
	vswap_ack(&s, 0, 3);
	CU_ASSERT_FALSE(vswap_reclaim(&s));
	vswap_offline(&s, 1);
	CU_ASSERT_TRUE(vswap_reclaim(&s));
	CU_ASSERT_EQUAL(n_freed, 2);
	CU_ASSERT_EQUAL(vswap_publish(&s, NULL), -EINVAL);
	vswap_fini(&s);
	CU_ASSERT_EQUAL(n_freed, 3);
	CU_ASSERT_EQUAL(s.n_published, 2);
	CU_ASSERT_EQUAL(s.n_reclaimed, 2);
}

/* ---- fwd_view from a configuration ---- */

static void test_view_build(void)
{
	struct fwd_view v;
	struct conf c;

	conf_defaults(&c);
	c.n_ports = 2;
	c.ports[1].ingress_latency_ns = 40;
	c.ports[0].egress_latency_ns = -7;
	c.tc.all_domains = false;
	memset(c.tc.domain_bitmap, 0, sizeof(c.tc.domain_bitmap));
	c.tc.domain_bitmap[0] = 1u << 4;		/* domain 4 */
	c.tc.domain_bitmap[3] = 1u << 0;		/* domain 24 */
	c.n_bcs = 1;
	c.bcs[0].domain = 24;
	c.mac_aging_s = 1;
	fwd_view_build(&c, &v);
	CU_ASSERT_EQUAL(v.ev_path[4], FWD_EV_RUN_TC);
	CU_ASSERT_EQUAL(v.ev_path[24], FWD_EV_GENERAL);	/* the BC's */
	CU_ASSERT_EQUAL(v.ev_path[0], FWD_EV_AS_IS);
	CU_ASSERT_TRUE(fwd_view_bit(v.tc_domains, 4));
	CU_ASSERT_FALSE(fwd_view_bit(v.tc_domains, 24));
	CU_ASSERT_TRUE(fwd_view_bit(v.bc_domains, 24));
	CU_ASSERT_EQUAL(v.tc.ingress_latency_ns[1], 40);
	CU_ASSERT_EQUAL(v.tc.egress_latency_ns[0], -7);
	/* the learn epoch: the largest power of two of ns not over 1 ms
	 * (1 s of aging / 64 is longer) */
	CU_ASSERT_EQUAL(v.fdb_aging_ns, 1000000000ull);
	CU_ASSERT_EQUAL(1ull << v.learn_shift, 524288ull);
	c.tc.mode = CONF_TC_TWO_STEP;
	fwd_view_build(&c, &v);
	CU_ASSERT_EQUAL(v.ev_path[4], FWD_EV_GENERAL);
	CU_ASSERT_TRUE(v.two_step);
	c.tc.enabled = false;
	fwd_view_build(&c, &v);
	CU_ASSERT_EQUAL(v.ev_path[4], FWD_EV_AS_IS);
	CU_ASSERT_EQUAL(v.ev_path[24], FWD_EV_GENERAL);
}

/* ---- many swaps under traffic ---- */

#define T_READERS	2
#define T_SWAPS		2000
#define T_PORTS		4
#define T_PENDING	64
#define T_BURST		8
#define T_FRAME		(14 + 20 + 8 + 44)

struct tview {
	struct fwd_view v;
	uint64_t sum;			/* of v's bytes */
};

static uint64_t view_sum(const struct fwd_view *v)
{
	const uint8_t *p = (const uint8_t *)v;
	uint64_t h = 1469598103934665603ull;
	size_t i;

	for (i = 0; i < sizeof(*v); i++)
		h = (h ^ p[i]) * 1099511628211ull;
	return h;
}

/* A view vswap frees is overwritten and kept until the end of the test
 * (freed then): a reader still on it reads the pattern and counts a bad
 * checksum in any build, not only where AddressSanitizer watches. */
struct grave {
	unsigned int n;
	void *v[T_SWAPS + 1];
};

static void tview_free(void *view, void *arg)
{
	struct grave *g = arg;

	memset(view, 0xA5, sizeof(struct tview));
	g->v[g->n++] = view;		/* writer thread only */
}

static uint64_t rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* A random configuration's view, checksummed. */
static struct tview *random_view(uint64_t *seed)
{
	struct tview *t = malloc(sizeof(*t));
	struct conf c;
	unsigned int i;

	if (t == NULL)
		return NULL;
	conf_defaults(&c);
	c.n_ports = T_PORTS;
	for (i = 0; i < T_PORTS; i++) {
		c.ports[i].ingress_latency_ns = (int32_t)(rnd(seed) % 2001) - 1000;
		c.ports[i].egress_latency_ns = (int32_t)(rnd(seed) % 2001) - 1000;
	}
	c.tc.enabled = rnd(seed) % 8 != 0;
	c.tc.mode = rnd(seed) % 4 == 0 ? CONF_TC_TWO_STEP : CONF_TC_ONE_STEP;
	c.tc.syntonize = false;		/* corrections exactly predictable */
	c.tc.pending_entries = T_PENDING;
	c.tc.pending_timeout_ms = 1 + (uint32_t)(rnd(seed) % 1000);
	c.tc.all_domains = rnd(seed) % 2;
	for (i = 0; i < 32; i++)
		c.tc.domain_bitmap[i] = (uint8_t)rnd(seed);
	c.n_bcs = (unsigned int)(rnd(seed) % 3);
	for (i = 0; i < c.n_bcs; i++)
		c.bcs[i].domain = (uint8_t)(rnd(seed) % 8);
	c.mac_aging_s = 1 + (uint32_t)(rnd(seed) % 600);
	fwd_view_build(&c, &t->v);
	t->sum = view_sum(&t->v);
	return t;
}

/* An untagged UDP/IPv4 one-step Sync of domain d (no UDP checksum). */
static void sync_frame(uint8_t *f, uint8_t d, uint16_t seq)
{
	uint8_t *ip = f + 14, *udp = ip + 20, *ptp = udp + 8;

	memset(f, 0, T_FRAME);
	memcpy(f, "\x01\x00\x5e\x00\x01\x81\x02\x00\x00\x00\x00\x01", 12);
	f[12] = 0x08;
	ip[0] = 0x45;
	ip[3] = 20 + 8 + 44;
	ip[8] = 1;
	ip[9] = 17;
	memcpy(ip + 12, "\xc0\x00\x02\x01\xe0\x00\x01\x81", 8);
	udp[0] = udp[2] = 0x01;
	udp[1] = udp[3] = 0x3f;		/* 319 */
	udp[5] = 8 + 44;
	ptp[0] = 0x00;			/* Sync */
	ptp[1] = 0x02;
	ptp[3] = 44;
	ptp[4] = d;
	ptp[32] = (uint8_t)(seq >> 8);
	ptp[33] = (uint8_t)seq;
}

static int64_t cf_of(const uint8_t *ptp)
{
	uint64_t v = 0;
	int i;

	for (i = 8; i < 16; i++)
		v = v << 8 | ptp[i];
	return (int64_t)v;
}

struct reader {
	struct vswap *s;
	unsigned int id;
	volatile int *stop;
	uint64_t seed;
	/* results, read after join */
	uint64_t adopted, bursts, corrected, bad_sum, bad_tc, bad_cf,
		 bad_path;
};

static void *reader_main(void *arg)
{
	struct reader *r = arg;
	const struct tview *t;
	struct tc *tc;
	uint64_t mine, g, now = 1000000000ull;
	uint8_t frames[T_BURST][T_FRAME];
	uint8_t *ptp[T_BURST];
	uint64_t rx[T_BURST];
	unsigned int k, n;

	t = vswap_get(r->s);
	mine = vswap_gen(r->s) == 1 ? 1 : 0;
	tc = tc_create(&t->v.tc);
	if (tc == NULL) {
		r->bad_tc++;
		vswap_offline(r->s, r->id);
		return NULL;
	}
	while (!__atomic_load_n(r->stop, __ATOMIC_ACQUIRE)) {
		/* the burst boundary: the worker's steps */
		g = vswap_gen(r->s);
		if (g != mine) {
			t = vswap_get(r->s);
			if (tc_reconfigure(tc, &t->v.tc) != 0)
				r->bad_tc++;
			mine = g;
			vswap_ack(r->s, r->id, g);
			r->adopted++;
		}
		/* the burst: the view must be whole and alive throughout;
		 * the last reader's bursts are long (it lags behind the
		 * writer, which the others pace) */
		for (k = 0; k < (r->id == T_READERS - 1 ? 32u : 1u); k++)
			if (view_sum(&t->v) != t->sum)
				r->bad_sum++;
		now += 1000000;
		for (n = 0, k = 0; k < T_BURST; k++) {
			uint8_t d = (uint8_t)(rnd(&r->seed) % 8);
			uint8_t path = t->v.ev_path[d];

			if ((path == FWD_EV_GENERAL) !=
			    (fwd_view_bit(t->v.bc_domains, d) ||
			     (t->v.two_step &&
			      fwd_view_bit(t->v.tc_domains, d))))
				r->bad_path++;
			if (path != FWD_EV_RUN_TC)
				continue;
			sync_frame(frames[n], d, (uint16_t)k);
			ptp[n] = frames[n] + 14 + 20 + 8;
			rx[n] = now - 1000 - 10 * k;
			n++;
		}
		if (n) {
			unsigned int in = (unsigned int)(rnd(&r->seed) % T_PORTS);
			unsigned int out = (in + 1) % T_PORTS;

			r->corrected += tc_run(tc, (uint16_t)in, (uint16_t)out,
					       tmv_from_ns((int64_t)now), ptp,
					       rx, 1, n);
			for (k = 0; k < n; k++) {
				int64_t want = (int64_t)(now - rx[k]) +
					t->v.tc.ingress_latency_ns[in] +
					t->v.tc.egress_latency_ns[out];

				if (cf_of(ptp[k]) != want * 65536)
					r->bad_cf++;
			}
		}
		if (view_sum(&t->v) != t->sum)
			r->bad_sum++;
		/* two cores for the writer and the readers: a reader that
		 * never let the writer run would only make the test slow */
		if (__atomic_add_fetch(&r->bursts, 1, __ATOMIC_RELAXED) % 64 == 0)
			sched_yield();
	}
	vswap_offline(r->s, r->id);
	tc_free(tc);
	return NULL;
}

static void test_swaps_under_traffic(void)
{
	struct reader rd[T_READERS];
	pthread_t th[T_READERS];
	static struct grave grave;
	static struct tview *views[T_SWAPS];
	unsigned int i, made = 1, busy = 0;
	volatile int stop = 0;
	uint64_t b;
	uint64_t seed = 0x9E3779B97F4A7C15ull;
	struct vswap s;
	struct tview *t;
	int64_t g;

	t = random_view(&seed);
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	grave.n = 0;
	CU_ASSERT_EQUAL_FATAL(vswap_init(&s, T_READERS, t, tview_free,
					 &grave), 0);
	memset(rd, 0, sizeof(rd));
	for (i = 0; i < T_READERS; i++) {
		rd[i].s = &s;
		rd[i].id = i;
		rd[i].stop = &stop;
		rd[i].seed = 0x1234567ull * (i + 1);
		CU_ASSERT_EQUAL_FATAL(pthread_create(&th[i], NULL, reader_main,
						     &rd[i]), 0);
	}
	/* built beforehand: the writer publishes as fast as vswap lets it,
	 * faster than a reader's burst */
	for (i = 0; i < T_SWAPS; i++) {
		views[i] = random_view(&seed);
		CU_ASSERT_PTR_NOT_NULL_FATAL(views[i]);
	}
	for (i = 0; i < T_READERS; i++)	/* every reader in its loop */
		while (__atomic_load_n(&rd[i].bursts, __ATOMIC_RELAXED) == 0)
			sched_yield();
	for (i = 0; i < T_SWAPS; i++) {
		t = views[i];
		made++;
		while ((g = vswap_publish(&s, t)) == -EBUSY) {
			busy++;
			sched_yield();
		}
		CU_ASSERT_EQUAL(g, (int64_t)i + 2);
		/* paced by the first reader's progress, not by vswap: it
		 * runs a burst between two publications */
		b = __atomic_load_n(&rd[0].bursts, __ATOMIC_RELAXED);
		while (__atomic_load_n(&rd[0].bursts, __ATOMIC_RELAXED) == b)
			sched_yield();
	}
	__atomic_store_n(&stop, 1, __ATOMIC_RELEASE);
	for (i = 0; i < T_READERS; i++)
		pthread_join(th[i], NULL);
	CU_ASSERT_TRUE(vswap_reclaim(&s));
	CU_ASSERT_EQUAL(grave.n, made - 1);	/* all but the current */
	vswap_fini(&s);
	CU_ASSERT_EQUAL(grave.n, made);
	for (i = 0; i < grave.n; i++)
		free(grave.v[i]);
	for (i = 0; i < T_READERS; i++) {
		CU_ASSERT_EQUAL(rd[i].bad_sum, 0);
		CU_ASSERT_EQUAL(rd[i].bad_tc, 0);
		CU_ASSERT_EQUAL(rd[i].bad_cf, 0);
		CU_ASSERT_EQUAL(rd[i].bad_path, 0);
		CU_ASSERT_TRUE(rd[i].bursts > 0);
		CU_ASSERT_TRUE(rd[i].adopted > 0);
	}
	/* the writer had to wait for readers at least sometimes, and the
	 * readers corrected messages under changing views */
	CU_ASSERT_TRUE(rd[0].corrected + rd[1].corrected > 0);
	(void)busy;
}

int test_register(void)
{
	static const struct test_case cases[] = {
		{ "protocol", test_protocol },
		{ "view_build", test_view_build },
		{ "swaps_under_traffic", test_swaps_under_traffic },
		{ NULL, NULL },
	};

	return test_add_suite("vswap", cases);
}
