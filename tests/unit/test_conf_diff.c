/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of the reload's comparison (lib/conf/conf_diff.c): which keys
 * changed and whether each needs a restart, the configuration a reload
 * applies (running values of the restart keys kept, boundary-clock ports
 * mapped by name, EAL strings owned once), a refused merge changing
 * nothing, and the reload table covering every key of the schema.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "conf/conf_diff.h"
#include "conf/config.h"
#include "cunit_main.h"

#ifndef TEST_SRCDIR
#define TEST_SRCDIR "."
#endif

#define BASE_PORTS \
	"ports = ( { name = \"a\"; device = \"net_null0\"; ipv4 = \"10.0.0.1/24\"; },\n" \
	"          { name = \"b\"; device = \"net_null1\"; ipv4 = \"10.0.1.1/24\"; } );\n"

static const char base_cfg[] =
	"eal = [ \"--no-huge\" ];\n"
	BASE_PORTS
	"transparent_clock = { domains = \"all\"; };\n"
	"boundary_clocks = ( { domain = 24; ports = [ \"a\", \"b\" ]; },\n"
	"                    { domain = 25; ports = [ \"b\" ]; } );\n"
	"log_level = \"info\";\n"
	"mbufs = 8192;\n";

static void load(const char *text, struct conf *c)
{
	struct conf_error err;
	char buf[600];

	if (conf_load_string(text, "t.cfg", c, &err) != 0) {
		conf_error_str(&err, buf, sizeof(buf));
		fprintf(stderr, "%s\n", buf);
		CU_FAIL_FATAL("config did not load");
	}
}

static const struct conf_change *find(const struct conf_diff *d,
				      const char *key)
{
	unsigned int i;

	for (i = 0; i < d->n; i++)
		if (strcmp(d->ch[i].key, key) == 0)
			return &d->ch[i];
	return NULL;
}

static void test_same(void)
{
	struct conf a, b;
	struct conf_diff d;

	load(base_cfg, &a);
	load(base_cfg, &b);
	conf_diff(&a, &b, &d);
	CU_ASSERT_EQUAL(d.n, 0);
	CU_ASSERT_EQUAL(d.n_restart, 0);
	conf_free(&a);
	conf_free(&b);
}

static void test_reloadable(void)
{
	static const char next[] =
		"eal = [ \"--no-huge\" ];\n"
		"ports = ( { name = \"a\"; device = \"net_null0\"; ipv4 = \"10.0.0.1/24\";\n"
		"            ingress_latency_ns = 50; },\n"
		"          { name = \"b\"; device = \"net_null1\"; ipv4 = \"10.0.1.1/24\"; } );\n"
		"transparent_clock = { domains = [ 0, 4 ]; mode = \"two-step\"; };\n"
		"boundary_clocks = ( { domain = 24; ports = [ \"a\", \"b\" ]; priority1 = 77; },\n"
		"                    { domain = 26; ports = [ \"a\" ]; } );\n"
		"log_level = \"debug\";\n"
		"status_interval_ms = 250;\n"
		"mbufs = 8192;\n";
	const struct conf_change *ch;
	struct conf a, b;
	struct conf_diff d;
	char buf[512];

	load(base_cfg, &a);
	load(next, &b);
	conf_diff(&a, &b, &d);
	CU_ASSERT_EQUAL(d.n_restart, 0);
	ch = find(&d, "boundary_clocks.[0].priority1");
	CU_ASSERT_PTR_NOT_NULL_FATAL(ch);
	CU_ASSERT_STRING_EQUAL(ch->what, "128 -> 77");
	CU_ASSERT_FALSE(ch->restart);
	CU_ASSERT_PTR_NOT_NULL(find(&d, "boundary_clocks.[1]"));	/* 26 */
	ch = find(&d, "boundary_clocks");
	CU_ASSERT_PTR_NOT_NULL_FATAL(ch);
	CU_ASSERT_STRING_EQUAL(ch->what, "domain 25 removed");
	CU_ASSERT_PTR_NOT_NULL(find(&d, "transparent_clock.domains"));
	CU_ASSERT_PTR_NOT_NULL(find(&d, "transparent_clock.mode"));
	CU_ASSERT_PTR_NOT_NULL(find(&d, "ports.[0].ingress_latency_ns"));
	CU_ASSERT_PTR_NOT_NULL(find(&d, "log_level"));
	CU_ASSERT_PTR_NOT_NULL(find(&d, "status_interval_ms"));
	CU_ASSERT_EQUAL(d.n, 8);
	CU_ASSERT_EQUAL(conf_diff_list(&d, true, buf, sizeof(buf)), 0);
	CU_ASSERT_STRING_EQUAL(buf, "");
	CU_ASSERT_EQUAL(conf_diff_list(&d, false, buf, sizeof(buf)), 8);
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "boundary_clocks.[0].priority1 "
					   "(128 -> 77)"));
	conf_free(&a);
	conf_free(&b);
}

static void test_restart_merge(void)
{
	/* ports swapped and a third one, pool, lcores, eal, table size:
	 * restart; the BC's ports follow the names */
	static const char next[] =
		"eal = [ \"--no-huge\", \"-m\", \"256\" ];\n"
		"lcores = { control = 0; workers = [ 1, 2 ]; };\n"
		"ports = ( { name = \"b\"; device = \"net_null1\"; ipv4 = \"10.0.1.1/24\";\n"
		"            egress_latency_ns = 9; },\n"
		"          { name = \"a\"; device = \"net_null0\"; ipv4 = \"10.0.0.1/24\"; },\n"
		"          { name = \"c\"; device = \"net_null2\"; } );\n"
		"transparent_clock = { pending_entries = 4096; };\n"
		"boundary_clocks = ( { domain = 24; ports = [ \"b\" ]; } );\n"
		"mbufs = 4096;\n";
	struct conf a, b;
	struct conf_diff d;
	struct conf_error err;
	char buf[1024];

	load(base_cfg, &a);
	load(next, &b);
	conf_diff(&a, &b, &d);
	CU_ASSERT_TRUE(find(&d, "eal") && find(&d, "eal")->restart);
	CU_ASSERT_TRUE(find(&d, "lcores.workers") &&
		       find(&d, "lcores.workers")->restart);
	CU_ASSERT_TRUE(find(&d, "ports") && find(&d, "ports")->restart);
	CU_ASSERT_TRUE(find(&d, "mbufs") && find(&d, "mbufs")->restart);
	CU_ASSERT_TRUE(find(&d, "transparent_clock.pending_entries") &&
		       find(&d, "transparent_clock.pending_entries")->restart);
	/* the BC's port list is by name: [a, b] -> [b] changed */
	CU_ASSERT_TRUE(find(&d, "boundary_clocks.[0].ports") &&
		       !find(&d, "boundary_clocks.[0].ports")->restart);
	CU_ASSERT_EQUAL(d.n_restart, 5);
	CU_ASSERT_EQUAL(conf_diff_list(&d, true, buf, sizeof(buf)), 5);
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "mbufs (8192 -> 4096)"));

	CU_ASSERT_EQUAL_FATAL(conf_diff_merge(&b, &a, &err), 0);
	CU_ASSERT_EQUAL(b.n_ports, 2);
	CU_ASSERT_STRING_EQUAL(b.ports[0].name, "a");
	CU_ASSERT_STRING_EQUAL(b.ports[1].name, "b");
	CU_ASSERT_EQUAL(b.ports[1].egress_latency_ns, 9);	/* by name */
	CU_ASSERT_EQUAL(b.bcs[0].n_ports, 1);
	CU_ASSERT_EQUAL(b.bcs[0].ports[0], 1);		/* "b", running */
	CU_ASSERT_EQUAL(b.n_workers, a.n_workers);
	CU_ASSERT_EQUAL(b.mbufs, 8192);
	CU_ASSERT_EQUAL(b.tc.pending_entries, 1024);
	CU_ASSERT_EQUAL_FATAL(b.n_eal_args, 1);		/* the running ones */
	CU_ASSERT_STRING_EQUAL(b.eal_args[0], "--no-huge");
	CU_ASSERT_EQUAL_FATAL(a.n_eal_args, 3);		/* freed with a */
	CU_ASSERT_STRING_EQUAL(a.eal_args[2], "256");
	conf_free(&a);
	conf_free(&b);		/* LeakSanitizer: each string freed once */
}

static void test_merge_refused(void)
{
	static const char next[] =
		"ports = ( { name = \"a\"; device = \"net_null0\"; ipv4 = \"10.0.0.1/24\"; },\n"
		"          { name = \"z\"; device = \"net_null1\"; } );\n"
		"boundary_clocks = ( { domain = 24;\n"
		"                      ports = [ \"a\", \"z\" ]; } );\n";
	struct conf a, b;
	struct conf_error err;
	char buf[600];

	load(base_cfg, &a);
	load(next, &b);
	CU_ASSERT_EQUAL(conf_diff_merge(&b, &a, &err), -1);
	conf_error_str(&err, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "t.cfg:3: boundary_clocks.[0].ports: "
			       "port \"z\" is not running (a new port needs a "
			       "restart)");
	/* nothing changed */
	CU_ASSERT_STRING_EQUAL(b.ports[1].name, "z");
	CU_ASSERT_EQUAL(b.bcs[0].ports[1], 1);
	CU_ASSERT_EQUAL(b.n_eal_args, 0);
	CU_ASSERT_EQUAL(a.n_eal_args, 1);
	conf_free(&a);
	conf_free(&b);
}

/* Every key of --print-config-reference is in the reload table. */
static void test_every_key_classified(void)
{
	char *text = NULL, *p, *q, key[128];
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	unsigned int n = 0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	conf_print_reference(f);
	fclose(f);
	for (p = text; (p = strstr(p, "\n| `")) != NULL; p = q) {
		p += 4;
		q = strchr(p, '`');
		if (q == NULL || (size_t)(q - p) >= sizeof(key))
			break;
		memcpy(key, p, (size_t)(q - p));
		key[q - p] = '\0';
		if (conf_key_restart(key) < 0) {
			fprintf(stderr, "not in the reload table: %s\n", key);
			CU_FAIL("a schema key has no reload class");
		}
		n++;
	}
	CU_ASSERT_TRUE(n > 40);
	CU_ASSERT_EQUAL(conf_key_restart("mbufs"), 1);
	CU_ASSERT_EQUAL(conf_key_restart("log_level"), 0);
	CU_ASSERT_EQUAL(conf_key_restart("no_such_key"), -1);
	free(text);
}

/* docs/configuration.md has the reload table as the program prints it
 * (ptpsw --print-reload-reference). */
static void test_docs_table(void)
{
	char *text = NULL, *doc, *line, *save = NULL;
	size_t len = 0, n;
	FILE *f = open_memstream(&text, &len);
	FILE *d = fopen(TEST_SRCDIR "/../../docs/configuration.md", "r");
	unsigned int lines = 0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	conf_print_reload_reference(f);
	fclose(f);
	doc = calloc(1, 1 << 20);
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	n = fread(doc, 1, (1 << 20) - 1, d);
	fclose(d);
	doc[n] = '\0';
	for (line = strtok_r(text, "\n", &save); line != NULL;
	     line = strtok_r(NULL, "\n", &save)) {
		if (strstr(doc, line) == NULL) {
			fprintf(stderr, "docs/configuration.md lacks: %s\n",
				line);
			CU_FAIL("reload table of docs/configuration.md out "
				"of date (ptpsw --print-reload-reference)");
		}
		lines++;
	}
	CU_ASSERT_TRUE(lines > 40);
	free(doc);
	free(text);
}

int test_register(void)
{
	static const struct test_case cases[] = {
		{ "same", test_same },
		{ "reloadable", test_reloadable },
		{ "restart_merge", test_restart_merge },
		{ "merge_refused", test_merge_refused },
		{ "every_key_classified", test_every_key_classified },
		{ "docs_table", test_docs_table },
		{ NULL, NULL },
	};

	return test_add_suite("conf_diff", cases);
}
