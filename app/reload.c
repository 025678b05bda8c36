/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * reload: SIGHUP applies the configuration file again without stopping
 * the workers (reload.h).
 */

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <rte_log.h>
#include <rte_telemetry.h>

#include "app.h"
#include "bc_runtime.h"
#include "conf/conf_diff.h"
#include "mgmt_sock.h"
#include "monitor_rt.h"
#include "reload.h"
#include "sw/fdb.h"
#include "sw/fwd_view.h"
#include "sw/vswap.h"
#include "telemetry.h"

volatile sig_atomic_t app_hup;

static void view_free(void *view, void *arg)
{
	(void)arg;
	free(view);
}

/* The control lcore's copies of the view's domain sets (status output). */
static void app_domains(struct app *app, const struct fwd_view *v)
{
	memcpy(app->tc_domains, v->tc_domains, sizeof(app->tc_domains));
	memcpy(app->bc_domains, v->bc_domains, sizeof(app->bc_domains));
	app->fdb_aging_ns = v->fdb_aging_ns;
}

int reload_init(struct app *app)
{
	struct fwd_view *v = malloc(sizeof(*v));

	if (v == NULL) {
		PLOG(ERR, "reload: out of memory");
		return -1;
	}
	fwd_view_build(&app->conf, v);
	app_domains(app, v);
	vswap_init(&app->views, 0, v, view_free, NULL);
	app->reload.generation = 1;
	app->reload.last_outcome = "none";
	return 0;
}

void reload_workers_ready(struct app *app)
{
	unsigned int i;

	app->views.n_readers = app->n_workers;
	for (i = 0; i < app->n_workers; i++)
		vswap_ack(&app->views, i, vswap_gen(&app->views));
}

void reload_log_level(const struct app *app)
{
	const struct app_reload *r = &app->reload;
	int lvl = r->log_cli >= 0 ? r->log_cli : (int)app->conf.log_level;

	lvl += r->log_verbose;
	if (lvl > CONF_LOG_DEBUG)
		lvl = CONF_LOG_DEBUG;
	/* CONF_LOG_ERR .. DEBUG map onto RTE_LOG_ERR .. DEBUG */
	rte_log_set_level(ptpsw_logtype, (uint32_t)(RTE_LOG_ERR + lvl));
}

/* The outcome into app->reload (telemetry's thread reads it: under its
 * lock). why: the refusal's reason, or NULL when d was applied. */
static void record(struct app *app, const char *why,
		   const struct conf_diff *d)
{
	struct app_reload *r = &app->reload;

	telemetry_lock();
	clock_gettime(CLOCK_REALTIME, &r->last);
	if (why != NULL) {
		r->refused++;
		snprintf(r->last_reason, sizeof(r->last_reason), "%s", why);
		r->last_outcome = "refused";
	} else {
		r->generation++;
		r->applied++;
		r->restart_needed += d->n_restart != 0;
		r->last_reason[0] = '\0';
		conf_diff_list(d, false, r->last_changed,
			       sizeof(r->last_changed));
		conf_diff_list(d, true, r->last_restart,
			       sizeof(r->last_restart));
		r->last_outcome = "applied";
	}
	telemetry_unlock();
}

static void refuse(struct app *app, const char *why)
{
	struct app_reload *r = &app->reload;

	record(app, why, NULL);
	PLOG(ERR, "reload: refused, the running configuration (generation "
	     "%" PRIu64 ") stays: %s", r->generation, why);
}

static bool changed(const struct conf_diff *d, const char *key)
{
	unsigned int i;

	for (i = 0; i < d->n; i++)
		if (strcmp(d->ch[i].key, key) == 0)
			return true;
	return false;
}

/* The control lcore's own keys. */
static void apply_control(struct app *app, const struct conf *was,
			  const struct conf_diff *d)
{
	int rc;

	reload_log_level(app);
	if (strcmp(was->management_socket, app->conf.management_socket)) {
		telemetry_lock();	/* /ptpsw/info reads its path */
		mgmt_sock_fini();
		rc = mgmt_sock_init(app);
		telemetry_unlock();
		if (rc != 0)
			PLOG(ERR, "reload: management socket \"%s\" not open",
			     app->conf.management_socket);
	}
	if (changed(d, "monitor") && monitor_rt_init(app) != 0)
		PLOG(ERR, "reload: monitors not running");
	fdb_set_aging(app->fdb, app->fdb_aging_ns);
}

/* Apply nc (loaded, compared, merged). Frees nc's storage. */
static void apply(struct app *app, struct conf *nc, struct fwd_view *v,
		  const struct conf_diff *d)
{
	struct conf *was = malloc(sizeof(*was));
	int64_t g;

	telemetry_lock();		/* its thread reads conf and BCs */
	if (was != NULL)
		*was = app->conf;
	app->conf = *nc;		/* same storage: ports' pointers hold */
	app_domains(app, v);
	if (bc_runtime_reload(app) != 0)
		PLOG(ERR, "reload: boundary clocks: not all running (%u of "
		     "%u); a restart sets them up", bc_runtime_count(app),
		     app->conf.n_bcs);
	telemetry_unlock();
	/* the workers take the new view at their next burst boundary */
	g = vswap_publish(&app->views, v);
	if (g < 0)			/* reload_poll() waited for this */
		PLOG(ERR, "reload: the workers keep their view (%" PRId64 ")",
		     g);
	if (was != NULL) {
		apply_control(app, was, d);
		conf_free(was);		/* the new file's EAL strings */
		free(was);
	} else {
		apply_control(app, nc, d);
	}
	record(app, NULL, d);
}

/* Boundary clocks need the runtime bc_runtime_init() sets up at start
 * only when a boundary clock or a port address exists: without it, new
 * boundary clocks (and monitors, which need them) wait for a restart,
 * and their changes are listed so. */
static void no_bc_runtime(bool have_rt, struct conf *nc, struct conf_diff *d)
{
	unsigned int i;

	if (have_rt || nc->n_bcs == 0)
		return;
	nc->n_bcs = 0;
	nc->n_monitors = 0;
	for (i = 0; i < d->n; i++) {
		struct conf_change *c = &d->ch[i];
		size_t n = strlen(c->what);

		if (c->restart || (strncmp(c->key, "boundary_clocks", 15) &&
				   strncmp(c->key, "monitor", 7)))
			continue;
		c->restart = true;
		d->n_restart++;
		snprintf(c->what + n, sizeof(c->what) - n,
			 "; no port address at start");
	}
}

/* Does a switch started with c set up the boundary-clock runtime
 * (bc_runtime_init: a boundary clock or a port address)? */
static bool bc_runtime_at_start(const struct conf *c)
{
	unsigned int i;

	for (i = 0; i < c->n_ports; i++)
		if (c->ports[i].ipv4.set || c->ports[i].ipv6.set)
			return true;
	return c->n_bcs > 0;
}

static void reload_run(struct app *app)
{
	struct app_reload *r = &app->reload;
	struct conf *nc = calloc(1, sizeof(*nc));
	struct fwd_view *v = malloc(sizeof(*v));
	struct conf_error err;
	struct conf_diff *d = malloc(sizeof(*d));
	char buf[1024];

	r->requests++;
	PLOG(NOTICE, "reload: SIGHUP, reading %s", app->conf.path);
	if (nc == NULL || v == NULL || d == NULL) {
		refuse(app, "out of memory");
		goto out;
	}
	if (conf_load(app->conf.path, nc, &err) != 0) {
		conf_error_str(&err, buf, sizeof(buf));
		refuse(app, buf);
		goto out;
	}
	conf_diff(&app->conf, nc, d);
	if (conf_diff_merge(nc, &app->conf, &err) != 0) {
		conf_error_str(&err, buf, sizeof(buf));
		conf_free(nc);
		refuse(app, buf);
		goto out;
	}
	no_bc_runtime(app->bcrt != NULL, nc, d);
	fwd_view_build(nc, v);
	apply(app, nc, v, d);
	v = NULL;			/* published */
	PLOG(NOTICE, "reload: generation %" PRIu64 " applied: %s",
	     r->generation, r->last_changed[0] ? r->last_changed :
	     "no reloadable key changed");
	if (d->n_restart)
		PLOG(WARNING, "reload: not applied, need a restart: %s",
		     r->last_restart);
out:
	free(d);
	free(v);
	free(nc);
}

bool reload_poll(struct app *app)
{
	uint64_t g = app->reload.generation;

	if (!vswap_reclaim(&app->views) || !app_hup)
		return false;	/* a SIGHUP waits for the workers */
	app_hup = 0;
	reload_run(app);
	return app->reload.generation != g;
}

void reload_fini(struct app *app)
{
	vswap_fini(&app->views);
}

static void when(const struct app_reload *r, char *buf, size_t len)
{
	struct tm tm;

	if (r->last.tv_sec == 0 || gmtime_r(&r->last.tv_sec, &tm) == NULL)
		snprintf(buf, len, "never");
	else
		strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void reload_dump(const struct app *app, FILE *out)
{
	const struct app_reload *r = &app->reload;
	char t[32];

	when(r, t, sizeof(t));
	fprintf(out, "reload: generation %" PRIu64 ", SIGHUPs %" PRIu64
		" applied %" PRIu64 " refused %" PRIu64 " restart-needed %"
		PRIu64 ", last %s at %s", r->generation, r->requests,
		r->applied, r->refused, r->restart_needed, r->last_outcome, t);
	if (r->last_reason[0])
		fprintf(out, ": %s", r->last_reason);
	fprintf(out, "\n");
	if (r->last_restart[0])
		fprintf(out, "reload: need a restart: %s\n", r->last_restart);
}

void reload_tel(const struct app *app, struct rte_tel_data *d)
{
	const struct app_reload *r = &app->reload;
	char t[32];

	when(r, t, sizeof(t));
	rte_tel_data_add_dict_u64(d, "config_generation", r->generation);
	rte_tel_data_add_dict_u64(d, "reload_requests", r->requests);
	rte_tel_data_add_dict_u64(d, "reloads_applied", r->applied);
	rte_tel_data_add_dict_u64(d, "reloads_refused", r->refused);
	rte_tel_data_add_dict_u64(d, "reloads_restart_needed",
				  r->restart_needed);
	rte_tel_data_add_dict_string(d, "last_reload", t);
	rte_tel_data_add_dict_u64(d, "last_reload_unix_s",
				  (uint64_t)r->last.tv_sec);
	rte_tel_data_add_dict_string(d, "last_reload_outcome",
				     r->last_outcome);
	rte_tel_data_add_dict_string(d, "last_reload_reason", r->last_reason);
	rte_tel_data_add_dict_string(d, "restart_needed_keys",
				     r->last_restart);
}

/* --check [--against RUNNING_FILE] (reload.h). */
int reload_check(struct conf *c, const char *against)
{
	struct conf running;
	struct conf_diff *d;
	struct conf_error err;
	char buf[1024];
	unsigned int i;

	conf_print(c, stdout);
	if (against == NULL) {
		printf("reload (SIGHUP): eal, lcores, ports (but their latencies), "
		       "mbufs and transparent_clock.pending_entries need a "
		       "restart (--against RUNNING_FILE compares)\n");
		printf("configuration OK\n");
		conf_free(c);
		return 0;
	}
	d = calloc(1, sizeof(*d));
	if (d == NULL || conf_load(against, &running, &err) != 0) {
		if (d != NULL) {
			conf_error_str(&err, buf, sizeof(buf));
			fprintf(stderr, "ptpsw: --against: %s\n", buf);
		}
		free(d);
		conf_free(c);
		return 2;
	}
	conf_diff(&running, c, d);
	no_bc_runtime(bc_runtime_at_start(&running), c, d);
	printf("compared with %s: %u key(s) differ\n", against, d->n);
	for (i = 0; i < d->n; i++)
		printf("  %-8s %s (%s)\n", d->ch[i].restart ? "restart" :
		       "reload", d->ch[i].key, d->ch[i].what);
	if (d->truncated)
		printf("  ... more not listed\n");
	if (conf_diff_merge(c, &running, &err) != 0) {
		conf_error_str(&err, buf, sizeof(buf));
		printf("a reload would be refused: %s\n", buf);
	} else if (d->n_restart) {
		printf("a reload applies the keys marked reload; %u need a "
		       "restart\n", d->n_restart);
	} else {
		printf("a reload applies every change\n");
	}
	printf("configuration OK\n");
	free(d);
	conf_free(&running);
	conf_free(c);
	return 0;
}
