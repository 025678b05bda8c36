/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PTPSW_APP_BC_RUNTIME_PRIVATE_H
#define PTPSW_APP_BC_RUNTIME_PRIVATE_H

/*
 * What bc_runtime.c (transport, input, timers, status) and bc_inst.c
 * (set-up and reload of the instances) share. Control lcore only.
 */

#include <stdint.h>

#include "bc/bc.h"
#include "bc_runtime.h"
#include "ctl_tx.h"
#include "neigh.h"

struct app;

/* One boundary clock and its transport state. */
struct rt_inst {
	struct bc bc;			/* must not move after bc_init */
	struct app *app;
	unsigned int k;			/* index in conf.bcs */
	int8_t idx_of[CONF_MAX_PORTS];	/* conf port -> bc port, or -1 */
	uint32_t ep13_logged;		/* bc ports held by EP-13, as logged */
	enum servo_follow follow_logged; /* bc_follow(), as logged */
	enum bc_ref follow_ref_logged;	/* and its reference */
	uint8_t mc6_ip[16];		/* FF0X::181 of the frame being built */
	struct bc_runtime_stats st;
	struct ctl_tx_wait wait;	/* event messages waiting for stamps */
};

struct bc_runtime {
	struct neigh neigh;
	unsigned int n;
	struct rt_inst *inst[CONF_MAX_BC];
	uint64_t last_age;
	uint64_t next_utc;		/* next bc_track_utc() round */
	uint16_t ip_id;
};

/* One CLOCK_REALTIME read (ns) and the timebase time it was taken at:
 * the tightest bracket of three (bc_runtime.c). Returns 0, or a negative
 * errno (outputs unchanged). */
int bc_rt_utc_pair(uint64_t *base, int64_t *utc);

/* The instances' transport (bc_runtime.c): send() builds the frame and
 * queues it for worker 0. */
extern const struct bc_ops bc_rt_ops;

#endif /* PTPSW_APP_BC_RUNTIME_PRIVATE_H */
