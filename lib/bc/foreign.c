/* SPDX-License-Identifier: BSD-3-Clause */
/* Foreign timeTransmitter table: qualification, EP-10 timeout, EP-17. */

#include <string.h>

#include "bc/foreign.h"

int foreign_init(struct foreign_table *t, const struct ptp_port_identity *port,
		 int8_t log_announce_interval,
		 const struct ptp_clock_identity *acceptable, unsigned int n_acc,
		 const struct ptp_clock_identity *preferred, unsigned int n_pref)
{
	int64_t ns;

	if (log_announce_interval < -7 || log_announce_interval > 7)
		return -1;
	memset(t, 0, sizeof(*t));
	t->port = *port;
	ns = log_announce_interval >= 0 ?
		PTP_NSEC_PER_SEC << log_announce_interval :
		PTP_NSEC_PER_SEC >> -log_announce_interval;
	t->interval = tmv_from_ns(ns);
	t->acceptable = acceptable;
	t->n_acceptable = acceptable ? n_acc : 0;
	t->preferred = preferred;
	t->n_preferred = preferred ? n_pref : 0;
	return 0;
}

static bool id_in(const struct ptp_clock_identity *tab, unsigned int n,
		  const struct ptp_clock_identity *id)
{
	for (unsigned int i = 0; i < n; i++)
		if (bmca_clockid_cmp(&tab[i], id) == 0)
			return true;
	return false;
}

bool foreign_is_acceptable(const struct foreign_table *t,
			   const struct ptp_clock_identity *id)
{
	return t->n_acceptable == 0 || id_in(t->acceptable, t->n_acceptable, id);
}

bool foreign_is_preferred(const struct foreign_table *t,
			  const struct ptp_clock_identity *id)
{
	return id_in(t->preferred, t->n_preferred, id);
}

struct foreign_record *foreign_find(struct foreign_table *t,
				    const struct ptp_port_identity *sender)
{
	for (unsigned int i = 0; i < FOREIGN_MAX_RECORDS; i++)
		if (t->rec[i].used &&
		    bmca_portid_cmp(&t->rec[i].ds.sender, sender) == 0)
			return &t->rec[i];
	return NULL;
}

/* A free record, else the unqualified one heard from least recently
 * (so that Announces of many senders, spoofed or not, cannot keep a real
 * timeTransmitter from ever qualifying); NULL when all are qualified. */
static struct foreign_record *foreign_alloc(struct foreign_table *t)
{
	struct foreign_record *r = NULL;

	for (unsigned int i = 0; i < FOREIGN_MAX_RECORDS && r == NULL; i++)
		if (!t->rec[i].used)
			r = &t->rec[i];
	for (unsigned int i = 0; i < FOREIGN_MAX_RECORDS && r == NULL; i++) {
		struct foreign_record *c = &t->rec[i];

		if (c->qualified)
			continue;
		for (unsigned int j = i + 1; j < FOREIGN_MAX_RECORDS; j++)
			if (!t->rec[j].qualified &&
			    tmv_cmp(t->rec[j].rx[0], c->rx[0]) < 0)
				c = &t->rec[j];
		r = c;
		t->stats.evicted++;
	}
	if (r != NULL) {
		memset(r, 0, sizeof(*r));
		r->used = true;
	}
	return r;
}

/* Either the sender's clock or the announced grandmaster is listed. */
static bool msg_listed(const struct ptp_msg *m,
		       const struct ptp_clock_identity *tab, unsigned int n)
{
	return id_in(tab, n, &m->hdr.sourcePortIdentity.clock) ||
	       id_in(tab, n, &m->body.announce.grandmasterIdentity);
}

/* Push a receipt time; true when THRESHOLD of them lie within the window. */
static bool record_rx(const struct foreign_table *t, struct foreign_record *r,
		      tmv_t now)
{
	tmv_t window = tmv_from_ns(tmv_to_ns(t->interval) *
				   FOREIGN_MASTER_TIME_WINDOW);

	memmove(&r->rx[1], &r->rx[0],
		sizeof(r->rx[0]) * (FOREIGN_MASTER_THRESHOLD - 1));
	r->rx[0] = now;
	if (r->n_rx < FOREIGN_MASTER_THRESHOLD)
		r->n_rx++;
	return r->n_rx >= FOREIGN_MASTER_THRESHOLD &&
	       tmv_cmp(tmv_sub(now, r->rx[FOREIGN_MASTER_THRESHOLD - 1]),
		       window) <= 0;
}

static void record_fill(struct foreign_table *t, struct foreign_record *r,
			const struct ptp_msg *m, const struct bc_addr *src)
{
	bmca_dataset_from_announce(&r->ds, m, &t->port);
	r->flags = m->hdr.flagField;
	r->currentUtcOffset = m->body.announce.currentUtcOffset;
	r->timeSource = m->body.announce.timeSource;
	r->last_seq = m->hdr.sequenceId;
	r->preferred = msg_listed(m, t->preferred, t->n_preferred);
	if (src != NULL)
		r->addr = *src;
}

int foreign_announce(struct foreign_table *t, const struct ptp_msg *m,
		     const struct bc_addr *src, tmv_t now,
		     struct foreign_record **recp)
{
	struct foreign_record *r;
	struct bmca_dataset old;
	bool was_q, changed;

	if (recp != NULL)
		*recp = NULL;
	if (m->hdr.messageType != PTP_ANNOUNCE)
		return FOREIGN_E_INVAL;
	t->stats.announces++;
	if (t->n_acceptable > 0 &&
	    !msg_listed(m, t->acceptable, t->n_acceptable)) {
		t->stats.not_acceptable++;
		return FOREIGN_E_NOT_ACCEPTABLE;
	}
	if (m->body.announce.stepsRemoved >= 255) {
		t->stats.steps_removed++;
		return FOREIGN_E_STEPS;
	}
	r = foreign_find(t, &m->hdr.sourcePortIdentity);
	if (r != NULL && r->n_rx > 0 && r->last_seq == m->hdr.sequenceId) {
		t->stats.duplicates++;
		return FOREIGN_E_DUPLICATE;
	}
	if (r == NULL && (r = foreign_alloc(t)) == NULL) {
		t->stats.full++;
		return FOREIGN_E_FULL;
	}
	old = r->ds;
	was_q = r->qualified;
	record_fill(t, r, m, src);
	if (record_rx(t, r, now))
		r->qualified = true;
	if (recp != NULL)
		*recp = r;
	changed = memcmp(&old, &r->ds, sizeof(old)) != 0;
	if (r->qualified && (!was_q || changed))
		return FOREIGN_QUALIFIED;
	return r->qualified ? FOREIGN_UPDATED : FOREIGN_PENDING;
}

tmv_t foreign_timeout(const struct foreign_table *t,
		      const struct foreign_record *r)
{
	int n = r->preferred ? FOREIGN_TIMEOUT_PREFERRED : FOREIGN_TIMEOUT_OTHER;

	return tmv_from_ns(tmv_to_ns(t->interval) * n);
}

tmv_t foreign_deadline(const struct foreign_table *t,
		       const struct foreign_record *r)
{
	return tmv_add(r->rx[0], foreign_timeout(t, r));
}

unsigned int foreign_expire(struct foreign_table *t, tmv_t now)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < FOREIGN_MAX_RECORDS; i++) {
		struct foreign_record *r = &t->rec[i];

		if (r->used && tmv_cmp(foreign_deadline(t, r), now) < 0) {
			r->used = false;
			r->qualified = false;
			n++;
		}
	}
	t->stats.expired += n;
	return n;
}

const struct foreign_record *foreign_best(const struct foreign_table *t)
{
	const struct foreign_record *best = NULL;

	for (unsigned int i = 0; i < FOREIGN_MAX_RECORDS; i++) {
		const struct foreign_record *r = &t->rec[i];

		if (!r->used || !r->qualified)
			continue;
		if (best == NULL ||
		    bmca_compare(&r->ds, &best->ds) == BMCA_A_BETTER ||
		    bmca_compare(&r->ds, &best->ds) == BMCA_A_BETTER_TOPO)
			best = r;
	}
	return best;
}

void foreign_clear(struct foreign_table *t)
{
	for (unsigned int i = 0; i < FOREIGN_MAX_RECORDS; i++)
		t->rec[i].used = t->rec[i].qualified = false;
}

unsigned int foreign_n_qualified(const struct foreign_table *t)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < FOREIGN_MAX_RECORDS; i++)
		n += t->rec[i].used && t->rec[i].qualified;
	return n;
}
