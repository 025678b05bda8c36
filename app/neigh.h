/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PTPSW_APP_NEIGH_H
#define PTPSW_APP_NEIGH_H

/*
 * neigh: ptpsw's own port addresses on the wire. Answers ARP requests and
 * IPv6 Neighbor Solicitations for the ports' configured ipv4/ipv6
 * addresses, learns peers from ARP, Neighbor Advertisements and received
 * PTP (gleaning: IP source -> Ethernet source of a frame that reached the
 * port), and resolves unicast destinations for the boundary clocks (ARP
 * request / NS to the solicited-node group on a miss).
 *
 * Two halves:
 *   - struct neigh_local + neigh_local_class(): the workers' predicate (a
 *     few compares per frame, no state written) that picks the frames the
 *     control lcore must see;
 *   - struct neigh: the fixed-size cache and the protocol, control lcore
 *     only (no locks: nothing else touches it).
 * Untagged frames only (BC ports carry no VLAN).
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "conf/config.h"
#include "net/frame.h"

#define NEIGH_SIZE		64		/* cache entries (all ports) */
#define NEIGH_AGING_NS		(300ull * 1000000000)	/* resolved entries */
#define NEIGH_RETRY_NS		(1000ull * 1000000)	/* request interval */
#define NEIGH_PENDING_NS	(5000ull * 1000000)	/* unresolved entries */

/* What a worker does with a received frame. */
enum neigh_class {
	NEIGH_FWD = 0,		/* not for ptpsw: switch it */
	NEIGH_COPY,		/* ARP request / NS for one of our addresses:
				 * to the control lcore AND switched */
	NEIGH_LOCAL,		/* to one of our port MACs: control lcore only */
};

/* Read-only table the workers consult (filled before the workers start). */
struct neigh_local {
	bool on;			/* any port address or BC configured */
	uint8_t n_mac, n_ip4, n_snm;
	uint64_t mac[CONF_MAX_PORTS];	/* own port MACs, 48 bits */
	uint32_t ip4[CONF_MAX_PORTS];	/* own IPv4, network order */
	uint64_t snm[CONF_MAX_PORTS];	/* 33:33:ff:xx:xx:xx of own IPv6 */
};

/*
 * Classify an Ethernet frame of len bytes for local delivery.
 * Returns NEIGH_LOCAL for a destination MAC of one of ptpsw's ports,
 * NEIGH_COPY for a broadcast ARP request whose target is one of our IPv4
 * addresses or a frame to the solicited-node multicast MAC of one of our
 * IPv6 addresses, else NEIGH_FWD. Never reads beyond data[len-1].
 */
static inline enum neigh_class
neigh_local_class(const struct neigh_local *l, const uint8_t *eth,
		  uint32_t len)
{
	uint64_t d;
	unsigned int i;

	if (!l->on || len < 14)
		return NEIGH_FWD;
	d = frame_mac48(eth);
	if (!(eth[0] & 1)) {
		for (i = 0; i < l->n_mac; i++)
			if (l->mac[i] == d)
				return NEIGH_LOCAL;
		return NEIGH_FWD;
	}
	if (d == 0xFFFFFFFFFFFFull) {
		uint32_t tpa;

		if (eth[12] != 0x08 || eth[13] != 0x06 || len < 42)
			return NEIGH_FWD;
		memcpy(&tpa, eth + 38, 4);
		for (i = 0; i < l->n_ip4; i++)
			if (l->ip4[i] == tpa)
				return NEIGH_COPY;
		return NEIGH_FWD;
	}
	if ((d >> 24) == 0x3333FFull)
		for (i = 0; i < l->n_snm; i++)
			if (l->snm[i] == d)
				return NEIGH_COPY;
	return NEIGH_FWD;
}

struct app;
struct bc_addr;

struct neigh_entry {
	bool used, resolved, is_v6;
	uint8_t port;			/* conf port index */
	uint8_t ip[16];			/* IPv4 in ip[0..3] */
	uint8_t mac[6];
	uint64_t seen_ns;		/* last learnt (resolved) */
	uint64_t req_ns;		/* last request sent (unresolved) */
};

struct neigh_stats {
	uint64_t arp_request_rx, arp_reply_tx, arp_reply_rx, arp_request_tx;
	uint64_t ns_rx, na_tx, na_rx, ns_tx;
	uint64_t learned, gleaned, evicted, aged, misses;
	uint64_t malformed;		/* ARP / ICMPv6 ND failing a check */
	uint64_t not_ours;		/* ARP / NS for someone else */
	uint64_t local_other;		/* other frames to our MAC: dropped */
	uint64_t tx_fail;		/* no mbuf / TX ring full */
};

struct neigh {
	struct neigh_entry e[NEIGH_SIZE];
	struct neigh_stats st;
};

/* Fill app->local from the ports' MACs and addresses (after port_init,
 * before the workers start); on says whether local delivery is wanted. */
void neigh_local_init(struct app *app, bool on);

/*
 * A non-PTP frame the worker handed over (NEIGH_LOCAL or NEIGH_COPY),
 * received on port in: answers ARP requests / NS for our addresses,
 * learns from ARP and NA, counts the rest. Does not free the frame.
 */
void neigh_input(struct app *app, struct neigh *n, unsigned int in,
		 const uint8_t *eth, uint32_t len, uint64_t now);

/* ns from then to now, signed (times of one clock read at different
 * moments: a "then" read after "now" gives a negative age). */
static inline int64_t neigh_since(uint64_t now, uint64_t then)
{
	return (int64_t)(now - then);
}

/* The cache (neigh_cache.c, no DPDK), also for neigh.c: the entry of
 * (port, ip) or NULL; that entry, else a new one (a free slot or the
 * oldest entry, evicted; new entries are unresolved); ip -> mac learnt
 * (resolved, seen now; a group MAC is ignored). */
struct neigh_entry *neigh_lookup(struct neigh *n, unsigned int port, bool v6,
				 const uint8_t *ip);
struct neigh_entry *neigh_entry_get(struct neigh *n, unsigned int port,
				    bool v6, const uint8_t *ip);
void neigh_learn(struct neigh *n, unsigned int port, bool v6,
		 const uint8_t *ip, const uint8_t *mac, uint64_t now);

/* Learn ip -> mac on port from a received frame (gleaning). */
void neigh_glean(struct neigh *n, unsigned int port, bool is_v6,
		 const uint8_t *ip, const uint8_t *mac, uint64_t now);

/*
 * MAC of dst on port into mac. Returns 0, or -EAGAIN when unknown (an ARP
 * request or NS has been sent, at most once per NEIGH_RETRY_NS).
 */
int neigh_resolve(struct app *app, struct neigh *n, unsigned int port,
		  const struct bc_addr *dst, uint8_t *mac, uint64_t now);

/* The conf port whose IPv4 (v6: IPv6) address is ip, or -1. */
int neigh_own_port(const struct app *app, bool v6, const uint8_t *ip);

/* Drop entries older than their lifetime. */
void neigh_age(struct neigh *n, uint64_t now);

/* An entry's address as the dump and telemetry show it (IPv4 dotted,
 * IPv6 as eight hex groups, uncompressed), and its MAC (lower-case hex
 * with ':'). Both fit NEIGH_IP_STR_LEN. */
#define NEIGH_IP_STR_LEN	40
#define NEIGH_MAC_STR_LEN	18
void neigh_ip_str(const struct neigh_entry *e, char *buf, size_t len);
void neigh_mac_str(const struct neigh_entry *e, char *buf, size_t len);

/* Counters and the entries, for the status dump. */
void neigh_dump(const struct app *app, const struct neigh *n, FILE *out);

/* Counters (the ctr_neigh keys) and "entries" (a dict per entry, keyed
 * by its cache slot) into telemetry dict d (/ptpsw/neigh). */
struct rte_tel_data;
void neigh_tel(const struct app *app, const struct neigh *n,
	       struct rte_tel_data *d);

#endif /* PTPSW_APP_NEIGH_H */
