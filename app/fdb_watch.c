/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The fdb's move watch: MACs that keep moving between ports mean a loop,
 * or the same traffic sent into two ports. Forwarding goes on (frames to
 * such a MAC follow the port it was last learned on), so it is said in
 * the log, the status line and telemetry (/ptpsw/info mac_flapping).
 */

#include <inttypes.h>

#include "app.h"
#include "fdb_watch.h"
#include "net/frame.h"
#include "sw/fdb.h"
#include "sw/flap.h"

/* The port name of index p of the last move, or "?" (a stale word). */
static const char *port_name(const struct app *app, unsigned int p)
{
	return p < app->n_ports ? app->ports[p].conf->name : "?";
}

static void move_text(const struct app *app, const struct fdb_move *mv,
		      char *buf, size_t len)
{
	char mac[FRAME_MAC_STR_LEN];

	if (!mv->valid) {
		snprintf(buf, len, "none");
		return;
	}
	frame_mac_str(mv->mac, mac, sizeof(mac));
	snprintf(buf, len, "%s %s->%s", mac, port_name(app, mv->from),
		 port_name(app, mv->to));
}

void fdb_watch(struct app *app, uint64_t now)
{
	struct fdb_stats st;
	char last[96];

	fdb_get_stats(app->fdb, &st);
	switch (flap_update(&app->flap, st.moved, now)) {
	case FLAP_STARTED:
		move_text(app, &st.last_move, last, sizeof(last));
		PLOG(WARNING, "fdb: MACs keep moving between ports: %" PRIu64
		     " moves in the last second (last %s): a loop, or the "
		     "same traffic sent into two ports? Frames to such a MAC "
		     "go where it was seen last", app->flap.last_moves, last);
		break;
	case FLAP_STOPPED:
		PLOG(NOTICE, "fdb: MACs stopped moving between ports (%"
		     PRIu64 " moves in %" PRIu64 " s)",
		     st.moved - app->flap.period_moved0,
		     (now - app->flap.period_t0) / UINT64_C(1000000000));
		break;
	default:
		break;
	}
}

void fdb_watch_line(const struct app *app, FILE *out)
{
	struct fdb_move mv;
	char last[96];

	if (!app->flap.on)
		return;
	fdb_last_move(app->fdb, &mv);
	move_text(app, &mv, last, sizeof(last));
	fprintf(out, " MAC-MOVES (%" PRIu64 "/s, last %s)",
		app->flap.last_moves, last);
}

void fdb_watch_dump(const struct app *app, FILE *out)
{
	struct fdb_move mv;
	char last[96];

	if (fdb_last_move(app->fdb, &mv) != 0)
		return;
	move_text(app, &mv, last, sizeof(last));
	fprintf(out, " last-move %s flapping %s (%" PRIu64 " periods)", last,
		app->flap.on ? "yes" : "no", app->flap.events);
}
