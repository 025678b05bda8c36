/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PTPSW_CONF_CONF_DIFF_H
#define PTPSW_CONF_CONF_DIFF_H

/*
 * What a reload (SIGHUP) changes: the keys whose values differ between the
 * running configuration and a new one, each marked reloadable or needing a
 * restart, and the configuration to apply (the new one with the running
 * values of the keys that need a restart). Uses only config.h's public
 * API and struct conf. No EAL.
 */

#include <stdbool.h>
#include <stdio.h>

#include "conf/config.h"

#define CONF_DIFF_MAX		64
#define CONF_DIFF_KEY_LEN	96

struct conf_change {
	char key[CONF_DIFF_KEY_LEN];	/* "boundary_clocks.[0].priority1" */
	char what[64];			/* "128 -> 77", "added", ... */
	bool restart;			/* not applied: needs a restart */
};

struct conf_diff {
	unsigned int n;			/* changes recorded */
	unsigned int n_restart;		/* of which need a restart */
	bool truncated;			/* more than CONF_DIFF_MAX changes */
	struct conf_change ch[CONF_DIFF_MAX];
};

/* Does the key (schema path with "[]" for list elements, e.g.
 * "ports.[].device") need a restart? 1: restart, 0: reloadable, -1: not a
 * key this table knows. */
int conf_key_restart(const char *key);

/* The table of keys above as Markdown (docs/configuration.md, "Reload"). */
void conf_print_reload_reference(FILE *out);

/* Every change from old (running) to new into d. */
void conf_diff(const struct conf *old, const struct conf *nc,
	       struct conf_diff *d);

/*
 * Turn nc (a freshly loaded configuration) into the one to run on top of
 * old: the running values of every key that needs a restart are kept
 * (eal, lcores, ports but their latencies, mbufs,
 * transparent_clock.pending_entries); boundary-clock ports are mapped to
 * the running ports by name. The EAL strings are exchanged, so that
 * conf_free(old) afterwards frees the new file's and nc keeps the running
 * ones. Returns 0, or -1 with err filled (nothing changed) when a
 * boundary clock names a port that is not running.
 */
int conf_diff_merge(struct conf *nc, struct conf *old, struct conf_error *err);

/* "key (what), key (what)" of the changes with restart == restart into
 * buf; returns the number listed. */
unsigned int conf_diff_list(const struct conf_diff *d, bool restart,
			    char *buf, size_t len);

#endif /* PTPSW_CONF_CONF_DIFF_H */
