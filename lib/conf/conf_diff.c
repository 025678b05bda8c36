/* SPDX-License-Identifier: BSD-3-Clause */
/* conf_diff: what a reload changes, and what needs a restart. */

#include <inttypes.h>
#include <stdarg.h>
#include <string.h>

#include "conf/conf_diff.h"

/* Every key of the schema and whether a running ptpsw applies it on
 * SIGHUP (test_conf_diff checks the list against the schema). */
static const struct {
	const char *key;
	bool restart;
	const char *why;
} reload_keys[] = {
	{ "eal", true, "EAL arguments are read once by rte_eal_init()" },
	{ "lcores", true, "threads are launched once" },
	{ "lcores.control", true, "threads are launched once" },
	{ "lcores.workers", true, "threads are launched once" },
	{ "ports", true, "devices are probed and started once" },
	{ "ports.[].name", true, "devices are probed and started once" },
	{ "ports.[].device", true, "devices are probed and started once" },
	{ "ports.[].timestamping", true, "the backend is chosen at start" },
	{ "ports.[].ingress_latency_ns", false, NULL },
	{ "ports.[].egress_latency_ns", false, NULL },
	{ "ports.[].ipv4", true, "own addresses are set up at start" },
	{ "ports.[].ipv6", true, "own addresses are set up at start" },
	{ "transparent_clock", false, NULL },
	{ "transparent_clock.enabled", false, NULL },
	{ "transparent_clock.mode", false, NULL },
	{ "transparent_clock.syntonize", false, NULL },
	{ "transparent_clock.domains", false, NULL },
	{ "transparent_clock.pending_entries", true,
	  "the two-step table is allocated at start" },
	{ "transparent_clock.pending_timeout_ms", false, NULL },
	{ "boundary_clocks", false, NULL },
	{ "boundary_clocks.[].domain", false, NULL },
	{ "boundary_clocks.[].transport", false, NULL },
	{ "boundary_clocks.[].ports", false, NULL },
	{ "boundary_clocks.[].priority1", false, NULL },
	{ "boundary_clocks.[].priority2", false, NULL },
	{ "boundary_clocks.[].clock_class", false, NULL },
	{ "boundary_clocks.[].clock_accuracy", false, NULL },
	{ "boundary_clocks.[].offset_scaled_log_variance", false, NULL },
	{ "boundary_clocks.[].log_sync_interval", false, NULL },
	{ "boundary_clocks.[].log_min_delay_req_interval", false, NULL },
	{ "boundary_clocks.[].log_announce_interval", false, NULL },
	{ "boundary_clocks.[].announce_receipt_timeout", false, NULL },
	{ "boundary_clocks.[].delay_mechanism", false, NULL },
	{ "boundary_clocks.[].two_step", false, NULL },
	{ "boundary_clocks.[].delay_req", false, NULL },
	{ "boundary_clocks.[].ipv6_multicast_scope", false, NULL },
	{ "boundary_clocks.[].preferred_time_transmitters", false, NULL },
	{ "boundary_clocks.[].acceptable_time_transmitters", false, NULL },
	{ "boundary_clocks.[].time_receivers", false, NULL },
	{ "boundary_clocks.[].time_receivers.[].address", false, NULL },
	{ "boundary_clocks.[].time_receivers.[].clock_identity", false, NULL },
	{ "boundary_clocks.[].current_utc_offset", false, NULL },
	{ "boundary_clocks.[].current_utc_offset_valid", false, NULL },
	{ "boundary_clocks.[].time_source", false, NULL },
	{ "boundary_clocks.[].slave_only", false, NULL },
	{ "boundary_clocks.[].servo", false, NULL },
	{ "boundary_clocks.[].servo.kp", false, NULL },
	{ "boundary_clocks.[].servo.ki", false, NULL },
	{ "boundary_clocks.[].servo.step_threshold_ns", false, NULL },
	{ "monitor", false, NULL },
	{ "monitor.[].domains", false, NULL },
	{ "monitor.[].threshold_ns", false, NULL },
	{ "management", false, NULL },
	{ "management.socket", false, NULL },
	{ "log_level", false, NULL },
	{ "status_interval_ms", false, NULL },
	{ "mac_aging_s", false, NULL },
	{ "mbufs", true, "the mempool is created at start" },
	{ "worker_idle_sleep_us", false, NULL },
};

int conf_key_restart(const char *key)
{
	size_t i;

	for (i = 0; i < sizeof(reload_keys) / sizeof(reload_keys[0]); i++)
		if (strcmp(reload_keys[i].key, key) == 0)
			return reload_keys[i].restart;
	return -1;
}

void conf_print_reload_reference(FILE *out)
{
	size_t i;

	fprintf(out, "| Key | On SIGHUP |\n|-----|-----------|\n");
	for (i = 0; i < sizeof(reload_keys) / sizeof(reload_keys[0]); i++)
		fprintf(out, "| `%s` | %s%s%s |\n", reload_keys[i].key,
			reload_keys[i].restart ? "restart" : "reloaded",
			reload_keys[i].why ? ": " : "",
			reload_keys[i].why ? reload_keys[i].why : "");
}

static void add(struct conf_diff *d, bool restart, const char *key,
		const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void add(struct conf_diff *d, bool restart, const char *key,
		const char *fmt, ...)
{
	struct conf_change *c;
	va_list ap;

	if (d->n == CONF_DIFF_MAX) {
		d->truncated = true;
		d->n_restart += restart;
		return;
	}
	c = &d->ch[d->n++];
	snprintf(c->key, sizeof(c->key), "%s", key);
	va_start(ap, fmt);
	vsnprintf(c->what, sizeof(c->what), fmt, ap);
	va_end(ap);
	c->restart = restart;
	d->n_restart += restart;
}

#define ADD_INT(d, r, key, a, b) do { \
	if ((a) != (b)) \
		add(d, r, key, "%lld -> %lld", (long long)(a), (long long)(b)); \
	} while (0)

static void diff_ports(const struct conf *o, const struct conf *n,
		       struct conf_diff *d)
{
	char key[CONF_DIFF_KEY_LEN];
	unsigned int i;

	if (o->n_ports != n->n_ports) {
		add(d, true, "ports", "%u -> %u ports", o->n_ports, n->n_ports);
		return;
	}
	for (i = 0; i < n->n_ports; i++) {
		const struct conf_port *a = &o->ports[i], *b = &n->ports[i];

#define PKEY(f) (snprintf(key, sizeof(key), "ports.[%u].%s", i, f), key)
		if (strcmp(a->name, b->name) != 0)
			add(d, true, PKEY("name"), "%s -> %s", a->name, b->name);
		if (strcmp(a->device, b->device) != 0)
			add(d, true, PKEY("device"), "changed");
		ADD_INT(d, true, PKEY("timestamping"), a->timestamping,
			b->timestamping);
		ADD_INT(d, false, PKEY("ingress_latency_ns"),
			a->ingress_latency_ns, b->ingress_latency_ns);
		ADD_INT(d, false, PKEY("egress_latency_ns"),
			a->egress_latency_ns, b->egress_latency_ns);
		if (a->ipv4.set != b->ipv4.set ||
		    (a->ipv4.set && (a->ipv4.prefix != b->ipv4.prefix ||
				     a->ipv4.addr.s_addr != b->ipv4.addr.s_addr)))
			add(d, true, PKEY("ipv4"), "changed");
		if (a->ipv6.set != b->ipv6.set ||
		    (a->ipv6.set && (a->ipv6.prefix != b->ipv6.prefix ||
				     memcmp(&a->ipv6.addr, &b->ipv6.addr,
					    sizeof(a->ipv6.addr)) != 0)))
			add(d, true, PKEY("ipv6"), "changed");
#undef PKEY
	}
}

static void diff_tc(const struct conf_tc *a, const struct conf_tc *b,
		    struct conf_diff *d)
{
	ADD_INT(d, false, "transparent_clock.enabled", a->enabled, b->enabled);
	if (a->mode != b->mode)
		add(d, false, "transparent_clock.mode", "%s -> %s",
		    a->mode == CONF_TC_TWO_STEP ? "two-step" : "one-step",
		    b->mode == CONF_TC_TWO_STEP ? "two-step" : "one-step");
	ADD_INT(d, false, "transparent_clock.syntonize", a->syntonize,
		b->syntonize);
	if (a->all_domains != b->all_domains ||
	    (!a->all_domains && memcmp(a->domain_bitmap, b->domain_bitmap,
				       sizeof(a->domain_bitmap)) != 0))
		add(d, false, "transparent_clock.domains", "changed");
	ADD_INT(d, true, "transparent_clock.pending_entries",
		a->pending_entries, b->pending_entries);
	ADD_INT(d, false, "transparent_clock.pending_timeout_ms",
		a->pending_timeout_ms, b->pending_timeout_ms);
}

/* Same port names, in the same order? */
static bool bc_same_ports(const struct conf *o, const struct conf_bc *a,
			  const struct conf *n, const struct conf_bc *b)
{
	unsigned int i;

	if (a->n_ports != b->n_ports)
		return false;
	for (i = 0; i < a->n_ports; i++)
		if (strcmp(o->ports[a->ports[i]].name,
			   n->ports[b->ports[i]].name) != 0)
			return false;
	return true;
}

static bool tr_equal(const struct conf_bc *a, const struct conf_bc *b)
{
	unsigned int i;

	if (a->n_time_receivers != b->n_time_receivers)
		return false;
	for (i = 0; i < a->n_time_receivers; i++) {
		const struct conf_time_receiver *x = &a->time_receivers[i];
		const struct conf_time_receiver *y = &b->time_receivers[i];

		if (x->is_v6 != y->is_v6 ||
		    memcmp(&x->clock_identity, &y->clock_identity,
			   sizeof(x->clock_identity)) != 0 ||
		    (x->is_v6 ? memcmp(&x->addr6, &y->addr6,
				       sizeof(x->addr6)) != 0 :
				x->addr4.s_addr != y->addr4.s_addr))
			return false;
	}
	return true;
}

static bool ids_equal(const struct ptp_clock_identity *a, unsigned int na,
		      const struct ptp_clock_identity *b, unsigned int nb)
{
	return na == nb && memcmp(a, b, na * sizeof(*a)) == 0;
}

static void diff_bc(const struct conf *o, const struct conf_bc *a,
		    const struct conf *n, const struct conf_bc *b,
		    unsigned int i, struct conf_diff *d)
{
	char key[CONF_DIFF_KEY_LEN];

#define BKEY(f) (snprintf(key, sizeof(key), "boundary_clocks.[%u].%s", i, f), \
		 key)
	if (a->transport != b->transport)
		add(d, false, BKEY("transport"), "changed (instance restarted)");
	if (!bc_same_ports(o, a, n, b))
		add(d, false, BKEY("ports"), "changed (instance restarted)");
	ADD_INT(d, false, BKEY("priority1"), a->priority1, b->priority1);
	ADD_INT(d, false, BKEY("priority2"), a->priority2, b->priority2);
	ADD_INT(d, false, BKEY("clock_class"), a->clock_class, b->clock_class);
	ADD_INT(d, false, BKEY("clock_accuracy"), a->clock_accuracy,
		b->clock_accuracy);
	ADD_INT(d, false, BKEY("offset_scaled_log_variance"),
		a->offset_scaled_log_variance, b->offset_scaled_log_variance);
	ADD_INT(d, false, BKEY("log_sync_interval"), a->log_sync_interval,
		b->log_sync_interval);
	ADD_INT(d, false, BKEY("log_min_delay_req_interval"),
		a->log_min_delay_req_interval, b->log_min_delay_req_interval);
	ADD_INT(d, false, BKEY("two_step"), a->two_step, b->two_step);
	ADD_INT(d, false, BKEY("delay_req"), a->delay_req, b->delay_req);
	ADD_INT(d, false, BKEY("ipv6_multicast_scope"), a->ipv6_multicast_scope,
		b->ipv6_multicast_scope);
	if (!ids_equal(a->preferred, a->n_preferred, b->preferred,
		       b->n_preferred))
		add(d, false, BKEY("preferred_time_transmitters"), "changed");
	if (!ids_equal(a->acceptable, a->n_acceptable, b->acceptable,
		       b->n_acceptable))
		add(d, false, BKEY("acceptable_time_transmitters"), "changed");
	if (!tr_equal(a, b))
		add(d, false, BKEY("time_receivers"), "changed");
	ADD_INT(d, false, BKEY("current_utc_offset"), a->current_utc_offset,
		b->current_utc_offset);
	ADD_INT(d, false, BKEY("current_utc_offset_valid"),
		a->current_utc_offset_valid, b->current_utc_offset_valid);
	ADD_INT(d, false, BKEY("time_source"), a->time_source, b->time_source);
	ADD_INT(d, false, BKEY("slave_only"), a->slave_only, b->slave_only);
	if (a->servo_kp != b->servo_kp)
		add(d, false, BKEY("servo.kp"), "%g -> %g", a->servo_kp,
		    b->servo_kp);
	if (a->servo_ki != b->servo_ki)
		add(d, false, BKEY("servo.ki"), "%g -> %g", a->servo_ki,
		    b->servo_ki);
	ADD_INT(d, false, BKEY("servo.step_threshold_ns"),
		a->step_threshold_ns, b->step_threshold_ns);
#undef BKEY
}

static void diff_bcs(const struct conf *o, const struct conf *n,
		     struct conf_diff *d)
{
	char key[CONF_DIFF_KEY_LEN];
	unsigned int i;
	int k;

	for (i = 0; i < n->n_bcs; i++) {
		k = conf_bc_for_domain(o, n->bcs[i].domain);
		if (k < 0) {
			snprintf(key, sizeof(key), "boundary_clocks.[%u]", i);
			add(d, false, key, "added (domain %u)",
			    n->bcs[i].domain);
			continue;
		}
		diff_bc(o, &o->bcs[k], n, &n->bcs[i], i, d);
	}
	for (i = 0; i < o->n_bcs; i++)
		if (conf_bc_for_domain(n, o->bcs[i].domain) < 0)
			add(d, false, "boundary_clocks", "domain %u removed",
			    o->bcs[i].domain);
}

static bool monitors_equal(const struct conf *a, const struct conf *b)
{
	unsigned int i;

	if (a->n_monitors != b->n_monitors)
		return false;
	for (i = 0; i < a->n_monitors; i++)
		if (a->monitors[i].domain_a != b->monitors[i].domain_a ||
		    a->monitors[i].domain_b != b->monitors[i].domain_b ||
		    a->monitors[i].threshold_ns != b->monitors[i].threshold_ns)
			return false;
	return true;
}

static bool eal_equal(const struct conf *a, const struct conf *b)
{
	unsigned int i;

	if (a->n_eal_args != b->n_eal_args)
		return false;
	for (i = 0; i < a->n_eal_args; i++)
		if (strcmp(a->eal_args[i], b->eal_args[i]) != 0)
			return false;
	return true;
}

void conf_diff(const struct conf *o, const struct conf *n,
	       struct conf_diff *d)
{
	memset(d, 0, sizeof(*d));
	if (!eal_equal(o, n))
		add(d, true, "eal", "changed");
	ADD_INT(d, true, "lcores.control", o->control_lcore, n->control_lcore);
	if (o->n_workers != n->n_workers ||
	    memcmp(o->workers, n->workers,
		   n->n_workers * sizeof(n->workers[0])) != 0)
		add(d, true, "lcores.workers", "changed");
	diff_ports(o, n, d);
	diff_tc(&o->tc, &n->tc, d);
	diff_bcs(o, n, d);
	if (!monitors_equal(o, n))
		add(d, false, "monitor", "changed");
	if (strcmp(o->management_socket, n->management_socket) != 0)
		add(d, false, "management.socket", "\"%s\" -> \"%s\"",
		    o->management_socket, n->management_socket);
	ADD_INT(d, false, "log_level", o->log_level, n->log_level);
	ADD_INT(d, false, "status_interval_ms", o->status_interval_ms,
		n->status_interval_ms);
	ADD_INT(d, false, "mac_aging_s", o->mac_aging_s, n->mac_aging_s);
	ADD_INT(d, true, "mbufs", o->mbufs, n->mbufs);
	ADD_INT(d, false, "worker_idle_sleep_us", o->worker_idle_sleep_us,
		n->worker_idle_sleep_us);
}

int conf_diff_merge(struct conf *nc, struct conf *old, struct conf_error *err)
{
	int map[CONF_MAX_BC][CONF_MAX_BC_PORTS];
	char *eal[CONF_MAX_EAL_ARGS];
	unsigned int i, j, n_eal;
	int32_t lat_in[CONF_MAX_PORTS], lat_out[CONF_MAX_PORTS];
	int k;

	/* boundary-clock ports by name onto the running ports first: a
	 * refusal must leave both untouched */
	for (i = 0; i < nc->n_bcs; i++)
		for (j = 0; j < nc->bcs[i].n_ports; j++) {
			const char *name = nc->ports[nc->bcs[i].ports[j]].name;

			k = conf_port_index(old, name);
			if (k < 0) {
				memset(err, 0, sizeof(*err));
				snprintf(err->file, sizeof(err->file), "%s",
					 nc->path);
				err->line = nc->bcs[i].line;
				snprintf(err->key, sizeof(err->key),
					 "boundary_clocks.[%u].ports", i);
				snprintf(err->msg, sizeof(err->msg),
					 "port \"%s\" is not running (a new "
					 "port needs a restart)", name);
				return -1;
			}
			map[i][j] = k;
		}
	for (i = 0; i < nc->n_bcs; i++)
		for (j = 0; j < nc->bcs[i].n_ports; j++)
			nc->bcs[i].ports[j] = map[i][j];
	/* latencies by port name, the rest of the ports as running */
	for (i = 0; i < old->n_ports; i++) {
		k = conf_port_index(nc, old->ports[i].name);
		lat_in[i] = k < 0 ? old->ports[i].ingress_latency_ns :
				    nc->ports[k].ingress_latency_ns;
		lat_out[i] = k < 0 ? old->ports[i].egress_latency_ns :
				     nc->ports[k].egress_latency_ns;
	}
	nc->n_ports = old->n_ports;
	memcpy(nc->ports, old->ports, sizeof(nc->ports));
	for (i = 0; i < old->n_ports; i++) {
		nc->ports[i].ingress_latency_ns = lat_in[i];
		nc->ports[i].egress_latency_ns = lat_out[i];
	}
	/* EAL strings exchanged: each conf frees what it holds */
	n_eal = nc->n_eal_args;
	memcpy(eal, nc->eal_args, sizeof(eal));
	nc->n_eal_args = old->n_eal_args;
	memcpy(nc->eal_args, old->eal_args, sizeof(eal));
	old->n_eal_args = n_eal;
	memcpy(old->eal_args, eal, sizeof(eal));
	nc->control_lcore = old->control_lcore;
	nc->n_workers = old->n_workers;
	memcpy(nc->workers, old->workers, sizeof(nc->workers));
	nc->tc.pending_entries = old->tc.pending_entries;
	nc->mbufs = old->mbufs;
	return 0;
}

unsigned int conf_diff_list(const struct conf_diff *d, bool restart,
			    char *buf, size_t len)
{
	unsigned int i, n = 0;
	size_t off = 0;
	int w;

	if (len)
		buf[0] = '\0';
	for (i = 0; i < d->n; i++) {
		if (d->ch[i].restart != restart)
			continue;
		if (off < len) {
			w = snprintf(buf + off, len - off, "%s%s (%s)",
				     n ? ", " : "", d->ch[i].key,
				     d->ch[i].what);
			off += w > 0 ? (size_t)w : 0;
		}
		n++;
	}
	if (d->truncated && off < len)
		snprintf(buf + off, len - off, ", ...");
	return n;
}
