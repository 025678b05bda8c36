/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ptpsw: command line, EAL start-up, set-up of the switch and shutdown.
 * The only file that exits the process.
 */

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_log.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>
#include <rte_ring.h>

#include "app.h"
#include "txstamp.h"
#include "bc_runtime.h"
#include "capture.h"
#include "conf/conf_diff.h"
#include "conf/config.h"
#include "control.h"
#include "journal.h"
#include "meta.h"
#include "pool.h"
#include "port.h"
#include "reload.h"
#include "hostclock.h"
#include "status.h"
#include "sw/fdb.h"
#include "telemetry.h"
#include "timebase.h"
#include "worker.h"

#define MAIN_MAX_ARGS		(CONF_MAX_EAL_ARGS + 2 * CONF_MAX_PORTS + 64)
#define MAIN_FDB_ENTRIES	8192
#define MAIN_BC_RING		1024

RTE_LOG_REGISTER(ptpsw_logtype, ptpsw, NOTICE);

volatile sig_atomic_t app_quit;
volatile sig_atomic_t app_dump;

struct opts {
	const char *config;
	const char *against;	/* --check --against RUNNING_FILE */
	bool check;
	bool probe;		/* --check --probe: start the ports, self-test */
	int verbose;
	int log_level;		/* -1: from the config */
	int n_extra;		/* EAL arguments after "--" */
	char **extra;
};

static void usage(FILE *out)
{
	fprintf(out,
"Usage: ptpsw -c FILE [OPTIONS] [-- EAL-ARGS...]\n"
"\n"
"PTP-aware DPDK software switch: learning L2 switch and IEEE 1588\n"
"end-to-end transparent clock (RFC 9760 Enterprise Profile).\n"
"\n"
"Options:\n"
"  -c, --config FILE          configuration file (libconfig)\n"
"      --check                load and validate FILE, print what would run\n"
"                             and exit; does not start DPDK\n"
"      --probe                with --check: also start DPDK and the ports,\n"
"                             run each port's timestamp self-test, print\n"
"                             what its RX and TX stamps really are, exit\n"
"                             (root; the ports must be free)\n"
"      --against RUNNING_FILE with --check: also list each key that\n"
"                             differs from RUNNING_FILE and whether a\n"
"                             reload (SIGHUP) applies it or it needs a\n"
"                             restart\n"
"  -v, --verbose              more log output (repeat for debug)\n"
"      --log-level LEVEL      err, warning, notice, info or debug\n"
"                             (overrides the config's log_level)\n"
"      --print-config-reference\n"
"                             print every configuration key (Markdown)\n"
"      --print-reload-reference\n"
"                             print which keys a reload (SIGHUP) applies\n"
"                             and which need a restart (Markdown)\n"
"      --version              print the version and the PTP profile, exit\n"
"  -h, --help                 this text\n"
"\n"
"EAL arguments: the config's eal list, then one --vdev DEVICE (or -a PCI)\n"
"per port, then -l/--main-lcore from control_lcore and workers unless\n"
"-l/--lcores/-c was given, then EAL-ARGS from the command line (last,\n"
"so they win).\n"
"\n"
"Signals: SIGHUP reloads the configuration file (what needs a restart\n"
"is logged and not applied); SIGUSR1 prints the full status;\n"
"SIGINT/SIGTERM stop cleanly.\n"
"\n"
"Exit status:\n"
"  0  success (clean shutdown, or --check found the configuration OK)\n"
"  1  runtime failure (EAL, ports, timestamping, mbufs leaked at exit)\n"
"  2  configuration error (printed as FILE:LINE: key: problem) or bad\n"
"     command line\n");
}

static int parse_level(const char *s)
{
	static const char *const names[] = { "err", "warning", "notice",
					     "info", "debug" };
	unsigned int i;

	for (i = 0; i < RTE_DIM(names); i++)
		if (strcmp(s, names[i]) == 0 ||
		    (i == 0 && strcmp(s, "error") == 0))
			return (int)i;
	return -1;
}

enum { OPT_CHECK = 256, OPT_LOG_LEVEL, OPT_VERSION, OPT_REFERENCE,
       OPT_PROBE, OPT_AGAINST, OPT_RELOAD_REFERENCE };

static const struct option main_lopts[] = {
	{ "config", required_argument, NULL, 'c' },
	{ "check", no_argument, NULL, OPT_CHECK },
	{ "probe", no_argument, NULL, OPT_PROBE },
	{ "against", required_argument, NULL, OPT_AGAINST },
	{ "verbose", no_argument, NULL, 'v' },
	{ "log-level", required_argument, NULL, OPT_LOG_LEVEL },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ "print-config-reference", no_argument, NULL, OPT_REFERENCE },
	{ "print-reload-reference", no_argument, NULL,
	  OPT_RELOAD_REFERENCE },
	{ NULL, 0, NULL, 0 },
};

/* After the options: what they must come with. -1 to go on, or an exit
 * status. */
static int check_args(const struct opts *o, char **argv, int n)
{
	if (optind < n) {
		fprintf(stderr, "ptpsw: unexpected argument \"%s\" (EAL "
			"arguments go after \"--\")\n", argv[optind]);
		return APP_EXIT_CONFIG;
	}
	if (o->against != NULL && !o->check) {
		fprintf(stderr, "ptpsw: --against goes with --check\n");
		return APP_EXIT_CONFIG;
	}
	if (o->probe && !o->check) {
		fprintf(stderr, "ptpsw: --probe goes with --check\n");
		return APP_EXIT_CONFIG;
	}
	if (o->config == NULL) {
		fprintf(stderr, "ptpsw: no configuration file (-c FILE)\n");
		usage(stderr);
		return APP_EXIT_CONFIG;
	}
	return -1;
}

/* Returns -1 to continue, or an exit status. */
static int parse_args(int argc, char **argv, struct opts *o)
{
	int i, c, n = argc;

	memset(o, 0, sizeof(*o));
	o->log_level = -1;
	for (i = 1; i < argc; i++)
		if (strcmp(argv[i], "--") == 0) {
			n = i;
			o->extra = argv + i + 1;
			o->n_extra = argc - i - 1;
			break;
		}
	while ((c = getopt_long(n, argv, "+c:vh", main_lopts, NULL)) != -1) {
		switch (c) {
		case 'c': o->config = optarg; break;
		case 'v': o->verbose++; break;
		case OPT_CHECK: o->check = true; break;
		case OPT_PROBE: o->probe = true; break;
		case OPT_AGAINST: o->against = optarg; break;
		case 'h': usage(stdout); return APP_EXIT_OK;
		case OPT_VERSION:
			printf("ptpsw %s\n%s\n", PTPSW_VERSION,
			       PTPSW_PROFILE_LINE);
			return APP_EXIT_OK;
		case OPT_REFERENCE:
			conf_print_reference(stdout);
			return APP_EXIT_OK;
		case OPT_RELOAD_REFERENCE:
			conf_print_reload_reference(stdout);
			return APP_EXIT_OK;
		case OPT_LOG_LEVEL:
			o->log_level = parse_level(optarg);
			if (o->log_level < 0) {
				fprintf(stderr, "ptpsw: --log-level: unknown "
					"level \"%s\"\n", optarg);
				return APP_EXIT_CONFIG;
			}
			break;
		default:
			usage(stderr);
			return APP_EXIT_CONFIG;
		}
	}
	return check_args(o, argv, n);
}

static int load_config(const struct opts *o, struct conf *c)
{
	struct conf_error err;
	char buf[1024];

	if (conf_load(o->config, c, &err) != 0) {
		conf_error_str(&err, buf, sizeof(buf));
		fprintf(stderr, "%s\n", buf);
		return APP_EXIT_CONFIG;
	}
	return -1;
}

static bool has_arg(char *const *v, int n, const char *const *names)
{
	int i, k;

	for (i = 0; i < n; i++)
		for (k = 0; names[k]; k++)
			if (strcmp(v[i], names[k]) == 0 ||
			    (strncmp(v[i], names[k], strlen(names[k])) == 0 &&
			     v[i][strlen(names[k])] == '=' && names[k][1] == '-'))
				return true;
	return false;
}

/* "-l 0,1,2" and "--main-lcore 0" from the config's lcores. */
static int lcore_args(const struct conf *c, char **argv, int *argc,
		      char *lbuf, size_t lsz, char *mbuf, size_t msz)
{
	size_t off;
	unsigned int i;

	off = (size_t)snprintf(lbuf, lsz, "%d", c->control_lcore);
	for (i = 0; i < c->n_workers && off < lsz; i++)
		off += (size_t)snprintf(lbuf + off, lsz - off, ",%d",
					c->workers[i]);
	snprintf(mbuf, msz, "%d", c->control_lcore);
	if (*argc + 4 > MAIN_MAX_ARGS)
		return -1;
	argv[(*argc)++] = "-l";
	argv[(*argc)++] = lbuf;
	argv[(*argc)++] = "--main-lcore";
	argv[(*argc)++] = mbuf;
	return 0;
}

static int build_eal_args(const struct conf *c, const struct opts *o,
			  char **argv, char *lbuf, size_t lsz, char *mbuf,
			  size_t msz)
{
	static const char *const lc[] = { "-l", "--lcores", "-c", NULL };
	int argc = 0, i;
	unsigned int k;

	argv[argc++] = "ptpsw";
	for (k = 0; k < c->n_eal_args; k++)
		argv[argc++] = c->eal_args[k];
	for (k = 0; k < c->n_ports; k++)
		if (port_eal_args(&c->ports[k], argv, &argc,
				  MAIN_MAX_ARGS - 1) != 0)
			return -1;
	if (!has_arg(c->eal_args, (int)c->n_eal_args, lc) &&
	    !has_arg(o->extra, o->n_extra, lc) &&
	    lcore_args(c, argv, &argc, lbuf, lsz, mbuf, msz) != 0)
		return -1;
	for (i = 0; i < o->n_extra; i++) {
		if (argc + 1 >= MAIN_MAX_ARGS)
			return -1;
		argv[argc++] = o->extra[i];
	}
	argv[argc] = NULL;
	return argc;
}

static void on_signal(int sig)
{
	if (sig == SIGUSR1)
		app_dump = 1;
	else if (sig == SIGHUP)
		app_hup = 1;
	else
		app_quit = 1;
}

static void install_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);		/* reload.h */
}

static int app_init_pool(struct app *app)
{
	if (pool_create(app) != 0)
		return -1;
	app->mbufs_start = rte_mempool_in_use_count(app->pool);
	app->meta_offset = meta_register();
	if (app->meta_offset < 0) {
		PLOG(ERR, "mbuf dynfield %s: %s", PTPSW_META_NAME,
		     rte_strerror(rte_errno));
		return -1;
	}
	return 0;
}

static int app_init_shared(struct app *app)
{
	/* app->fdb_aging_ns: from the first view (reload_init) */
	app->fdb = fdb_create(MAIN_FDB_ENTRIES, app->fdb_aging_ns);
	app->bc_ring = rte_ring_create("ptpsw_bc", MAIN_BC_RING,
				       (int)rte_socket_id(), RING_F_SC_DEQ);
	if (app->fdb == NULL || app->bc_ring == NULL) {
		PLOG(ERR, "fdb / BC ring: out of memory");
		return -1;
	}
	return 0;
}

/* Worker lcores: the configured ones if EAL enabled them, else every
 * enabled lcore but the main one. */
static int app_init_workers(struct app *app)
{
	const struct conf *c = &app->conf;
	unsigned int i, lc, main_lc = rte_get_main_lcore();
	unsigned int lcores[CONF_MAX_WORKERS], n = 0;

	for (i = 0; i < c->n_workers; i++) {
		lc = (unsigned int)c->workers[i];
		if (lc != main_lc && rte_lcore_is_enabled(lc))
			lcores[n++] = lc;
	}
	if (n == 0)
		RTE_LCORE_FOREACH_WORKER(lc)
			if (n < CONF_MAX_WORKERS)
				lcores[n++] = lc;
	if (n == 0) {
		PLOG(ERR, "no worker lcore: give EAL at least two lcores "
		     "(e.g. -l 0-1)");
		return -1;
	}
	for (i = 0; i < n; i++) {
		app->workers[i] = worker_create(app, i, lcores[i]);
		if (app->workers[i] == NULL) {
			PLOG(ERR, "worker %u: cannot create (tc parameters?)",
			     i);
			return -1;
		}
		app->n_workers = i + 1;
	}
	reload_workers_ready(app);
	return 0;
}

static int app_init_ports(struct app *app)
{
	char err[512];
	unsigned int i;

	for (i = 0; i < app->conf.n_ports; i++) {
		struct app_port *ap = &app->ports[i];
		struct worker *w;

		if (pool_port_fits(app, i) != 0)
			return -1;
		if (port_init(ap, &app->conf.ports[i], i, app->pool,
			      (uint16_t)app->n_workers, err, sizeof(err)) != 0) {
			PLOG(ERR, "%s", err);
			return -1;
		}
		app->n_ports = i + 1;
		ap->rx_worker = i % app->n_workers;
		w = app->workers[ap->rx_worker];
		w->rx_ports[w->n_rx++] = (uint8_t)i;
	}
	return 0;
}

/* Give links up to a second to come up so the banner tells the truth. */
static void app_wait_links(struct app *app)
{
	struct timespec t = { 0, 50 * 1000 * 1000 };
	unsigned int i, k, up;

	for (k = 0; k < 20; k++) {
		for (i = 0, up = 0; i < app->n_ports; i++) {
			port_poll_link(&app->ports[i]);
			up += app->ports[i].link_up;
		}
		if (up == app->n_ports)
			return;
		nanosleep(&t, NULL);
	}
}

static void app_launch(struct app *app)
{
	unsigned int i;

	app->start_ns = timebase_now();
	for (i = 0; i < app->n_workers; i++)
		rte_eal_remote_launch(worker_main, app->workers[i],
				      app->workers[i]->lcore);
}

/* Tear everything down; returns the exit status (leak check). */
static int app_fini(struct app *app, int status)
{
	unsigned int i, in_use;

	telemetry_fini();
	capture_fini();
	app_quit = 1;
	rte_eal_mp_wait_lcore();
	if (app->bc_ring)
		control_drain_bc(app);
	bc_runtime_fini(app);
	txstamp_warm_fini(app);
	for (i = 0; i < app->n_ports; i++)
		port_fini(&app->ports[i]);
	for (i = 0; i < app->n_workers; i++)
		worker_free(app->workers[i]);
	reload_fini(app);
	if (app->pool) {
		in_use = rte_mempool_in_use_count(app->pool);
		printf("mbufs in use at exit: %u (start %u)\n", in_use,
		       app->mbufs_start);
		if (in_use != app->mbufs_start) {
			PLOG(ERR, "%d mbufs leaked",
			     (int)in_use - (int)app->mbufs_start);
			if (status == APP_EXIT_OK)
				status = APP_EXIT_FAIL;
		}
	}
	fdb_free(app->fdb);
	rte_ring_free(app->bc_ring);
	rte_mempool_free(app->pool);
	conf_free(&app->conf);
	rte_eal_cleanup();
	return status;
}

static int app_init(struct app *app)
{
	if (timebase_init() != 0) {
		PLOG(ERR, "TSC frequency unknown");
		return -1;
	}
	if (reload_init(app) || app_init_shared(app) ||
	    app_init_workers(app) ||
	    /* the pool's size depends on the workers and the BC ring */
	    app_init_pool(app) || app_init_ports(app) ||
	    pool_check_started(app) || bc_runtime_init(app))
		return -1;
	txstamp_warm_init(app);
	hostclock_probe(app);
	app_wait_links(app);
	return 0;
}

/* ptpsw --check without --probe: the file, and against a running one. */
static int check_only(struct app *app, const struct opts *o)
{
	int ret = reload_check(&app->conf, o->against);

	if (ret == APP_EXIT_OK)
		printf("timestamps: each port proves its RX and TX stamps when "
		       "ptpsw starts (the banner says what it found; --check "
		       "--probe runs the same self-tests now)\n");
	return ret;
}

static struct app the_app;

int main(int argc, char **argv)
{
	char *eal_argv[MAIN_MAX_ARGS + 1], lbuf[128], mbuf[16];
	struct app *app = &the_app;
	struct opts o;
	int ret, eal_argc;

	setvbuf(stdout, NULL, _IOLBF, 0);
	ret = parse_args(argc, argv, &o);
	if (ret >= 0)
		return ret;
	ret = load_config(&o, &app->conf);
	if (ret >= 0)
		return ret;
	if (o.check && !o.probe)
		return check_only(app, &o);
	if (o.check) {			/* --check --probe */
		conf_print(&app->conf, stdout);
		printf("configuration OK\n");
	}
	journal_init();
	app->reload.log_cli = o.log_level;
	app->reload.log_verbose = o.verbose;
	reload_log_level(app);
	eal_argc = build_eal_args(&app->conf, &o, eal_argv, lbuf, sizeof(lbuf),
				  mbuf, sizeof(mbuf));
	if (eal_argc < 0) {
		fprintf(stderr, "ptpsw: too many EAL arguments\n");
		conf_free(&app->conf);
		return APP_EXIT_CONFIG;
	}
	if (rte_eal_init(eal_argc, eal_argv) < 0) {
		fprintf(stderr, "ptpsw: EAL initialisation failed: %s\n",
			rte_strerror(rte_errno));
		conf_free(&app->conf);
		return APP_EXIT_FAIL;
	}
	install_signals();
	if (app_init(app) != 0)
		return app_fini(app, APP_EXIT_FAIL);
	if (o.probe) {
		status_probe(app, stdout);
		return app_fini(app, APP_EXIT_OK);
	}
	capture_init();
	telemetry_init(app);
	status_banner(app, stdout);
	app_launch(app);
	printf("forwarding\n");
	control_run(app);
	printf("ptpsw: stopping\n");
	status_dump(app, stdout);
	return app_fini(app, APP_EXIT_OK);
}
