/* SPDX-License-Identifier: BSD-3-Clause */
/* Best timeTransmitter clock algorithm, IEEE 1588-2019 9.3.3 and 9.3.4. */

#include <string.h>

#include "bc/bmca.h"

int bmca_clockid_cmp(const struct ptp_clock_identity *a,
		     const struct ptp_clock_identity *b)
{
	return memcmp(a->id, b->id, sizeof(a->id));
}

int bmca_portid_cmp(const struct ptp_port_identity *a,
		    const struct ptp_port_identity *b)
{
	int d = bmca_clockid_cmp(&a->clock, &b->clock);

	if (d != 0)
		return d;
	return (int)a->port - (int)b->port;
}

/* Figure 35: A and B describe the same grandmaster. */
static enum bmca_result compare_topology(const struct bmca_dataset *a,
					 const struct bmca_dataset *b)
{
	int d;

	if ((uint32_t)a->stepsRemoved > (uint32_t)b->stepsRemoved + 1)
		return BMCA_B_BETTER;
	if ((uint32_t)b->stepsRemoved > (uint32_t)a->stepsRemoved + 1)
		return BMCA_A_BETTER;
	if (a->stepsRemoved > b->stepsRemoved) {
		d = bmca_portid_cmp(&a->receiver, &a->sender);
		if (d < 0)
			return BMCA_B_BETTER;
		return d > 0 ? BMCA_B_BETTER_TOPO : BMCA_ERROR_1;
	}
	if (b->stepsRemoved > a->stepsRemoved) {
		d = bmca_portid_cmp(&b->receiver, &b->sender);
		if (d < 0)
			return BMCA_A_BETTER;
		return d > 0 ? BMCA_A_BETTER_TOPO : BMCA_ERROR_1;
	}
	d = bmca_portid_cmp(&a->sender, &b->sender);
	if (d != 0)
		return d < 0 ? BMCA_A_BETTER_TOPO : BMCA_B_BETTER_TOPO;
	if (a->receiver.port != b->receiver.port)
		return a->receiver.port < b->receiver.port ?
			BMCA_A_BETTER_TOPO : BMCA_B_BETTER_TOPO;
	return BMCA_ERROR_2;
}

/* Lower value wins: A better if a < b. */
#define BMCA_LOWER_WINS(x, y) \
	do { if ((x) != (y)) return (x) < (y) ? BMCA_A_BETTER : BMCA_B_BETTER; } while (0)

enum bmca_result bmca_compare(const struct bmca_dataset *a,
			      const struct bmca_dataset *b)
{
	int d = bmca_clockid_cmp(&a->gm_identity, &b->gm_identity);

	if (d == 0)
		return compare_topology(a, b);
	BMCA_LOWER_WINS(a->priority1, b->priority1);
	BMCA_LOWER_WINS(a->quality.clockClass, b->quality.clockClass);
	BMCA_LOWER_WINS(a->quality.clockAccuracy, b->quality.clockAccuracy);
	BMCA_LOWER_WINS(a->quality.offsetScaledLogVariance,
			b->quality.offsetScaledLogVariance);
	BMCA_LOWER_WINS(a->priority2, b->priority2);
	return d < 0 ? BMCA_A_BETTER : BMCA_B_BETTER;
}

void bmca_dataset_from_default(struct bmca_dataset *d0,
			       const struct ptp_clock_identity *clock,
			       uint8_t priority1,
			       const struct ptp_clock_quality *quality,
			       uint8_t priority2)
{
	memset(d0, 0, sizeof(*d0));
	d0->priority1 = priority1;
	d0->gm_identity = *clock;
	d0->quality = *quality;
	d0->priority2 = priority2;
	d0->stepsRemoved = 0;
	d0->sender.clock = *clock;
	d0->sender.port = 0;
	d0->receiver = d0->sender;
}

void bmca_dataset_from_announce(struct bmca_dataset *d,
				const struct ptp_msg *announce,
				const struct ptp_port_identity *receiver)
{
	const struct ptp_announce_body *b = &announce->body.announce;

	memset(d, 0, sizeof(*d));
	d->priority1 = b->grandmasterPriority1;
	d->gm_identity = b->grandmasterIdentity;
	d->quality = b->grandmasterClockQuality;
	d->priority2 = b->grandmasterPriority2;
	d->stepsRemoved = b->stepsRemoved;
	d->sender = announce->hdr.sourcePortIdentity;
	d->receiver = *receiver;
}

/* "X better than Y" where an empty Y loses against anything. */
static bool better_than(const struct bmca_dataset *x,
			const struct bmca_dataset *y)
{
	return y == NULL || bmca_a_better(bmca_compare(x, y));
}

enum bmca_decision bmca_decide(const struct bmca_dataset *d0,
			       const struct bmca_dataset *ebest,
			       const struct bmca_dataset *erbest,
			       bool r_is_ebest_port, bool listening)
{
	if (erbest == NULL && listening)
		return BMCA_DEC_LISTENING;
	if (d0->quality.clockClass >= 1 && d0->quality.clockClass <= 127)
		return better_than(d0, erbest) ? BMCA_DEC_M1 : BMCA_DEC_P1;
	if (better_than(d0, ebest))
		return BMCA_DEC_M2;
	if (r_is_ebest_port && erbest != NULL)
		return BMCA_DEC_S1;
	if (erbest != NULL &&
	    bmca_compare(ebest, erbest) == BMCA_A_BETTER_TOPO)
		return BMCA_DEC_P2;
	return BMCA_DEC_M3;
}

const char *bmca_decision_name(enum bmca_decision d)
{
	static const char *const names[] = {
		[BMCA_DEC_LISTENING] = "LISTENING",
		[BMCA_DEC_M1] = "M1", [BMCA_DEC_M2] = "M2",
		[BMCA_DEC_M3] = "M3", [BMCA_DEC_S1] = "S1",
		[BMCA_DEC_P1] = "P1", [BMCA_DEC_P2] = "P2",
	};

	if ((unsigned int)d >= sizeof(names) / sizeof(names[0]))
		return "invalid";
	return names[d];
}
