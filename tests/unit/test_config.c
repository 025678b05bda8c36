/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of the configuration loader (lib/conf/config.c): a full config
 * with every field checked, the defaults, a table of bad configs each with
 * its expected line, key and problem, the TC domain coverage, the example
 * configs under config/ and the reference in docs/configuration.md.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "conf/config.h"
#include "cunit_main.h"

#ifndef TEST_SRCDIR
#define TEST_SRCDIR "."
#endif
#define TOP_SRCDIR TEST_SRCDIR "/../.."

static const char full_cfg[] =
	"eal = [ \"--no-huge\", \"-m\", \"512\", \"--no-pci\", \"--no-shconf\" ];\n"
	"lcores = { control = 2; workers = [ 3, 1 ]; };\n"
	"ports = (\n"
	"  { name = \"p0\"; device = \"net_af_packet0,iface=plsw0\"; },\n"
	"  { name = \"p1\"; device = \"0000:3b:00.0\"; timestamping = \"hardware\";\n"
	"    ingress_latency_ns = 120; egress_latency_ns = -35;\n"
	"    ipv4 = \"10.66.0.250/24\"; ipv6 = \"fd66::fa/64\"; },\n"
	"  { name = \"p2\"; device = \"net_pcap0,iface=x\"; timestamping = \"software\";\n"
	"    ipv4 = \"192.0.2.1\"; ipv6 = \"2001:db8::1\"; }\n"
	");\n"
	"transparent_clock = {\n"
	"  enabled = true;\n"
	"  mode = \"two-step\";\n"
	"  syntonize = false;\n"
	"  domains = \"all\";\n"
	"  pending_entries = 2048; pending_timeout_ms = 500;\n"
	"};\n"
	"boundary_clocks = (\n"
	"  { domain = 24; transport = \"udpv4\";\n"
	"    ports = [ \"p0\", \"p2\", \"p1\" ];\n"
	"    priority1 = 100; priority2 = 101; clock_class = 6; clock_accuracy = 0x21;\n"
	"    offset_scaled_log_variance = 0x4E5D;\n"
	"    log_sync_interval = -3; log_min_delay_req_interval = 4;\n"
	"    two_step = true;\n"
	"    delay_req = \"unicast\";\n"
	"    preferred_time_transmitters = [ \"aabbcc.fffe.ddeeff\" ];\n"
	"    acceptable_time_transmitters = [ \"001122.fffe.334455\", \"AABBCC.FFFE.000001\" ];\n"
	"    time_receivers = ( { address = \"10.66.0.3\"; clock_identity = \"aabbcc.fffe.ddeeff\"; },\n"
	"                       { address = \"fd66::3\"; clock_identity = \"010203.0405.060708\"; } );\n"
	"    current_utc_offset = 36; current_utc_offset_valid = false; time_source = 0x20; slave_only = true;\n"
	"    servo = { kp = 0.5; ki = 0.125; step_threshold_ns = 1000000; };\n"
	"  },\n"
	"  { domain = 25; transport = \"udpv6\"; ports = [ \"p1\" ];\n"
	"    ipv6_multicast_scope = \"link-local\"; } );\n"
	"monitor = ( { domains = [ 24, 25 ]; threshold_ns = 5000; } );\n"
	"management = { socket = \"/tmp/ptpsw-test.sock\"; };\n"
	"log_level = \"debug\";\n"
	"status_interval_ms = 0;\n"
	"mac_aging_s = 60;\n"
	"mbufs = 4096;\n";

static const char min_cfg[] =
	"ports = ( { name = \"p0\"; device = \"net_null0\"; } );\n"
	"boundary_clocks = ( { domain = 7; ports = [ \"p0\" ]; } );\n";

static int load(const char *text, struct conf *c, struct conf_error *err)
{
	char buf[512];
	int rc = conf_load_string(text, "test.cfg", c, err);

	if (rc != 0) {
		conf_error_str(err, buf, sizeof(buf));
		fprintf(stderr, "\n  unexpected error: %s\n", buf);
	}
	return rc;
}

static void check_id(const struct ptp_clock_identity *id, const uint8_t *want)
{
	CU_ASSERT_EQUAL(memcmp(id->id, want, 8), 0);
}

static void check_v4(struct in_addr a, const char *want)
{
	struct in_addr w;

	CU_ASSERT_EQUAL_FATAL(inet_pton(AF_INET, want, &w), 1);
	CU_ASSERT_EQUAL(a.s_addr, w.s_addr);
}

static void check_v6(const struct in6_addr *a, const char *want)
{
	struct in6_addr w;

	CU_ASSERT_EQUAL_FATAL(inet_pton(AF_INET6, want, &w), 1);
	CU_ASSERT_EQUAL(memcmp(a, &w, sizeof(w)), 0);
}

static void check_full_ports(const struct conf *c)
{
	const struct conf_port *p = c->ports;

	CU_ASSERT_EQUAL_FATAL(c->n_ports, 3);
	CU_ASSERT_STRING_EQUAL(p[0].name, "p0");
	CU_ASSERT_STRING_EQUAL(p[0].device, "net_af_packet0,iface=plsw0");
	CU_ASSERT_EQUAL(p[0].timestamping, CONF_TS_AUTO);
	CU_ASSERT_EQUAL(p[0].ingress_latency_ns, 0);
	CU_ASSERT_FALSE(p[0].ipv4.set);
	CU_ASSERT_FALSE(p[0].ipv6.set);
	CU_ASSERT_EQUAL(p[0].line, 4);
	CU_ASSERT_STRING_EQUAL(p[1].device, "0000:3b:00.0");
	CU_ASSERT_EQUAL(p[1].timestamping, CONF_TS_HARDWARE);
	CU_ASSERT_EQUAL(p[1].ingress_latency_ns, 120);
	CU_ASSERT_EQUAL(p[1].egress_latency_ns, -35);
	CU_ASSERT_TRUE(p[1].ipv4.set);
	check_v4(p[1].ipv4.addr, "10.66.0.250");
	CU_ASSERT_EQUAL(p[1].ipv4.prefix, 24);
	CU_ASSERT_TRUE(p[1].ipv6.set);
	check_v6(&p[1].ipv6.addr, "fd66::fa");
	CU_ASSERT_EQUAL(p[1].ipv6.prefix, 64);
	CU_ASSERT_EQUAL(p[1].line, 5);
	CU_ASSERT_EQUAL(p[2].timestamping, CONF_TS_SOFTWARE);
	check_v4(p[2].ipv4.addr, "192.0.2.1");
	CU_ASSERT_EQUAL(p[2].ipv4.prefix, 32);
	check_v6(&p[2].ipv6.addr, "2001:db8::1");
	CU_ASSERT_EQUAL(p[2].ipv6.prefix, 128);
}

static void check_full_bc0_tables(const struct conf_bc *b)
{
	static const uint8_t id1[8] = { 0xaa, 0xbb, 0xcc, 0xff, 0xfe,
					0xdd, 0xee, 0xff };
	static const uint8_t id2[8] = { 0x00, 0x11, 0x22, 0xff, 0xfe,
					0x33, 0x44, 0x55 };
	static const uint8_t id3[8] = { 0xaa, 0xbb, 0xcc, 0xff, 0xfe,
					0x00, 0x00, 0x01 };
	static const uint8_t id4[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };

	CU_ASSERT_EQUAL_FATAL(b->n_preferred, 1);
	check_id(&b->preferred[0], id1);
	CU_ASSERT_EQUAL_FATAL(b->n_acceptable, 2);
	check_id(&b->acceptable[0], id2);
	check_id(&b->acceptable[1], id3);
	CU_ASSERT_EQUAL_FATAL(b->n_time_receivers, 2);
	CU_ASSERT_FALSE(b->time_receivers[0].is_v6);
	check_v4(b->time_receivers[0].addr4, "10.66.0.3");
	check_id(&b->time_receivers[0].clock_identity, id1);
	CU_ASSERT_TRUE(b->time_receivers[1].is_v6);
	check_v6(&b->time_receivers[1].addr6, "fd66::3");
	check_id(&b->time_receivers[1].clock_identity, id4);
}

static void check_full_bc0(const struct conf_bc *b)
{
	CU_ASSERT_EQUAL(b->domain, 24);
	CU_ASSERT_EQUAL(b->transport, CONF_UDPV4);
	CU_ASSERT_EQUAL_FATAL(b->n_ports, 3);
	CU_ASSERT_EQUAL(b->ports[0], 0);
	CU_ASSERT_EQUAL(b->ports[1], 2);
	CU_ASSERT_EQUAL(b->ports[2], 1);
	CU_ASSERT_EQUAL(b->priority1, 100);
	CU_ASSERT_EQUAL(b->priority2, 101);
	CU_ASSERT_EQUAL(b->clock_class, 6);
	CU_ASSERT_EQUAL(b->clock_accuracy, 0x21);
	CU_ASSERT_EQUAL(b->offset_scaled_log_variance, 0x4E5D);
	CU_ASSERT_EQUAL(b->log_sync_interval, -3);
	CU_ASSERT_EQUAL(b->log_min_delay_req_interval, 4);
	CU_ASSERT_EQUAL(b->log_announce_interval, 0);
	CU_ASSERT_TRUE(b->two_step);
	CU_ASSERT_EQUAL(b->delay_req, CONF_DREQ_UNICAST);
	CU_ASSERT_EQUAL(b->current_utc_offset, 36);
	CU_ASSERT_FALSE(b->current_utc_offset_valid);
	CU_ASSERT_EQUAL(b->time_source, 0x20);
	CU_ASSERT_TRUE(b->slave_only);
	CU_ASSERT_DOUBLE_EQUAL(b->servo_kp, 0.5, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(b->servo_ki, 0.125, 1e-12);
	CU_ASSERT_EQUAL(b->step_threshold_ns, 1000000);
	CU_ASSERT_EQUAL(b->line, 19);
	check_full_bc0_tables(b);
}

static void check_full_rest(const struct conf *c)
{
	CU_ASSERT_EQUAL_FATAL(c->n_eal_args, 5);
	CU_ASSERT_STRING_EQUAL(c->eal_args[0], "--no-huge");
	CU_ASSERT_STRING_EQUAL(c->eal_args[2], "512");
	CU_ASSERT_STRING_EQUAL(c->eal_args[4], "--no-shconf");
	CU_ASSERT_EQUAL(c->control_lcore, 2);
	CU_ASSERT_EQUAL_FATAL(c->n_workers, 2);
	CU_ASSERT_EQUAL(c->workers[0], 3);
	CU_ASSERT_EQUAL(c->workers[1], 1);
	CU_ASSERT_TRUE(c->tc.enabled);
	CU_ASSERT_EQUAL(c->tc.mode, CONF_TC_TWO_STEP);
	CU_ASSERT_FALSE(c->tc.syntonize);
	CU_ASSERT_TRUE(c->tc.all_domains);
	CU_ASSERT_EQUAL(c->tc.pending_entries, 2048);
	CU_ASSERT_EQUAL(c->tc.pending_timeout_ms, 500);
	CU_ASSERT_EQUAL_FATAL(c->n_monitors, 1);
	CU_ASSERT_EQUAL(c->monitors[0].domain_a, 24);
	CU_ASSERT_EQUAL(c->monitors[0].domain_b, 25);
	CU_ASSERT_EQUAL(c->monitors[0].threshold_ns, 5000);
	CU_ASSERT_STRING_EQUAL(c->management_socket, "/tmp/ptpsw-test.sock");
	CU_ASSERT_EQUAL(c->log_level, CONF_LOG_DEBUG);
	CU_ASSERT_EQUAL(c->status_interval_ms, 0);
	CU_ASSERT_EQUAL(c->mac_aging_s, 60);
	CU_ASSERT_EQUAL(c->mbufs, 4096);
	CU_ASSERT_STRING_EQUAL(c->path, "test.cfg");
}

static void test_full(void)
{
	struct conf c;
	struct conf_error err;

	CU_ASSERT_EQUAL_FATAL(load(full_cfg, &c, &err), 0);
	check_full_ports(&c);
	CU_ASSERT_EQUAL_FATAL(c.n_bcs, 2);
	check_full_bc0(&c.bcs[0]);
	CU_ASSERT_EQUAL(c.bcs[1].domain, 25);
	CU_ASSERT_EQUAL(c.bcs[1].transport, CONF_UDPV6);
	CU_ASSERT_EQUAL(c.bcs[1].n_ports, 1);
	CU_ASSERT_EQUAL(c.bcs[1].ports[0], 1);
	CU_ASSERT_EQUAL(c.bcs[1].ipv6_multicast_scope, CONF_SCOPE_LINK);
	CU_ASSERT_EQUAL(conf_ipv6_scope_nibble(c.bcs[1].ipv6_multicast_scope), 2);
	check_full_rest(&c);
	conf_free(&c);
	CU_ASSERT_EQUAL(c.n_eal_args, 0);
}

static void check_bc_defaults(const struct conf_bc *b)
{
	CU_ASSERT_EQUAL(b->domain, 7);
	CU_ASSERT_EQUAL(b->transport, CONF_UDPV4);
	CU_ASSERT_EQUAL(b->priority1, 128);
	CU_ASSERT_EQUAL(b->priority2, 128);
	CU_ASSERT_EQUAL(b->clock_class, 248);
	CU_ASSERT_EQUAL(b->clock_accuracy, 0xFE);
	CU_ASSERT_EQUAL(b->offset_scaled_log_variance, 0xFFFF);
	CU_ASSERT_EQUAL(b->log_sync_interval, 0);
	CU_ASSERT_EQUAL(b->log_min_delay_req_interval, 0);
	CU_ASSERT_EQUAL(b->log_announce_interval, 0);
	CU_ASSERT_TRUE(b->two_step);
	CU_ASSERT_EQUAL(b->delay_req, CONF_DREQ_MULTICAST);
	CU_ASSERT_EQUAL(b->ipv6_multicast_scope, CONF_SCOPE_GLOBAL);
	CU_ASSERT_EQUAL(conf_ipv6_scope_nibble(b->ipv6_multicast_scope), 0xE);
	CU_ASSERT_EQUAL(b->n_preferred, 0);
	CU_ASSERT_EQUAL(b->n_acceptable, 0);
	CU_ASSERT_EQUAL(b->n_time_receivers, 0);
	CU_ASSERT_EQUAL(b->current_utc_offset, 37);
	CU_ASSERT_TRUE(b->current_utc_offset_valid);
	CU_ASSERT_EQUAL(b->time_source, 0xA0);
	CU_ASSERT_FALSE(b->slave_only);
	CU_ASSERT_DOUBLE_EQUAL(b->servo_kp, 0.7, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(b->servo_ki, 0.3, 1e-12);
	CU_ASSERT_EQUAL(b->step_threshold_ns, 20000000);
}

static void test_defaults(void)
{
	struct conf c;
	struct conf_error err;

	CU_ASSERT_EQUAL_FATAL(load(min_cfg, &c, &err), 0);
	CU_ASSERT_EQUAL(c.n_eal_args, 0);
	CU_ASSERT_EQUAL(c.control_lcore, 0);
	CU_ASSERT_EQUAL_FATAL(c.n_workers, 1);
	CU_ASSERT_EQUAL(c.workers[0], 1);
	CU_ASSERT_EQUAL_FATAL(c.n_ports, 1);
	CU_ASSERT_EQUAL(c.ports[0].timestamping, CONF_TS_AUTO);
	CU_ASSERT_EQUAL(c.ports[0].ingress_latency_ns, 0);
	CU_ASSERT_EQUAL(c.ports[0].egress_latency_ns, 0);
	CU_ASSERT_TRUE(c.tc.enabled);
	CU_ASSERT_EQUAL(c.tc.mode, CONF_TC_ONE_STEP);
	CU_ASSERT_TRUE(c.tc.syntonize);
	CU_ASSERT_TRUE(c.tc.all_domains);
	CU_ASSERT_EQUAL(c.tc.pending_entries, 1024);
	CU_ASSERT_EQUAL(c.tc.pending_timeout_ms, 1000);
	CU_ASSERT_EQUAL_FATAL(c.n_bcs, 1);
	check_bc_defaults(&c.bcs[0]);
	CU_ASSERT_EQUAL(c.n_monitors, 0);
	CU_ASSERT_STRING_EQUAL(c.management_socket, "/run/ptpsw/ptpsw.sock");
	CU_ASSERT_EQUAL(c.log_level, CONF_LOG_INFO);
	CU_ASSERT_EQUAL(c.status_interval_ms, 1000);
	CU_ASSERT_EQUAL(c.mac_aging_s, 300);
	CU_ASSERT_EQUAL(c.mbufs, 0);	/* absent: sized from the ports */
	conf_free(&c);
}

/* conf_defaults() alone gives the same top-level values as a loaded file. */
static void test_conf_defaults(void)
{
	struct conf c;

	memset(&c, 0x5a, sizeof(c));
	conf_defaults(&c);
	CU_ASSERT_EQUAL(c.n_ports, 0);
	CU_ASSERT_EQUAL(c.n_bcs, 0);
	CU_ASSERT_EQUAL(c.n_eal_args, 0);
	CU_ASSERT_EQUAL(c.n_workers, 1);
	CU_ASSERT_EQUAL(c.workers[0], 1);
	CU_ASSERT_TRUE(c.tc.enabled);
	CU_ASSERT_TRUE(c.tc.all_domains);
	CU_ASSERT_EQUAL(c.mbufs, 0);	/* absent: sized from the ports */
	CU_ASSERT_EQUAL(c.log_level, CONF_LOG_INFO);
	conf_free(&c);
}

/* ---- the table of bad configs ---------------------------------------- */

#define P2 "ports = ( { name = \"p0\"; device = \"net_null0\"; },\n" \
	   "  { name = \"p1\"; device = \"net_null1\"; } );\n"
#define BC_OPEN "boundary_clocks = ( { domain = 24; ports = [ \"p0\" ];\n"

struct bad_case {
	const char *text;
	int line;
	const char *key;
	const char *problem;	/* substring of the message */
};

static const struct bad_case bad_cases[] = {
	/* libconfig syntax */
	{ P2 "mbufs = 2048;\nlog_level = = \"info\";\n", 4, "", "syntax error" },
	{ P2 "mbufs = 2048;\nmbufs = 4096;\n", 4, "", "duplicate" },
	/* unknown keys at every level */
	{ P2 "foo = 1;\n", 3, "foo", "unknown key" },
	{ P2 "transparent_clock = {\n  enable = true; };\n", 4,
	  "transparent_clock.enable", "unknown key" },
	{ "ports = ( { name = \"p0\"; device = \"x\";\n  speed = 10; } );\n",
	  2, "ports.[0].speed", "unknown key" },
	{ P2 BC_OPEN "  servo = { kp = 0.5;\n kd = 1.0; }; } );\n", 5,
	  "boundary_clocks.[0].servo.kd", "unknown key" },
	{ P2 BC_OPEN "  time_receivers = ( { address = \"10.0.0.1\";\n"
	  "    clock_identity = \"aabbcc.fffe.ddeeff\"; port = 1; } ); } );\n",
	  5, "boundary_clocks.[0].time_receivers.[0].port", "unknown key" },
	/* wrong types */
	{ P2 "mbufs = \"many\";\n", 3, "mbufs", "expected an integer" },
	{ P2 "transparent_clock = { enabled = 1; };\n", 3,
	  "transparent_clock.enabled", "expected a boolean" },
	{ P2 "lcores = 3;\n", 3, "lcores", "expected a group" },
	{ "ports = [ \"p0\", \"p1\" ];\n", 1, "ports", "expected a list" },
	{ P2 BC_OPEN "  servo = { kp = \"fast\"; }; } );\n", 4,
	  "boundary_clocks.[0].servo.kp", "expected a number" },
	{ P2 "eal = [ \"--no-huge\", \"-m\" ];\nlcores = { workers = 1; };\n",
	  4, "lcores.workers", "expected an array" },
	/* ranges (EP-09) and fixed keys */
	{ P2 BC_OPEN "  log_sync_interval = 8; } );\n", 4,
	  "boundary_clocks.[0].log_sync_interval", "out of range -7 .. 7" },
	{ P2 BC_OPEN "  log_min_delay_req_interval = -8; } );\n", 4,
	  "boundary_clocks.[0].log_min_delay_req_interval", "out of range" },
	{ P2 BC_OPEN "  log_announce_interval = 0; } );\n", 4,
	  "boundary_clocks.[0].log_announce_interval", "not configurable" },
	{ P2 BC_OPEN "  announce_receipt_timeout = 3; } );\n", 4,
	  "boundary_clocks.[0].announce_receipt_timeout", "not configurable" },
	{ P2 BC_OPEN "  delay_mechanism = \"P2P\"; } );\n", 4,
	  "boundary_clocks.[0].delay_mechanism", "peer-to-peer" },
	{ P2 BC_OPEN "  servo = { kp = -0.1; }; } );\n", 4,
	  "boundary_clocks.[0].servo.kp", "out of range" },
	{ P2 "status_interval_ms = -1;\n", 3, "status_interval_ms",
	  "out of range" },
	{ P2 "boundary_clocks = ( { domain = 128; ports = [ \"p0\" ]; } );\n",
	  3, "boundary_clocks.[0].domain", "out of range 0 .. 127" },
	{ P2 "transparent_clock = { domains = [ 0,\n 256 ]; };\n", 4,
	  "transparent_clock.domains.[1]", "out of range" },
	/* enum strings */
	{ "ports = ( { name = \"p0\"; device = \"a\"; },\n"
	  "  { name = \"p1\"; device = \"b\"; timestamping = \"ptp\"; } );\n",
	  2, "ports.[1].timestamping", "bad value \"ptp\"" },
	{ P2 "boundary_clocks = ( { domain = 1; ports = [ \"p0\" ];\n"
	  "  transport = \"l2\"; } );\n", 4,
	  "boundary_clocks.[0].transport", "one of: udpv4, udpv6" },
	{ P2 "log_level = \"verbose\";\n", 3, "log_level", "bad value" },
	{ P2 "transparent_clock = { mode = \"three-step\"; };\n", 3,
	  "transparent_clock.mode", "bad value" },
	{ P2 BC_OPEN "  delay_req = \"anycast\"; } );\n", 4,
	  "boundary_clocks.[0].delay_req", "bad value" },
	{ P2 BC_OPEN "  two_step = false; } );\n", 4,
	  "boundary_clocks.[0].two_step", "one-step is not supported" },
	{ P2 BC_OPEN "  ipv6_multicast_scope = \"ff02\"; } );\n", 4,
	  "boundary_clocks.[0].ipv6_multicast_scope", "bad value" },
	{ P2 "transparent_clock = { domains = \"some\"; };\n", 3,
	  "transparent_clock.domains", "bad value \"some\"" },
	/* ports */
	{ "ports = ( { name = \"p0\"; device = \"a\"; },\n"
	  "  { name = \"p0\"; device = \"b\"; } );\n", 2, "ports.[1].name",
	  "duplicate port name" },
	{ "ports = ( { name = \"p0\"; device = \"a\"; },\n"
	  "  { name = \"p1\"; } );\n", 2, "ports.[1].device",
	  "missing (required)" },
	{ "ports = ( { name = \"p0\"; device = \"a\"; },\n\n"
	  "  { device = \"b\"; } );\n", 3, "ports.[1].name",
	  "missing (required)" },
	{ "ports = ( { name = \"p 0\"; device = \"a\"; } );\n", 1,
	  "ports.[0].name", "bad port name" },
	{ "ports = ( { name = \"p0\";\n device = \"\"; } );\n", 2,
	  "ports.[0].device", "length 0 out of range" },
	{ "log_level = \"info\";\n", 0, "ports", "missing (required)" },
	{ "ports = ( );\n", 1, "ports", "needs at least 1 entry" },
	/* a line of 17 ports is built at run time: see test_too_many_ports */
	/* addresses and clock identities */
	{ "ports = ( { name = \"p0\"; device = \"a\";\n"
	  "  ipv4 = \"10.66.0.256/24\"; } );\n", 2, "ports.[0].ipv4",
	  "bad IPv4 address/prefix" },
	{ "ports = ( { name = \"p0\"; device = \"a\";\n"
	  "  ipv4 = \"10.66.0.1/33\"; } );\n", 2, "ports.[0].ipv4",
	  "bad IPv4" },
	{ "ports = ( { name = \"p0\"; device = \"a\";\n"
	  "  ipv4 = \"fd66::1/64\"; } );\n", 2, "ports.[0].ipv4", "bad IPv4" },
	{ "ports = ( { name = \"p0\"; device = \"a\";\n"
	  "  ipv6 = \"fd66::zz/64\"; } );\n", 2, "ports.[0].ipv6",
	  "bad IPv6 address/prefix" },
	{ "ports = ( { name = \"p0\"; device = \"a\";\n"
	  "  ipv6 = \"fd66::1/\"; } );\n", 2, "ports.[0].ipv6", "bad IPv6" },
	{ P2 BC_OPEN "  preferred_time_transmitters = [\n"
	  "    \"aabbcc.fffe.ddeef\" ]; } );\n", 5,
	  "boundary_clocks.[0].preferred_time_transmitters.[0]",
	  "bad clock identity" },
	{ P2 BC_OPEN "  acceptable_time_transmitters = [ \"aabbcc.fffe.ddeeff\",\n"
	  "    \"aabbcc.fffe.ddeeff\" ]; } );\n", 5,
	  "boundary_clocks.[0].acceptable_time_transmitters.[1]",
	  "listed twice" },
	{ P2 BC_OPEN "  time_receivers = ( { address = \"10.66.0.3\";\n"
	  "    clock_identity = \"aabbccfffeddeeff\"; } ); } );\n", 5,
	  "boundary_clocks.[0].time_receivers.[0].clock_identity",
	  "bad clock identity" },
	{ P2 BC_OPEN "  time_receivers = ( { address = \"10.66.0\";\n"
	  "    clock_identity = \"aabbcc.fffe.ddeeff\"; } ); } );\n", 4,
	  "boundary_clocks.[0].time_receivers.[0].address", "bad IP address" },
	{ P2 BC_OPEN "  time_receivers = ( { address = \"10.66.0.3\"; } ); } );\n",
	  4, "boundary_clocks.[0].time_receivers.[0].clock_identity",
	  "missing (required)" },
	/* boundary clocks */
	{ P2 "boundary_clocks = ( { domain = 24;\n"
	  "  ports = [ \"p0\", \"p9\" ]; } );\n", 4,
	  "boundary_clocks.[0].ports.[1]", "\"p9\" is not defined in ports" },
	{ P2 "boundary_clocks = ( { domain = 24; ports = [ \"p1\",\n"
	  "  \"p1\" ]; } );\n", 4, "boundary_clocks.[0].ports.[1]",
	  "listed twice" },
	{ P2 "boundary_clocks = ( { domain = 24; ports = [ ]; } );\n", 3,
	  "boundary_clocks.[0].ports", "needs at least 1 entry" },
	{ P2 "boundary_clocks = ( { ports = [ \"p0\" ]; } );\n", 3,
	  "boundary_clocks.[0].domain", "missing (required)" },
	{ P2 "transparent_clock = { domains = [ 0, 24 ]; };\n"
	  "boundary_clocks = ( { domain = 0; ports = [ \"p0\" ]; },\n"
	  "  { domain = 24; ports = [ \"p1\" ]; } );\n", 4,
	  "boundary_clocks.[0].domain",
	  "also listed in transparent_clock.domains" },
	{ P2 "boundary_clocks = ( { domain = 24; ports = [ \"p0\" ]; },\n"
	  "  { domain = 24; ports = [ \"p1\" ]; } );\n", 4,
	  "boundary_clocks.[1].domain", "already has a boundary clock" },
	{ P2 "boundary_clocks = ( { domain = 24; ports = [ \"p0\" ]; },\n"
	  "  { domain = 24; transport = \"udpv6\"; ports = [ \"p1\" ]; } );\n",
	  4, "boundary_clocks.[1].domain", "EP-02" },
	/* lcores and EAL */
	{ P2 "lcores = { control = 1; workers = [ 2,\n 1 ]; };\n", 4,
	  "lcores.workers.[1]", "lcore 1 is the control lcore" },
	{ P2 "lcores = { workers = [ 1, 2, 1 ]; };\n", 3, "lcores.workers.[2]",
	  "listed twice" },
	{ P2 "lcores = {\n control = 1; };\n", 4, "lcores.control",
	  "also a worker" },
	{ P2 "lcores = { workers = [ ]; };\n", 3, "lcores.workers",
	  "needs at least 1 entry" },
	{ P2 "eal = [ \"--no-huge\",\n \"-l\", \"0-1\" ];\n", 4, "eal.[1]",
	  "lcores" },
	{ P2 "eal = [ \"--no-huge\", \"--log-level=8\",\n"
	  "  \"--lcores=0-1\" ];\n", 4, "eal.[2]", "--lcores is set from" },
	/* monitors */
	{ P2 BC_OPEN "} );\nmonitor = ( { domains = [ 24, 25 ]; } );\n", 5,
	  "monitor.[0].domains.[1]", "domain 25 has no boundary clock" },
	{ P2 BC_OPEN "} );\nmonitor = ( { domains = [ 24, 24 ]; } );\n", 5,
	  "monitor.[0].domains", "must differ" },
	{ P2 BC_OPEN "} );\nmonitor = ( { domains = [ 24 ]; } );\n", 5,
	  "monitor.[0].domains", "needs at least 2 entries" },
	{ P2 BC_OPEN "} );\nmonitor = ( { threshold_ns = 5; } );\n", 5,
	  "monitor.[0].domains", "missing (required)" },
};

#define N_BAD (sizeof(bad_cases) / sizeof(bad_cases[0]))

/* Run one bad config; returns 1 if it failed as expected. */
static int run_bad(const struct bad_case *bc, size_t i)
{
	struct conf c;
	struct conf_error err;
	char want[256], got[512];
	int rc = conf_load_string(bc->text, "bad.cfg", &c, &err);

	conf_error_str(&err, got, sizeof(got));
	if (bc->line > 0)
		snprintf(want, sizeof(want), "bad.cfg:%d: %s%s", bc->line,
			 bc->key, *bc->key ? ": " : "");
	else
		snprintf(want, sizeof(want), "bad.cfg: %s: ", bc->key);
	if (rc == -1 && err.line == bc->line &&
	    strcmp(err.key, bc->key) == 0 &&
	    strstr(err.msg, bc->problem) != NULL &&
	    strncmp(got, want, strlen(want)) == 0 &&
	    c.n_eal_args == 0 && c.n_ports == 0 && c.n_bcs == 0)
		return 1;
	fprintf(stderr, "\n  bad case %zu: rc %d, got \"%s\"; want line %d "
		"key \"%s\" problem \"%s\"\n", i, rc, rc ? got : "(loaded)",
		bc->line, bc->key, bc->problem);
	if (rc == 0)
		conf_free(&c);
	return 0;
}

static void test_bad_table(void)
{
	size_t i, ok = 0;

	CU_ASSERT(N_BAD >= 20);
	for (i = 0; i < N_BAD; i++)
		ok += (size_t)run_bad(&bad_cases[i], i);
	CU_ASSERT_EQUAL(ok, N_BAD);
}

/* Every case of the table, minus its fault, must load: faults are real. */
static void test_bad_table_base_loads(void)
{
	struct conf c;
	struct conf_error err;

	CU_ASSERT_EQUAL_FATAL(load(P2, &c, &err), 0);
	conf_free(&c);
	CU_ASSERT_EQUAL_FATAL(load(P2 BC_OPEN "} );\n", &c, &err), 0);
	CU_ASSERT_EQUAL(c.n_bcs, 1);
	conf_free(&c);
	CU_ASSERT_EQUAL_FATAL(load(P2 BC_OPEN "  log_sync_interval = 7;\n"
				   "  log_min_delay_req_interval = -7; } );\n",
				   &c, &err), 0);
	CU_ASSERT_EQUAL(c.bcs[0].log_sync_interval, 7);
	CU_ASSERT_EQUAL(c.bcs[0].log_min_delay_req_interval, -7);
	conf_free(&c);
}

/* "ports = (" and n ports, one a line, then ");". */
static void ports_text(char *text, size_t len, int n)
{
	size_t used = (size_t)snprintf(text, len, "ports = (\n");
	int i;

	for (i = 0; i < n; i++)
		used += (size_t)snprintf(text + used, len - used,
			"  { name = \"p%d\"; device = \"net_null%d\"; }%s\n",
			i, i, i < n - 1 ? "," : "");
	snprintf(text + used, len - used, ");\n");
}

static void test_too_many_ports(void)
{
	char text[4096];
	struct conf c;
	struct conf_error err;

	ports_text(text, sizeof(text), CONF_MAX_PORTS + 1);
	CU_ASSERT_EQUAL(conf_load_string(text, "many.cfg", &c, &err), -1);
	CU_ASSERT_EQUAL(err.line, CONF_MAX_PORTS + 2);
	CU_ASSERT_STRING_EQUAL(err.key, "ports.[16]");
	CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "too many entries"));
	/* exactly the maximum is fine */
	ports_text(text, sizeof(text), CONF_MAX_PORTS);
	CU_ASSERT_EQUAL_FATAL(load(text, &c, &err), 0);
	CU_ASSERT_EQUAL(c.n_ports, CONF_MAX_PORTS);
	CU_ASSERT_EQUAL(conf_port_index(&c, "p15"), 15);
	CU_ASSERT_STRING_EQUAL(c.ports[15].device, "net_null15");
	conf_free(&c);
}

/* A failure after EAL strings were copied leaves nothing allocated. */
static void test_no_half_load(void)
{
	static const char text[] =
		"eal = [ \"--no-huge\", \"-m\", \"512\" ];\n" P2
		"mbufs = 10;\n";
	struct conf c;
	struct conf_error err;

	CU_ASSERT_EQUAL(conf_load_string(text, "half.cfg", &c, &err), -1);
	CU_ASSERT_STRING_EQUAL(err.key, "mbufs");
	CU_ASSERT_EQUAL(c.n_eal_args, 0);
	CU_ASSERT_PTR_NULL(c.eal_args[0]);
	CU_ASSERT_EQUAL(c.n_ports, 0);
	conf_free(&c);
}

/* ---- TC domain coverage ---------------------------------------------- */

static void test_domain_list(void)
{
	struct conf c;
	struct conf_error err;
	unsigned int d, n = 0;

	CU_ASSERT_EQUAL_FATAL(load(P2 "transparent_clock = { domains = [ 0, 4 ]; };\n"
				   BC_OPEN "} );\n", &c, &err), 0);
	CU_ASSERT_FALSE(c.tc.all_domains);
	for (d = 0; d < 256; d++)
		n += conf_tc_covers_domain(&c, (uint8_t)d);
	CU_ASSERT_EQUAL(n, 2);
	CU_ASSERT_TRUE(conf_tc_covers_domain(&c, 0));
	CU_ASSERT_TRUE(conf_tc_covers_domain(&c, 4));
	CU_ASSERT_FALSE(conf_tc_covers_domain(&c, 1));
	CU_ASSERT_FALSE(conf_tc_covers_domain(&c, 24));
	CU_ASSERT_EQUAL(conf_bc_for_domain(&c, 24), 0);
	CU_ASSERT_EQUAL(conf_bc_for_domain(&c, 0), -1);
	conf_free(&c);
}

static void test_domain_all_excludes_bc(void)
{
	struct conf c;
	struct conf_error err;
	unsigned int d, n = 0;

	CU_ASSERT_EQUAL_FATAL(load(full_cfg, &c, &err), 0);
	for (d = 0; d < 256; d++)
		n += conf_tc_covers_domain(&c, (uint8_t)d);
	CU_ASSERT_EQUAL(n, 254);
	CU_ASSERT_FALSE(conf_tc_covers_domain(&c, 24));
	CU_ASSERT_FALSE(conf_tc_covers_domain(&c, 25));
	CU_ASSERT_TRUE(conf_tc_covers_domain(&c, 0));
	CU_ASSERT_TRUE(conf_tc_covers_domain(&c, 255));
	CU_ASSERT_EQUAL(conf_bc_for_domain(&c, 25), 1);
	c.tc.enabled = false;
	CU_ASSERT_FALSE(conf_tc_covers_domain(&c, 0));
	conf_free(&c);
}

static void test_empty_domain_list(void)
{
	struct conf c;
	struct conf_error err;
	unsigned int d, n = 0;

	CU_ASSERT_EQUAL_FATAL(load(P2 "transparent_clock = { domains = [ ]; };\n",
				   &c, &err), 0);
	for (d = 0; d < 256; d++)
		n += conf_tc_covers_domain(&c, (uint8_t)d);
	CU_ASSERT_EQUAL(n, 0);
	conf_free(&c);
}

static void test_port_index(void)
{
	struct conf c;
	struct conf_error err;

	CU_ASSERT_EQUAL_FATAL(load(full_cfg, &c, &err), 0);
	CU_ASSERT_EQUAL(conf_port_index(&c, "p0"), 0);
	CU_ASSERT_EQUAL(conf_port_index(&c, "p2"), 2);
	CU_ASSERT_EQUAL(conf_port_index(&c, "p3"), -1);
	CU_ASSERT_EQUAL(conf_port_index(&c, ""), -1);
	conf_free(&c);
}

/* ---- output ----------------------------------------------------------- */

static char *capture(void (*fn)(const struct conf *, FILE *),
		     const struct conf *c)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (f == NULL)
		return NULL;
	fn(c, f);
	fclose(f);
	return buf;
}

static void print_ref(const struct conf *c, FILE *f)
{
	(void)c;
	conf_print_reference(f);
}

/* What --check prints for the configuration text (NULL if it does not
 * load). */
static char *printed(const char *text)
{
	struct conf c;
	struct conf_error err;
	char *out;

	if (load(text, &c, &err) != 0)
		return NULL;
	out = capture(conf_print, &c);
	conf_free(&c);
	return out;
}

static void test_print(void)
{
	char *out = printed(full_cfg);

	CU_ASSERT_PTR_NOT_NULL_FATAL(out);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "0000:3b:00.0"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "timestamping = \"hardware\";"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "control = 2;"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "workers = [ 3, 1 ];"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "two-step"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "all except BC domains 24, 25"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "domain = 25;\n"
				      "    transport = \"udpv6\";"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "ipv4 = \"10.66.0.250/24\";"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "preferred_time_transmitters = "
				      "[ \"aabbcc.fffe.ddeeff\" ];"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "address = \"fd66::3\";\n"
				      "        clock_identity = "
				      "\"010203.0405.060708\";"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "clock_accuracy = 0x21;"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "kp = 0.5;"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "p0 (no ipv4 address)"));
	free(out);
}

/* conf_export into flat lines "a.b.c=value" ("[]" for an array element):
 * each node is the text of its own values. */
struct exp_node {
	char *buf;
	size_t len;
	FILE *f;
};

static void *exp_node(void *ctx, enum conf_node kind)
{
	struct exp_node *n = calloc(1, sizeof(*n));

	(void)ctx;
	(void)kind;
	if (n != NULL)
		n->f = open_memstream(&n->buf, &n->len);
	return n;
}

static void exp_add(void *ctx, void *parent, const char *name, void *child)
{
	struct exp_node *p = parent, *c = child;
	char *line, *save = NULL;

	(void)ctx;
	fclose(c->f);
	for (line = strtok_r(c->buf, "\n", &save); line != NULL;
	     line = strtok_r(NULL, "\n", &save))
		fprintf(p->f, "%s.%s\n", name, line);
	free(c->buf);
	free(c);
}

static void exp_str(void *ctx, void *node, const char *name, const char *v)
{
	(void)ctx;
	fprintf(((struct exp_node *)node)->f, "%s=%s\n", name ? name : "[]", v);
}

static void exp_num(void *ctx, void *node, const char *name, long long v)
{
	(void)ctx;
	fprintf(((struct exp_node *)node)->f, "%s=%lld\n", name ? name : "[]",
		v);
}

static void test_export(void)
{
	static const struct conf_sink sink = {
		exp_node, exp_add, exp_str, exp_num
	};
	struct exp_node *root = exp_node(NULL, CONF_N_DICT);
	struct conf_error err;
	struct conf c;

	CU_ASSERT_PTR_NOT_NULL_FATAL(root);
	CU_ASSERT_EQUAL_FATAL(load(full_cfg, &c, &err), 0);
	conf_export(&c, &sink, NULL, root);
	fclose(root->f);
	CU_ASSERT_PTR_NOT_NULL(strstr(root->buf,
				      "ports.p1.device=0000:3b:00.0\n"));
	CU_ASSERT_PTR_NULL(strstr(root->buf, "ports.p0.ipv4="));
	CU_ASSERT_PTR_NOT_NULL(strstr(root->buf,
				      "lcores.workers.[]=3\nlcores.workers.[]=1\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(root->buf, "transparent_clock.domains=all\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(root->buf, "transparent_clock.syntonize=0\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(root->buf,
				      "boundary_clocks.25.transport=udpv6\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(root->buf,
				      "boundary_clocks.24.clock_accuracy=33\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(root->buf,
				      "boundary_clocks.24.servo.kp=0.5\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(root->buf, "time_receivers.fd66::3."
				      "clock_identity=010203.0405.060708\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(root->buf, "monitor.[ 24, 25 ].domains."
				      "[]=24\nmonitor.[ 24, 25 ].domains.[]=25\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(root->buf,
				      "monitor.[ 24, 25 ].threshold_ns=5000\n"));
	free(root->buf);
	free(root);
	conf_free(&c);
}

/* One-step mode: --check names the af_packet ports whose TX stamps only
 * two-step mode can use (not one with timestamping software, not a NIC
 * whose backend is only known at start-up); two-step mode: no note. */
static void test_print_one_step_hint(void)
{
	static const char one_step[] =
		"ports = (\n"
		"  { name = \"a\"; device = \"net_af_packet0,iface=x0\"; },\n"
		"  { name = \"b\"; device = \"net_af_packet1,iface=x1\";"
		" timestamping = \"software\"; },\n"
		"  { name = \"c\"; device = \"0000:3b:00.0\"; },\n"
		"  { name = \"d\"; device = \"net_af_packet2,iface=x2\";"
		" timestamping = \"hardware\"; } );\n"
		"transparent_clock = { mode = \"one-step\"; };\n";
	char *out = printed(one_step);

	CU_ASSERT_PTR_NOT_NULL_FATAL(out);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "note: one-step mode predicts the "
				      "egress time"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "(mode = \"two-step\"): a d\n"));
	free(out);

	out = printed(full_cfg);
	CU_ASSERT_PTR_NOT_NULL_FATAL(out);
	CU_ASSERT_PTR_NULL(strstr(out, "note: one-step"));
	free(out);
}

/* Forget the config lines (the printed text has its own). */
static void clear_lines(struct conf *c)
{
	unsigned int i;

	for (i = 0; i < CONF_MAX_PORTS; i++)
		c->ports[i].line = 0;
	for (i = 0; i < CONF_MAX_BC; i++)
		c->bcs[i].line = 0;
	for (i = 0; i < CONF_MAX_MONITOR; i++)
		c->monitors[i].line = 0;
}

/* What --check prints loads back into the same struct conf: every key
 * is printed, with its exact value. */
static void check_round_trip(const char *text)
{
	struct conf a, b;
	struct conf_error err;
	unsigned int i;
	char *out;

	CU_ASSERT_EQUAL_FATAL(load(text, &a, &err), 0);
	out = capture(conf_print, &a);
	CU_ASSERT_PTR_NOT_NULL_FATAL(out);
	CU_ASSERT_EQUAL_FATAL(load(out, &b, &err), 0);
	CU_ASSERT_EQUAL_FATAL(a.n_eal_args, b.n_eal_args);
	for (i = 0; i < a.n_eal_args; i++) {
		CU_ASSERT_STRING_EQUAL(a.eal_args[i], b.eal_args[i]);
		free(a.eal_args[i]);
		free(b.eal_args[i]);
		a.eal_args[i] = b.eal_args[i] = NULL;
	}
	clear_lines(&a);
	clear_lines(&b);
	CU_ASSERT_EQUAL(memcmp(&a, &b, sizeof(a)), 0);
	free(out);
}

static void test_print_round_trip(void)
{
	static const char explicit_domains[] =
		"ports = ( { name = \"p0\"; device = \"net_null0\"; } );\n"
		"transparent_clock = { enabled = false; domains = [ 3, 0, 200 ];"
		" };\n"
		"eal = [ \"--vdev=net_pcap0,iface=\\\"x\\\"\" ];\n"
		"management = { socket = \"\"; };\n";

	check_round_trip(full_cfg);
	check_round_trip(min_cfg);
	check_round_trip(explicit_domains);
}

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf;
	long n;

	if (f == NULL)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = calloc(1, (size_t)n + 1);
	if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	return buf;
}

/* Every key of the schema appears in docs/configuration.md. */
static void test_reference_in_docs(void)
{
	char *ref = capture(print_ref, NULL), *doc, *p, *end;
	unsigned int keys = 0, missing = 0;
	char key[160];

	doc = read_file(TOP_SRCDIR "/docs/configuration.md");
	if (ref == NULL || doc == NULL) {
		free(ref);
		free(doc);
		CU_FAIL_FATAL("no reference output or no docs/configuration.md");
	}
	for (p = strstr(ref, "\n| `"); p; p = strstr(end, "\n| `")) {
		p += 4;
		end = strchr(p, '`');
		if (end == NULL || (size_t)(end - p) >= sizeof(key) - 2)
			break;
		snprintf(key, sizeof(key), "`%.*s`", (int)(end - p), p);
		keys++;
		if (strstr(doc, key) == NULL) {
			fprintf(stderr, "\n  %s not in docs", key);
			missing++;
		}
	}
	CU_ASSERT(keys >= 50);
	CU_ASSERT_EQUAL(missing, 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(ref, "| `boundary_clocks.[].log_sync_"
				      "interval` | integer | `0` | -7 .. 7 |"));
	free(doc);
	free(ref);
}

static void test_example_configs(void)
{
	static const char *const files[] = {
		TOP_SRCDIR "/config/example.cfg",
		TOP_SRCDIR "/config/lab.cfg",
		TOP_SRCDIR "/config/lab-pcap.cfg",
	};
	struct conf c;
	struct conf_error err;
	char buf[512];
	size_t i;

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		int rc = conf_load(files[i], &c, &err);

		if (rc) {
			conf_error_str(&err, buf, sizeof(buf));
			fprintf(stderr, "\n  %s\n", buf);
		}
		CU_ASSERT_EQUAL(rc, 0);
		if (rc == 0)
			conf_free(&c);
	}
}

static void check_lab(const char *file, const char *pmd, enum conf_tc_mode mode)
{
	struct conf c;
	struct conf_error err;
	char dev[64];
	unsigned int i;

	CU_ASSERT_EQUAL_FATAL(conf_load(file, &c, &err), 0);
	CU_ASSERT_EQUAL_FATAL(c.n_ports, 3);
	for (i = 0; i < 3; i++) {
		snprintf(dev, sizeof(dev), "%s%u,iface=plsw%u", pmd, i, i);
		CU_ASSERT_EQUAL(strncmp(c.ports[i].device, dev, strlen(dev)),
				0);
		CU_ASSERT_EQUAL(conf_port_index(&c, (char[]){ 'p',
					(char)('0' + i), 0 }), (int)i);
	}
	CU_ASSERT_EQUAL_FATAL(c.n_eal_args, 7);
	CU_ASSERT_STRING_EQUAL(c.eal_args[5], "--file-prefix");
	CU_ASSERT_STRING_EQUAL(c.eal_args[6], "ptpsw-lab");
	CU_ASSERT_EQUAL(c.control_lcore, 0);
	CU_ASSERT_EQUAL(c.n_workers, 1);
	CU_ASSERT_EQUAL(c.workers[0], 1);
	CU_ASSERT_TRUE(c.tc.enabled);
	CU_ASSERT_EQUAL(c.tc.mode, mode);
	CU_ASSERT_TRUE(c.tc.syntonize);
	CU_ASSERT_TRUE(c.tc.all_domains);
	CU_ASSERT_EQUAL(c.mbufs, 8192);
	conf_free(&c);
}

static void test_lab_configs(void)
{
	/* two-step on af_packet's TX stamps; net_pcap has none: one-step */
	check_lab(TOP_SRCDIR "/config/lab.cfg", "net_af_packet",
		  CONF_TC_TWO_STEP);
	check_lab(TOP_SRCDIR "/config/lab-pcap.cfg", "net_pcap",
		  CONF_TC_ONE_STEP);
}

static void test_file_errors(void)
{
	struct conf c;
	struct conf_error err;
	char buf[512];

	CU_ASSERT_EQUAL(conf_load("/nonexistent/ptpsw.cfg", &c, &err), -1);
	conf_error_str(&err, buf, sizeof(buf));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "/nonexistent/ptpsw.cfg: cannot "
				      "read"));
	CU_ASSERT_EQUAL(conf_load(TEST_SRCDIR "/data/bad-syntax.cfg", &c,
				  &err), -1);
	CU_ASSERT_EQUAL(err.line, 5);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.file, "data/bad-syntax.cfg"));
	CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "syntax error"));
	CU_ASSERT_EQUAL(conf_load(TEST_SRCDIR "/data/bad-range.cfg", &c,
				  &err), -1);
	conf_error_str(&err, buf, sizeof(buf));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "data/bad-range.cfg:9: "
				      "boundary_clocks.[0].log_sync_interval: "
				      "value -8 out of range -7 .. 7"));
}

static const struct test_case config_tests[] = {
	{ "full config, every field", test_full },
	{ "defaults of a minimal config", test_defaults },
	{ "conf_defaults", test_conf_defaults },
	{ "table of bad configs", test_bad_table },
	{ "bad-table base configs load", test_bad_table_base_loads },
	{ "too many ports", test_too_many_ports },
	{ "no half-loaded config", test_no_half_load },
	{ "TC domain list", test_domain_list },
	{ "TC all domains minus BC domains", test_domain_all_excludes_bc },
	{ "TC empty domain list", test_empty_domain_list },
	{ "port index", test_port_index },
	{ "conf_print", test_print },
	{ "conf_print: one-step hint", test_print_one_step_hint },
	{ "conf_print: loads back", test_print_round_trip },
	{ "conf_export: the tree", test_export },
	{ "reference keys in docs", test_reference_in_docs },
	{ "example configs load", test_example_configs },
	{ "lab configs", test_lab_configs },
	{ "file errors", test_file_errors },
	{ NULL, NULL },
};

int test_register(void)
{
	return test_add_suite("config", config_tests);
}
