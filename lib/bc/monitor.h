/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PTPSW_BC_MONITOR_H
#define PTPSW_BC_MONITOR_H

/*
 * Cross-domain divergence monitor (RFC 9760 section 6, EP-16, EP-22): for
 * one configured pair of boundary-clock domains, compare the two domain
 * clocks at the same timebase instant once per period and raise an alarm
 * when they disagree by more than threshold_ns. Read-only on both
 * instances: it never feeds one domain's time into another.
 *
 * Hysteresis: the alarm is raised after MONITOR_RAISE_SAMPLES consecutive
 * comparisons with |diff| > threshold, and cleared after
 * MONITOR_CLEAR_SAMPLES consecutive comparisons with |diff| <= threshold/2.
 * A comparison is only made when both domains are comparable (a port in
 * SLAVE, or in holdover): a domain that is its own grandmaster or still
 * calibrating runs on the free-running timebase, which says nothing about
 * its time transmitter. Such periods are counted as skipped and leave the
 * alarm state (and the consecutive counts) unchanged.
 *
 * Pure: no EAL, no I/O.
 */

#include <stdbool.h>
#include <stdint.h>

#include "conf/config.h"
#include "ptp/ptp_time.h"

struct bc;

#define MONITOR_PERIOD_NS	1000000000LL
#define MONITOR_RAISE_SAMPLES	2
#define MONITOR_CLEAR_SAMPLES	5

enum monitor_state {
	MONITOR_WAITING = 0,	/* no comparison made yet */
	MONITOR_OK,
	MONITOR_ALARM,
};

/* What one monitor_sample() did (the caller logs RAISED / CLEARED). */
enum monitor_event {
	MONITOR_EV_NONE = 0,	/* not due, or nothing changed */
	MONITOR_EV_SKIPPED,	/* due, but a domain is not comparable */
	MONITOR_EV_SAMPLE,	/* compared; state unchanged */
	MONITOR_EV_RAISED,	/* alarm raised by this comparison */
	MONITOR_EV_CLEARED,	/* alarm cleared by this comparison */
};

struct monitor {
	struct conf_monitor cfg;
	enum monitor_state state;
	int64_t diff_ns;		/* last comparison: time(a) - time(b) */
	int64_t max_abs_ns;		/* largest |diff| seen */
	unsigned int over, under;	/* consecutive counts */
	tmv_t next;			/* next comparison (timebase) */
	bool started;
	uint64_t samples, skipped, alarms, clears;
};

/* Start monitoring cfg (copied). The first comparison is due at once. */
void monitor_init(struct monitor *m, const struct conf_monitor *cfg);

/*
 * Feed one comparison: the two domain times at the same timebase instant
 * now, and whether each domain is comparable. Runs only when due (once
 * per MONITOR_PERIOD_NS; returns MONITOR_EV_NONE otherwise).
 * Returns the enum monitor_event.
 */
enum monitor_event monitor_sample(struct monitor *m, tmv_t now,
				  tmv_t time_a, bool ok_a,
				  tmv_t time_b, bool ok_b);

/* Is the domain of bc comparable (a port in SLAVE, or in holdover)? */
bool monitor_bc_comparable(const struct bc *bc);

/*
 * Compare the instances a (cfg.domain_a) and b (cfg.domain_b) at timebase
 * time now: bc_time() of each at now, then monitor_sample().
 * Returns the enum monitor_event.
 */
enum monitor_event monitor_check(struct monitor *m, const struct bc *a,
				 const struct bc *b, tmv_t now);

/* "ok", "ALARM", "waiting" (static, never NULL). */
const char *monitor_state_name(enum monitor_state s);

/* One line about m into buf, e.g. "monitor 0/1: ALARM diff 12345 ns
 * (threshold 1000 ns) alarms 1"; returns what snprintf returns. */
int monitor_format(const struct monitor *m, char *buf, unsigned int len);

#endif /* PTPSW_BC_MONITOR_H */
