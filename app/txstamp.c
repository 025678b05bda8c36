/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * txstamp: TX stamp verdicts and health per port (txstamp.h).
 */

#include <inttypes.h>
#include <stdlib.h>
#include <unistd.h>

#include "app.h"
#include "counters.h"
#include "sendwarm.h"
#include "tc_hwtx.h"
#include "txstamp.h"
#include "worker.h"

/* worker 0's tc_hwtx (it owns every port's TX stamps), or NULL */
static const struct tc_hwtx *txstamp_hwtx(const struct app *app)
{
	if (app->n_workers == 0 || app->workers[0] == NULL)
		return NULL;
	return __atomic_load_n(&app->workers[0]->hwtx, __ATOMIC_ACQUIRE);
}

const char *txstamp_state(const struct app *app, unsigned int p)
{
	const struct tc_hwtx *h = txstamp_hwtx(app);

	if (!ts_source_has_tx_event(&app->ports[p].ts))
		return "predicted";
	if (!tc_hwtx_port_on(h, p))
		return "unused";
	return tc_hwtx_port_lost(h, p) ? "lost" : "stamped";
}

/* Does the TC warm its stamped sends on some port? */
static bool txstamp_warm_wanted(const struct app *app)
{
	unsigned int p;

	if (!app->conf.tc.enabled)
		return false;
	for (p = 0; p < app->n_ports; p++)
		if (ts_source_has_tx_prepare(&app->ports[p].ts))
			return true;
	return false;
}

void txstamp_warm_init(struct app *app)
{
	struct sendwarm_info wi;

	if (!txstamp_warm_wanted(app))
		return;
	if (sendwarm_open() == 0) {
		app->sendwarm = APP_WARM_OPEN;
		return;
	}
	app->sendwarm = APP_WARM_FAILED;
	sendwarm_get(&wi);
	PLOG(WARNING, "transparent clock: %s: the first event message sent "
	     "for a TX stamp after an idle millisecond leaves more uncovered "
	     "(one-step: microseconds) (docs/operations.md, Banner)", wi.why);
}

void txstamp_warm_fini(struct app *app)
{
	if (app->sendwarm == APP_WARM_OPEN)
		sendwarm_close();
	app->sendwarm = APP_WARM_UNUSED;
}

/* "private loopback", "none: WHY" (into buf) or NULL (not used); *wi
 * the counters. */
static const char *txstamp_warm_desc(const struct app *app,
				     struct sendwarm_info *wi, char *buf,
				     size_t size)
{
	sendwarm_get(wi);
	switch (app->sendwarm) {
	case APP_WARM_OPEN:
		return "private loopback";
	case APP_WARM_FAILED:
		snprintf(buf, size, "none: %s", wi->why);
		return buf;
	default:
		return NULL;
	}
}

void txstamp_warm_banner(const struct app *app, FILE *out)
{
	struct sendwarm_info wi;
	char buf[sizeof(wi.why) + 8];
	const char *d = txstamp_warm_desc(app, &wi, buf, sizeof(buf));

	if (d != NULL)
		fprintf(out, "send warm-up: %s (a frame through it before the "
			"first event message sent for a TX stamp after %llu ms "
			"without one)\n", d, SENDWARM_IDLE_NS / 1000000ULL);
}

static void txstamp_test_switch(struct app *app)
{
	const char *f = getenv("PTPSW_TEST_TX_STAMPS_OFF");
	uint8_t off;
	unsigned int p;

	if (f == NULL || *f == '\0')
		return;
	off = access(f, F_OK) == 0;
	for (p = 0; p < app->n_ports; p++)
		app->ports[p].ts.test_no_tx_stamps = off;
}

void txstamp_tick(struct app *app)
{
	const struct tc_hwtx *h = txstamp_hwtx(app);
	unsigned int p;

	txstamp_test_switch(app);
	for (p = 0; p < app->n_ports && tc_hwtx_port_on(h, p); p++) {
		struct app_port *ap = &app->ports[p];
		uint64_t lost = h->port[p].lost_n, back = h->port[p].back_n;

		if (lost != ap->tx_lost_logged && h->port[p].lost)
			PLOG(WARNING, "port %s: TX stamps stopped (%u sent "
			     "in a row got none): event messages on it use the "
			     "predicted egress time until they come back",
			     ap->conf->name, TC_HWTX_MISS_MAX);
		else if (back != ap->tx_back_logged && !h->port[p].lost)
			PLOG(NOTICE, "port %s: TX stamps are back: event "
			     "messages on it use them again", ap->conf->name);
		else
			continue;
		ap->tx_lost_logged = lost;
		ap->tx_back_logged = back;
	}
}

void txstamp_line(const struct app *app, FILE *out)
{
	const struct tc_hwtx *h = txstamp_hwtx(app);
	unsigned int p, n = 0;

	for (p = 0; p < app->n_ports; p++)
		if (tc_hwtx_port_lost(h, p))
			fprintf(out, "%s%s", n++ ? "," : " tx-stamps-lost ",
				app->ports[p].conf->name);
	if (app->sendwarm == APP_WARM_FAILED)
		fprintf(out, " no-send-warmup");
}

void txstamp_dump_port(const struct app *app, unsigned int p, FILE *out)
{
	const struct app_port *ap = &app->ports[p];
	const struct ts_tx_stats *tx = ts_source_tx_stats(&ap->ts);
	const struct tc_hwtx *h = txstamp_hwtx(app);

	fprintf(out, "  stamps rx: %s\n  stamps tx: %s; now %s\n",
		ap->ts.rx_desc, ap->ts.tx_desc, txstamp_state(app, p));
	if (tx != NULL) {
		fprintf(out, "  tx stamps:");
		ctr_dump(out, &ctr_ts_tx, CTR_ALL, tx);
		fputc('\n', out);
	}
	if (tc_hwtx_port_on(h, p) && h->port[p].lat_n > 0)
		fprintf(out, "  one-step send latency %" PRId64 " ns (%u "
			"samples, used from %u)\n",
			tc_hwtx_egress_lat(h, p), h->port[p].lat_n,
			TC_HWTX_LAT_WARM);
}

void txstamp_dump_tc(const struct app *app, FILE *out)
{
	const struct tc_hwtx *h = txstamp_hwtx(app);
	struct sendwarm_info wi;
	char buf[sizeof(wi.why) + 8];
	const char *d;

	if (h == NULL)
		return;
	fprintf(out, "tc: tx-stamps");
	ctr_dump(out, &ctr_tc_hwtx, CTR_ALL, tc_hwtx_get_stats(h));
	fputc('\n', out);
	d = txstamp_warm_desc(app, &wi, buf, sizeof(buf));
	if (d != NULL)
		fprintf(out, "tc: send warm-up %s: sent %" PRIu64
			" failed %" PRIu64 " of %" PRIu64 " stamped sends\n",
			d, wi.sent, wi.failed, wi.kicks);
}

void txstamp_tel_tc(const struct app *app, struct rte_tel_data *d)
{
	static const struct tc_hwtx_stats none;
	const struct tc_hwtx *h = txstamp_hwtx(app);
	struct sendwarm_info wi;
	char buf[sizeof(wi.why) + 8];
	const char *w = txstamp_warm_desc(app, &wi, buf, sizeof(buf));

	ctr_tel(d, &ctr_tc_hwtx, h ? tc_hwtx_get_stats(h) : &none);
	rte_tel_data_add_dict_string(d, "send_warmup", w ? w : "unused");
	rte_tel_data_add_dict_u64(d, "send_warmup_sent", wi.sent);
	rte_tel_data_add_dict_u64(d, "send_warmup_failed", wi.failed);
}

void txstamp_tel_port(const struct app *app, unsigned int p,
		      struct rte_tel_data *d)
{
	const struct app_port *ap = &app->ports[p];
	static const struct ts_tx_stats none;	/* ports without TX stamps */
	const struct ts_tx_stats *tx = ts_source_tx_stats(&ap->ts);
	const struct tc_hwtx *h = txstamp_hwtx(app);
	bool on = tc_hwtx_port_on(h, p);

	rte_tel_data_add_dict_string(d, "ts_rx", ap->ts.rx_desc);
	rte_tel_data_add_dict_string(d, "ts_tx", ap->ts.tx_desc);
	rte_tel_data_add_dict_string(d, "ts_tx_state", txstamp_state(app, p));
	ctr_tel(d, &ctr_ts_tx, tx ? tx : &none);
	rte_tel_data_add_dict_u64(d, "ts_tx_lost_events",
				  on ? h->port[p].lost_n : 0);
	rte_tel_data_add_dict_u64(d, "ts_tx_back_events",
				  on ? h->port[p].back_n : 0);
	rte_tel_data_add_dict_int(d, "onestep_latency_ns",
				  on ? (int)tc_hwtx_egress_lat(h, p) : 0);
	rte_tel_data_add_dict_u64(d, "onestep_latency_samples",
				  on ? h->port[p].lat_n : 0);
}
