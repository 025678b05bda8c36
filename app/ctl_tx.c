/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ctl_tx: frames the control lcore sends through worker 0, and their TX
 * stamps. See ctl_tx.h.
 */

#include <errno.h>
#include <string.h>

#include <rte_mbuf.h>
#include <rte_ring.h>

#include "app.h"
#include "ctl_tx.h"
#include "net/build.h"

int ctl_tx_init(struct app *app)
{
	app->ctl_tx_ring = rte_ring_create("ptpsw_ctl_tx", CTL_TX_RING,
					   (int)rte_socket_id(),
					   RING_F_SP_ENQ | RING_F_SC_DEQ);
	return app->ctl_tx_ring != NULL ? 0 : -1;
}

void ctl_tx_fini(struct app *app)
{
	struct rte_mbuf *m;

	if (app->ctl_tx_ring == NULL)
		return;
	while (rte_ring_sc_dequeue(app->ctl_tx_ring, (void **)&m) == 0)
		rte_pktmbuf_free(m);
	rte_ring_free(app->ctl_tx_ring);
	app->ctl_tx_ring = NULL;
}

uint8_t *ctl_tx_alloc(struct app *app, struct rte_mbuf **mp, uint16_t len)
{
	uint16_t flen = len < BUILD_MIN_FRAME ? BUILD_MIN_FRAME : len;
	struct rte_mbuf *m = rte_pktmbuf_alloc(app->pool);
	uint8_t *p;

	*mp = m;
	if (m == NULL)
		return NULL;
	p = (uint8_t *)rte_pktmbuf_append(m, flen);
	if (p == NULL) {
		rte_pktmbuf_free(m);
		*mp = NULL;
		return NULL;
	}
	memset(p, 0, flen);
	return p;
}

static int enqueue(struct app *app, unsigned int port, struct rte_mbuf *m)
{
	m->port = (uint16_t)port;
	if (app->ctl_tx_ring == NULL ||
	    rte_ring_sp_enqueue(app->ctl_tx_ring, m) != 0) {
		rte_pktmbuf_free(m);
		return -ENOBUFS;
	}
	return 0;
}

int ctl_tx_send(struct app *app, unsigned int port, struct rte_mbuf *m)
{
	meta_get(m, app->meta_offset)->flags = 0;
	return enqueue(app, port, m);
}

int ctl_tx_send_stamped(struct app *app, struct ctl_tx_wait *w,
			unsigned int port, struct rte_mbuf *m,
			const struct ctl_tx_tag *tag, uint64_t now)
{
	bool want = w->n < CTL_TX_WAIT;

	meta_get(m, app->meta_offset)->flags = want ? CTL_TX_TS_WANTED : 0;
	if (want)
		rte_mbuf_refcnt_update(m, 1);	/* kept until stamped */
	if (enqueue(app, port, m) != 0) {
		if (want)
			rte_pktmbuf_free(m);
		return -ENOBUFS;
	}
	if (want) {
		w->e[w->n].tag = *tag;
		w->e[w->n].sent = now;
		w->e[w->n].m = m;
		w->n++;
	}
	return 0;
}

unsigned int ctl_tx_collect(struct ctl_tx_wait *w, int meta_off,
			    uint64_t now,
			    void (*done)(void *arg, const struct ctl_tx_tag *tag,
					 uint64_t ts),
			    void *arg)
{
	unsigned int i = 0, lost = 0;

	while (i < w->n) {
		struct rte_mbuf *m = w->e[i].m;
		struct pkt_meta *pm = meta_get(m, meta_off);
		struct ctl_tx_tag tag = w->e[i].tag;
		bool stamped = __atomic_load_n(&pm->flags, __ATOMIC_ACQUIRE) ==
			       CTL_TX_TS_DONE;
		uint64_t ts = pm->tx_ts;

		if (!stamped && now - w->e[i].sent < CTL_TX_TS_TIMEOUT_NS) {
			i++;
			continue;
		}
		rte_pktmbuf_free(m);
		w->e[i] = w->e[--w->n];
		if (stamped)
			done(arg, &tag, ts);
		else
			lost++;
	}
	return lost;
}

void ctl_tx_wait_free(struct ctl_tx_wait *w)
{
	while (w->n)
		rte_pktmbuf_free(w->e[--w->n].m);
}
