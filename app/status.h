/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PTPSW_APP_STATUS_H
#define PTPSW_APP_STATUS_H

/*
 * What the switch tells its user: the start-up banner, the periodic
 * one-line status and the full SIGUSR1 dump. Reads worker counters
 * without stopping them (each counter is one aligned 64-bit word).
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "tc/tc.h"

/* EP-27: the profile ptpsw implements, in the banner and --version. */
#define PTPSW_PROFILE_LINE "profile: PTP Enterprise Profile (RFC 9760), " \
	"profileIdentifier 00-00-5E-01-01-00, version 1.0"

struct app;
struct port_stats;

/* Sum of every worker's counters of port p into *out. */
void status_port_sum(const struct app *app, unsigned int p,
		     struct port_stats *out);

/* TC statistics summed over workers; the rate ratio of a domain is the
 * estimate of the worker that saw most of its Syncs (1.0 if none). */
struct status_tc_sum {
	struct tc_stats s;
	double ratio[256];
	/* the time transmitter that worker's estimate follows
	 * (tc_rate_source(): sourcePortIdentity), if any */
	bool has_source[256];
	uint8_t source[256][10];
};
void status_tc_sum(const struct app *app, struct status_tc_sum *t);
/* dom's rate source as clockIdentity-portNumber ("0a1b2c.fffe.3d4e5f-1",
 * at most 25 characters) into buf; false (buf untouched) if none. */
bool status_rate_source(const struct status_tc_sum *t, unsigned int dom,
			char *buf, size_t len);

/* The TC's residence times of the event messages port p sent, merged over
 * workers (n = 0: none, or p beyond the TC's TC_MAX_PORTS). */
void status_tc_res(const struct app *app, unsigned int p,
		   struct tc_res_stats *out);

/* Version, profile identification (RFC 9760 EP-27), TC set-up, ports. */
/* ptpsw --check --probe: every port as the banner shows it (backend,
 * what its RX and TX stamps really are after the self-tests). */
void status_probe(const struct app *app, FILE *out);

void status_banner(const struct app *app, FILE *out);

/* One line: uptime, ports up, rx, tx, drops, PTP corrected, domains. */
void status_line(const struct app *app, FILE *out);

/* Everything: ports, drops by reason, TC, per domain, FDB. */
void status_dump(const struct app *app, FILE *out);

struct bc;
struct foreign_stats;

/* dump_bc.c: the dump's lines of boundary-clock instance i (clock,
 * parent, time, servo, each port, counters). */
void status_dump_bc(const struct app *app, unsigned int i, FILE *out);

/* The foreign-table counters of bc summed over its ports. */
void status_bc_foreign(const struct bc *bc, struct foreign_stats *out);

#endif /* PTPSW_APP_STATUS_H */
