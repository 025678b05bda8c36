/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * neigh: ARP and IPv6 neighbour discovery for ptpsw's own port addresses
 * (RFC 826, RFC 4861 4.3/4.4/7.2), and the resolver cache of the boundary
 * clocks. Control lcore only.
 */

#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include <rte_mbuf.h>
#include <rte_telemetry.h>

#include "app.h"
#include "bc/foreign.h"
#include "counters.h"
#include "ctl_tx.h"
#include "neigh.h"
#include "net/build.h"
#include "telemetry.h"
#include "timebase.h"

#define ICMP6_NS	135
#define ICMP6_NA	136
#define ND_OPT_SLLA	1
#define ND_OPT_TLLA	2

static const uint8_t bcast_mac[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

/* ---- local delivery table ---- */

void neigh_local_init(struct app *app, bool on)
{
	struct neigh_local *l = &app->local;
	unsigned int i;

	memset(l, 0, sizeof(*l));
	for (i = 0; i < app->n_ports; i++) {
		const struct conf_port *cp = &app->conf.ports[i];
		const uint8_t *a6 = cp->ipv6.addr.s6_addr;

		l->mac[l->n_mac++] = frame_mac48(app->ports[i].mac.addr_bytes);
		if (cp->ipv4.set) {
			l->ip4[l->n_ip4++] = cp->ipv4.addr.s_addr;
			on = true;
		}
		if (cp->ipv6.set) {
			l->snm[l->n_snm++] = 0x3333FF000000ull |
					     (uint64_t)a6[13] << 16 |
					     (uint64_t)a6[14] << 8 | a6[15];
			on = true;
		}
	}
	l->on = on;
}

/* ---- cache: neigh_cache.c ---- */

/* ---- frame building ---- */

static void send_frame(struct app *app, struct neigh *n, unsigned int port,
		       struct rte_mbuf *m)
{
	if (m == NULL || ctl_tx_send(app, port, m) != 0)
		n->st.tx_fail++;
}

/* ARP (Ethernet/IPv4) of op from our port mac/ip to tha/tpa. */
static void arp_send(struct app *app, struct neigh *n, unsigned int port,
		     uint16_t op, const uint8_t *src_mac, const uint8_t *spa,
		     const uint8_t *dst_mac, const uint8_t *tha,
		     const uint8_t *tpa)
{
	struct rte_mbuf *m;
	uint8_t *p = ctl_tx_alloc(app, &m, BUILD_ETH_HLEN + BUILD_ARP_LEN);

	if (p != NULL) {
		p += build_eth(p, dst_mac, src_mac, BUILD_ETH_P_ARP);
		build_arp(p, op, src_mac, spa, tha, tpa);
	}
	send_frame(app, n, port, m);
}

/* ICMPv6 checksum over the pseudo header and the message (RFC 4443). */
static uint16_t icmp6_csum(const uint8_t *ip6, const uint8_t *icmp,
			   uint16_t len)
{
	uint32_t s = csum_add_bytes(0, ip6 + 8, 32);

	s += len;
	s += 58;
	return (uint16_t)~csum_add_bytes(s, icmp, len);
}

/* IPv6 ND message (NS or NA) with one link-layer address option. */
static void nd_send(struct app *app, struct neigh *n, unsigned int port,
		    uint8_t type, uint32_t flags, const uint8_t *dst_mac,
		    const uint8_t *src_ip, const uint8_t *dst_ip,
		    const uint8_t *target, const uint8_t *our_mac)
{
	const uint16_t icmp_len = 32;
	struct rte_mbuf *m;
	uint8_t *p = ctl_tx_alloc(app, &m, BUILD_ETH_HLEN + BUILD_IP6_HLEN +
					   icmp_len);
	uint8_t *ip, *ic;
	uint16_t cs;

	if (p != NULL) {
		ip = p + build_eth(p, dst_mac, our_mac, BUILD_ETH_P_IPV6);
		/* hop limit 255 (RFC 4861 7.1) */
		ic = ip + build_ip6(ip, icmp_len, 255, BUILD_IPPROTO_ICMPV6,
				    src_ip, dst_ip);
		ic[0] = type;
		ic[4] = (uint8_t)(flags >> 24);
		memcpy(ic + 8, target, 16);
		ic[24] = type == ICMP6_NS ? ND_OPT_SLLA : ND_OPT_TLLA;
		ic[25] = 1;
		memcpy(ic + 26, our_mac, 6);
		cs = icmp6_csum(ip, ic, icmp_len);
		ic[2] = (uint8_t)(cs >> 8);
		ic[3] = (uint8_t)cs;
	}
	send_frame(app, n, port, m);
}

/* ---- input ---- */

int neigh_own_port(const struct app *app, bool v6, const uint8_t *ip)
{
	unsigned int i;

	for (i = 0; i < app->n_ports; i++) {
		const struct conf_port *cp = &app->conf.ports[i];

		if (!v6 && cp->ipv4.set && memcmp(&cp->ipv4.addr, ip, 4) == 0)
			return (int)i;
		if (v6 && cp->ipv6.set && memcmp(&cp->ipv6.addr, ip, 16) == 0)
			return (int)i;
	}
	return -1;
}

static void arp_input(struct app *app, struct neigh *n, unsigned int in,
		      const uint8_t *eth, uint32_t len, uint64_t now)
{
	const uint8_t *a = eth + BUILD_ETH_HLEN;
	uint16_t op;
	int own;

	if (len < BUILD_ETH_HLEN + BUILD_ARP_LEN || a[0] != 0 || a[1] != 1 ||
	    a[2] != 0x08 || a[3] != 0 || a[4] != 6 || a[5] != 4) {
		n->st.malformed++;
		return;
	}
	op = (uint16_t)(a[6] << 8 | a[7]);
	own = neigh_own_port(app, false, a + 24);
	if (op == 1) {
		n->st.arp_request_rx++;
		if (own < 0) {
			n->st.not_ours++;
			return;
		}
		neigh_learn(n, in, false, a + 14, a + 8, now);
		arp_send(app, n, in, 2,
			 app->ports[own].mac.addr_bytes, a + 24,
			 a + 8, a + 8, a + 14);
		n->st.arp_reply_tx++;
	} else if (op == 2) {
		n->st.arp_reply_rx++;
		neigh_learn(n, in, false, a + 14, a + 8, now);
	} else {
		n->st.malformed++;
	}
}

/* The link-layer address option of type want, or NULL. */
static const uint8_t *nd_option(const uint8_t *o, uint32_t len, uint8_t want)
{
	while (len >= 8) {
		uint32_t olen = (uint32_t)o[1] * 8;

		if (olen == 0 || olen > len)
			return NULL;
		if (o[0] == want && olen >= 8)
			return o + 2;
		o += olen;
		len -= olen;
	}
	return NULL;
}

static void nd_input(struct app *app, struct neigh *n, unsigned int in,
		     const uint8_t *eth, uint32_t len, uint64_t now)
{
	static const uint8_t unspec[16];
	static const uint8_t all_nodes[16] = { 0xff, 0x02, [15] = 1 };
	const uint8_t *ip = eth + BUILD_ETH_HLEN, *ic, *ll;
	uint32_t plen;
	int own;

	if (len < BUILD_ETH_HLEN + BUILD_IP6_HLEN || (ip[0] >> 4) != 6 ||
	    ip[6] != BUILD_IPPROTO_ICMPV6) {
		n->st.local_other++;
		return;
	}
	plen = (uint32_t)ip[4] << 8 | ip[5];
	ic = ip + BUILD_IP6_HLEN;
	if (plen < 24 || BUILD_ETH_HLEN + BUILD_IP6_HLEN + plen > len ||
	    (ic[0] != ICMP6_NS && ic[0] != ICMP6_NA)) {
		n->st.local_other++;
		return;
	}
	if (ip[7] != 255 || ic[1] != 0 ||
	    icmp6_csum(ip, ic, (uint16_t)plen) != 0) {
		n->st.malformed++;	/* RFC 4861 7.1.1 / 7.1.2 */
		return;
	}
	ll = nd_option(ic + 24, plen - 24,
		       ic[0] == ICMP6_NS ? ND_OPT_SLLA : ND_OPT_TLLA);
	if (ic[0] == ICMP6_NA) {
		n->st.na_rx++;
		neigh_learn(n, in, true, ic + 8, ll ? ll : eth + 6, now);
		return;
	}
	n->st.ns_rx++;
	own = neigh_own_port(app, true, ic + 8);
	if (own < 0) {
		n->st.not_ours++;
		return;
	}
	if (memcmp(ip + 8, unspec, 16) == 0) {
		/* DAD probe for our address: defend it (7.2.4) */
		static const uint8_t all_mac[6] = { 0x33, 0x33, 0, 0, 0, 1 };

		nd_send(app, n, in, ICMP6_NA, 0x20000000u, all_mac, ic + 8,
			all_nodes, ic + 8, app->ports[own].mac.addr_bytes);
	} else {
		neigh_learn(n, in, true, ip + 8, ll ? ll : eth + 6, now);
		/* solicited + override */
		nd_send(app, n, in, ICMP6_NA, 0x60000000u, eth + 6, ic + 8,
			ip + 8, ic + 8, app->ports[own].mac.addr_bytes);
	}
	n->st.na_tx++;
}

void neigh_input(struct app *app, struct neigh *n, unsigned int in,
		 const uint8_t *eth, uint32_t len, uint64_t now)
{
	uint16_t type;

	if (len < BUILD_ETH_HLEN || in >= app->n_ports) {
		n->st.malformed++;
		return;
	}
	type = (uint16_t)(eth[12] << 8 | eth[13]);
	if (type == 0x0806)
		arp_input(app, n, in, eth, len, now);
	else if (type == 0x86DD)
		nd_input(app, n, in, eth, len, now);
	else
		n->st.local_other++;
}

/* ---- resolution ---- */

static void request(struct app *app, struct neigh *n, unsigned int port,
		    const struct bc_addr *dst)
{
	const struct conf_port *cp = &app->conf.ports[port];
	const uint8_t *mac = app->ports[port].mac.addr_bytes;
	static const uint8_t zero[6];

	if (!dst->is_v6) {
		uint8_t spa[4] = { 0 };

		if (cp->ipv4.set)
			memcpy(spa, &cp->ipv4.addr, 4);
		arp_send(app, n, port, 1, mac, spa, bcast_mac, zero, dst->a);
		n->st.arp_request_tx++;
	} else {
		uint8_t snm[16] = { 0xff, 0x02, [11] = 1, [12] = 0xff };
		uint8_t dmac[6] = { 0x33, 0x33, 0xff };

		if (!cp->ipv6.set)
			return;		/* NS needs a source address */
		memcpy(snm + 13, dst->a + 13, 3);
		memcpy(dmac + 3, dst->a + 13, 3);
		nd_send(app, n, port, ICMP6_NS, 0, dmac, cp->ipv6.addr.s6_addr,
			snm, dst->a, mac);
		n->st.ns_tx++;
	}
}

int neigh_resolve(struct app *app, struct neigh *n, unsigned int port,
		  const struct bc_addr *dst, uint8_t *mac, uint64_t now)
{
	struct neigh_entry *e = neigh_lookup(n, port, dst->is_v6, dst->a);

	if (e != NULL && e->resolved) {
		memcpy(mac, e->mac, 6);
		return 0;
	}
	n->st.misses++;
	if (e == NULL) {
		e = neigh_entry_get(n, port, dst->is_v6, dst->a);
		e->req_ns = now - NEIGH_RETRY_NS;
	}
	if (neigh_since(now, e->req_ns) >= (int64_t)NEIGH_RETRY_NS) {
		e->req_ns = now;
		request(app, n, port, dst);
	}
	return -EAGAIN;
}

/* ---- status ---- */

void neigh_dump(const struct app *app, const struct neigh *n, FILE *out)
{
	const struct neigh_stats *s = &n->st;
	char ip[NEIGH_IP_STR_LEN], mac[NEIGH_MAC_STR_LEN];
	unsigned int i;

	/* the first line in its own words, the second from the table */
	fprintf(out, "neigh: arp request rx %" PRIu64 " tx %" PRIu64
		", reply rx %" PRIu64 " tx %" PRIu64 "; ns rx %" PRIu64
		" tx %" PRIu64 ", na rx %" PRIu64 " tx %" PRIu64 "\n",
		s->arp_request_rx, s->arp_request_tx, s->arp_reply_rx,
		s->arp_reply_tx, s->ns_rx, s->ns_tx, s->na_rx, s->na_tx);
	fprintf(out, "neigh:");
	ctr_dump(out, &ctr_neigh, 1, s);
	fputc('\n', out);
	for (i = 0; i < NEIGH_SIZE; i++) {
		const struct neigh_entry *e = &n->e[i];

		if (!e->used || e->port >= app->conf.n_ports)
			continue;
		neigh_ip_str(e, ip, sizeof(ip));
		neigh_mac_str(e, mac, sizeof(mac));
		fprintf(out, "neigh: %s %s %s\n", app->conf.ports[e->port].name,
			ip, e->resolved ? mac : "(incomplete)");
	}
}

/* One entry as a dict: port, address, state, mac, age_ms. */
static struct rte_tel_data *tel_entry(const struct app *app,
				      const struct neigh_entry *e,
				      uint64_t now)
{
	struct rte_tel_data *d = tel_new_dict();
	char buf[NEIGH_IP_STR_LEN];
	int64_t age = neigh_since(now, e->resolved ? e->seen_ns : e->req_ns);

	if (d == NULL)
		return NULL;
	rte_tel_data_add_dict_string(d, "port", app->conf.ports[e->port].name);
	neigh_ip_str(e, buf, sizeof(buf));
	rte_tel_data_add_dict_string(d, "address", buf);
	rte_tel_data_add_dict_string(d, "state", e->resolved ? "resolved" :
				     "incomplete");
	neigh_mac_str(e, buf, sizeof(buf));
	rte_tel_data_add_dict_string(d, "mac", e->resolved ? buf : "");
	rte_tel_data_add_dict_u64(d, "age_ms",
				  age > 0 ? (uint64_t)age / 1000000 : 0);
	return d;
}

void neigh_tel(const struct app *app, const struct neigh *n,
	       struct rte_tel_data *d)
{
	struct rte_tel_data *ent = tel_new_dict();
	uint64_t now = timebase_now();
	char key[8];
	unsigned int i;

	ctr_tel(d, &ctr_neigh, &n->st);
	for (i = 0; ent && i < NEIGH_SIZE; i++) {
		const struct neigh_entry *e = &n->e[i];

		if (!e->used || e->port >= app->conf.n_ports)
			continue;
		snprintf(key, sizeof(key), "%u", i);
		tel_add_child(ent, key, tel_entry(app, e, now));
	}
	tel_add_child(d, "entries", ent);
}
