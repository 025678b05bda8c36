/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * status: banner, periodic status line and the full SIGUSR1 dump.
 */

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <rte_ether.h>
#include <rte_mempool.h>
#include <rte_ring.h>

#include "app.h"
#include "bc_runtime.h"
#include "counters.h"
#include "mgmt_sock.h"
#include "monitor_rt.h"
#include "pool.h"
#include "ptp/msg.h"
#include "hostclock.h"
#include "rtjump.h"
#include "status.h"
#include "fdb_watch.h"
#include "sw/fdb.h"
#include "tc/tc.h"
#include "timebase.h"
#include "txstamp.h"
#include "worker.h"

#define STATUS_MAX_DOMAINS_LINE 8

void status_port_sum(const struct app *app, unsigned int p,
		     struct port_stats *out)
{
	unsigned int i, r;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < app->n_workers; i++) {
		const struct port_stats *s = &app->workers[i]->stats[p];

		ctr_sum(&ctr_port, out, s);
		for (r = 0; r < DROP__COUNT; r++)
			out->drop[r] += s->drop[r];
	}
}

void status_tc_res(const struct app *app, unsigned int p,
		   struct tc_res_stats *out)
{
	unsigned int i;

	memset(out, 0, sizeof(*out));
	if (p >= TC_MAX_PORTS)
		return;
	for (i = 0; i < app->n_workers; i++)
		tc_res_merge(out, &tc_get_stats(app->workers[i]->tc)->res[p]);
}

static uint64_t drops_total(const struct port_stats *s)
{
	uint64_t t = 0;
	unsigned int r;

	for (r = 0; r < DROP__COUNT; r++)
		t += s->drop[r];
	return t;
}

void status_tc_sum(const struct app *app, struct status_tc_sum *t)
{
	uint64_t best[256] = { 0 };
	unsigned int i, d;

	memset(t, 0, sizeof(*t));
	for (d = 0; d < 256; d++)
		t->ratio[d] = 1.0;
	for (i = 0; i < app->n_workers; i++) {
		const struct tc_stats *s = tc_get_stats(app->workers[i]->tc);

		tc_stats_add(&t->s, s);
		for (d = 0; d < 256; d++) {
			if (s->domain[d].sync_seen > best[d]) {
				best[d] = s->domain[d].sync_seen;
				t->ratio[d] = tc_rate_ratio(app->workers[i]->tc,
							    (uint8_t)d);
				t->has_source[d] = tc_rate_source(
					app->workers[i]->tc, (uint8_t)d,
					t->source[d]);
			}
		}
	}
}

bool status_rate_source(const struct status_tc_sum *t, unsigned int dom,
			char *buf, size_t len)
{
	struct ptp_clock_identity id;
	char cid[32];

	if (dom > 255 || !t->has_source[dom])
		return false;
	memcpy(id.id, t->source[dom], 8);
	ptp_clock_id_str(&id, cid, sizeof(cid));
	snprintf(buf, len, "%s-%u", cid,
		 (unsigned int)(t->source[dom][8] << 8 | t->source[dom][9]));
	return true;
}

static const char *port_link(const struct app_port *ap)
{
	return ap->link_up ? "up" : "down";
}

static void banner_port(const struct app_port *ap, FILE *out)
{
	fprintf(out, "  port %u %s: device %s driver %s mac "
		RTE_ETHER_ADDR_PRT_FMT " link %s", ap->idx, ap->conf->name,
		ap->conf->device, ap->driver,
		RTE_ETHER_ADDR_BYTES(&ap->mac), port_link(ap));
	if (ap->link_up && ap->speed_mbps)
		fprintf(out, " %u Mbps", ap->speed_mbps);
	fprintf(out, " timestamps %s (%s), tx %s, rx-worker %u\n",
		ts_source_name(&ap->ts), ts_mode_name(ap->conf->timestamping),
		ts_source_has_tx_event(&ap->ts) ? "stamped" : "predicted",
		ap->rx_worker);
	fprintf(out, "    rx stamps: %s\n    tx stamps: %s\n",
		ap->ts.rx_desc, ap->ts.tx_desc);
}

/*
 * One-step mode writes the correction before the frame leaves, so it
 * can only predict the egress time; a port whose backend stamps sent
 * frames (a NIC's latch, af_packet's kernel stamp) gives the two-step
 * TC the real one. Say so once at start-up.
 */
static void banner_one_step_hint(const struct app *app, FILE *out)
{
	unsigned int i, n = 0;

	if (!app->conf.tc.enabled || app->conf.tc.mode == CONF_TC_TWO_STEP)
		return;
	for (i = 0; i < app->n_ports; i++)
		n += ts_source_has_tx_event(&app->ports[i].ts);
	if (n == 0)
		return;
	fprintf(out, "note: one-step mode predicts the egress time; %u of %u "
		"ports stamp sent frames (tx stamped), which the two-step TC "
		"uses exactly and one-step only to learn each port's send "
		"latency: transparent_clock.mode = \"two-step\" "
		"(docs/configuration.md)\n", n, app->n_ports);
}

static void banner_tc(const struct app *app, FILE *out)
{
	const struct conf_tc *tc = &app->conf.tc;
	unsigned int d, n = 0;

	if (!tc->enabled) {
		fprintf(out, "transparent clock: disabled\n");
		return;
	}
	for (d = 0; d < 256; d++)
		n += app_bit(app->tc_domains, (uint8_t)d);
	fprintf(out, "transparent clock: end-to-end, %s, syntonize %s, "
		"%u domains%s\n",
		tc->mode == CONF_TC_TWO_STEP ? "two-step" : "one-step",
		tc->syntonize ? "on" : "off", n,
		tc->all_domains ? " (all without a boundary clock)" : "");
}

void status_probe(const struct app *app, FILE *out)
{
	unsigned int i;

	fprintf(out, "probe: %u ports started, timestamp self-tests run\n",
		app->n_ports);
	for (i = 0; i < app->n_ports; i++)
		banner_port(&app->ports[i], out);
	hostclock_banner(app, out);
	hostclock_tsc_banner(app, out);
	fflush(out);
}

void status_banner(const struct app *app, FILE *out)
{
	unsigned int i;

	fprintf(out, "ptpsw %s: PTP-aware software switch (IEEE 1588 "
		"end-to-end transparent clock)\n", PTPSW_VERSION);
	fprintf(out, "%s\n", PTPSW_PROFILE_LINE);
	banner_tc(app, out);
	bc_runtime_banner(app, out);
	fprintf(out, "ports: %u\n", app->n_ports);
	for (i = 0; i < app->n_ports; i++)
		banner_port(&app->ports[i], out);
	banner_one_step_hint(app, out);
	txstamp_warm_banner(app, out);
	hostclock_banner(app, out);
	hostclock_tsc_banner(app, out);
	fprintf(out, "workers: %u (lcores", app->n_workers);
	for (i = 0; i < app->n_workers; i++)
		fprintf(out, " %u", app->workers[i]->lcore);
	fprintf(out, "), control lcore %u, mbufs %u\n", rte_lcore_id(),
		app->pool->size);
	fflush(out);
}

void status_line(const struct app *app, FILE *out)
{
	static struct status_tc_sum t;
	struct port_stats s;
	uint64_t rx = 0, tx = 0, drop = 0, ptp = 0, corr = 0;
	unsigned int i, up = 0, shown = 0, more = 0, d;

	for (i = 0; i < app->n_ports; i++) {
		status_port_sum(app, i, &s);
		rx += s.rx_pkts;
		tx += s.tx_pkts;
		drop += drops_total(&s) + app->ctl[i].bc_no_instance;
		ptp += s.ptp_rx;
		corr += s.ptp_corrected;
		up += app->ports[i].link_up != 0;
	}
	status_tc_sum(app, &t);
	fprintf(out, "ptpsw: up %" PRIu64 "s ports %u/%u up rx %" PRIu64
		" tx %" PRIu64 " drop %" PRIu64 " ptp %" PRIu64
		" ptp-corrected %" PRIu64,
		(timebase_now() - app->start_ns) / 1000000000u, up,
		app->n_ports, rx, tx, drop, ptp, corr);
	for (d = 0; d < 256; d++) {
		if (t.s.domain[d].sync_seen == 0 && t.s.domain[d].corrected == 0)
			continue;
		if (shown == STATUS_MAX_DOMAINS_LINE) {
			more++;
			continue;
		}
		fprintf(out, "%s%u:ratio=%.9f", shown ? " " : " domains ", d,
			t.ratio[d]);
		shown++;
	}
	if (more)
		fprintf(out, " +%u", more);
	txstamp_line(app, out);
	bc_runtime_line(app, out);
	monitor_rt_line(out);
	pool_line(app, out);
	fdb_watch_line(app, out);
	rtjump_line(app, out);
	hostclock_line(app, out);
	fputc('\n', out);
	fflush(out);
}

static void dump_port(const struct app *app, unsigned int p, FILE *out)
{
	const struct app_port *ap = &app->ports[p];
	struct watchdog_counters wd;
	struct tc_res_stats res;
	struct port_stats s;
	unsigned int r;

	status_port_sum(app, p, &s);
	fprintf(out, "port %u %s: device %s driver %s link %s timestamps %s"
		" (stamped %" PRIu64 " fallback %" PRIu64 " lead %" PRId64
		" ns realtime-jumps %" PRIu64 " last %" PRId64 " ns)\n", p,
		ap->conf->name, ap->conf->device, ap->driver, port_link(ap),
		ts_source_name(&ap->ts), ap->ts.rx_stamped,
		ap->ts.rx_fallback, ap->ts.rx_lead_ns, ap->ts.rx_map_stale,
		ap->ts.rx_map_err_ns);
	txstamp_dump_port(app, p, out);
	fputc(' ', out);
	ctr_dump(out, &ctr_port, 0, &s);
	fputc('\n', out);
	status_tc_res(app, p, &res);
	if (res.n)
		fprintf(out, "  tc residence: n %" PRIu64 " min %" PRId64
			" mean %" PRId64 " max %" PRId64 " ns\n", res.n,
			res.min_ns, tc_res_mean_ns(&res), res.max_ns);
	fprintf(out, "  ptp");
	ctr_dump(out, &ctr_port, 1, &s);
	ctr_dump(out, &ctr_ctl, CTR_ALL, &app->ctl[p]);
	worker_watchdog_sum(app->workers, app->n_workers, p, &wd);
	fprintf(out, "\n  watchdog:");
	ctr_dump(out, &ctr_watchdog, CTR_ALL, &wd);
	fputc('\n', out);
	fprintf(out, "  drops %" PRIu64 ":", drops_total(&s));
	for (r = 1; r < DROP__COUNT; r++)
		if (s.drop[r])
			fprintf(out, " %s %" PRIu64, drop_reason_name(r),
				s.drop[r]);
	fputc('\n', out);
}

static void dump_tc(const struct app *app, FILE *out)
{
	static struct status_tc_sum t;
	unsigned int d;

	status_tc_sum(app, &t);
	fprintf(out, "tc: corrected");
	ctr_dump(out, &ctr_tc, 0, &t.s);
	fprintf(out, "\ntc: pending");
	ctr_dump(out, &ctr_tc, 1, &t.s);
	fputc('\n', out);
	txstamp_dump_tc(app, out);
	for (d = 0; d < 256; d++) {
		char src[40];

		if (!t.s.domain[d].sync_seen && !t.s.domain[d].corrected)
			continue;
		fprintf(out, "tc: domain %u", d);
		ctr_dump(out, &ctr_tc_domain, CTR_ALL, &t.s.domain[d]);
		fprintf(out, " rate-ratio %.12f", t.ratio[d]);
		if (status_rate_source(&t, d, src, sizeof(src)))
			fprintf(out, " rate-source %s", src);
		fputc('\n', out);
	}
}

void status_dump(const struct app *app, FILE *out)
{
	struct worker_cache_stats wc;
	struct fdb_stats fs;
	unsigned int p;

	fprintf(out, "=== ptpsw %s status ===\n", PTPSW_VERSION);
	status_line(app, out);
	for (p = 0; p < app->n_ports; p++)
		dump_port(app, p, out);
	dump_tc(app, out);
	bc_runtime_dump(app, out);
	monitor_rt_dump(out);
	mgmt_sock_dump(out);
	fdb_get_stats(app->fdb, &fs);
	worker_cache_sum(app->workers, app->n_workers, &wc);
	fprintf(out, "fdb:");
	ctr_dump(out, &ctr_fdb, CTR_ALL, &fs);
	ctr_dump(out, &ctr_wcache, CTR_ALL, &wc);
	fdb_watch_dump(app, out);
	fputc('\n', out);
	pool_dump(app, out);
	reload_dump(app, out);
	hostclock_banner(app, out);
	hostclock_tsc_banner(app, out);
	fprintf(out, "=== end ===\n");
	fflush(out);
}
