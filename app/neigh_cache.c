/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * neigh_cache: the resolver cache of neigh.h (lookup, learning, gleaning,
 * aging). No DPDK: test_neigh builds it alone.
 */

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "net/frame.h"
#include "neigh.h"

static bool ip_eq(const struct neigh_entry *e, bool v6, const uint8_t *ip)
{
	return e->is_v6 == v6 && memcmp(e->ip, ip, v6 ? 16 : 4) == 0;
}

struct neigh_entry *neigh_lookup(struct neigh *n, unsigned int port, bool v6,
				 const uint8_t *ip)
{
	unsigned int i;

	for (i = 0; i < NEIGH_SIZE; i++)
		if (n->e[i].used && n->e[i].port == port &&
		    ip_eq(&n->e[i], v6, ip))
			return &n->e[i];
	return NULL;
}

/* A free entry, else the oldest one (evicted). */
static struct neigh_entry *slot(struct neigh *n)
{
	struct neigh_entry *old = &n->e[0];
	unsigned int i;

	for (i = 0; i < NEIGH_SIZE; i++) {
		struct neigh_entry *e = &n->e[i];
		uint64_t t = e->resolved ? e->seen_ns : e->req_ns;

		if (!e->used)
			return e;
		if (t < (old->resolved ? old->seen_ns : old->req_ns))
			old = e;
	}
	n->st.evicted++;
	return old;
}

struct neigh_entry *neigh_entry_get(struct neigh *n, unsigned int port,
				    bool v6, const uint8_t *ip)
{
	struct neigh_entry *e = neigh_lookup(n, port, v6, ip);

	if (e != NULL)
		return e;
	e = slot(n);
	memset(e, 0, sizeof(*e));
	e->used = true;
	e->is_v6 = v6;
	e->port = (uint8_t)port;
	memcpy(e->ip, ip, v6 ? 16 : 4);
	return e;
}

void neigh_learn(struct neigh *n, unsigned int port, bool v6,
		 const uint8_t *ip, const uint8_t *mac, uint64_t now)
{
	struct neigh_entry *e;

	if (mac[0] & 1)
		return;			/* never a group address */
	e = neigh_entry_get(n, port, v6, ip);
	memcpy(e->mac, mac, 6);
	e->resolved = true;
	e->seen_ns = now;
	n->st.learned++;
}

void neigh_glean(struct neigh *n, unsigned int port, bool is_v6,
		 const uint8_t *ip, const uint8_t *mac, uint64_t now)
{
	static const uint8_t zero[16];

	if (memcmp(ip, zero, is_v6 ? 16 : 4) == 0)
		return;
	neigh_learn(n, port, is_v6, ip, mac, now);
	n->st.gleaned++;
}

void neigh_age(struct neigh *n, uint64_t now)
{
	unsigned int i;

	for (i = 0; i < NEIGH_SIZE; i++) {
		struct neigh_entry *e = &n->e[i];

		if (!e->used)
			continue;
		/* signed: an entry learnt after now was taken (the
		 * control loop reads the time once per round, gleaning
		 * reads it again) is new, not 584 years old */
		if ((e->resolved &&
		     neigh_since(now, e->seen_ns) > (int64_t)NEIGH_AGING_NS) ||
		    (!e->resolved &&
		     neigh_since(now, e->req_ns) > (int64_t)NEIGH_PENDING_NS)) {
			e->used = false;
			n->st.aged++;
		}
	}
}

void neigh_ip_str(const struct neigh_entry *e, char *buf, size_t len)
{
	const uint8_t *a = e->ip;

	if (e->is_v6)
		snprintf(buf, len, "%x:%x:%x:%x:%x:%x:%x:%x",
			 a[0] << 8 | a[1], a[2] << 8 | a[3], a[4] << 8 | a[5],
			 a[6] << 8 | a[7], a[8] << 8 | a[9], a[10] << 8 | a[11],
			 a[12] << 8 | a[13], a[14] << 8 | a[15]);
	else
		snprintf(buf, len, "%u.%u.%u.%u", a[0], a[1], a[2], a[3]);
}

void neigh_mac_str(const struct neigh_entry *e, char *buf, size_t len)
{
	frame_mac_str(e->mac, buf, len);
}
