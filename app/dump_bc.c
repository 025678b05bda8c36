/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dump_bc: the SIGUSR1 dump's lines of one boundary-clock instance,
 * its counters from the tables of counters.c. See status.h.
 */

#include <inttypes.h>
#include <string.h>

#include "app.h"
#include "bc_runtime.h"
#include "counters.h"
#include "status.h"

void status_bc_foreign(const struct bc *bc, struct foreign_stats *out)
{
	unsigned int p;

	memset(out, 0, sizeof(*out));
	for (p = 0; p < bc->n_ports; p++)
		ctr_sum(&ctr_foreign, out, &bc->port[p].ft.stats);
}

static void dump_bc_port(const struct app *app, const struct bc *bc,
			 unsigned int p, FILE *out)
{
	const struct bc_port *pt = &bc->port[p];

	fprintf(out, "bc %u: port %u %s %s", bc->dds.domainNumber, p + 1,
		app->conf.ports[bc->cfg.ports[p]].name,
		fsm_state_name(pt->state));
	ctr_dump(out, &ctr_bc_port, CTR_ALL, &pt->stats);
	fputc('\n', out);
}

/* The instance's, its ports' foreign tables' and its runtime's. */
static void dump_bc_counters(const struct bc *bc,
			     const struct bc_runtime_stats *rs,
			     unsigned int dom, FILE *out)
{
	struct foreign_stats fs;

	status_bc_foreign(bc, &fs);
	fprintf(out, "bc %u:", dom);
	ctr_dump(out, &ctr_bc, 0, &bc->stats);
	ctr_dump(out, &ctr_foreign, CTR_ALL, &fs);
	fprintf(out, "\nbc %u:", dom);
	ctr_dump(out, &ctr_bc, 1, &bc->stats);
	fprintf(out, "\nbc %u: runtime", dom);
	ctr_dump(out, &ctr_bc_rt, CTR_ALL, rs);
	fputc('\n', out);
}

/* Clock identity, state, parent and grandmaster. */
static void dump_bc_clock(const struct app *app, const struct bc *bc,
			  const struct bc_runtime_info *in, FILE *out)
{
	char id[32], par[32], gm[32], names[160];

	ptp_clock_id_str(&bc->dds.clockIdentity, id, sizeof(id));
	ptp_clock_id_str(&bc->parent.parentPortIdentity.clock, par,
			 sizeof(par));
	ptp_clock_id_str(&bc->parent.grandmasterIdentity, gm, sizeof(gm));
	fprintf(out, "bc %u: %s clockIdentity %s state %s class %u%s\n",
		in->domain, bc->cfg.transport == CONF_UDPV6 ? "udpv6" : "udpv4",
		id, in->state, bc->dds.clockQuality.clockClass,
		in->holdover ? " holdover" : "");
	fprintf(out, "bc %u: parent %s-%u grandmaster %s priority1 %u class %u"
		" stepsRemoved %u utc-offset %d%s\n", in->domain, par,
		bc->parent.parentPortIdentity.port, gm,
		bc->parent.grandmasterPriority1,
		bc->parent.grandmasterClockQuality.clockClass,
		in->steps_removed, bc->tp.currentUtcOffset,
		bc->tp.currentUtcOffsetValid ? " (valid)" : " (not valid)");
	if (bc_runtime_ep13_ports(app, bc, names, sizeof(names)) > 0)
		fprintf(out, "bc %u: ep13-held %s (no current UTC offset: "
			"LISTENING)\n", in->domain, names);
}

void status_dump_bc(const struct app *app, unsigned int i, FILE *out)
{
	const struct bc *bc = bc_runtime_get(app, i);
	const struct bc_runtime_stats *rs = bc_runtime_stats(app, i);
	struct bc_runtime_info in;
	unsigned int p;

	if (bc == NULL || rs == NULL || bc_runtime_info(app, i, &in) != 0)
		return;
	dump_bc_clock(app, bc, &in, out);
	fprintf(out, "bc %u: time %s currentUtcOffset %d%s\n", in.domain,
		bc->tp.ptpTimescale ? "PTP (TAI)" : "ARB",
		bc->tp.currentUtcOffset, bc->time_from_parent ?
		", from the parent" : ", configured");
	fprintf(out, "bc %u: offset %" PRId64 " ns path-delay %" PRId64
		" ns servo %s freq %.1f ppb\n", in.domain, in.offset_ns,
		in.path_delay_ns, in.servo, in.freq_ppb);
	if (in.follow != SERVO_FOLLOWS)
		fprintf(out, "bc %u: cannot follow %s: %s\n", in.domain,
			in.follow_ref == BC_REF_REALTIME ? "CLOCK_REALTIME" :
							   "its parent",
			in.follow == SERVO_AT_LIMIT ?
			"servo at its frequency limit" :
			"steps again before the servo settles");
	for (p = 0; p < bc->n_ports; p++)
		dump_bc_port(app, bc, p, out);
	dump_bc_counters(bc, rs, in.domain, out);
}
