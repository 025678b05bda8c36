/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The configuration schema: one declarative table (conf_keys[]) holds
 * every key: its type, default, range, allowed strings, the struct field
 * it fills and its help text; and the cross-key checks its rows name.
 * The loader (config.c) walks a libconfig tree against it, the printers
 * (config_print.c) print it, so code and documentation cannot drift.
 */
#include <ctype.h>
#include <stddef.h>
#include <string.h>

#include <libconfig.h>

#include "conf/config.h"
#include "conf/config_private.h"

/* ---- cross-key checks ------------------------------------------------ */

static const char *const conf_eal_owned[] = {
	"-l", "--lcores", "-c", "--main-lcore", "--master-lcore", "-s", NULL
};

/* Is arg the EAL option opt: "-l", "-l0-1", "--lcores", "--lcores=0-1"? */
static bool conf_eal_opt_is(const char *arg, const char *opt)
{
	size_t n = strlen(opt);

	if (strncmp(arg, opt, n) != 0)
		return false;
	if (opt[1] != '-')
		return true;
	return arg[n] == '\0' || arg[n] == '=';
}

static int conf_check_eal(struct conf_ctx *ctx, const config_setting_t *s,
			  void *rec, const char *disp)
{
	struct conf *c = rec;
	char key[CONF_KEY_LEN];
	unsigned int i, j;

	for (i = 0; i < c->n_eal_args; i++)
		for (j = 0; conf_eal_owned[j] != NULL; j++) {
			if (!conf_eal_opt_is(c->eal_args[i],
					     conf_eal_owned[j]))
				continue;
			conf_elem_key(key, disp, (int)i);
			return conf_fail(ctx,
					 config_setting_get_elem(s, i), key,
					 "%s is set from the lcores group",
					 conf_eal_owned[j]);
		}
	return 0;
}

static int conf_check_lcores(struct conf_ctx *ctx, const config_setting_t *s,
			     void *rec, const char *disp)
{
	const config_setting_t *w = config_setting_get_member(s, "workers");
	const config_setting_t *ctl = config_setting_get_member(s, "control");
	struct conf *c = rec;
	char key[CONF_KEY_LEN];
	int i = conf_find_int(c->workers, (int)c->n_workers, c->control_lcore);

	if (i < 0)
		return 0;
	if (w != NULL) {
		conf_keyf(key, "%s.workers.[%d]", disp, i);
		return conf_fail(ctx, config_setting_get_elem(w, i), key,
				 "lcore %d is the control lcore",
				 c->control_lcore);
	}
	conf_keyf(key, "%s.control", disp);
	return conf_fail(ctx, ctl, key, "lcore %d is also a worker (workers "
			 "default to [ 1 ])", c->control_lcore);
}

static int conf_check_port(struct conf_ctx *ctx, const config_setting_t *s,
			   void *rec, const char *disp)
{
	struct conf_port *p = rec;
	const config_setting_t *n = config_setting_get_member(s, "name");
	char key[CONF_KEY_LEN];
	const char *ch;
	int idx;

	p->line = (int)config_setting_source_line(s);
	conf_keyf(key, "%s.name", disp);
	for (ch = p->name; *ch != '\0'; ch++)
		if (!isalnum((unsigned char)*ch) && !strchr("_-.", *ch))
			return conf_fail(ctx, n, key, "bad port name \"%s\" "
					 "(letters, digits, _ - . only)",
					 p->name);
	idx = conf_port_index(ctx->c, p->name);
	if (idx >= 0 && &ctx->c->ports[idx] != p)
		return conf_fail(ctx, n, key, "duplicate port name \"%s\" "
				 "(also ports.[%d])", p->name, idx);
	return 0;
}

static int conf_check_bc(struct conf_ctx *ctx, const config_setting_t *s,
			 void *rec, const char *disp)
{
	const config_setting_t *d = config_setting_get_member(s, "domain");
	struct conf_bc *bc = rec;
	struct conf *c = ctx->c;
	char key[CONF_KEY_LEN];
	int other;

	bc->line = (int)config_setting_source_line(s);
	conf_keyf(key, "%s.domain", disp);
	other = conf_bc_for_domain(c, bc->domain);
	if (other >= 0 && &c->bcs[other] != bc) {
		if (c->bcs[other].transport != bc->transport)
			return conf_fail(ctx, d, key, "domain %u already has "
					 "a boundary clock (boundary_clocks."
					 "[%d]); IPv4 and IPv6 instances need "
					 "different domains (RFC 9760 EP-02)",
					 bc->domain, other);
		return conf_fail(ctx, d, key, "domain %u already has a "
				 "boundary clock (boundary_clocks.[%d])",
				 bc->domain, other);
	}
	if (!bc->two_step) {
		conf_keyf(key, "%s.two_step", disp);
		return conf_fail(ctx, config_setting_get_member(s, "two_step"),
				 key, "one-step is not supported: no port "
				 "stamps a boundary clock's Sync at egress, so "
				 "its originTimestamp would be the control "
				 "loop's time; use two_step = true (RFC 9760 "
				 "EP-04 allows two-step only)");
	}
	if (!c->tc.all_domains && conf_tc_listed(&c->tc, bc->domain))
		return conf_fail(ctx, d, key, "domain %u is also listed in "
				 "transparent_clock.domains; a domain is "
				 "either corrected by the TC or run by a BC",
				 bc->domain);
	return 0;
}

static int conf_check_monitor(struct conf_ctx *ctx, const config_setting_t *s,
			      void *rec, const char *disp)
{
	struct conf_monitor *m = rec;

	(void)ctx;
	(void)disp;
	m->line = (int)config_setting_source_line(s);
	return 0;
}

/* ---- the schema ------------------------------------------------------ */

#define FLD(T, f)	.off = offsetof(T, f), .size = sizeof(((T *)0)->f)
#define ARR(T, f, n)	.off = offsetof(T, f), \
			.size = sizeof(((T *)0)->f[0]), \
			.cap = sizeof(((T *)0)->f) / sizeof(((T *)0)->f[0]), \
			.cnt_off = offsetof(T, n)
#define RANGE(a, b)	.min = (a), .max = (b)

const char *const conf_ts_modes[] = {
	"auto", "hardware", "software", NULL };
const char *const conf_tc_modes[] = { "one-step", "two-step", NULL };
const char *const conf_transports[] = { "udpv4", "udpv6", NULL };
const char *const conf_dreq_modes[] = {
	"multicast", "unicast", NULL };
const char *const conf_ipv6_scopes[] = {
	"global", "organization-local", "site-local", "admin-local",
	"realm-local", "link-local", "interface-local", NULL };
static const uint8_t conf_ipv6_scope_x[] = { 0xE, 0x8, 0x5, 0x4, 0x3, 0x2,
					     0x1 };

uint8_t conf_ipv6_scope_nibble(enum conf_ipv6_scope s)
{
	return (unsigned int)s < sizeof(conf_ipv6_scope_x) ?
	       conf_ipv6_scope_x[s] : 0xE;
}
const char *const conf_log_levels[] = {
	"err", "warning", "notice", "info", "debug", NULL };

#define BC	"boundary_clocks.[]."
#define TR	BC "time_receivers.[]."

const struct conf_key conf_keys[] = {
	{ .path = "eal", .type = CK_STRV, .def = "[ ]",
	  ARR(struct conf, eal_args, n_eal_args), .check = conf_check_eal,
	  .help = "EAL arguments, passed to rte_eal_init() as given (vdev "
		  "options, memory, file prefix). Lcore options (-l, -c, "
		  "--main-lcore) are not allowed: they come from `lcores`." },
	{ .path = "lcores", .type = CK_GROUP, .check = conf_check_lcores,
	  .help = "Lcores the program runs on." },
	{ .path = "lcores.control", .type = CK_INT, .def = "0",
	  RANGE(0, 127), FLD(struct conf, control_lcore),
	  .help = "Control lcore: boundary clocks, management, status, "
		  "FDB aging. Also the EAL main lcore." },
	{ .path = "lcores.workers", .type = CK_INTS, .def = "[ 1 ]",
	  RANGE(0, 127), .min_n = 1, ARR(struct conf, workers, n_workers),
	  .help = "Worker lcores: the forwarding and transparent-clock fast "
		  "path. Distinct, and not the control lcore." },

	{ .path = "ports", .type = CK_LIST, .flags = CK_REQUIRED, .min_n = 1,
	  ARR(struct conf, ports, n_ports), .check = conf_check_port,
	  .help = "Switch ports, in DPDK port order." },
	{ .path = "ports.[].name", .type = CK_STRING, .flags = CK_REQUIRED,
	  RANGE(1, CONF_NAME_LEN - 1), FLD(struct conf_port, name),
	  .help = "Port name (letters, digits, `_`, `-`, `.`), unique; "
		  "boundary clocks and status output use it." },
	{ .path = "ports.[].device", .type = CK_STRING, .flags = CK_REQUIRED,
	  RANGE(1, CONF_DEVICE_LEN - 1), FLD(struct conf_port, device),
	  .help = "DPDK device: a PCI address (`0000:3b:00.0`) or vdev "
		  "arguments (`net_af_packet0,iface=plsw0`)." },
	{ .path = "ports.[].timestamping", .type = CK_ENUM, .def = "auto",
	  .allowed = conf_ts_modes, FLD(struct conf_port, timestamping),
	  .help = "Timestamp source. `hardware`: NIC timestamps (timesync "
		  "ops or an RX timestamp dynfield), the port fails to start "
		  "without them. `software`: TSC read at rx/tx burst. `auto`: "
		  "the best the PMD offers (net_pcap's kernel RX timestamp "
		  "included), else software." },
	{ .path = "ports.[].ingress_latency_ns", .type = CK_INT, .def = "0",
	  RANGE(-1000000, 1000000),
	  FLD(struct conf_port, ingress_latency_ns),
	  .help = "Ingress latency (ns) between the wire and the RX "
		  "timestamp point; subtracted from RX timestamps." },
	{ .path = "ports.[].egress_latency_ns", .type = CK_INT, .def = "0",
	  RANGE(-1000000, 1000000),
	  FLD(struct conf_port, egress_latency_ns),
	  .help = "Egress latency (ns) between the TX timestamp point and "
		  "the wire; added to TX timestamps." },
	{ .path = "ports.[].ipv4", .type = CK_IPV4,
	  FLD(struct conf_port, ipv4),
	  .help = "IPv4 address/prefix of the port's PTP endpoint (used by "
		  "`udpv4` boundary clocks). Without `/N` the prefix is 32." },
	{ .path = "ports.[].ipv6", .type = CK_IPV6,
	  FLD(struct conf_port, ipv6),
	  .help = "IPv6 address/prefix of the port's PTP endpoint (used by "
		  "`udpv6` boundary clocks). Without `/N` the prefix is 128." },

	{ .path = "transparent_clock", .type = CK_GROUP,
	  .help = "End-to-end transparent clock in the worker fast path." },
	{ .path = "transparent_clock.enabled", .type = CK_BOOL, .def = "true",
	  FLD(struct conf, tc.enabled),
	  .help = "Correct PTP event messages. When false, PTP is switched "
		  "like any other traffic." },
	{ .path = "transparent_clock.mode", .type = CK_ENUM,
	  .def = "one-step", .allowed = conf_tc_modes,
	  FLD(struct conf, tc.mode),
	  .help = "`one-step`: residence time goes into the Sync itself "
		  "(two-step Syncs are still corrected via their Follow_Up). "
		  "`two-step`: Sync residence time goes into the Follow_Up." },
	{ .path = "transparent_clock.syntonize", .type = CK_BOOL,
	  .def = "true", FLD(struct conf, tc.syntonize),
	  .help = "Scale residence time by a per-domain rate ratio to the "
		  "grandmaster (RFC 9760 EP-21)." },
	{ .path = "transparent_clock.domains", .type = CK_DOMAINS,
	  .def = "all", RANGE(0, 255), FLD(struct conf, tc),
	  .help = "Domains the TC corrects. `\"all\"` means every domain no "
		  "boundary clock runs; a list names domains explicitly and "
		  "must not contain a boundary-clock domain." },
	{ .path = "transparent_clock.pending_entries", .type = CK_INT,
	  .def = "1024", RANGE(16, 1048576),
	  FLD(struct conf, tc.pending_entries),
	  .help = "Two-step match table size (Syncs waiting for their "
		  "Follow_Up, per worker)." },
	{ .path = "transparent_clock.pending_timeout_ms", .type = CK_INT,
	  .def = "1000", RANGE(1, 60000),
	  FLD(struct conf, tc.pending_timeout_ms),
	  .help = "Age (ms) after which an unmatched two-step entry is "
		  "dropped and counted." },

	{ .path = "boundary_clocks", .type = CK_LIST, .def = "( )",
	  ARR(struct conf, bcs, n_bcs), .check = conf_check_bc,
	  .help = "Boundary clocks on the control lcore, at most one per "
		  "domain (IPv4 and IPv6 instances in different domains, "
		  "EP-02)." },
	{ .path = BC "domain", .type = CK_INT, .flags = CK_REQUIRED,
	  RANGE(0, 127), FLD(struct conf_bc, domain),
	  .help = "PTP domain number of this boundary clock." },
	{ .path = BC "transport", .type = CK_ENUM, .def = "udpv4",
	  .allowed = conf_transports, FLD(struct conf_bc, transport),
	  .help = "UDP over IPv4 (1588 Annex C) or IPv6 (Annex D); nothing "
		  "else is allowed (EP-01)." },
	{ .path = BC "ports", .type = CK_PORTREFS, .flags = CK_REQUIRED,
	  .min_n = 1, ARR(struct conf_bc, ports, n_ports),
	  .help = "Names of the ports (from `ports`) this clock runs on." },
	{ .path = BC "priority1", .type = CK_INT, .def = "128",
	  RANGE(0, 255), FLD(struct conf_bc, priority1),
	  .help = "defaultDS.priority1." },
	{ .path = BC "priority2", .type = CK_INT, .def = "128",
	  RANGE(0, 255), FLD(struct conf_bc, priority2),
	  .help = "defaultDS.priority2." },
	{ .path = BC "clock_class", .type = CK_INT, .def = "248",
	  RANGE(0, 255), FLD(struct conf_bc, clock_class),
	  .help = "defaultDS.clockQuality.clockClass (248: default, "
		  "255: time receiver only)." },
	{ .path = BC "clock_accuracy", .type = CK_INT, .def = "0xFE",
	  RANGE(0, 255), FLD(struct conf_bc, clock_accuracy),
	  .help = "defaultDS.clockQuality.clockAccuracy (0xFE: unknown)." },
	{ .path = BC "offset_scaled_log_variance", .type = CK_INT,
	  .def = "0xFFFF", RANGE(0, 65535),
	  FLD(struct conf_bc, offset_scaled_log_variance),
	  .help = "defaultDS.clockQuality.offsetScaledLogVariance." },
	{ .path = BC "log_sync_interval", .type = CK_INT, .def = "0",
	  RANGE(-7, 7), FLD(struct conf_bc, log_sync_interval),
	  .help = "log2 of the Sync interval in seconds: -7 (128/s) .. 7 "
		  "(1 per 128 s), default 1/s (EP-09)." },
	{ .path = BC "log_min_delay_req_interval", .type = CK_INT,
	  .def = "0", RANGE(-7, 7),
	  FLD(struct conf_bc, log_min_delay_req_interval),
	  .help = "log2 of the minimum Delay_Req interval in seconds: -7 .. "
		  "7, default 1/s (EP-09)." },
	{ .path = BC "log_announce_interval", .type = CK_FIXED, .def = "0",
	  FLD(struct conf_bc, log_announce_interval),
	  .help = "the Announce interval is fixed at 1 s (log 0) by RFC 9760 "
		  "(EP-09)." },
	{ .path = BC "announce_receipt_timeout", .type = CK_FIXED,
	  .help = "the Announce receipt timeout is 3 intervals for preferred "
		  "time transmitters and 4 for all others (EP-10)." },
	{ .path = BC "delay_mechanism", .type = CK_FIXED,
	  .help = "the delay mechanism is always end-to-end; peer-to-peer is "
		  "forbidden (EP-05, EP-24)." },
	{ .path = BC "two_step", .type = CK_BOOL, .def = "true",
	  FLD(struct conf_bc, two_step),
	  .help = "Send two-step Syncs (Sync + Follow_Up) on time-transmitter "
		  "ports. false (one-step) is refused: no port stamps a "
		  "boundary clock's Sync at egress." },
	{ .path = BC "delay_req", .type = CK_ENUM, .def = "multicast",
	  .allowed = conf_dreq_modes, FLD(struct conf_bc, delay_req),
	  .help = "How time-receiver ports send Delay_Req: multicast, or "
		  "unicast to the address found in the Announce (EP-07, "
		  "EP-19)." },
	{ .path = BC "ipv6_multicast_scope", .type = CK_ENUM,
	  .def = "global", .allowed = conf_ipv6_scopes,
	  FLD(struct conf_bc, ipv6_multicast_scope),
	  .help = "udpv6: the scope X of the multicast group FF0X::181 "
		  "this clock sends to (EP-06): global (FF0E), "
		  "organization-local (FF08), site-local (FF05), admin-local "
		  "(FF04), realm-local (FF03), link-local (FF02), "
		  "interface-local (FF01). A multicast Delay_Req is answered "
		  "on the group it came on, whatever its scope." },
	{ .path = BC "preferred_time_transmitters", .type = CK_CLOCKIDS,
	  .def = "[ ]", ARR(struct conf_bc, preferred, n_preferred),
	  .help = "Clock identities (`aabbcc.fffe.ddeeff`) of preferred time "
		  "transmitters: Announce receipt timeout 3 intervals instead "
		  "of 4 (EP-10)." },
	{ .path = BC "acceptable_time_transmitters", .type = CK_CLOCKIDS,
	  .def = "[ ]", ARR(struct conf_bc, acceptable, n_acceptable),
	  .help = "Acceptable time transmitter table: never synchronize to a "
		  "clock outside it; empty accepts all (EP-17)." },
	{ .path = BC "time_receivers", .type = CK_LIST, .def = "( )",
	  ARR(struct conf_bc, time_receivers, n_time_receivers),
	  .help = "Known time receivers, to answer Delay_Req whose IP source "
		  "a transparent clock replaced (EP-15)." },
	{ .path = TR "address", .type = CK_IPADDR, .flags = CK_REQUIRED,
	  .off = 0, .size = sizeof(struct conf_time_receiver),
	  .help = "IPv4 or IPv6 address of the time receiver." },
	{ .path = TR "clock_identity", .type = CK_CLOCKID,
	  .flags = CK_REQUIRED,
	  FLD(struct conf_time_receiver, clock_identity),
	  .help = "Its clock identity, `aabbcc.fffe.ddeeff`." },
	{ .path = BC "current_utc_offset", .type = CK_INT, .def = "37",
	  RANGE(-32768, 32767), FLD(struct conf_bc, current_utc_offset),
	  .help = "TAI - UTC in seconds. As grandmaster this clock serves "
		  "TAI = CLOCK_REALTIME + this (PTP timescale) and announces "
		  "it; behind a parent, the parent's value is passed on." },
	{ .path = BC "current_utc_offset_valid", .type = CK_BOOL,
	  .def = "true", FLD(struct conf_bc, current_utc_offset_valid),
	  .help = "Whether this clock knows the current UTC offset (EP-13). "
		  "true: its ports serve time also behind a parent that does "
		  "not announce currentUtcOffsetValid (the parent's time "
		  "properties are passed on unchanged). false: a port becomes "
		  "time transmitter only while the parent (or, as grandmaster, "
		  "this clock) announces a valid offset; held-back ports are "
		  "logged and shown as ep13-held." },
	{ .path = BC "time_source", .type = CK_INT, .def = "0xA0",
	  RANGE(0, 255), FLD(struct conf_bc, time_source),
	  .help = "timePropertiesDS.timeSource (0xA0: internal oscillator)." },
	{ .path = BC "slave_only", .type = CK_BOOL, .def = "false",
	  FLD(struct conf_bc, slave_only),
	  .help = "Never become time transmitter (time receiver only)." },
	{ .path = BC "servo", .type = CK_GROUP,
	  .help = "PI servo of this domain's software clock." },
	{ .path = BC "servo.kp", .type = CK_FLOAT, .def = "0.7",
	  RANGE(0, 100), FLD(struct conf_bc, servo_kp),
	  .help = "Proportional constant." },
	{ .path = BC "servo.ki", .type = CK_FLOAT, .def = "0.3",
	  RANGE(0, 100), FLD(struct conf_bc, servo_ki),
	  .help = "Integral constant." },
	{ .path = BC "servo.step_threshold_ns", .type = CK_INT,
	  .def = "20000000", RANGE(0, 2000000000),
	  FLD(struct conf_bc, step_threshold_ns),
	  .help = "Step the clock instead of slewing when the offset exceeds "
		  "this (ns); 0 never steps after the first adjustment." },

	{ .path = "monitor", .type = CK_LIST, .def = "( )",
	  ARR(struct conf, monitors, n_monitors), .check = conf_check_monitor,
	  .help = "Cross-domain divergence alarms: compares the clocks of two "
		  "boundary-clock domains without combining them (EP-16, "
		  "EP-22)." },
	{ .path = "monitor.[].domains", .type = CK_DOMAIN_PAIR,
	  .flags = CK_REQUIRED, RANGE(0, 127), .min_n = 2, .cap = 2,
	  .off = 0, .size = sizeof(struct conf_monitor),
	  .help = "The two domains to compare; each must have a boundary "
		  "clock." },
	{ .path = "monitor.[].threshold_ns", .type = CK_INT, .def = "1000",
	  RANGE(1, 2000000000), FLD(struct conf_monitor, threshold_ns),
	  .help = "Alarm when the two domains' times differ by more (ns)." },

	{ .path = "management", .type = CK_GROUP,
	  .help = "Local management interface (never over the network, "
		  "EP-28)." },
	{ .path = "management.socket", .type = CK_STRING,
	  .def = "/run/ptpsw/ptpsw.sock", RANGE(0, CONF_PATH_LEN - 1),
	  FLD(struct conf, management_socket),
	  .help = "Unix socket path; empty disables management." },
	{ .path = "log_level", .type = CK_ENUM, .def = "info",
	  .allowed = conf_log_levels, FLD(struct conf, log_level),
	  .help = "Log verbosity." },
	{ .path = "status_interval_ms", .type = CK_INT, .def = "1000",
	  RANGE(0, 3600000), FLD(struct conf, status_interval_ms),
	  .help = "Period of the status line (ms); 0 disables it." },
	{ .path = "mac_aging_s", .type = CK_INT, .def = "300",
	  RANGE(1, 86400), FLD(struct conf, mac_aging_s),
	  .help = "Age (s) after which a learned MAC address is forgotten." },
	{ .path = "mbufs", .type = CK_INT,
	  RANGE(1024, 1048576), FLD(struct conf, mbufs),
	  .help = "Packet buffers in the mempool. Absent: sized from the "
		  "ports (descriptors, lcore caches, worker buffers, frames "
		  "a PMD keeps such as net_pcap's infinite_rx copies), at "
		  "least 8192; set: exactly this many (an override)." },
	{ .path = "worker_idle_sleep_us", .type = CK_INT, .def = "0",
	  RANGE(0, 1000), FLD(struct conf, worker_idle_sleep_us),
	  .help = "A worker that found no packet on any of its ports for "
		  "20 us sleeps this long (us) before polling again; 0 "
		  "busy-polls. A syscall only when idle, never per packet." },
};

const size_t conf_n_keys = sizeof(conf_keys) / sizeof(conf_keys[0]);
