/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PTPSW_APP_MONITOR_RT_H
#define PTPSW_APP_MONITOR_RT_H

/*
 * monitor_rt: the configured cross-domain divergence monitors (lib/bc/
 * monitor.h) run on the control lcore over the boundary clocks of
 * bc_runtime: once a second each pair of domain clocks is compared at
 * the same timebase instant; an alarm is logged (WARNING, naming both
 * domains and the difference) when it is raised, and again (NOTICE)
 * when it clears. Read-only on the instances (EP-22).
 * The accessors are for status and telemetry (plain words, may be one
 * comparison apart).
 */

#include <stdint.h>
#include <stdio.h>

#include "bc/monitor.h"

struct app;

/* Set up one monitor per conf.monitors entry. Call after bc_runtime_init.
 * Returns 0, or -1 if a monitored domain has no boundary clock (logged). */
int monitor_rt_init(struct app *app);

/* Compare the pairs that are due at timebase time now (control lcore). */
void monitor_rt_tick(struct app *app, uint64_t now);

/* Number of monitors. */
unsigned int monitor_rt_count(void);

/* Monitor i (0 .. count-1), or NULL. */
const struct monitor *monitor_rt_get(unsigned int i);

/* Number of monitors currently in alarm. */
unsigned int monitor_rt_alarms(void);

/* " mon0/1:ok" or " mon0/1:ALARM(12345ns)" per monitor (status line;
 * nothing when none is configured). */
void monitor_rt_line(FILE *out);

/* One full line per monitor (SIGUSR1 dump). */
void monitor_rt_dump(FILE *out);

#endif /* PTPSW_APP_MONITOR_RT_H */
