/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PTPSW_APP_BC_RUNTIME_H
#define PTPSW_APP_BC_RUNTIME_H

/*
 * bc_runtime: the boundary clocks running on the control lcore. One
 * struct bc (lib/bc) per configured boundary_clocks entry, fed from
 * app->bc_ring (PTP of BC domains, and every frame for ptpsw's own
 * addresses, see neigh.h), ticked every control round (1 ms while BCs
 * exist), transmitting UDP/IPv4 or UDP/IPv6 frames it builds itself.
 *
 * Transmission: the frame goes to worker 0 over app->ctl_tx_ring, and
 * an event message's TX stamp comes back the same way (ctl_tx.h).
 * Set-up and reload of the instances: bc_inst.c.
 *
 * Clock identities (1588-2019 7.5.2.2.2): instance k takes the EUI-48 MAC
 * of its first port, mapped to EUI-64 by inserting FF:FE in the middle
 * (aa:bb:cc:dd:ee:ff -> aabbcc.fffe.ddeeff). Each instance is a clock of
 * its own, so when j earlier instances have the same first port their
 * identity has FE - j as its 5th octet (aabbcc.fffd.ddeeff, ...): unique
 * within the node, stable across restarts.
 *
 * Everything here runs on the control lcore; the accessors are for the
 * status output and telemetry (read while the control lcore may update:
 * each field is a plain word, values may be one tick apart).
 */

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <rte_mbuf.h>

#include "bc/bc.h"
#include "ctl_tx.h"

struct app;
struct neigh;

#define BC_RT_TICK_NS	(1000 * 1000)	/* control round while BCs run */

/* Per-instance counters of the runtime (the protocol's own are in bc). */
struct bc_runtime_stats {
	uint64_t rx;			/* given to bc_rx */
	uint64_t rx_wrong_transport;	/* udpv6 PTP for a udpv4 BC, ... */
	uint64_t rx_not_bc_port;	/* PTP on a port the BC does not use */
	uint64_t rx_not_ours;		/* unicast to an IP not ours */
	uint64_t tx, tx_unresolved, tx_no_mbuf, tx_ring_full, tx_no_addr;
	uint64_t tx_ts;			/* TX timestamps handed back */
	uint64_t tx_ts_lost;		/* no stamp within CTL_TX_TS_TIMEOUT_NS */
};

/* A snapshot of one instance for status and telemetry. */
struct bc_runtime_info {
	uint8_t domain;
	const char *state;		/* summary: slave port's state, else
					 * MASTER, PRE_MASTER, PASSIVE, ... */
	int slave_port;			/* conf port index, or -1 */
	const char *servo;		/* servo state name */
	int64_t offset_ns;		/* offsetFromMaster */
	int64_t path_delay_ns;		/* meanPathDelay */
	double freq_ppb;		/* domain clock frequency offset */
	bool holdover;
	uint16_t steps_removed;
	enum servo_follow follow;	/* bc_follow() */
	enum bc_ref follow_ref;		/* what it follows */
};

/*
 * Set up local delivery (neigh_local_init), the control TX ring and one
 * instance per configured boundary clock. Call after the ports are up and
 * before the workers start. Returns 0, or -1 (logged).
 */
int bc_runtime_init(struct app *app);

/*
 * Reload: app->conf holds the new configuration (its boundary clocks on
 * the running ports). An instance whose domain, transport and ports are
 * the same is kept with its clock, servo and port states and takes its
 * new parameters in place (a servo with new gains or Sync interval
 * starts again from its frequency); others are stopped or started.
 * Instances follow app->conf.bcs' order. Returns 0, or -1 (logged) when
 * an instance could not start or boundary clocks are configured but the
 * runtime was not set up at start (no port address and no boundary
 * clock then: a restart is needed).
 */
int bc_runtime_reload(struct app *app);

/* Free what bc_runtime_init allocated and any mbuf still queued for TX
 * (after the workers stopped). */
void bc_runtime_fini(struct app *app);

/* Does the runtime want the short control round (BCs configured)? */
bool bc_runtime_active(const struct app *app);

/* A frame from app->bc_ring (ptpsw_meta valid): PTP of a BC domain goes
 * to its instance, ARP/ND to neigh, the rest is counted. Frees m. */
void bc_runtime_input(struct app *app, struct rte_mbuf *m);

/* Hand finished TX timestamps back to the instances (before draining RX). */
void bc_runtime_flush(struct app *app, uint64_t now);

/* Run every instance's timers and the neighbour cache aging. */
void bc_runtime_tick(struct app *app, uint64_t now);

/* The link of conf port port changed (control lcore link polling): every
 * instance using the port marks it FAULTY (down) or clears the fault (up),
 * see bc_port_link(). */
void bc_runtime_link(struct app *app, unsigned int port, bool up,
		     uint64_t now);

/* Number of instances (0 when none). */
unsigned int bc_runtime_count(const struct app *app);

/* Instance i (0 .. count-1), or NULL. */
const struct bc *bc_runtime_get(const struct app *app, unsigned int i);

/* The instance that runs domain d, or NULL. */
const struct bc *bc_runtime_for_domain(const struct app *app, uint8_t d);

/* The neighbour cache of ptpsw's own addresses, or NULL when the runtime
 * is not set up (no boundary clock and no port address at start). */
const struct neigh *bc_runtime_neigh(const struct app *app);

/* Runtime counters of instance i, or NULL. */
const struct bc_runtime_stats *bc_runtime_stats(const struct app *app,
						unsigned int i);

/* Fill *info for instance i. Returns 0, or -1 for a bad index. */
int bc_runtime_info(const struct app *app, unsigned int i,
		    struct bc_runtime_info *info);

/* Names of the ports EP-13 holds back from MASTER (no current UTC
 * offset), space-separated, into buf ("" when none); returns their count. */
unsigned int bc_runtime_ep13_ports(const struct app *app, const struct bc *bc,
				   char *buf, size_t len);

/* " bc24:SLAVE off=-123ns" per instance (status line), with
 * " holdover", " ep13-held", " cannot-follow" (its parent) or
 * " cannot-follow-realtime" (as grandmaster, CLOCK_REALTIME). */
void bc_runtime_line(const struct app *app, FILE *out);

/* Banner lines: domain, transport, ports, clock identity. */
void bc_runtime_banner(const struct app *app, FILE *out);

/* Everything per instance (SIGUSR1 dump) and the neighbour cache. */
void bc_runtime_dump(const struct app *app, FILE *out);

#endif /* PTPSW_APP_BC_RUNTIME_H */
