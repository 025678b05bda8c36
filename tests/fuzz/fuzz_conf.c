/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for the config loader (lib/conf): arbitrary text as a
 * config file, through libconfig's parser and ptpsw's schema checks.
 *
 * Checks (any failure aborts):
 *   - no read or write out of bounds, no leak (ASan), no undefined
 *     arithmetic (UBSan), whatever the text;
 *   - a refused file gets a report that names the file, a line within
 *     the text (or none), a printable key, and a problem, formatted as
 *     "FILE:LINE: key: problem"; and nothing of it stays loaded (no
 *     ports, no EAL arguments);
 *   - an accepted file is within the loader's own bounds (ports, workers,
 *     boundary clocks, their port lists, unique port names) and prints;
 *   - a reload to it (lib/conf/conf_diff) from a fixed running file: the
 *     file compared with itself differs in nothing; every change whose
 *     key is a schema key is marked restart exactly as the reload table
 *     says; a merge keeps the running values of the restart keys and
 *     leaves every boundary-clock port on a running port, or is refused
 *     with a FILE:LINE: key: problem and changes nothing; the fast path's
 *     view builds from the result; the EAL strings are freed once.
 *
 * Inputs with libconfig's @include directive are skipped: it reads other
 * files (a fuzzer would find /dev/zero), and the user's own files are
 * not an attack surface.
 *
 * Build: see tests/fuzz/meson.build (scripts/fuzz.sh runs it). Seeds:
 * tests/fuzz/corpus/conf (the example configs and some refused ones).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>	/* memmem: _GNU_SOURCE (meson.build) */

#include "conf/conf_diff.h"
#include "conf/config.h"
#include "sw/fwd_view.h"

#include "fuzz_check.h"

#define NAME	"fuzz.cfg"

static int printable(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7E)
			return 0;
	return 1;
}

static void check_refused(const struct conf *c, const struct conf_error *e,
			  int n_lines)
{
	char line[1024];

	CHECK(strcmp(e->file, NAME) == 0);
	CHECK(e->line >= 0 && e->line <= n_lines + 1);
	CHECK(e->msg[0] != '\0');
	CHECK(printable(e->key));
	CHECK(c->n_ports == 0 && c->n_eal_args == 0);
	conf_error_str(e, line, sizeof(line));
	CHECK(strncmp(line, NAME, strlen(NAME)) == 0);
	if (e->key[0] != '\0')
		CHECK(strstr(line, e->key) != NULL);
}

static void check_accepted(const struct conf *c)
{
	unsigned int i, j;
	FILE *out;

	CHECK(c->n_ports >= 1 && c->n_ports <= CONF_MAX_PORTS);
	CHECK(c->n_workers <= CONF_MAX_WORKERS);
	CHECK(c->n_eal_args <= CONF_MAX_EAL_ARGS);
	CHECK(c->n_bcs <= CONF_MAX_BC);
	for (i = 0; i < c->n_eal_args; i++)
		CHECK(c->eal_args[i] != NULL);
	for (i = 0; i < c->n_ports; i++)
		for (j = i + 1; j < c->n_ports; j++)
			CHECK(strcmp(c->ports[i].name, c->ports[j].name) != 0);
	for (i = 0; i < c->n_bcs; i++) {
		CHECK(c->bcs[i].n_ports >= 1 &&
		      c->bcs[i].n_ports <= CONF_MAX_BC_PORTS);
		for (j = 0; j < c->bcs[i].n_ports; j++)
			CHECK(c->bcs[i].ports[j] >= 0 &&
			      c->bcs[i].ports[j] < (int)c->n_ports);
		CHECK(conf_bc_for_domain(c, c->bcs[i].domain) >= 0);
	}
	out = fopen("/dev/null", "w");
	CHECK(out != NULL);
	conf_print(c, out);
	fclose(out);
}

/* The running file the fuzzed one is reloaded onto. */
static const char running_cfg[] =
	"eal = [ \"--no-huge\", \"-m\", \"512\" ];\n"
	"ports = ( { name = \"p0\"; device = \"net_null0\"; ipv4 = \"10.0.0.1/24\"; },\n"
	"          { name = \"p1\"; device = \"net_null1\"; },\n"
	"          { name = \"p2\"; device = \"net_null2\"; } );\n"
	"boundary_clocks = ( { domain = 24; ports = [ \"p0\", \"p1\" ]; } );\n";

/* "boundary_clocks.[12].servo.kp" -> "boundary_clocks.[].servo.kp" */
static void schema_key(const char *key, char *out, size_t len)
{
	size_t o = 0;

	while (*key && o + 1 < len) {
		out[o++] = *key;
		if (*key++ == '[')
			while (*key >= '0' && *key <= '9')
				key++;
	}
	out[o] = '\0';
}

static void check_reload(struct conf *c)
{
	static struct conf_diff d;
	struct conf_error err;
	struct fwd_view v;
	struct conf run;
	char key[CONF_DIFF_KEY_LEN];
	unsigned int i, j;
	int r;

	conf_diff(c, c, &d);
	CHECK(d.n == 0 && d.n_restart == 0 && !d.truncated);
	CHECK(conf_load_string(running_cfg, "running.cfg", &run, &err) == 0);
	conf_diff(&run, c, &d);
	CHECK(d.n <= CONF_DIFF_MAX);
	for (i = 0; i < d.n; i++) {
		CHECK(printable(d.ch[i].key) && d.ch[i].key[0] != '\0');
		schema_key(d.ch[i].key, key, sizeof(key));
		r = conf_key_restart(key);
		CHECK(r < 0 || r == d.ch[i].restart);
	}
	if (conf_diff_merge(c, &run, &err) == 0) {
		CHECK(c->n_ports == 3 && c->mbufs == run.mbufs &&
		      c->tc.pending_entries == run.tc.pending_entries &&
		      c->n_workers == run.n_workers);
		CHECK(c->n_eal_args == 3);	/* the running ones */
		for (i = 0; i < c->n_bcs; i++)
			for (j = 0; j < c->bcs[i].n_ports; j++)
				CHECK(c->bcs[i].ports[j] >= 0 &&
				      c->bcs[i].ports[j] < 3);
		fwd_view_build(c, &v);
		CHECK(v.n_bcs == c->n_bcs);
	} else {
		CHECK(err.line >= 0 && err.msg[0] != '\0');
		CHECK(run.n_eal_args == 3);	/* untouched */
	}
	conf_free(&run);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct conf_error err;
	struct conf c;
	char *text;
	size_t i;
	int n_lines = 1;

	if (memmem(data, size, "@include", 8) != NULL)
		return 0;
	text = malloc(size + 1);
	CHECK(text != NULL);
	memcpy(text, data, size);
	text[size] = '\0';
	for (i = 0; i < size; i++)
		n_lines += data[i] == '\n';
	memset(&err, 0, sizeof(err));
	if (conf_load_string(text, NAME, &c, &err) == 0) {
		check_accepted(&c);
		check_reload(&c);
	} else
		check_refused(&c, &err, n_lines);
	conf_free(&c);
	free(text);
	return 0;
}
