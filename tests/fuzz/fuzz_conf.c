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
 *     boundary clocks, their port lists, unique port names) and prints.
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

#include "conf/config.h"

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
	if (conf_load_string(text, NAME, &c, &err) == 0)
		check_accepted(&c);
	else
		check_refused(&c, &err, n_lines);
	conf_free(&c);
	free(text);
	return 0;
}
