/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * monitor_rt: divergence monitors on the control lcore.
 */

#include <inttypes.h>
#include <stdio.h>

#include "app.h"
#include "bc_runtime.h"
#include "monitor_rt.h"

static struct {
	unsigned int n;
	struct monitor m[CONF_MAX_MONITOR];
} mr;

int monitor_rt_init(struct app *app)
{
	const struct conf *c = &app->conf;
	unsigned int i;

	mr.n = 0;
	for (i = 0; i < c->n_monitors && i < CONF_MAX_MONITOR; i++) {
		const struct conf_monitor *cm = &c->monitors[i];

		if (!bc_runtime_for_domain(app, cm->domain_a) ||
		    !bc_runtime_for_domain(app, cm->domain_b)) {
			PLOG(ERR, "monitor domains %u/%u: both must run a "
			     "boundary clock", cm->domain_a, cm->domain_b);
			return -1;
		}
		monitor_init(&mr.m[mr.n++], cm);
		PLOG(INFO, "monitor: domains %u and %u, alarm above %" PRId64
		     " ns", cm->domain_a, cm->domain_b, cm->threshold_ns);
	}
	return 0;
}

static void report(const struct monitor *m, enum monitor_event ev)
{
	if (ev == MONITOR_EV_RAISED)
		PLOG(WARNING, "divergence ALARM: domain %u and domain %u "
		     "differ by %" PRId64 " ns (threshold %" PRId64 " ns): "
		     "one of their time transmitters is wrong (RFC 9760 "
		     "section 6)", m->cfg.domain_a, m->cfg.domain_b,
		     m->diff_ns, m->cfg.threshold_ns);
	else if (ev == MONITOR_EV_CLEARED)
		PLOG(NOTICE, "divergence alarm cleared: domain %u and domain "
		     "%u differ by %" PRId64 " ns", m->cfg.domain_a,
		     m->cfg.domain_b, m->diff_ns);
}

void monitor_rt_tick(struct app *app, uint64_t now)
{
	unsigned int i;

	for (i = 0; i < mr.n; i++) {
		struct monitor *m = &mr.m[i];
		const struct bc *a = bc_runtime_for_domain(app, m->cfg.domain_a);
		const struct bc *b = bc_runtime_for_domain(app, m->cfg.domain_b);

		if (a && b)
			report(m, monitor_check(m, a, b,
						tmv_from_ns((int64_t)now)));
	}
}

unsigned int monitor_rt_count(void)
{
	return mr.n;
}

const struct monitor *monitor_rt_get(unsigned int i)
{
	return i < mr.n ? &mr.m[i] : NULL;
}

unsigned int monitor_rt_alarms(void)
{
	unsigned int i, n = 0;

	for (i = 0; i < mr.n; i++)
		n += mr.m[i].state == MONITOR_ALARM;
	return n;
}

void monitor_rt_line(FILE *out)
{
	unsigned int i;

	for (i = 0; i < mr.n; i++) {
		const struct monitor *m = &mr.m[i];

		fprintf(out, " mon%u/%u:%s", m->cfg.domain_a, m->cfg.domain_b,
			monitor_state_name(m->state));
		if (m->state == MONITOR_ALARM)
			fprintf(out, "(%" PRId64 "ns)", m->diff_ns);
	}
}

void monitor_rt_dump(FILE *out)
{
	char buf[256];
	unsigned int i;

	for (i = 0; i < mr.n; i++) {
		monitor_format(&mr.m[i], buf, sizeof(buf));
		fprintf(out, "%s\n", buf);
	}
}
