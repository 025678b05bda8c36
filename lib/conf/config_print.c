/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Printing a configuration: what would run (conf_print(), used by --check)
 * and the reference of every key from the schema table (Markdown).
 */
#include <arpa/inet.h>
#include <string.h>

#include "conf/config.h"
#include "conf/config_private.h"

/* ---- printing -------------------------------------------------------- */

static void conf_print_port(const struct conf_port *p, FILE *out)
{
	char a[INET6_ADDRSTRLEN];

	fprintf(out, "    %-8s %s\n", p->name, p->device);
	fprintf(out, "             timestamping %s, latency ingress %d ns "
		"egress %d ns", conf_ts_modes[p->timestamping],
		p->ingress_latency_ns, p->egress_latency_ns);
	if (p->ipv4.set)
		fprintf(out, ", ipv4 %s/%u",
			inet_ntop(AF_INET, &p->ipv4.addr, a, sizeof(a)),
			p->ipv4.prefix);
	if (p->ipv6.set)
		fprintf(out, ", ipv6 %s/%u",
			inet_ntop(AF_INET6, &p->ipv6.addr, a, sizeof(a)),
			p->ipv6.prefix);
	fputc('\n', out);
}

/*
 * One-step mode can only predict the egress time. net_af_packet ports
 * (timestamping auto or hardware) stamp sent frames, which the two-step
 * TC uses: say so (the running switch says it for every backend).
 */
static void conf_print_one_step_hint(const struct conf *c, FILE *out)
{
	static const char afpkt[] = "net_af_packet";
	unsigned int i, n = 0;

	if (c->tc.mode == CONF_TC_TWO_STEP)
		return;
	for (i = 0; i < c->n_ports; i++) {
		const struct conf_port *p = &c->ports[i];

		if (p->timestamping == CONF_TS_SOFTWARE ||
		    strncmp(p->device, afpkt, sizeof(afpkt) - 1) != 0)
			continue;
		fprintf(out, "%s%s", n++ ? " " : "    note: one-step mode "
			"predicts the egress time; these net_af_packet ports "
			"stamp sent frames, which two-step mode uses (mode = "
			"\"two-step\"): ", p->name);
	}
	if (n)
		fputc('\n', out);
}

static void conf_print_tc(const struct conf *c, FILE *out)
{
	const struct conf_tc *tc = &c->tc;
	unsigned int d, n = 0;

	if (!tc->enabled) {
		fprintf(out, "  transparent clock: disabled (PTP switched as "
			"plain traffic)\n");
		return;
	}
	fprintf(out, "  transparent clock: end-to-end, %s, %s, two-step table "
		"%u entries / %u ms\n    domains: ", conf_tc_modes[tc->mode],
		tc->syntonize ? "syntonized" : "not syntonized",
		tc->pending_entries, tc->pending_timeout_ms);
	if (tc->all_domains) {
		fprintf(out, "all");
		for (d = 0; d < c->n_bcs; d++)
			fprintf(out, "%s%u", d ? ", " : " except BC domains ",
				c->bcs[d].domain);
	} else {
		for (d = 0; d < 256; d++)
			if (conf_tc_listed(tc, (uint8_t)d))
				fprintf(out, "%s%u", n++ ? ", " : "", d);
		if (n == 0)
			fprintf(out, "none");
	}
	fputc('\n', out);
	conf_print_one_step_hint(c, out);
}

static void conf_print_bc_ports(const struct conf *c,
				const struct conf_bc *bc, FILE *out)
{
	const struct conf_port *p;
	unsigned int i;
	bool has;

	fprintf(out, "      ports:");
	for (i = 0; i < bc->n_ports; i++) {
		p = &c->ports[bc->ports[i]];
		has = bc->transport == CONF_UDPV6 ? p->ipv6.set : p->ipv4.set;
		fprintf(out, " %s%s", p->name, has ? "" :
			bc->transport == CONF_UDPV6 ? " (no ipv6 address)" :
			" (no ipv4 address)");
	}
	fputc('\n', out);
}

static void conf_print_tr(const struct conf_time_receiver *tr, FILE *out)
{
	char a[INET6_ADDRSTRLEN], id[32];

	if (tr->is_v6)
		inet_ntop(AF_INET6, &tr->addr6, a, sizeof(a));
	else
		inet_ntop(AF_INET, &tr->addr4, a, sizeof(a));
	conf_clock_id_str(&tr->clock_identity, id, sizeof(id));
	fprintf(out, "      time receiver %s %s\n", a, id);
}

static void conf_print_bc(const struct conf *c, const struct conf_bc *bc,
			  FILE *out)
{
	char id[32];
	unsigned int i;

	fprintf(out, "    domain %u, %s, %s, Delay_Req %s%s\n", bc->domain,
		conf_transports[bc->transport],
		bc->two_step ? "two-step" : "one-step",
		conf_dreq_modes[bc->delay_req],
		bc->slave_only ? ", time receiver only" : "");
	conf_print_bc_ports(c, bc, out);
	fprintf(out, "      priority1 %u priority2 %u class %u accuracy "
		"0x%02X variance 0x%04X\n", bc->priority1, bc->priority2,
		bc->clock_class, bc->clock_accuracy,
		bc->offset_scaled_log_variance);
	fprintf(out, "      log intervals: sync %d, delay_req %d, announce %d;"
		" UTC offset %d (%s), time source 0x%02X\n",
		bc->log_sync_interval, bc->log_min_delay_req_interval,
		bc->log_announce_interval, bc->current_utc_offset,
		bc->current_utc_offset_valid ? "valid" : "not valid",
		bc->time_source);
	fprintf(out, "      servo kp %g ki %g step %lld ns; %u preferred, "
		"%u acceptable, %u time receivers\n", bc->servo_kp,
		bc->servo_ki, (long long)bc->step_threshold_ns,
		bc->n_preferred, bc->n_acceptable, bc->n_time_receivers);
	for (i = 0; i < bc->n_preferred; i++) {
		conf_clock_id_str(&bc->preferred[i], id, sizeof(id));
		fprintf(out, "      preferred %s\n", id);
	}
	for (i = 0; i < bc->n_acceptable; i++) {
		conf_clock_id_str(&bc->acceptable[i], id, sizeof(id));
		fprintf(out, "      acceptable %s\n", id);
	}
	for (i = 0; i < bc->n_time_receivers; i++)
		conf_print_tr(&bc->time_receivers[i], out);
}

static void conf_print_misc(const struct conf *c, FILE *out)
{
	unsigned int i;

	for (i = 0; i < c->n_monitors; i++)
		fprintf(out, "  monitor: domains %u and %u, alarm above %lld "
			"ns\n", c->monitors[i].domain_a, c->monitors[i].domain_b,
			(long long)c->monitors[i].threshold_ns);
	fprintf(out, "  management socket: %s\n",
		c->management_socket[0] ? c->management_socket : "(none)");
	fprintf(out, "  log level %s, status every %u ms, MAC aging %u s, "
		"%u mbufs\n", conf_log_levels[c->log_level],
		c->status_interval_ms, c->mac_aging_s, c->mbufs);
	if (c->worker_idle_sleep_us)
		fprintf(out, "  idle workers sleep %u us\n",
			c->worker_idle_sleep_us);
	else
		fprintf(out, "  workers busy-poll\n");
}

void conf_print(const struct conf *c, FILE *out)
{
	unsigned int i;

	fprintf(out, "ptpsw configuration %s\n  EAL:", c->path);
	for (i = 0; i < c->n_eal_args; i++)
		fprintf(out, " %s", c->eal_args[i]);
	fprintf(out, "\n  lcores: control %d, workers", c->control_lcore);
	for (i = 0; i < c->n_workers; i++)
		fprintf(out, "%s%d", i ? ", " : " ", c->workers[i]);
	fprintf(out, "\n  ports: %u\n", c->n_ports);
	for (i = 0; i < c->n_ports; i++)
		conf_print_port(&c->ports[i], out);
	conf_print_tc(c, out);
	fprintf(out, "  boundary clocks: %u\n", c->n_bcs);
	for (i = 0; i < c->n_bcs; i++)
		conf_print_bc(c, &c->bcs[i], out);
	conf_print_misc(c, out);
}

static void conf_print_default(const struct conf_key *k, FILE *out)
{
	if (k->flags & CK_REQUIRED)
		fprintf(out, "required");
	else if (k->type == CK_FIXED && k->def)
		fprintf(out, "`%s` (fixed)", k->def);
	else if (k->def == NULL)
		fprintf(out, "none");
	else if (k->type == CK_STRING || k->type == CK_ENUM ||
		 k->type == CK_DOMAINS)
		fprintf(out, "`\"%s\"`", k->def);
	else
		fprintf(out, "`%s`", k->def);
}

void conf_print_reference(FILE *out)
{
	char range[256];
	size_t i;

	fprintf(out, "| Key | Type | Default | Range / values | Meaning |\n"
		"|-----|------|---------|----------------|---------|\n");
	for (i = 0; i < conf_n_keys; i++) {
		const struct conf_key *k = &conf_keys[i];

		conf_types[k->type].range(k, range, sizeof(range));
		fprintf(out, "| `%s` | %s | ", k->path,
			conf_types[k->type].name);
		conf_print_default(k, out);
		fprintf(out, " | %s | %s%s |\n", range,
			k->type == CK_FIXED ? "Not configurable: " : "",
			k->help);
	}
}
