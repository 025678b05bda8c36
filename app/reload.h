/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PTPSW_APP_RELOAD_H
#define PTPSW_APP_RELOAD_H

/*
 * reload: SIGHUP re-reads the configuration file on the control lcore.
 * A file that does not load (FILE:LINE: key: problem, as --check) changes
 * nothing. A good one is compared with the running configuration
 * (lib/conf/conf_diff): the keys that need a restart are named in one
 * log line and keep their running values; the rest is applied while the
 * workers forward: the fast path's part as a new fwd_view that each
 * worker takes over at a burst boundary (vswap: the old view is freed
 * once every worker acknowledged the new generation), the boundary
 * clocks through bc_runtime_reload(), and the control lcore's own keys
 * (log level, status interval, MAC aging, monitors, management socket).
 */

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

struct app;
struct conf;
struct rte_tel_data;

#define RELOAD_TEXT_LEN	512

struct app_reload {
	uint64_t generation;		/* 1 at start, + 1 per applied reload */
	uint64_t requests;		/* SIGHUPs handled */
	uint64_t applied, refused;
	uint64_t restart_needed;	/* applied, but keys need a restart */
	struct timespec last;		/* CLOCK_REALTIME of the last one */
	const char *last_outcome;	/* "none", "applied", "refused" */
	char last_reason[RELOAD_TEXT_LEN];	/* refused: why */
	char last_changed[RELOAD_TEXT_LEN];	/* applied: keys */
	char last_restart[RELOAD_TEXT_LEN];	/* keys needing a restart */
	int log_cli;			/* --log-level, or -1 */
	int log_verbose;		/* -v count */
};

/* Set by the SIGHUP handler. */
extern volatile sig_atomic_t app_hup;

/* The first view (from app->conf) and the reload state, before the
 * workers are created. Returns 0, or -1 (no memory, logged). */
int reload_init(struct app *app);

/* After the workers are created, before they run. */
void reload_workers_ready(struct app *app);

/* Set ptpsw's log level from app->conf and the command line. */
void reload_log_level(const struct app *app);

/*
 * Control lcore, every round: frees a replaced view every worker has left,
 * and handles a pending SIGHUP (deferred while workers still use the view
 * before the current one). Returns true when a configuration was applied
 * (the caller re-reads its timers from app->conf).
 */
bool reload_poll(struct app *app);

/* After the workers stopped: free the views. */
void reload_fini(struct app *app);

/* "reload: generation 3, last applied 2026-12-06T03:10:00Z ..." (dump). */
void reload_dump(const struct app *app, FILE *out);

/*
 * ptpsw --check [--against RUNNING_FILE], without EAL: print c (loaded
 * from the file to check) and, against a running file, every key that
 * differs, marked reload or restart, and whether a reload would be
 * refused. Frees c. Returns the exit status: 0, or 2 when RUNNING_FILE
 * does not load.
 */
int reload_check(struct conf *c, const char *against);

/* Telemetry: the reload fields of /ptpsw/info. */
void reload_tel(const struct app *app, struct rte_tel_data *d);

#endif /* PTPSW_APP_RELOAD_H */
