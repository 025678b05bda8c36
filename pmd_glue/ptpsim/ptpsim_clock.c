/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * net_ptpsim's clock side: true time, the simulated PHC (a seqlock'd
 * linear model), the one-deep timestamp latches, the record logs, and the
 * test hooks of ptpsim.h.
 */

#include <errno.h>
#include <math.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>

#include "ptpsim_private.h"

static ptpsim_time_fn ptpsim_time_src;

/* ---- true time ---------------------------------------------------------- */

static uint64_t ptpsim_tsc_ns(void)
{
	static uint64_t hz;

	if (hz == 0)
		hz = rte_get_tsc_hz();
	return (uint64_t)((unsigned __int128)rte_get_tsc_cycles() *
			  1000000000u / hz);
}

uint64_t ptpsim_true_now(void)
{
	ptpsim_time_fn fn = __atomic_load_n(&ptpsim_time_src, __ATOMIC_ACQUIRE);

	return fn ? fn() : ptpsim_tsc_ns();
}

/* ---- simulated PHC ------------------------------------------------------ */

static int64_t ptpsim_clk_eval(int64_t phc_ref, uint64_t true_ref,
			       int64_t ppt, uint64_t t)
{
	int64_t d = (int64_t)(t - true_ref);
	__int128 x = (__int128)d * ppt;
	int64_t adj;

	/* round to nearest, halves away from zero */
	if (x >= 0)
		adj = (int64_t)((x + 500000000000LL) / 1000000000000LL);
	else
		adj = (int64_t)((x - 500000000000LL) / 1000000000000LL);
	return phc_ref + d + adj;
}

int64_t ptpsim_phc_at_true(struct ptpsim_clock *c, uint64_t t)
{
	uint64_t tref;
	int64_t pref, ppt;
	uint32_t g;

	do {
		g = __atomic_load_n(&c->gen, __ATOMIC_ACQUIRE);
		if (g & 1)
			continue;
		tref = __atomic_load_n(&c->true_ref, __ATOMIC_RELAXED);
		pref = __atomic_load_n(&c->phc_ref, __ATOMIC_RELAXED);
		ppt = __atomic_load_n(&c->ppt, __ATOMIC_RELAXED);
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
	} while ((g & 1) || __atomic_load_n(&c->gen, __ATOMIC_RELAXED) != g);
	return ptpsim_clk_eval(pref, tref, ppt, t);
}

/* Re-anchor the clock at true time t with PHC value phc and rate ppt. */
void ptpsim_clk_set(struct ptpsim_clock *c, uint64_t t, int64_t phc,
			   int64_t ppt)
{
	__atomic_fetch_add(&c->gen, 1, __ATOMIC_ACQ_REL);
	__atomic_store_n(&c->true_ref, t, __ATOMIC_RELAXED);
	__atomic_store_n(&c->phc_ref, phc, __ATOMIC_RELAXED);
	__atomic_store_n(&c->ppt, ppt, __ATOMIC_RELAXED);
	__atomic_fetch_add(&c->gen, 1, __ATOMIC_RELEASE);
}

/* Step by delta (adjust), or set (write), or change rate, continuously. */
void ptpsim_clk_modify(struct ptpsim_clock *c, int64_t delta,
			      const int64_t *set_to, const int64_t *new_ppt)
{
	uint64_t t;
	int64_t phc;

	rte_spinlock_lock(&c->wlock);
	t = ptpsim_true_now();
	phc = set_to ? *set_to : ptpsim_phc_at_true(c, t) + delta;
	ptpsim_clk_set(c, t, phc, new_ppt ? *new_ppt : c->ppt);
	rte_spinlock_unlock(&c->wlock);
}

void ns_to_timespec(int64_t ns, struct timespec *ts)
{
	if (ns < 0)
		ns = 0;
	ts->tv_sec = ns / 1000000000LL;
	ts->tv_nsec = ns % 1000000000LL;
}

/* ---- latches and records -------------------------------------------------*/

bool ptpsim_latch_put(struct ptpsim_latch *l, int64_t phc)
{
	if (__atomic_load_n(&l->full, __ATOMIC_ACQUIRE))
		return false;
	l->phc = phc;
	__atomic_store_n(&l->full, 1, __ATOMIC_RELEASE);
	return true;
}

static int ptpsim_latch_take(struct ptpsim_latch *l, int64_t *phc)
{
	if (!__atomic_load_n(&l->full, __ATOMIC_ACQUIRE))
		return -EINVAL;
	*phc = l->phc;
	__atomic_store_n(&l->full, 0, __ATOMIC_RELEASE);
	return 0;
}

void ptpsim_log_add(struct ptpsim_reclog *log,
			   const struct ptpsim_record *r)
{
	log->rec[log->head] = *r;
	log->head = (log->head + 1) % PTPSIM_NREC;
	if (log->count < PTPSIM_NREC)
		log->count++;
}

/* The PHC time latch holds into ts, counted in *reads; -EINVAL if it
 * holds none. */
int ptpsim_latch_read(struct ptpsim_latch *l, uint64_t *reads,
			     struct timespec *ts)
{
	int64_t phc;

	if (ptpsim_latch_take(l, &phc) != 0)
		return -EINVAL;
	(*reads)++;
	ns_to_timespec(phc, ts);
	return 0;
}

/* ---- test hooks ---------------------------------------------------------- */

void ptpsim_set_time_source(ptpsim_time_fn fn)
{
	uint16_t pid;
	uint64_t old_now = ptpsim_true_now();

	RTE_ETH_FOREACH_DEV(pid) {
		struct ptpsim_port *p = ptpsim_port_of(pid);
		uint64_t new_now = fn ? fn() : ptpsim_tsc_ns();

		if (p == NULL)
			continue;
		rte_spinlock_lock(&p->clk.wlock);
		ptpsim_clk_set(&p->clk, new_now,
			       ptpsim_phc_at_true(&p->clk, old_now), p->clk.ppt);
		rte_spinlock_unlock(&p->clk.wlock);
	}
	__atomic_store_n(&ptpsim_time_src, fn, __ATOMIC_RELEASE);
}

int ptpsim_get_counters(uint16_t port_id, struct ptpsim_counters *c)
{
	struct ptpsim_port *p = ptpsim_port_of(port_id);

	if (p == NULL)
		return -ENODEV;
	*c = p->cnt;
	return 0;
}

static int ptpsim_log_find(const struct ptpsim_reclog *log, bool any,
			   uint8_t type, uint16_t seq, struct ptpsim_record *rec)
{
	for (uint32_t i = 1; i <= log->count; i++) {
		const struct ptpsim_record *r =
			&log->rec[(log->head + PTPSIM_NREC - i) % PTPSIM_NREC];

		if (any || (r->msg_type == type && r->seq_id == seq)) {
			*rec = *r;
			return 0;
		}
	}
	return -ENOENT;
}

int ptpsim_find_record(uint16_t port_id, bool rx, uint8_t msg_type,
		       uint16_t seq_id, struct ptpsim_record *rec)
{
	struct ptpsim_port *p = ptpsim_port_of(port_id);

	if (p == NULL)
		return -ENODEV;
	return ptpsim_log_find(rx ? &p->rxlog : &p->txlog, false, msg_type,
			       seq_id, rec);
}

int ptpsim_last_rx(uint16_t port_id, struct ptpsim_record *rec)
{
	struct ptpsim_port *p = ptpsim_port_of(port_id);

	return p ? ptpsim_log_find(&p->rxlog, true, 0, 0, rec) : -ENODEV;
}

int ptpsim_last_tx(uint16_t port_id, struct ptpsim_record *rec)
{
	struct ptpsim_port *p = ptpsim_port_of(port_id);

	return p ? ptpsim_log_find(&p->txlog, true, 0, 0, rec) : -ENODEV;
}

int ptpsim_read(uint16_t port_id, uint64_t *true_ns, uint64_t *phc_ns)
{
	struct ptpsim_port *p = ptpsim_port_of(port_id);

	if (p == NULL)
		return -ENODEV;
	*true_ns = ptpsim_true_now();
	*phc_ns = (uint64_t)ptpsim_phc_at_true(&p->clk, *true_ns);
	return 0;
}

int ptpsim_phc_at(uint16_t port_id, uint64_t true_ns, uint64_t *phc_ns)
{
	struct ptpsim_port *p = ptpsim_port_of(port_id);

	if (p == NULL)
		return -ENODEV;
	*phc_ns = (uint64_t)ptpsim_phc_at_true(&p->clk, true_ns);
	return 0;
}

int ptpsim_set_ppm(uint16_t port_id, double ppm)
{
	struct ptpsim_port *p = ptpsim_port_of(port_id);
	int64_t ppt = (int64_t)llround(ppm * 1e6);

	if (p == NULL)
		return -ENODEV;
	ptpsim_clk_modify(&p->clk, 0, NULL, &ppt);
	return 0;
}
