/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * control: the sleeping lcore's timers, link state and the BC hook.
 */

#include <stdio.h>
#include <time.h>

#include <rte_mbuf.h>
#include <rte_ring.h>

#include "app.h"
#include "bc_runtime.h"
#include "control.h"
#include "fdb_watch.h"
#include "meta.h"
#include "mgmt_sock.h"
#include "monitor_rt.h"
#include "pool.h"
#include "reload.h"
#include "hostclock.h"
#include "rtjump.h"
#include "status.h"
#include "sw/fdb.h"
#include "timebase.h"
#include "txstamp.h"
#include "worker.h"

#define CTL_TICK_NS		(10 * 1000 * 1000)
#define CTL_LINK_NS		(1000ull * 1000 * 1000)
#define CTL_REFRESH_NS		(100ull * 1000 * 1000)
#define CTL_BC_BURST		32

struct ctl_timer {
	uint64_t period_ns;
	uint64_t next_ns;
};

static bool timer_due(struct ctl_timer *t, uint64_t now)
{
	if (t->period_ns == 0 || now < t->next_ns)
		return false;
	t->next_ns = now + t->period_ns;
	return true;
}

/*
 * BC hook: PTP frames of a domain a boundary clock terminates and frames
 * for ptpsw's own addresses, with their ptpsw_meta (rx_ts, in_port) filled
 * by the worker: bc_runtime takes (and frees) them.
 */
static void control_bc_input(struct app *app, struct rte_mbuf *m)
{
	bc_runtime_input(app, m);
}

unsigned int control_drain_bc(struct app *app)
{
	struct rte_mbuf *m[CTL_BC_BURST];
	unsigned int n, i, total = 0;

	do {
		n = rte_ring_sc_dequeue_burst(app->bc_ring, (void **)m,
					      CTL_BC_BURST, NULL);
		for (i = 0; i < n; i++)
			control_bc_input(app, m[i]);
		total += n;
	} while (n == CTL_BC_BURST);
	return total;
}

static void control_links(struct app *app)
{
	unsigned int i;

	for (i = 0; i < app->n_ports; i++) {
		struct app_port *ap = &app->ports[i];

		if (!port_poll_link(ap))
			continue;
		PLOG(NOTICE, "port %s: link %s", ap->conf->name,
		     ap->link_up ? "up" : "down");
		if (!ap->link_up)
			fdb_flush_port(app->fdb, (uint16_t)i);
		bc_runtime_link(app, i, ap->link_up, timebase_now());
	}
}

static void control_refresh(struct app *app)
{
	unsigned int i;

	for (i = 0; i < app->n_ports; i++)
		ts_source_refresh(&app->ports[i].ts);
	rtjump_refresh(app);
}

int control_run(struct app *app)
{
	struct timespec tick = { 0, bc_runtime_active(app) ? BC_RT_TICK_NS :
				    CTL_TICK_NS };
	uint64_t now = timebase_now();
	struct ctl_timer link = { CTL_LINK_NS, now + CTL_LINK_NS };
	struct ctl_timer refresh = { CTL_REFRESH_NS, now + CTL_REFRESH_NS };
	struct ctl_timer st = { (uint64_t)app->conf.status_interval_ms *
				1000000, 0 };

	st.next_ns = now + st.period_ns;
	mgmt_sock_init(app);		/* failure logged: runs without it */
	monitor_rt_init(app);
	while (!app_quit) {
		nanosleep(&tick, NULL);
		now = timebase_now();
		bc_runtime_flush(app, now);
		control_drain_bc(app);
		bc_runtime_tick(app, now);
		monitor_rt_tick(app, now);
		mgmt_sock_poll(app);
		if (timer_due(&refresh, now))
			control_refresh(app);
		if (timer_due(&link, now)) {
			control_links(app);
			fdb_age(app->fdb, now);
			txstamp_tick(app);
			rtjump_tick(app);
			hostclock_tick(app);
			pool_watch(app);
			fdb_watch(app, now);
		}
		if (reload_poll(app)) {	/* SIGHUP: timers from the new conf */
			tick.tv_nsec = bc_runtime_active(app) ? BC_RT_TICK_NS :
				       CTL_TICK_NS;
			st.period_ns = (uint64_t)app->conf.status_interval_ms *
				       1000000;
			st.next_ns = now + st.period_ns;
		}
		if (timer_due(&st, now))
			status_line(app, stdout);
		if (app_dump) {
			app_dump = 0;
			status_dump(app, stdout);
		}
	}
	mgmt_sock_fini();
	return 0;
}
