/* SPDX-License-Identifier: BSD-3-Clause */
/* fwd_view: the fast path's part of the configuration (fwd_view.h). */

#include <string.h>

#include "sw/fwd_view.h"
#include "sw/learn.h"

void fwd_view_build(const struct conf *c, struct fwd_view *v)
{
	struct tc_params *p = &v->tc;
	uint64_t learn_ns = FWD_LEARN_NS;
	unsigned int i, d;

	memset(v, 0, sizeof(*v));
	p->mode = c->tc.mode == CONF_TC_TWO_STEP ? TC_TWO_STEP : TC_ONE_STEP;
	p->syntonize = c->tc.syntonize;
	p->pending_entries = c->tc.pending_entries ? c->tc.pending_entries : 1;
	p->pending_timeout_ns = (int64_t)c->tc.pending_timeout_ms * 1000000;
	for (i = 0; i < c->n_ports && i < TC_MAX_PORTS; i++) {
		p->ingress_latency_ns[i] = c->ports[i].ingress_latency_ns;
		p->egress_latency_ns[i] = c->ports[i].egress_latency_ns;
	}
	for (d = 0; d < 256; d++) {
		bool bc = conf_bc_for_domain(c, (uint8_t)d) >= 0;
		bool tc = conf_tc_covers_domain(c, (uint8_t)d);

		if (tc)
			v->tc_domains[d >> 3] |= (uint8_t)(1u << (d & 7));
		if (bc)
			v->bc_domains[d >> 3] |= (uint8_t)(1u << (d & 7));
		v->ev_path[d] = bc ? FWD_EV_GENERAL :
				!tc ? FWD_EV_AS_IS :
				p->mode == TC_ONE_STEP ? FWD_EV_RUN_TC :
				FWD_EV_GENERAL;
	}
	v->fdb_aging_ns = (uint64_t)(c->mac_aging_s ? c->mac_aging_s : 300) *
			  1000000000ull;
	if (v->fdb_aging_ns / 64 < learn_ns)
		learn_ns = v->fdb_aging_ns / 64;
	v->learn_shift = learn_shift_for(learn_ns);
	v->idle_sleep_ns = (uint64_t)c->worker_idle_sleep_us * 1000;
	v->two_step = p->mode == TC_TWO_STEP;
	v->n_bcs = c->n_bcs;
}
