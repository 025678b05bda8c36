/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * bc_inst: the boundary-clock instances of bc_runtime set up at start
 * (clock identity, domain clock from CLOCK_REALTIME, ports whose link is
 * down), freed at exit, and kept, updated, started or stopped by a
 * reload. See bc_runtime.h.
 */

#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "bc_runtime.h"
#include "bc_runtime_private.h"
#include "ctl_tx.h"
#include "timebase.h"

/* ---- set-up ---- */

/* EUI-64 from the first port's MAC; see bc_runtime.h for the scheme. */
static void make_identity(const struct app *app, unsigned int k,
			  struct ptp_clock_identity *id)
{
	int first = app->conf.bcs[k].ports[0];
	const uint8_t *mac = app->ports[first].mac.addr_bytes;
	unsigned int j, same = 0;

	for (j = 0; j < k; j++)
		same += app->conf.bcs[j].ports[0] == first;
	id->id[0] = mac[0];
	id->id[1] = mac[1];
	id->id[2] = mac[2];
	id->id[3] = 0xFF;
	id->id[4] = (uint8_t)(0xFE - same);
	id->id[5] = mac[3];
	id->id[6] = mac[4];
	id->id[7] = mac[5];
}

/* Start the domain clock from CLOCK_REALTIME (UTC, as ptp4l's software
 * clock): on TAI when the instance announces the PTP timescale. The
 * realtime read is paired with the timebase reads on both sides of it (a
 * timebase read from before the instance's set-up would put the time
 * ahead by the set-up's duration, 15-26 us in the lab). As
 * grandmaster it keeps following CLOCK_REALTIME (bc_track_utc, called by
 * bc_runtime_tick). */
static void clock_from_realtime(struct bc *bc)
{
	uint64_t base;
	int64_t utc;

	if (bc_rt_utc_pair(&base, &utc) == 0)
		bc_set_time_utc(bc, tmv_from_ns((int64_t)base), utc);
}

static int inst_init(struct app *app, unsigned int k)
{
	const struct conf_bc *cb = &app->conf.bcs[k];
	struct ptp_clock_identity id;
	struct rt_inst *ri;
	uint64_t now = timebase_now();
	unsigned int i;

	ri = calloc(1, sizeof(*ri));
	if (ri == NULL)
		return -1;
	app->bcrt->inst[k] = ri;
	ri->app = app;
	ri->k = k;
	memset(ri->idx_of, -1, sizeof(ri->idx_of));
	for (i = 0; i < cb->n_ports; i++) {
		const struct conf_port *cp = &app->conf.ports[cb->ports[i]];

		ri->idx_of[cb->ports[i]] = (int8_t)i;
		if (!(cb->transport == CONF_UDPV6 ? cp->ipv6.set :
		      cp->ipv4.set))
			PLOG(WARNING, "boundary clock domain %u: port %s has "
			     "no %s address%s", cb->domain, cp->name,
			     cb->transport == CONF_UDPV6 ? "ipv6" : "ipv4",
			     cb->transport == CONF_UDPV6 ?
			     ": it cannot send" : ": sending from 0.0.0.0");
	}
	make_identity(app, k, &id);
	if (bc_init(&ri->bc, cb, &id, &bc_rt_ops, ri,
		    tmv_from_ns((int64_t)now)) != 0) {
		PLOG(ERR, "boundary clock domain %u: invalid parameters",
		     cb->domain);
		return -1;
	}
	clock_from_realtime(&ri->bc);
	for (i = 0; i < cb->n_ports; i++)	/* a link down at start */
		if (!app->ports[cb->ports[i]].link_up)
			bc_port_link(&ri->bc, i, false,
				     tmv_from_ns((int64_t)now));
	return 0;
}

int bc_runtime_init(struct app *app)
{
	unsigned int k;

	neigh_local_init(app, app->conf.n_bcs > 0);
	if (!app->local.on)
		return 0;
	app->bcrt = calloc(1, sizeof(*app->bcrt));
	if (app->bcrt == NULL || ctl_tx_init(app) != 0) {
		PLOG(ERR, "boundary clocks: out of memory");
		return -1;
	}
	for (k = 0; k < app->conf.n_bcs; k++) {
		if (inst_init(app, k) != 0)
			return -1;
		app->bcrt->n = k + 1;
	}
	return 0;
}

static void inst_free(struct rt_inst *ri)
{
	if (ri == NULL)
		return;
	ctl_tx_wait_free(&ri->wait);
	free(ri);
}

void bc_runtime_fini(struct app *app)
{
	unsigned int k;

	ctl_tx_fini(app);
	if (app->bcrt == NULL)
		return;
	for (k = 0; k < CONF_MAX_BC; k++)
		inst_free(app->bcrt->inst[k]);
	free(app->bcrt);
	app->bcrt = NULL;
}

/* ---- reload (SIGHUP, app/reload.c) ---- */

/* A kept instance takes its new parameters in place: clock, servo state
 * (unless its gains or Sync interval changed), port states and foreign
 * tables stay; a state decision runs at the next tick. */
static void inst_update(struct rt_inst *ri, const struct conf_bc *cb)
{
	struct bc *bc = &ri->bc;
	bool own_gm = memcmp(&bc->parent.grandmasterIdentity,
			     &bc->dds.clockIdentity,
			     sizeof(bc->dds.clockIdentity)) == 0;
	bool servo = bc->cfg.servo_kp != cb->servo_kp ||
		     bc->cfg.servo_ki != cb->servo_ki ||
		     bc->cfg.step_threshold_ns != cb->step_threshold_ns ||
		     bc->cfg.log_sync_interval != cb->log_sync_interval;
	unsigned int p;

	bc->cfg = *cb;			/* as bc_init: */
	bc->cfg.clock_class = cb->slave_only ? 255 : cb->clock_class;
	bc->dds.clockQuality.clockClass = bc->cfg.clock_class;
	bc->dds.clockQuality.clockAccuracy = cb->clock_accuracy;
	bc->dds.clockQuality.offsetScaledLogVariance =
		cb->offset_scaled_log_variance;
	bc->dds.priority1 = cb->priority1;
	bc->dds.priority2 = cb->priority2;
	bc->dds.slaveOnly = cb->slave_only;
	bc->dds.twoStep = cb->two_step;
	if (own_gm) {			/* what its Announces say */
		bc->parent.grandmasterClockQuality = bc->dds.clockQuality;
		bc->parent.grandmasterPriority1 = cb->priority1;
		bc->parent.grandmasterPriority2 = cb->priority2;
		if (!bc->holdover) {
			bc->tp.currentUtcOffset = cb->current_utc_offset;
			bc->tp.currentUtcOffsetValid =
				cb->current_utc_offset_valid;
			bc->tp.timeSource = cb->time_source;
		}
	}
	for (p = 0; p < bc->n_ports; p++) {
		bc->port[p].ft.acceptable = bc->cfg.acceptable;
		bc->port[p].ft.n_acceptable = bc->cfg.n_acceptable;
		bc->port[p].ft.preferred = bc->cfg.preferred;
		bc->port[p].ft.n_preferred = bc->cfg.n_preferred;
	}
	if (servo) {
		struct servo_params sp = bc->servo.p;

		sp.kp = cb->servo_kp;
		sp.ki = cb->servo_ki;
		sp.step_threshold_ns = cb->step_threshold_ns;
		sp.interval_s = cb->log_sync_interval >= 0 ?
				(double)(1u << cb->log_sync_interval) :
				1.0 / (double)(1u << -cb->log_sync_interval);
		/* the tracking of CLOCK_REALTIME keeps its gains */
		bc->utc_servo.p.step_threshold_ns = cb->step_threshold_ns;
		/* the frequency is kept; the loop locks again from it */
		if (servo_init(&bc->servo, &sp, bc->servo.drift) != 0)
			PLOG(ERR, "boundary clock domain %u: servo gains not "
			     "applied", cb->domain);
		else
			PLOG(NOTICE, "boundary clock domain %u: servo "
			     "restarted with its frequency kept", cb->domain);
	}
	bc->next_decision = bc->now;
}

/* Same domain, transport and ports (running port indices)? */
static bool inst_keeps(const struct rt_inst *ri, const struct conf_bc *cb)
{
	const struct conf_bc *oc = &ri->bc.cfg;

	return oc->domain == cb->domain && oc->transport == cb->transport &&
	       oc->n_ports == cb->n_ports &&
	       memcmp(oc->ports, cb->ports,
		      cb->n_ports * sizeof(cb->ports[0])) == 0;
}

/* A new instance's identity must not be a kept one's (instances are
 * numbered by position, which a reload may change). */
static void inst_unique_id(struct bc_runtime *rt, unsigned int k,
			   struct rt_inst *kept[CONF_MAX_BC], unsigned int n)
{
	struct bc *bc = &rt->inst[k]->bc;
	unsigned int j, p, tries;
	bool clash = true;

	for (tries = 0; clash && tries < 256; tries++) {
		clash = false;
		for (j = 0; j < n; j++) {
			/* before k: the instances set up so far; after:
			 * the kept ones still to come */
			const struct rt_inst *o = j < k ? rt->inst[j] :
						  j > k ? kept[j] : NULL;

			if (o != NULL &&
			    memcmp(&o->bc.dds.clockIdentity,
				   &bc->dds.clockIdentity,
				   sizeof(bc->dds.clockIdentity)) == 0)
				clash = true;
		}
		if (!clash)
			break;
		bc->dds.clockIdentity.id[4]--;
	}
	for (p = 0; p < bc->n_ports; p++)
		bc->port[p].id.clock = bc->dds.clockIdentity;
	bc->parent.parentPortIdentity.clock = bc->dds.clockIdentity;
	bc->parent.grandmasterIdentity = bc->dds.clockIdentity;
}

int bc_runtime_reload(struct app *app)
{
	struct bc_runtime *rt = app->bcrt;
	struct rt_inst *was[CONF_MAX_BC], *kept[CONF_MAX_BC] = { NULL };
	unsigned int k, i, n_was;

	if (rt == NULL)
		return app->conf.n_bcs ? -1 : 0;
	n_was = rt->n;
	memcpy(was, rt->inst, sizeof(was));
	memset(rt->inst, 0, sizeof(rt->inst));
	for (k = 0; k < app->conf.n_bcs; k++)
		for (i = 0; i < n_was; i++)
			if (was[i] != NULL &&
			    inst_keeps(was[i], &app->conf.bcs[k])) {
				kept[k] = was[i];
				was[i] = NULL;
				break;
			}
	for (i = 0; i < n_was; i++)
		if (was[i] != NULL) {
			PLOG(NOTICE, "boundary clock domain %u: stopped "
			     "(reload)", was[i]->bc.cfg.domain);
			inst_free(was[i]);
		}
	rt->n = 0;
	for (k = 0; k < app->conf.n_bcs; k++) {
		if (kept[k] != NULL) {
			rt->inst[k] = kept[k];
			kept[k]->k = k;
			inst_update(kept[k], &app->conf.bcs[k]);
		} else if (inst_init(app, k) == 0) {
			inst_unique_id(rt, k, kept, app->conf.n_bcs);
			PLOG(NOTICE, "boundary clock domain %u: started "
			     "(reload)", app->conf.bcs[k].domain);
		} else {	/* logged; instances stay 0 .. k-1 */
			free(rt->inst[k]);
			rt->inst[k] = NULL;
			for (i = k + 1; i < app->conf.n_bcs; i++)
				if (kept[i] != NULL)
					inst_free(kept[i]);
			return -1;
		}
		rt->n = k + 1;
	}
	return 0;
}
