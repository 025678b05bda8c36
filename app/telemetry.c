/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * telemetry: the /ptpsw/ commands of DPDK's telemetry socket.
 * Runs on the telemetry thread; reads, never writes, the running switch.
 */

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_ether.h>
#include <rte_mempool.h>
#include <rte_spinlock.h>
#include <rte_telemetry.h>

#include "app.h"
#include "bc_runtime.h"
#include "capture.h"
#include "counters.h"
#include "mgmt_sock.h"
#include "monitor_rt.h"
#include "neigh.h"
#include "pool.h"
#include "status.h"
#include "sw/fdb.h"
#include "tc/tc.h"
#include "reload.h"
#include "telemetry.h"
#include "txstamp.h"
#include "timebase.h"
#include "worker.h"

#define TEL_NAME_LEN	64

/* The running app, NULL once telemetry_fini ran. The lock is taken only
 * by the telemetry thread and telemetry_fini, never by a worker. */
static struct app *tel_app;
static rte_spinlock_t tel_lock = RTE_SPINLOCK_INITIALIZER;

/* Telemetry dict names allow letters, digits, '_' and '/' only. */
static void tel_name(char *out, size_t len, const char *s)
{
	size_t i = 0;
	bool sep = false;

	for (; *s && i + 1 < len; s++) {
		char c = *s;

		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
			out[i++] = c;
			sep = false;
		} else if (c >= 'A' && c <= 'Z') {
			out[i++] = (char)(c - 'A' + 'a');
			sep = false;
		} else if (!sep && i > 0) {
			out[i++] = '_';
			sep = true;
		}
	}
	while (i > 0 && out[i - 1] == '_')
		i--;
	out[i] = '\0';
}

/* A name as a dict key: letters, digits and '_' kept, each run of other
 * characters one '_', none at either end ("up-0.a": up_0_a, a monitor's
 * "[ 24, 25 ]": 24_25). */
static const char *tel_key(char *out, size_t len, const char *s)
{
	size_t i = 0;
	bool run = false;

	for (; *s && i + 1 < len; s++) {
		if ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		    (*s >= '0' && *s <= '9') || *s == '_') {
			if (run && i > 0)
				out[i++] = '_';
			if (i + 1 < len)
				out[i++] = *s;
			run = false;
		} else {
			run = true;
		}
	}
	out[i] = '\0';
	return out;
}

static int tel_clamp(int64_t v)
{
	if (v > INT_MAX)
		return INT_MAX;
	if (v < INT_MIN)
		return INT_MIN;
	return (int)v;
}

static void tel_add_ratio(struct rte_tel_data *d, const char *name,
			  const char *ppb_name, double r)
{
	char buf[40];

	snprintf(buf, sizeof(buf), "%.12f", r);
	rte_tel_data_add_dict_string(d, name, buf);
	rte_tel_data_add_dict_int(d, ppb_name, tel_clamp((int64_t)
				  ((r - 1.0) * 1e9 + (r >= 1.0 ? 0.5 : -0.5))));
}

static void tel_add_bool(struct rte_tel_data *d, const char *name, bool v)
{
	rte_tel_data_add_dict_int(d, name, v ? 1 : 0);
}

void tel_add_child(struct rte_tel_data *d, const char *name,
		   struct rte_tel_data *child)
{
	if (child && rte_tel_data_add_dict_container(d, name, child, 0) != 0)
		rte_tel_data_free(child);
}

struct rte_tel_data *tel_new_dict(void)
{
	struct rte_tel_data *d = rte_tel_data_alloc();

	if (d)
		rte_tel_data_start_dict(d);
	return d;
}

static struct rte_tel_data *tel_new_array(enum rte_tel_value_type t)
{
	struct rte_tel_data *d = rte_tel_data_alloc();

	if (d)
		rte_tel_data_start_array(d, t);
	return d;
}

/* Callbacks run with the lock held and a live app, or fail. */
typedef int (*tel_fn)(const struct app *app, const char *params,
		      struct rte_tel_data *d);

static int tel_call(tel_fn fn, const char *params, struct rte_tel_data *d)
{
	int ret;

	rte_spinlock_lock(&tel_lock);
	if (tel_app == NULL)
		ret = -EAGAIN;
	else
		ret = fn(tel_app, params, d);
	rte_spinlock_unlock(&tel_lock);
	return ret;
}

/* ---- /ptpsw/info ---- */

static int tel_info(const struct app *app, const char *params,
		    struct rte_tel_data *d)
{
	struct rte_tel_data *lc;
	struct worker_cache_stats wc;
	struct fdb_stats fs;
	unsigned int i;

	(void)params;
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_string(d, "version", PTPSW_VERSION);
	rte_tel_data_add_dict_string(d, "config", app->conf.path);
	rte_tel_data_add_dict_u64(d, "uptime_s", app->start_ns ?
		(timebase_now() - app->start_ns) / 1000000000u : 0);
	rte_tel_data_add_dict_int(d, "ports", (int)app->n_ports);
	rte_tel_data_add_dict_int(d, "workers", (int)app->n_workers);
	lc = tel_new_array(RTE_TEL_INT_VAL);
	for (i = 0; lc && i < app->n_workers; i++)
		rte_tel_data_add_array_int(lc, (int)app->workers[i]->lcore);
	tel_add_child(d, "worker_lcores", lc);
	rte_tel_data_add_dict_u64(d, "tsc_hz", timebase_tsc_hz());
	rte_tel_data_add_dict_u64(d, "realtime_read_ns",
				  app->rt_cost.median_ns);
	rte_tel_data_add_dict_u64(d, "realtime_read_p99_ns",
				  app->rt_cost.p99_ns);
	rte_tel_data_add_dict_string(d, "clocksource",
				     app->rt_cost.clocksource);
	tel_add_bool(d, "realtime_read_slow", app->rt_cost.slow);
	rte_tel_data_add_dict_int(d, "realtime_mapped_ports",
				  (int)app->rt_ports);
	tel_add_bool(d, "tsc_checked", app->tsc_check.checked);
	tel_add_bool(d, "tsc_constant", app->tsc_check.constant);
	tel_add_bool(d, "tsc_nonstop", app->tsc_check.nonstop);
	tel_add_bool(d, "tsc_kernel_clocksource", app->tsc_check.kernel);
	tel_add_bool(d, "tsc_reliable", app->tsc_check.reliable);
	rte_tel_data_add_dict_int(d, "tsc_rate_ppb",
				  tel_clamp((int64_t)llround(app->tsc_rate.ppm *
							     1000.0)));
	rte_tel_data_add_dict_int(d, "tsc_rate_window_s",
				  (int)llround(app->tsc_rate.span_s));
	tel_add_bool(d, "tsc_rate_off", app->tsc_rate_warned);
	rte_tel_data_add_dict_int(d, "realtime_rate_ppb",
				  tel_clamp((int64_t)llround(app->rt_rate.ppm *
							     1000.0)));
	rte_tel_data_add_dict_int(d, "realtime_rate_window_s",
				  (int)llround(app->rt_rate.span_s));
	tel_add_bool(d, "realtime_rate_off", app->rt_rate_warned);
	rte_tel_data_add_dict_u64(d, "realtime_steps", app->rt_rate.steps);
	rte_tel_data_add_dict_int(d, "adjtimex_tick_us", (int)app->adj_tick);
	rte_tel_data_add_dict_int(d, "adjtimex_tick_ppb",
				  tel_clamp((int64_t)llround(app->adj_tick_ppm *
							     1000.0)));
	rte_tel_data_add_dict_int(d, "adjtimex_freq_ppb",
				  tel_clamp((int64_t)llround(app->adj_freq_ppm *
							     1000.0)));
	rte_tel_data_add_dict_u64(d, "mbufs", app->pool->size);
	rte_tel_data_add_dict_u64(d, "mbufs_in_use",
				  rte_mempool_in_use_count(app->pool));
	rte_tel_data_add_dict_u64(d, "mbufs_free",
				  rte_mempool_avail_count(app->pool));
	rte_tel_data_add_dict_u64(d, "mbufs_need", app->pool_st.need);
	tel_add_bool(d, "mbufs_auto", app->pool_st.sized_auto);
	tel_add_bool(d, "mbufs_short", app->pool_st.short_at_start);
	tel_add_bool(d, "rx_no_mbufs", app->pool_st.rx_starved);
	rte_tel_data_add_dict_u64(d, "rx_no_mbufs_events",
				  app->pool_st.starved_events);
	rte_tel_data_add_dict_u64(d, "rx_nombuf", pool_rx_nombuf(app));
	fdb_get_stats(app->fdb, &fs);
	ctr_tel(d, &ctr_fdb, &fs);
	worker_cache_sum(app->workers, app->n_workers, &wc);
	ctr_tel(d, &ctr_wcache, &wc);
	tel_add_bool(d, "mac_flapping", app->flap.on);
	rte_tel_data_add_dict_u64(d, "mac_moves_last_s", app->flap.last_moves);
	rte_tel_data_add_dict_u64(d, "mac_flapping_events", app->flap.events);
	tel_add_bool(d, "capture", capture_enabled());
	if (app->n_workers > 0) {	/* worker 0 sends the BCs' frames */
		rte_tel_data_add_dict_u64(d, "bc_tx_stamped",
					  app->workers[0]->bc_ts_stamped);
		rte_tel_data_add_dict_u64(d, "bc_tx_predicted",
					  app->workers[0]->bc_ts_predicted);
	}
	reload_tel(app, d);
	mgmt_sock_tel(d);
	return 0;
}

/* ---- /ptpsw/ports ---- */

static struct rte_tel_data *tel_drops(const struct port_stats *s,
				      uint64_t *total)
{
	struct rte_tel_data *d = tel_new_dict();
	char name[TEL_NAME_LEN];
	unsigned int r;

	*total = 0;
	for (r = 1; r < DROP__COUNT; r++) {
		*total += s->drop[r];
		if (d == NULL)
			continue;
		tel_name(name, sizeof(name), drop_reason_name(r));
		rte_tel_data_add_dict_u64(d, name, s->drop[r]);
	}
	return d;
}

/* Profile watchdog counters of ingress port p, summed over workers. */
static struct rte_tel_data *tel_watchdog(const struct app *app,
					 unsigned int p)
{
	struct rte_tel_data *d = tel_new_dict();
	struct watchdog_counters wd;

	if (d == NULL)
		return NULL;
	worker_watchdog_sum(app->workers, app->n_workers, p, &wd);
	ctr_tel(d, &ctr_watchdog, &wd);
	return d;
}

static void tel_port(const struct app *app, unsigned int p,
		     struct rte_tel_data *d)
{
	const struct app_port *ap = &app->ports[p];
	struct port_stats s;
	char mac[RTE_ETHER_ADDR_FMT_SIZE];
	struct tc_res_stats res;
	uint64_t drops;

	status_port_sum(app, p, &s);
	rte_tel_data_add_dict_string(d, "name", ap->conf->name);
	rte_tel_data_add_dict_int(d, "index", (int)p);
	rte_tel_data_add_dict_int(d, "port_id", ap->port_id);
	rte_tel_data_add_dict_string(d, "device", ap->conf->device);
	rte_tel_data_add_dict_string(d, "driver", ap->driver);
	rte_ether_format_addr(mac, sizeof(mac), &ap->mac);
	rte_tel_data_add_dict_string(d, "mac", mac);
	rte_tel_data_add_dict_string(d, "link", ap->link_up ? "up" : "down");
	rte_tel_data_add_dict_u64(d, "speed_mbps", ap->speed_mbps);
	rte_tel_data_add_dict_int(d, "rx_worker", (int)ap->rx_worker);
	rte_tel_data_add_dict_string(d, "timestamping",
				     ts_mode_name(ap->conf->timestamping));
	rte_tel_data_add_dict_string(d, "ts_backend", ts_source_name(&ap->ts));
	rte_tel_data_add_dict_u64(d, "ts_rx_stamped", ap->ts.rx_stamped);
	rte_tel_data_add_dict_u64(d, "ts_rx_fallback", ap->ts.rx_fallback);
	rte_tel_data_add_dict_int(d, "ts_rx_lead_ns",
				  tel_clamp(ap->ts.rx_lead_ns));
	rte_tel_data_add_dict_u64(d, "ts_rx_map_stale", ap->ts.rx_map_stale);
	rte_tel_data_add_dict_int(d, "ts_rx_map_err_ns",
				  tel_clamp(ap->ts.rx_map_err_ns));
	txstamp_tel_port(app, p, d);
	rte_tel_data_add_dict_int(d, "ingress_latency_ns",
				  ap->conf->ingress_latency_ns);
	rte_tel_data_add_dict_int(d, "egress_latency_ns",
				  ap->conf->egress_latency_ns);
	ctr_tel(d, &ctr_port, &s);
	ctr_tel(d, &ctr_ctl, &app->ctl[p]);
	status_tc_res(app, p, &res);
	rte_tel_data_add_dict_u64(d, "tc_residence_n", res.n);
	rte_tel_data_add_dict_int(d, "tc_residence_min_ns",
				  tel_clamp(res.n ? res.min_ns : 0));
	rte_tel_data_add_dict_int(d, "tc_residence_mean_ns",
				  tel_clamp(res.n ? tc_res_mean_ns(&res) : 0));
	rte_tel_data_add_dict_int(d, "tc_residence_max_ns",
				  tel_clamp(res.n ? res.max_ns : 0));
	tel_add_child(d, "drops_by_reason", tel_drops(&s, &drops));
	tel_add_child(d, "watchdog", tel_watchdog(app, p));
	rte_tel_data_add_dict_u64(d, "drops",
				  drops + app->ctl[p].bc_no_instance);
}

/* A port by name or index; -1 if none. */
static int tel_find_port(const struct app *app, const char *s)
{
	char *end;
	unsigned long v;
	int i = conf_port_index(&app->conf, s);

	if (i >= 0 && (unsigned int)i < app->n_ports)
		return i;
	v = strtoul(s, &end, 10);
	if (*s && *end == '\0' && v < app->n_ports)
		return (int)v;
	return -1;
}

static int tel_ports(const struct app *app, const char *params,
		     struct rte_tel_data *d)
{
	char key[CONF_NAME_LEN];
	unsigned int p;
	int one;

	rte_tel_data_start_dict(d);
	if (params && *params) {
		one = tel_find_port(app, params);
		if (one < 0)
			return -EINVAL;
		tel_port(app, (unsigned int)one, d);
		return 0;
	}
	for (p = 0; p < app->n_ports; p++) {
		struct rte_tel_data *pd = tel_new_dict();

		if (pd == NULL)
			return -ENOMEM;
		tel_port(app, p, pd);
		tel_add_child(d, tel_key(key, sizeof(key),
					 app->ports[p].conf->name), pd);
	}
	return 0;
}

/* ---- /ptpsw/tc ---- */

static struct rte_tel_data *tel_tc_domain(const struct status_tc_sum *t,
					  unsigned int dom)
{
	struct rte_tel_data *d = tel_new_dict();

	if (d == NULL)
		return NULL;
	ctr_tel(d, &ctr_tc_domain, &t->s.domain[dom]);
	tel_add_ratio(d, "rate_ratio", "rate_ratio_ppb", t->ratio[dom]);
	{
		char src[40];

		if (status_rate_source(t, dom, src, sizeof(src)))
			rte_tel_data_add_dict_string(d, "rate_source", src);
	}
	return d;
}

static int tel_tc(const struct app *app, const char *params,
		  struct rte_tel_data *d)
{
	const struct conf_tc *c = &app->conf.tc;
	struct rte_tel_data *doms;
	struct status_tc_sum *t;
	char name[8];
	unsigned int dom;

	(void)params;
	t = malloc(sizeof(*t));
	if (t == NULL)
		return -ENOMEM;
	status_tc_sum(app, t);
	rte_tel_data_start_dict(d);
	tel_add_bool(d, "enabled", c->enabled);
	rte_tel_data_add_dict_string(d, "mode", c->mode == CONF_TC_TWO_STEP ?
				     "two-step" : "one-step");
	tel_add_bool(d, "syntonize", c->syntonize);
	ctr_tel(d, &ctr_tc, &t->s);
	txstamp_tel_tc(app, d);
	rte_tel_data_add_dict_u64(d, "pending_capacity",
				  (uint64_t)c->pending_entries *
				  app->n_workers);
	doms = tel_new_dict();
	for (dom = 0; doms && dom < 256; dom++) {
		if (t->s.domain[dom].sync_seen == 0 &&
		    t->s.domain[dom].corrected == 0)
			continue;
		snprintf(name, sizeof(name), "%u", dom);
		tel_add_child(doms, name, tel_tc_domain(t, dom));
	}
	tel_add_child(d, "domains", doms);
	free(t);
	return 0;
}

/* ---- /ptpsw/bc ---- */

static void tel_add_id(struct rte_tel_data *d, const char *name,
		       const struct ptp_clock_identity *id)
{
	char buf[32];

	ptp_clock_id_str(id, buf, sizeof(buf));
	rte_tel_data_add_dict_string(d, name, buf);
}

/* port_states (name: state) and, with counters, port_counters (name:
 * counters): those only for one domain, as all would not fit the reply. */
static void tel_bc_ports(struct rte_tel_data *d, const struct app *app,
			 const struct bc *bc, bool counters)
{
	struct rte_tel_data *st = tel_new_dict(), *pd, *ctr = NULL;
	char key[CONF_NAME_LEN];
	unsigned int k;
	int cp;

	if (counters)
		ctr = tel_new_dict();
	for (k = 0; st && k < bc->n_ports; k++) {
		cp = bc->cfg.ports[k];
		if (cp < 0 || (unsigned int)cp >= app->conf.n_ports)
			continue;
		tel_key(key, sizeof(key), app->conf.ports[cp].name);
		rte_tel_data_add_dict_string(st, key,
					     fsm_state_name(bc->port[k].state));
		pd = ctr ? tel_new_dict() : NULL;
		if (pd)
			ctr_tel(pd, &ctr_bc_port, &bc->port[k].stats);
		if (ctr)
			tel_add_child(ctr, key, pd);
	}
	tel_add_child(d, "port_states", st);
	tel_add_child(d, "port_counters", ctr);
}

static void tel_bc_parent(struct rte_tel_data *d, const struct bc *bc)
{
	char id[32], buf[48];

	tel_add_id(d, "clock_identity", &bc->dds.clockIdentity);
	ptp_clock_id_str(&bc->parent.parentPortIdentity.clock, id, sizeof(id));
	snprintf(buf, sizeof(buf), "%s-%u", id,
		 bc->parent.parentPortIdentity.port);
	rte_tel_data_add_dict_string(d, "parent_port_identity", buf);
	tel_add_id(d, "grandmaster_identity",
		   &bc->parent.grandmasterIdentity);
	rte_tel_data_add_dict_int(d, "grandmaster_priority1",
				  bc->parent.grandmasterPriority1);
	rte_tel_data_add_dict_int(d, "grandmaster_priority2",
				  bc->parent.grandmasterPriority2);
	rte_tel_data_add_dict_int(d, "grandmaster_clock_class",
			bc->parent.grandmasterClockQuality.clockClass);
	rte_tel_data_add_dict_int(d, "grandmaster_clock_accuracy",
			bc->parent.grandmasterClockQuality.clockAccuracy);
	rte_tel_data_add_dict_int(d, "grandmaster_offset_scaled_log_variance",
		bc->parent.grandmasterClockQuality.offsetScaledLogVariance);
	rte_tel_data_add_dict_int(d, "current_utc_offset",
				  bc->tp.currentUtcOffset);
	tel_add_bool(d, "current_utc_offset_valid",
		     bc->tp.currentUtcOffsetValid);
	rte_tel_data_add_dict_int(d, "time_source", bc->tp.timeSource);
	tel_add_bool(d, "ptp_timescale", bc->tp.ptpTimescale);
	tel_add_bool(d, "time_from_parent", bc->time_from_parent);
}

/* Instance i into dict d (with its ports' counters: ports). */
static void tel_bc_one(const struct app *app, unsigned int i,
		       struct rte_tel_data *d, bool ports)
{
	const struct bc_runtime_stats *rs = bc_runtime_stats(app, i);
	const struct bc *bc = bc_runtime_get(app, i);
	struct bc_runtime_info info;
	struct foreign_stats fs;
	char buf[40], ep13[160];

	if (bc == NULL || bc_runtime_info(app, i, &info) != 0)
		return;
	rte_tel_data_add_dict_int(d, "domain", info.domain);
	rte_tel_data_add_dict_string(d, "state", info.state ? info.state : "?");
	rte_tel_data_add_dict_string(d, "slave_port", info.slave_port >= 0 &&
		(unsigned int)info.slave_port < app->conf.n_ports ?
		app->conf.ports[info.slave_port].name : "");
	tel_bc_ports(d, app, bc, ports);
	bc_runtime_ep13_ports(app, bc, ep13, sizeof(ep13));
	rte_tel_data_add_dict_string(d, "ep13_held_ports", ep13);
	tel_bc_parent(d, bc);
	rte_tel_data_add_dict_int(d, "steps_removed", info.steps_removed);
	rte_tel_data_add_dict_int(d, "offset_ns", tel_clamp(info.offset_ns));
	rte_tel_data_add_dict_int(d, "path_delay_ns",
				  tel_clamp(info.path_delay_ns));
	snprintf(buf, sizeof(buf), "%.3f", info.freq_ppb);
	rte_tel_data_add_dict_string(d, "freq_ppb", buf);
	rte_tel_data_add_dict_string(d, "servo", info.servo ? info.servo : "?");
	tel_add_bool(d, "holdover", info.holdover);
	rte_tel_data_add_dict_string(d, "follow",
				     servo_follow_name(info.follow));
	rte_tel_data_add_dict_string(d, "follow_reference",
				     bc_ref_name(info.follow_ref));
	ctr_tel(d, &ctr_bc, &bc->stats);
	status_bc_foreign(bc, &fs);
	ctr_tel(d, &ctr_foreign, &fs);
	if (rs)
		ctr_tel(d, &ctr_bc_rt, rs);
}

/* Every instance by domain; with a parameter, the one of that domain
 * (its dict, port_counters included). */
static int tel_bc(const struct app *app, const char *params,
		  struct rte_tel_data *d)
{
	unsigned int i, n = bc_runtime_count(app);
	struct bc_runtime_info info;
	struct rte_tel_data *one;
	char name[8];

	rte_tel_data_start_dict(d);
	for (i = 0; i < n; i++) {
		if (bc_runtime_info(app, i, &info) != 0)
			continue;
		snprintf(name, sizeof(name), "%u", info.domain);
		if (params && *params) {
			if (strcmp(params, name) != 0)
				continue;
			tel_bc_one(app, i, d, true);
			return 0;
		}
		one = tel_new_dict();
		if (one)
			tel_bc_one(app, i, one, false);
		tel_add_child(d, name, one);
	}
	return params && *params ? -EINVAL : 0;
}

/* ---- /ptpsw/monitor ---- */

static struct rte_tel_data *tel_monitor_one(const struct monitor *m)
{
	struct rte_tel_data *d = tel_new_dict();
	char buf[32];

	if (d == NULL)
		return NULL;
	rte_tel_data_add_dict_int(d, "domain_a", m->cfg.domain_a);
	rte_tel_data_add_dict_int(d, "domain_b", m->cfg.domain_b);
	snprintf(buf, sizeof(buf), "%" PRId64, m->cfg.threshold_ns);
	rte_tel_data_add_dict_string(d, "threshold_ns", buf);
	rte_tel_data_add_dict_string(d, "state", monitor_state_name(m->state));
	rte_tel_data_add_dict_int(d, "diff_ns", tel_clamp(m->diff_ns));
	rte_tel_data_add_dict_int(d, "max_abs_ns", tel_clamp(m->max_abs_ns));
	rte_tel_data_add_dict_u64(d, "samples", m->samples);
	rte_tel_data_add_dict_u64(d, "skipped", m->skipped);
	rte_tel_data_add_dict_u64(d, "alarms", m->alarms);
	rte_tel_data_add_dict_u64(d, "clears", m->clears);
	return d;
}

static int tel_monitor(const struct app *app, const char *params,
		       struct rte_tel_data *d)
{
	unsigned int i, n = monitor_rt_count();
	const struct monitor *m;
	char name[16];

	(void)app;
	(void)params;
	rte_tel_data_start_dict(d);
	for (i = 0; i < n; i++) {
		m = monitor_rt_get(i);
		if (m == NULL)
			continue;
		snprintf(name, sizeof(name), "%u_%u", m->cfg.domain_a,
			 m->cfg.domain_b);
		tel_add_child(d, name, tel_monitor_one(m));
	}
	return 0;
}

/* ---- /ptpsw/neigh ---- */

static int tel_neigh(const struct app *app, const char *params,
		     struct rte_tel_data *d)
{
	const struct neigh *n = bc_runtime_neigh(app);

	(void)params;
	rte_tel_data_start_dict(d);
	if (n)
		neigh_tel(app, n, d);
	return 0;
}

/* ---- /ptpsw/config: the schema's tree (conf_export) ---- */

static void *tel_conf_node(void *ctx, enum conf_node kind)
{
	(void)ctx;
	if (kind == CONF_N_DICT)
		return tel_new_dict();
	return tel_new_array(kind == CONF_N_INTS ? RTE_TEL_INT_VAL :
			     RTE_TEL_STRING_VAL);
}

static void tel_conf_add(void *ctx, void *parent, const char *name,
			 void *child)
{
	char key[TEL_NAME_LEN];

	(void)ctx;
	tel_add_child(parent, tel_key(key, sizeof(key), name), child);
}

static void tel_conf_str(void *ctx, void *node, const char *name,
			 const char *v)
{
	(void)ctx;
	if (name == NULL)
		rte_tel_data_add_array_string(node, v);
	else
		rte_tel_data_add_dict_string(node, name, v);
}

/* Integers beyond int (telemetry's signed type) as text. */
static void tel_conf_num(void *ctx, void *node, const char *name,
			 long long v)
{
	char buf[24];

	(void)ctx;
	if (name == NULL) {
		rte_tel_data_add_array_int(node, tel_clamp(v));
	} else if (v >= INT_MIN && v <= INT_MAX) {
		rte_tel_data_add_dict_int(node, name, (int)v);
	} else {
		snprintf(buf, sizeof(buf), "%lld", v);
		rte_tel_data_add_dict_string(node, name, buf);
	}
}

static const struct conf_sink tel_conf_sink = {
	.node = tel_conf_node,
	.add = tel_conf_add,
	.str = tel_conf_str,
	.num = tel_conf_num,
};

static int tel_config(const struct app *app, const char *params,
		      struct rte_tel_data *d)
{
	(void)params;
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_string(d, "path", app->conf.path);
	conf_export(&app->conf, &tel_conf_sink, NULL, d);
	return 0;
}

/* ---- /ptpsw/counters: what each counter key counts ---- */

static int tel_counters(const struct app *app, const char *params,
			struct rte_tel_data *d)
{
	const struct ctr_table *t;
	struct rte_tel_data *g;
	unsigned int i, k;

	(void)app;
	(void)params;
	rte_tel_data_start_dict(d);
	for (i = 0; i < ctr_n_tables; i++) {
		t = ctr_tables[i];
		g = tel_new_dict();
		for (k = 0; g && k < t->n; k++)
			rte_tel_data_add_dict_string(g, t->row[k].key,
						     t->row[k].help);
		tel_add_child(d, t->name, g);
	}
	return 0;
}

/* ---- registration ---- */

#define TEL_CB(name) \
	static int tel_cb_ ## name(const char *cmd, const char *params, \
				   struct rte_tel_data *d) \
	{ \
		(void)cmd; \
		return tel_call(tel_ ## name, params, d); \
	}

TEL_CB(info)
TEL_CB(ports)
TEL_CB(tc)
TEL_CB(bc)
TEL_CB(monitor)
TEL_CB(neigh)
TEL_CB(config)
TEL_CB(counters)

static const struct {
	const char *cmd;
	telemetry_cb fn;
	const char *help;
} tel_cmds[] = {
	{ "/ptpsw/info", tel_cb_info,
	  "ptpsw version, uptime, lcores, mbufs, FDB, reloads, management "
	  "socket. No parameters." },
	{ "/ptpsw/ports", tel_cb_ports,
	  "Per port link, timestamp backend, counters, drops by reason. "
	  "Parameter: port name or index (optional)." },
	{ "/ptpsw/tc", tel_cb_tc,
	  "Transparent clock counters, pending table, per domain corrected "
	  "and rate ratio. No parameters." },
	{ "/ptpsw/bc", tel_cb_bc,
	  "Boundary clocks per domain: port states, parent, servo, counters. "
	  "Parameter: a domain (optional; adds per-port counters)." },
	{ "/ptpsw/monitor", tel_cb_monitor,
	  "Cross-domain divergence monitors: state, last and largest "
	  "difference, alarms. No parameters." },
	{ "/ptpsw/neigh", tel_cb_neigh,
	  "Neighbour cache of ptpsw's own addresses: ARP / ND counters, "
	  "entries (port, address, state, MAC, age). No parameters." },
	{ "/ptpsw/config", tel_cb_config,
	  "The running configuration, every key as named in the file. "
	  "No parameters." },
	{ "/ptpsw/counters", tel_cb_counters,
	  "What each counter key of the other commands counts. "
	  "No parameters." },
};

int telemetry_init(struct app *app)
{
	unsigned int i;
	int n = 0;

	rte_spinlock_lock(&tel_lock);
	tel_app = app;
	rte_spinlock_unlock(&tel_lock);
	for (i = 0; i < RTE_DIM(tel_cmds); i++) {
		if (rte_telemetry_register_cmd(tel_cmds[i].cmd, tel_cmds[i].fn,
					       tel_cmds[i].help) == 0)
			n++;
		else
			PLOG(WARNING, "telemetry: cannot register %s",
			     tel_cmds[i].cmd);
	}
	PLOG(INFO, "telemetry: %d /ptpsw/ commands", n);
	return n;
}

void telemetry_lock(void)
{
	rte_spinlock_lock(&tel_lock);
}

void telemetry_unlock(void)
{
	rte_spinlock_unlock(&tel_lock);
}

void telemetry_fini(void)
{
	rte_spinlock_lock(&tel_lock);
	tel_app = NULL;
	rte_spinlock_unlock(&tel_lock);
}
