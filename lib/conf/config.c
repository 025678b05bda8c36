/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Configuration loader: errors, the walker that checks a libconfig tree
 * against the schema table (config_schema.c) and the public API. Each key's
 * type parses it (config_parse.c); the printers are in config_print.c.
 *
 * Key names in messages: the path from the root, dots between names, list
 * elements as ".[i]" (zero-based): "boundary_clocks.[0].servo.kp".
 * In the schema table any index is written "[]".
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libconfig.h>

#include "conf/config.h"
#include "conf/config_private.h"

/* ---- errors ---------------------------------------------------------- */

int conf_fail_line(struct conf_ctx *ctx, int line, const char *key,
		   const char *fmt, ...)
{
	va_list ap;

	ctx->err->line = line;
	snprintf(ctx->err->key, sizeof(ctx->err->key), "%s", key);
	va_start(ap, fmt);
	vsnprintf(ctx->err->msg, sizeof(ctx->err->msg), fmt, ap);
	va_end(ap);
	return -1;
}

void conf_error_str(const struct conf_error *err, char *buf, size_t len)
{
	char at[CONF_PATH_LEN * 4 + 16];

	if (err->line > 0)
		snprintf(at, sizeof(at), "%s:%d", err->file, err->line);
	else
		snprintf(at, sizeof(at), "%s", err->file);
	if (err->key[0] != '\0')
		snprintf(buf, len, "%s: %s: %s", at, err->key, err->msg);
	else
		snprintf(buf, len, "%s: %s", at, err->msg);
}

/* ---- small helpers --------------------------------------------------- */

void conf_store_int(void *p, size_t size, long long v)
{
	switch (size) {
	case 1: *(uint8_t *)p = (uint8_t)v; break;
	case 2: *(uint16_t *)p = (uint16_t)v; break;
	case 4: *(uint32_t *)p = (uint32_t)v; break;
	default: *(uint64_t *)p = (uint64_t)v; break;
	}
}

bool conf_is_int(const config_setting_t *s)
{
	int t = config_setting_type(s);

	return t == CONFIG_TYPE_INT || t == CONFIG_TYPE_INT64;
}

bool conf_is_seq(const config_setting_t *s)
{
	return config_setting_is_array(s) || config_setting_is_list(s);
}

void conf_keyf(char *buf, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, CONF_KEY_LEN, fmt, ap);
	va_end(ap);
}

void conf_elem_key(char *buf, const char *disp, int i)
{
	conf_keyf(buf, "%s.[%d]", disp, i);
}

/* Parent pattern of a key path: "ports.[].name" -> "ports.[]". */
size_t conf_parent_len(const char *path)
{
	const char *dot = strrchr(path, '.');

	return dot ? (size_t)(dot - path) : 0;
}

const char *conf_leaf(const char *path)
{
	const char *dot = strrchr(path, '.');

	return dot ? dot + 1 : path;
}

/* ---- walking the tree against the schema ---------------------------- */

static const struct conf_key *conf_find_key(const char *path)
{
	size_t i;

	for (i = 0; i < conf_n_keys; i++)
		if (strcmp(conf_keys[i].path, path) == 0)
			return &conf_keys[i];
	return NULL;
}

/* Is k a direct child of the group or element pattern pat? */
bool conf_is_child(const struct conf_key *k, const char *pat)
{
	size_t n = strlen(pat);

	return conf_parent_len(k->path) == n && strncmp(k->path, pat, n) == 0;
}

/* Does k live in the record of pat (below it, not in a nested list)? */
static bool conf_in_record(const struct conf_key *k, const char *pat)
{
	size_t n = strlen(pat);
	const char *rest;

	if (n > 0) {
		if (strncmp(k->path, pat, n) != 0 || k->path[n] != '.')
			return false;
		rest = k->path + n + 1;
	} else {
		rest = k->path;
	}
	return strstr(rest, "[]") == NULL;
}

/* Apply the table's defaults to every field of the record of pat. */
void conf_apply_defaults(const char *pat, void *rec)
{
	size_t i;

	for (i = 0; i < conf_n_keys; i++) {
		const struct conf_key *k = &conf_keys[i];

		if (conf_in_record(k, pat) && conf_types[k->type].dflt)
			conf_types[k->type].dflt(k, rec);
	}
}

static int conf_parse_key(struct conf_ctx *ctx, const struct conf_key *k,
			  const config_setting_t *s, void *rec,
			  const char *disp)
{
	if (conf_types[k->type].parse(ctx, k, s, rec, disp) < 0)
		return -1;
	/* A list runs its check on each element instead. */
	if (k->check == NULL || k->type == CK_LIST)
		return 0;
	return k->check(ctx, s, rec, disp);
}

static int conf_unknown_keys(struct conf_ctx *ctx, const char *pat,
			     const char *disp, const config_setting_t *grp)
{
	char path[CONF_KEY_LEN], key[CONF_KEY_LEN];
	int i, n = config_setting_length(grp);

	for (i = 0; i < n; i++) {
		const config_setting_t *s = config_setting_get_elem(grp, i);
		const char *name = config_setting_name(s);

		conf_keyf(path, "%s%s%s", pat, *pat ? "." : "",
			 name);
		if (conf_find_key(path) != NULL)
			continue;
		conf_keyf(key, "%s%s%s", disp, *disp ? "." : "",
			 name);
		return conf_fail(ctx, s, key, "unknown key");
	}
	return 0;
}

/*
 * Check a group against the keys below pattern pat, then parse its keys in
 * table order (so ports come before the boundary clocks that name them).
 */
int conf_walk_group(struct conf_ctx *ctx, const char *pat, const char *disp,
		    const config_setting_t *grp, void *rec)
{
	char key[CONF_KEY_LEN];
	size_t i;

	if (conf_unknown_keys(ctx, pat, disp, grp) < 0)
		return -1;
	for (i = 0; i < conf_n_keys; i++) {
		const struct conf_key *k = &conf_keys[i];
		const config_setting_t *s;

		if (!conf_is_child(k, pat))
			continue;
		conf_keyf(key, "%s%s%s", disp, *disp ? "." : "",
			 conf_leaf(k->path));
		s = config_setting_get_member(grp, conf_leaf(k->path));
		if (s == NULL) {
			if (k->flags & CK_REQUIRED)
				return conf_fail(ctx, grp, key,
						 "missing (required)");
			continue;
		}
		if (conf_parse_key(ctx, k, s, rec, key) < 0)
			return -1;
	}
	return 0;
}

/* ---- public API ------------------------------------------------------ */

void conf_defaults(struct conf *c)
{
	memset(c, 0, sizeof(*c));
	conf_apply_defaults("", c);
}

void conf_free(struct conf *c)
{
	unsigned int i;

	for (i = 0; i < c->n_eal_args; i++) {
		free(c->eal_args[i]);
		c->eal_args[i] = NULL;
	}
	c->n_eal_args = 0;
}

static int conf_from_tree(config_t *cfg, const char *name, struct conf *out,
			  struct conf_error *err)
{
	struct conf_ctx ctx = { .err = err };
	struct conf *c = malloc(sizeof(*c));

	if (c == NULL)
		return conf_fail_line(&ctx, 0, "", "out of memory");
	conf_defaults(c);
	snprintf(c->path, sizeof(c->path), "%s", name);
	ctx.c = c;
	if (conf_walk_group(&ctx, "", "", config_root_setting(cfg), c) < 0) {
		conf_free(c);
		free(c);
		return -1;
	}
	*out = *c;
	free(c);
	return 0;
}

static int conf_syntax_error(const config_t *cfg, struct conf_error *err)
{
	struct conf_ctx ctx = { .err = err };

	if (config_error_type(cfg) == CONFIG_ERR_FILE_IO)
		return conf_fail_line(&ctx, 0, "", "cannot read: %s",
				      strerror(errno ? errno : EIO));
	if (strstr(config_error_text(cfg), "syntax error") != NULL)
		return conf_fail_line(&ctx, config_error_line(cfg), "", "%s",
				      config_error_text(cfg));
	return conf_fail_line(&ctx, config_error_line(cfg), "",
			      "syntax error: %s", config_error_text(cfg));
}

static int conf_read(const char *text, const char *path, const char *name,
		     struct conf *c, struct conf_error *err)
{
	config_t cfg;
	int rc, ok;

	conf_defaults(c);
	memset(err, 0, sizeof(*err));
	snprintf(err->file, sizeof(err->file), "%s", name ? name : "-");
	config_init(&cfg);
	errno = 0;
	ok = text ? config_read_string(&cfg, text) :
		    config_read_file(&cfg, path);
	if (ok == CONFIG_TRUE)
		rc = conf_from_tree(&cfg, err->file, c, err);
	else
		rc = conf_syntax_error(&cfg, err);
	config_destroy(&cfg);
	return rc;
}

int conf_load(const char *path, struct conf *c, struct conf_error *err)
{
	return conf_read(NULL, path, path, c, err);
}

int conf_load_string(const char *text, const char *name, struct conf *c,
		     struct conf_error *err)
{
	return conf_read(text, NULL, name, c, err);
}

bool conf_tc_covers_domain(const struct conf *c, uint8_t d)
{
	if (!c->tc.enabled || conf_bc_for_domain(c, d) >= 0)
		return false;
	return c->tc.all_domains || conf_tc_listed(&c->tc, d);
}

int conf_bc_for_domain(const struct conf *c, uint8_t d)
{
	unsigned int i;

	for (i = 0; i < c->n_bcs; i++)
		if (c->bcs[i].domain == d)
			return (int)i;
	return -1;
}

int conf_port_index(const struct conf *c, const char *name)
{
	unsigned int i;

	for (i = 0; i < c->n_ports; i++)
		if (strcmp(c->ports[i].name, name) == 0)
			return (int)i;
	return -1;
}
