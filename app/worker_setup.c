/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * worker set-up and what others read of it (worker.h): create, free, a
 * new view taken over at a burst boundary; drop reasons' names and the
 * watchdog counters summed over workers.
 */

#include <string.h>
#include <sys/prctl.h>

#include <rte_eal.h>

#include "app.h"
#include "sw/fwd_view.h"
#include "sw/hotmem.h"
#include "tc/tc.h"
#include "tc_hwtx.h"
#include "worker.h"
#include "worker_tx.h"

static const char *const drop_names[DROP__COUNT - FRAME_E__COUNT] = {
	[DROP_FILTERED - FRAME_E__COUNT] = "filtered",
	[DROP_NO_DEST - FRAME_E__COUNT] = "no_dest",
	[DROP_PORT_DOWN - FRAME_E__COUNT] = "port_down",
	[DROP_NO_MBUF - FRAME_E__COUNT] = "no_mbuf",
	[DROP_TX_FULL - FRAME_E__COUNT] = "tx_full",
	[DROP_BC_RING_FULL - FRAME_E__COUNT] = "bc_ring_full",
};

const char *drop_reason_name(unsigned int r)
{
	if (r < FRAME_E__COUNT)
		return frame_strerror((enum frame_err)r);
	if (r < DROP__COUNT)
		return drop_names[r - FRAME_E__COUNT];
	return "?";
}

/* The view's values the worker keeps in its own struct (the loop reads
 * them there). */
static void worker_view_copy(struct worker *w, const struct fwd_view *v)
{
	w->view = v;
	w->tc_mode = v->tc.mode;
	w->hwtx_tc = v->two_step;
	w->idle_sleep_ns = v->idle_sleep_ns;
	w->learn_shift = v->learn_shift;
	w->learn_refresh_ns = v->fdb_aging_ns / 128;
	memcpy(w->ev_path, v->ev_path, sizeof(w->ev_path));
}

struct worker *worker_create(struct app *app, unsigned int id,
			     unsigned int lcore)
{
	struct worker *w;

	/* one huge page where possible, also without EAL hugepages */
	w = hotmem_alloc(sizeof(*w));
	if (w == NULL)
		return NULL;
	w->id = id;
	w->lcore = lcore;
	w->txq = (uint16_t)id;
	w->rx_burst = rte_eal_has_hugepages() ? WORKER_BURST : WORKER_BURST_4K;
	w->app = app;
	dcache_clear(&w->dcache);	/* generation 1: no entry is 0's */
	w->view_gen = vswap_gen(&app->views);
	worker_view_copy(w, vswap_get(&app->views));
	w->tc = tc_create(&w->view->tc);
	if (w->tc == NULL) {
		hotmem_free(w, sizeof(*w));
		return NULL;
	}
	return w;
}

void worker_free(struct worker *w)
{
	if (w == NULL)
		return;
	tc_hwtx_free(w->hwtx);
	tc_free(w->tc);
	hotmem_free(w, sizeof(*w));
}

void worker_cache_sum(struct worker *const *ws, unsigned int n,
		      struct worker_cache_stats *out)
{
	unsigned int i;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < n; i++) {
		out->learn_misses += __atomic_load_n(&ws[i]->fdb_learn_calls,
						     __ATOMIC_RELAXED);
		out->dest_lookups += __atomic_load_n(&ws[i]->fdb_lookup_calls,
						     __ATOMIC_RELAXED);
	}
}

void worker_watchdog_sum(struct worker *const *ws, unsigned int n,
			 unsigned int p, struct watchdog_counters *out)
{
	unsigned int i;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < n && p < CONF_MAX_PORTS; i++)
		watchdog_add(out, &ws[i]->wd[p]);
}

/*
 * A reload published a new view (reload.h): taken over at a burst
 * boundary, where the worker holds nothing of the old one (its TX
 * buffers were flushed). The tc gets the new parameters, the learn cache
 * starts again (its epoch may have changed), worker 0 sets up TX stamps
 * if the TC or a new boundary clock now wants them (an allocation once
 * per reload, not per packet). Then the generation is acknowledged: the
 * control lcore may free the old view.
 */
void worker_view_adopt(struct worker *w, uint64_t g)
{
	const struct fwd_view *v = vswap_get(&w->app->views);

	if (tc_reconfigure(w->tc, &v->tc) != 0)
		w->view_errors++;	/* pending_entries: kept by reload */
	worker_view_copy(w, v);
	memset(w->learn, 0, sizeof(w->learn));
	memo_clear(&w->memo);
	dcache_clear(&w->dcache);
	if (w->hwtx == NULL)
		tx_stamps_setup(w);
	tx_stamp_paths(w);
	if (w->idle_sleep_ns)		/* as worker_main() at start */
		prctl(PR_SET_TIMERSLACK, 1000UL, 0, 0, 0);
	w->view_gen = g;
	w->view_changes++;
	vswap_ack(&w->app->views, w->id, g);
}
