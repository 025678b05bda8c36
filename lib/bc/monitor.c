/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * monitor: cross-domain divergence alarm with hysteresis.
 */

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "bc/bc.h"
#include "bc/monitor.h"

void monitor_init(struct monitor *m, const struct conf_monitor *cfg)
{
	memset(m, 0, sizeof(*m));
	m->cfg = *cfg;
	m->state = MONITOR_WAITING;
}

static int64_t abs64(int64_t v)
{
	if (v == INT64_MIN)
		return INT64_MAX;
	return v < 0 ? -v : v;
}

/* a - b without signed overflow (saturating). */
static int64_t diff_sat(int64_t a, int64_t b)
{
	if (b < 0 && a > INT64_MAX + b)
		return INT64_MAX;
	if (b > 0 && a < INT64_MIN + b)
		return INT64_MIN;
	return a - b;
}

static enum monitor_event judge(struct monitor *m, int64_t adiff)
{
	if (adiff > m->cfg.threshold_ns) {
		m->over++;
		m->under = 0;
	} else if (adiff <= m->cfg.threshold_ns / 2) {
		m->under++;
		m->over = 0;
	} else {
		/* inside the hysteresis band: neither raises nor clears */
		m->over = 0;
		m->under = 0;
	}
	if (m->state != MONITOR_ALARM && m->over >= MONITOR_RAISE_SAMPLES) {
		m->state = MONITOR_ALARM;
		m->alarms++;
		return MONITOR_EV_RAISED;
	}
	if (m->state == MONITOR_ALARM && m->under >= MONITOR_CLEAR_SAMPLES) {
		m->state = MONITOR_OK;
		m->clears++;
		return MONITOR_EV_CLEARED;
	}
	if (m->state == MONITOR_WAITING)
		m->state = MONITOR_OK;
	return MONITOR_EV_SAMPLE;
}

enum monitor_event monitor_sample(struct monitor *m, tmv_t now,
				  tmv_t time_a, bool ok_a,
				  tmv_t time_b, bool ok_b)
{
	int64_t d;

	if (m->started && tmv_cmp(now, m->next) < 0)
		return MONITOR_EV_NONE;
	m->started = true;
	m->next = tmv_add(now, tmv_from_ns(MONITOR_PERIOD_NS));
	if (!ok_a || !ok_b) {
		m->skipped++;
		return MONITOR_EV_SKIPPED;
	}
	d = diff_sat(tmv_to_ns(time_a), tmv_to_ns(time_b));
	m->samples++;
	m->diff_ns = d;
	if (abs64(d) > m->max_abs_ns)
		m->max_abs_ns = abs64(d);
	return judge(m, abs64(d));
}

bool monitor_bc_comparable(const struct bc *bc)
{
	if (bc->holdover)
		return true;
	return bc->slave_port >= 0 &&
	       bc_port_state(bc, (unsigned int)bc->slave_port) == FSM_SLAVE;
}

enum monitor_event monitor_check(struct monitor *m, const struct bc *a,
				 const struct bc *b, tmv_t now)
{
	if (m->started && tmv_cmp(now, m->next) < 0)
		return MONITOR_EV_NONE;
	return monitor_sample(m, now, bc_time(a, now),
			      monitor_bc_comparable(a), bc_time(b, now),
			      monitor_bc_comparable(b));
}

const char *monitor_state_name(enum monitor_state s)
{
	switch (s) {
	case MONITOR_OK:
		return "ok";
	case MONITOR_ALARM:
		return "ALARM";
	default:
		return "waiting";
	}
}

int monitor_format(const struct monitor *m, char *buf, unsigned int len)
{
	return snprintf(buf, len, "monitor %u/%u: %s diff %" PRId64
			" ns (threshold %" PRId64 " ns, max %" PRId64
			" ns) samples %" PRIu64 " skipped %" PRIu64
			" alarms %" PRIu64, m->cfg.domain_a, m->cfg.domain_b,
			monitor_state_name(m->state), m->diff_ns,
			m->cfg.threshold_ns, m->max_abs_ns, m->samples,
			m->skipped, m->alarms);
}
