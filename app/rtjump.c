/* SPDX-License-Identifier: BSD-3-Clause */
/* CLOCK_REALTIME jumps seen by the ports' stamp maps (rtjump.h). */

#include <inttypes.h>
#include <stdlib.h>
#include <unistd.h>

#include "app.h"
#include "rtjump.h"
#include "timebase.h"
#include "ts_source.h"

static int64_t test_ns;
static unsigned int test_left;

/* PTPSW_TEST_REALTIME_JUMP=FILE: "NS COUNT" in FILE starts a series. */
static void test_switch(struct app *app)
{
	const char *f = getenv("PTPSW_TEST_REALTIME_JUMP");
	long long ns = 0;
	unsigned int count = 0, p;
	FILE *fp;

	if (test_left == 0 && f != NULL && *f != '\0' &&
	    (fp = fopen(f, "r")) != NULL) {
		if (fscanf(fp, "%lld %u", &ns, &count) == 2 && count > 0 &&
		    count <= 1000) {
			test_ns = ns;
			test_left = count;
			PLOG(NOTICE, "test: CLOCK_REALTIME maps moved by %lld ns "
			     "after each of the next %u renewals", ns, count);
		}
		fclose(fp);
		unlink(f);
	}
	if (test_left == 0)
		return;
	test_left--;
	for (p = 0; p < app->n_ports; p++) {
		struct ts_source *ts = &app->ports[p].ts;
		struct clockmap *m = ts->ops && ts->ops->rt_map ?
				     ts->ops->rt_map(ts) : NULL;

		if (m != NULL)
			clockmap_shift(m, test_ns);
	}
}

void rtjump_refresh(struct app *app)
{
	test_switch(app);
}

void rtjump_tick(struct app *app)
{
	unsigned int p;

	for (p = 0; p < app->n_ports; p++) {
		struct app_port *ap = &app->ports[p];
		uint64_t n = ap->ts.rx_map_stale;

		if (n == ap->map_stale_logged)
			continue;
		PLOG(WARNING, "port %s: CLOCK_REALTIME jumped %+.3f ms against "
		     "the timebase since its map's last renewal (the system "
		     "clock was set, or slewed hard: ptp4l, phc2sys, NTP, "
		     "date); the kernel's receive stamps of %" PRIu64
		     " burst(s) since the last such line were replaced by the "
		     "poll time", ap->conf->name,
		     (double)ap->ts.rx_map_err_ns / 1e6,
		     n - ap->map_stale_logged);
		ap->map_stale_logged = n;
	}
}

void rtjump_line(const struct app *app, FILE *out)
{
	uint64_t now = timebase_now();
	unsigned int p, k = 0;

	for (p = 0; p < app->n_ports; p++) {
		const struct ts_source *ts = &app->ports[p].ts;

		if (ts->rx_map_stale == 0 ||
		    now - ts->rx_map_stale_at > RTJUMP_SHOW_NS)
			continue;
		fprintf(out, "%s%s", k++ ? " " : " REALTIME-JUMP (",
			app->ports[p].conf->name);
	}
	if (k)
		fputc(')', out);
}
