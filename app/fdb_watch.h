/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PTPSW_APP_FDB_WATCH_H
#define PTPSW_APP_FDB_WATCH_H

#include <stdint.h>
#include <stdio.h>

struct app;

/* Control lcore, about once a second: do MACs keep moving between ports
 * (lib/sw/flap.h)? One warning line when that starts (how many moves,
 * the last MAC and its ports) and one when it ends. */
void fdb_watch(struct app *app, uint64_t now);

/* Status line: " MAC-MOVES (N/s, last MAC a->b)" while MACs flap, else
 * nothing. */
void fdb_watch_line(const struct app *app, FILE *out);

/* The dump's fdb line, appended (once a MAC moved): " last-move MAC
 * a->b flapping yes|no (N periods)". */
void fdb_watch_dump(const struct app *app, FILE *out);

#endif /* PTPSW_APP_FDB_WATCH_H */
