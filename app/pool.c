/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * pool: size, check and watch of the mbuf pool (pool.h).
 */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>
#include <rte_ring.h>

#include "app.h"
#include "ctl_tx.h"
#include "meta.h"
#include "net/pcapfile.h"
#include "pool.h"
#include "tc_hwtx.h"
#include "worker.h"

#define POOL_CACHE	256		/* per-lcore cache, at most */
#define POOL_RX_DESC	512		/* port.c asks for these */
#define POOL_TX_DESC	512

unsigned int pool_need_running(const struct pool_need *n)
{
	return n->tx_desc + n->caches + n->workers + n->held;
}

unsigned int pool_need_total(const struct pool_need *n)
{
	return n->pmd_copies + n->rx_desc + pool_need_running(n);
}

/* The value of key in a device string "name,k=v,k=v" (several: the
 * idx-th), copied into val; false if absent. */
static bool dev_arg(const char *dev, const char *key, unsigned int idx,
		    char *val, size_t len)
{
	size_t klen = strlen(key);
	const char *p = strchr(dev, ',');

	while (p != NULL) {
		p++;
		if (strncmp(p, key, klen) == 0 && p[klen] == '=' &&
		    idx-- == 0) {
			snprintf(val, len, "%.*s", (int)strcspn(p + klen + 1,
					",") , p + klen + 1);
			return true;
		}
		p = strchr(p, ',');
	}
	return false;
}

/* Frames a port's PMD keeps in the pool: net_pcap replaying files with
 * infinite_rx copies every frame of them at RX queue set-up. */
static unsigned int port_pmd_copies(const struct conf_port *cp)
{
	char val[CONF_PATH_LEN];
	uint64_t n, sum = 0;
	unsigned int i;
	int ret;

	if (strncmp(cp->device, "net_pcap", 8) != 0 &&
	    strncmp(cp->device, "eth_pcap", 8) != 0)
		return 0;
	if (!dev_arg(cp->device, "infinite_rx", 0, val, sizeof(val)) ||
	    atoi(val) <= 0)
		return 0;
	for (i = 0; dev_arg(cp->device, "rx_pcap", i, val, sizeof(val));
	     i++) {
		ret = pcapfile_count(val, &n);
		if (ret != 0 && ret != -EINVAL) {
			PLOG(WARNING, "port %s: cannot count the frames of "
			     "%s (%s): the mbuf pool is sized without the "
			     "copies net_pcap keeps of them", cp->name, val,
			     strerror(-ret));
			continue;
		}
		sum += n;		/* -EINVAL: the whole frames before */
	}
	return sum > UINT32_MAX / 2 ? UINT32_MAX / 2 : (unsigned int)sum;
}

static unsigned int pool_cache_size(unsigned int n)
{
	unsigned int cache = POOL_CACHE;

	while (cache > 1 && cache * 3 / 2 > n)
		cache /= 2;
	return cache;
}

static void pool_need_count(const struct app *app, struct pool_need *n)
{
	unsigned int p, ports = app->conf.n_ports, w = app->n_workers;

	memset(n, 0, sizeof(*n));
	for (p = 0; p < ports; p++)
		n->pmd_copies += port_pmd_copies(&app->conf.ports[p]);
	n->rx_desc = ports * POOL_RX_DESC;
	n->tx_desc = ports * w * POOL_TX_DESC;
	n->caches = rte_lcore_count() * POOL_CACHE * 3 / 2;
	n->workers = w * (WORKER_BURST + ports * WORKER_TXBUF);
	n->held = ports * (TC_HWTX_PEND + TC_HWTX_HOLD) +
		  rte_ring_get_capacity(app->bc_ring) + CTL_TX_RING;
}

int pool_create(struct app *app)
{
	struct app_pool_state *st = &app->pool_st;
	struct pool_need need;
	unsigned int n;

	pool_need_count(app, &need);
	st->need = pool_need_total(&need);
	st->need_running = pool_need_running(&need);
	st->sized_auto = app->conf.mbufs == 0;
	n = app->conf.mbufs;
	if (st->sized_auto)
		n = st->need > POOL_FLOOR ? st->need : POOL_FLOOR;
	app->pool = rte_pktmbuf_pool_create(POOL_NAME, n, pool_cache_size(n),
					    0, RTE_MBUF_DEFAULT_BUF_SIZE,
					    (int)rte_socket_id());
	if (app->pool == NULL) {
		PLOG(ERR, "mempool %s of %u mbufs: %s (memory: see -m in the "
		     "eal list)", POOL_NAME, n, rte_strerror(rte_errno));
		return -1;
	}
	PLOG(INFO, "mempool %s: %u mbufs (%s); the ports need %u: PMD "
	     "copies %u, RX descriptors %u, TX descriptors %u, lcore caches "
	     "%u, worker bursts %u, held %u", POOL_NAME, n,
	     st->sized_auto ? "sized from the ports" : "mbufs key", st->need,
	     need.pmd_copies, need.rx_desc, need.tx_desc, need.caches,
	     need.workers, need.held);
	return 0;
}

int pool_port_fits(const struct app *app, unsigned int idx)
{
	const struct conf_port *cp = &app->conf.ports[idx];
	unsigned int copies = port_pmd_copies(cp);
	unsigned int avail = rte_mempool_avail_count(app->pool);

	if (copies <= avail)
		return 0;
	PLOG(ERR, "port %s: its PMD keeps %u frames of its input in mempool "
	     "%s, which has %u of %u mbufs free: not starting (%s)", cp->name,
	     copies, POOL_NAME, avail, app->pool->size,
	     app->pool_st.sized_auto ? "pool sized from the ports" :
	     "the mbufs key is too small: remove it or raise it");
	return -1;
}

int pool_check_started(struct app *app)
{
	struct app_pool_state *st = &app->pool_st;
	unsigned int size = app->pool->size;
	unsigned int in_use = rte_mempool_in_use_count(app->pool);
	unsigned int avail = rte_mempool_avail_count(app->pool);

	st->held_at_start = in_use;
	if (avail >= st->need_running) {
		PLOG(INFO, "mempool %s: %u of %u mbufs held by the ports "
		     "after start, %u free (running needs %u)", POOL_NAME,
		     in_use, size, avail, st->need_running);
		return 0;
	}
	st->short_at_start = true;
	if (st->sized_auto) {
		PLOG(ERR, "mempool %s: the ports hold %u of %u mbufs after "
		     "start, %u free, forwarding needs %u free: not starting "
		     "(set mbufs = %u)", POOL_NAME, in_use, size, avail,
		     st->need_running, in_use + st->need_running);
		return -1;
	}
	PLOG(WARNING, "mempool %s: the ports hold %u of %u mbufs after "
	     "start, %u free, forwarding needs %u free: RX will run out of "
	     "buffers (mbufs = %u is too small: raise it to %u or remove it)",
	     POOL_NAME, in_use, size, avail, st->need_running, size,
	     in_use + st->need_running);
	return 0;
}

void pool_line(const struct app *app, FILE *out)
{
	const struct app_pool_state *st = &app->pool_st;

	if (st->rx_starved)
		fprintf(out, " RX-NO-MBUFS (%s %u/%u free)", POOL_NAME,
			rte_mempool_avail_count(app->pool), app->pool->size);
	else if (st->short_at_start)
		fprintf(out, " mbufs-short");
}

uint64_t pool_rx_nombuf(const struct app *app)
{
	uint64_t n = 0;
	unsigned int p;

	for (p = 0; p < app->n_ports; p++)
		n += app->pool_st.rx_nombuf[p];
	return n;
}

void pool_dump(const struct app *app, FILE *out)
{
	const struct app_pool_state *st = &app->pool_st;

	fprintf(out, "mbufs: in use %u of %u (start %u), bc ring %u, free %u, "
		"need %u (%s), held after port start %u, rx_nombuf %" PRIu64
		", rx-starved %s (%" PRIu64 " times)\n",
		rte_mempool_in_use_count(app->pool), app->pool->size,
		app->mbufs_start, rte_ring_count(app->bc_ring),
		rte_mempool_avail_count(app->pool), st->need,
		st->sized_auto ? "sized from the ports" : "mbufs key",
		st->held_at_start, pool_rx_nombuf(app),
		st->rx_starved ? "yes" : "no", st->starved_events);
}

void pool_watch(struct app *app)
{
	struct app_pool_state *st = &app->pool_st;
	struct rte_eth_stats es;
	unsigned int p, avail, grew_port = 0;
	uint64_t grew = 0;
	bool low, starved;

	for (p = 0; p < app->n_ports; p++) {
		if (rte_eth_stats_get(app->ports[p].port_id, &es) != 0)
			continue;
		if (es.rx_nombuf > st->rx_nombuf[p]) {
			if (grew == 0)
				grew_port = p;
			grew += es.rx_nombuf - st->rx_nombuf[p];
		}
		st->rx_nombuf[p] = es.rx_nombuf;
	}
	avail = rte_mempool_avail_count(app->pool);
	low = avail < app->n_workers * WORKER_BURST;
	starved = grew != 0 || (low && st->low_prev);
	st->low_prev = low;
	if (starved == st->rx_starved)
		return;
	st->rx_starved = starved;
	if (!starved) {
		PLOG(NOTICE, "mempool %s: RX gets buffers again (%u of %u "
		     "free)", POOL_NAME, avail, app->pool->size);
		return;
	}
	st->starved_events++;
	if (grew)
		PLOG(ERR, "mempool %s: RX cannot get buffers: %u of %u "
		     "free, rx_nombuf +%" PRIu64 " (port %s first): the "
		     "ports drop what they receive (mbufs, docs/operations.md)",
		     POOL_NAME, avail, app->pool->size, grew,
		     app->ports[grew_port].conf->name);
	else
		PLOG(ERR, "mempool %s: RX cannot get buffers: %u of %u "
		     "free, less than one burst per worker: the ports cannot "
		     "receive (mbufs, docs/operations.md)", POOL_NAME,
		     avail, app->pool->size);
}
