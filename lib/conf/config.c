/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Configuration loader. One declarative schema table (conf_keys[]) holds
 * every key: its type, default, range, allowed strings, the struct field it
 * fills and its help text. The walker checks the libconfig tree against the
 * table (unknown keys, types, ranges), applies defaults from the same table,
 * fills struct conf and runs the cross-key checks. conf_print_reference()
 * prints the same table as Markdown, so code and documentation cannot drift.
 *
 * Key names in messages: the path from the root, dots between names, list
 * elements as ".[i]" (zero-based): "boundary_clocks.[0].servo.kp".
 * In the schema table any index is written "[]".
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <libconfig.h>

#include "conf/config.h"

#define CONF_KEY_LEN	128

enum ck_type {
	CK_GROUP,	/* { ... }: keys below share the parent's record */
	CK_LIST,	/* ( { ... }, ... ): each element a new record */
	CK_BOOL,
	CK_INT,		/* integer, stored by field size */
	CK_FLOAT,
	CK_STRING,	/* copied into a char[size] */
	CK_ENUM,	/* string out of allowed[], stored as its index */
	CK_STRV,	/* array of strings, strdup'd */
	CK_INTS,	/* array of distinct integers (int) */
	CK_DOMAINS,	/* "all" or array of domain numbers (struct conf_tc) */
	CK_PORTREFS,	/* array of port names -> indices into conf.ports */
	CK_CLOCKIDS,	/* array of clock identities */
	CK_CLOCKID,	/* one clock identity */
	CK_IPV4,	/* "A.B.C.D[/N]" into struct conf_ipv4 */
	CK_IPV6,	/* "X:..:X[/N]" into struct conf_ipv6 */
	CK_IPADDR,	/* IPv4 or IPv6 address into conf_time_receiver */
	CK_DOMAIN_PAIR,	/* [ a, b ]: two boundary-clock domains */
	CK_FIXED,	/* not configurable: naming it is an error */
	CK_NTYPES
};

#define CK_REQUIRED	0x1

struct conf_ctx {
	struct conf *c;
	struct conf_error *err;
};

struct conf_key;
/* Cross-key check run after a key parsed; 0 or -1 with ctx->err filled. */
typedef int (*conf_check_fn)(struct conf_ctx *ctx, const config_setting_t *s,
			     void *rec, const char *disp);

struct conf_key {
	const char *path;	/* "ports.[].name"; "[]" stands for any index */
	enum ck_type type;
	unsigned int flags;	/* CK_REQUIRED */
	const char *def;	/* default as written in a file; NULL: none */
	double min, max;	/* value range (integers, floats, string len) */
	unsigned int min_n, cap; /* arrays and lists: element count range */
	const char *const *allowed; /* CK_ENUM: strings in enum order */
	size_t off;		/* field offset in the current record */
	size_t size;		/* field size; arrays and lists: element size */
	size_t cnt_off;		/* arrays and lists: offset of the count */
	conf_check_fn check;	/* optional cross-key check */
	const char *help;
};

struct conf_type_ops {
	const char *name;	/* type as the reference names it */
	int (*parse)(struct conf_ctx *ctx, const struct conf_key *k,
		     const config_setting_t *s, void *rec, const char *disp);
	void (*dflt)(const struct conf_key *k, void *rec);
	void (*range)(const struct conf_key *k, char *buf, size_t len);
};

static int conf_walk_group(struct conf_ctx *ctx, const char *pat,
			   const char *disp, const config_setting_t *grp,
			   void *rec);
static void conf_apply_defaults(const char *pat, void *rec);

/* ---- errors ---------------------------------------------------------- */

static int conf_fail_line(struct conf_ctx *ctx, int line, const char *key,
			  const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int conf_fail_line(struct conf_ctx *ctx, int line, const char *key,
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

#define conf_fail(ctx, s, key, ...) \
	conf_fail_line(ctx, (s) ? (int)config_setting_source_line(s) : 0, \
		       key, __VA_ARGS__)

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

#define FIELD(rec, k)	((void *)((char *)(rec) + (k)->off))
#define COUNT(rec, k)	((unsigned int *)((char *)(rec) + (k)->cnt_off))

static void conf_store_int(void *p, size_t size, long long v)
{
	switch (size) {
	case 1: *(uint8_t *)p = (uint8_t)v; break;
	case 2: *(uint16_t *)p = (uint16_t)v; break;
	case 4: *(uint32_t *)p = (uint32_t)v; break;
	default: *(uint64_t *)p = (uint64_t)v; break;
	}
}

static bool conf_is_int(const config_setting_t *s)
{
	int t = config_setting_type(s);

	return t == CONFIG_TYPE_INT || t == CONFIG_TYPE_INT64;
}

/* A bracketed array or a parenthesised list: both hold scalars here. */
static bool conf_is_seq(const config_setting_t *s)
{
	return config_setting_is_array(s) || config_setting_is_list(s);
}

/* Format a key name into buf (CONF_KEY_LEN bytes), truncating if needed. */
static void conf_keyf(char *buf, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void conf_keyf(char *buf, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, CONF_KEY_LEN, fmt, ap);
	va_end(ap);
}

static void conf_elem_key(char *buf, const char *disp, int i)
{
	conf_keyf(buf, "%s.[%d]", disp, i);
}

/* Parent pattern of a key path: "ports.[].name" -> "ports.[]". */
static size_t conf_parent_len(const char *path)
{
	const char *dot = strrchr(path, '.');

	return dot ? (size_t)(dot - path) : 0;
}

static const char *conf_leaf(const char *path)
{
	const char *dot = strrchr(path, '.');

	return dot ? dot + 1 : path;
}

static int conf_check_count(struct conf_ctx *ctx, const struct conf_key *k,
			    const config_setting_t *s, const char *disp)
{
	int n = config_setting_length(s);
	char key[CONF_KEY_LEN];

	if ((unsigned int)n > k->cap) {
		conf_elem_key(key, disp, (int)k->cap);
		return conf_fail(ctx, config_setting_get_elem(s, k->cap), key,
				 "too many entries (at most %u)", k->cap);
	}
	if ((unsigned int)n < k->min_n)
		return conf_fail(ctx, s, disp,
				 "needs at least %u entr%s", k->min_n,
				 k->min_n == 1 ? "y" : "ies");
	return 0;
}

static int conf_parse_group(struct conf_ctx *ctx, const struct conf_key *k,
			    const config_setting_t *s, void *rec,
			    const char *disp)
{
	if (!config_setting_is_group(s))
		return conf_fail(ctx, s, disp, "expected a group { ... }");
	return conf_walk_group(ctx, k->path, disp, s, rec);
}

static int conf_parse_list(struct conf_ctx *ctx, const struct conf_key *k,
			   const config_setting_t *s, void *rec,
			   const char *disp)
{
	char pat[CONF_KEY_LEN], key[CONF_KEY_LEN];
	unsigned int *cnt = COUNT(rec, k);
	int i, n = config_setting_length(s);

	/* An empty [ ] is read as an array; accept it as an empty list. */
	if (!config_setting_is_list(s) && !(config_setting_is_array(s) && !n))
		return conf_fail(ctx, s, disp,
				 "expected a list ( { ... }, ... )");
	if (conf_check_count(ctx, k, s, disp) < 0)
		return -1;
	snprintf(pat, sizeof(pat), "%s.[]", k->path);
	for (i = 0; i < n; i++) {
		const config_setting_t *e = config_setting_get_elem(s, i);
		void *erec = (char *)FIELD(rec, k) + (size_t)i * k->size;

		conf_elem_key(key, disp, i);
		if (!config_setting_is_group(e))
			return conf_fail(ctx, e, key,
					 "expected a group { ... }");
		conf_apply_defaults(pat, erec);
		if (conf_walk_group(ctx, pat, key, e, erec) < 0)
			return -1;
		*cnt = (unsigned int)i + 1;
		if (k->check && k->check(ctx, e, erec, key) < 0)
			return -1;
	}
	return 0;
}

/* ---- scalar types ---------------------------------------------------- */

static int conf_get_int(struct conf_ctx *ctx, const struct conf_key *k,
			const config_setting_t *s, const char *disp,
			long long *v)
{
	*v = 0;
	if (!conf_is_int(s))
		return conf_fail(ctx, s, disp, "expected an integer");
	*v = config_setting_get_int64(s);
	if ((double)*v < k->min || (double)*v > k->max)
		return conf_fail(ctx, s, disp,
				 "value %lld out of range %.0f .. %.0f",
				 *v, k->min, k->max);
	return 0;
}

static int conf_get_str(struct conf_ctx *ctx, const config_setting_t *s,
			const char *disp, const char **v)
{
	*v = "";
	if (config_setting_type(s) != CONFIG_TYPE_STRING)
		return conf_fail(ctx, s, disp, "expected a string");
	*v = config_setting_get_string(s);
	return 0;
}

static int conf_parse_bool(struct conf_ctx *ctx, const struct conf_key *k,
			   const config_setting_t *s, void *rec,
			   const char *disp)
{
	if (config_setting_type(s) != CONFIG_TYPE_BOOL)
		return conf_fail(ctx, s, disp,
				 "expected a boolean (true or false)");
	*(bool *)FIELD(rec, k) = config_setting_get_bool(s) != 0;
	return 0;
}

static void conf_dflt_bool(const struct conf_key *k, void *rec)
{
	*(bool *)FIELD(rec, k) = k->def && strcmp(k->def, "true") == 0;
}

static int conf_parse_int(struct conf_ctx *ctx, const struct conf_key *k,
			  const config_setting_t *s, void *rec,
			  const char *disp)
{
	long long v;

	if (conf_get_int(ctx, k, s, disp, &v) < 0)
		return -1;
	conf_store_int(FIELD(rec, k), k->size, v);
	return 0;
}

static void conf_dflt_int(const struct conf_key *k, void *rec)
{
	if (k->def && k->size)
		conf_store_int(FIELD(rec, k), k->size,
			       strtoll(k->def, NULL, 0));
}

static void conf_range_int(const struct conf_key *k, char *buf, size_t len)
{
	snprintf(buf, len, "%.0f .. %.0f", k->min, k->max);
}

static int conf_parse_float(struct conf_ctx *ctx, const struct conf_key *k,
			    const config_setting_t *s, void *rec,
			    const char *disp)
{
	double v;

	if (!config_setting_is_number(s))
		return conf_fail(ctx, s, disp, "expected a number");
	v = config_setting_type(s) == CONFIG_TYPE_FLOAT ?
		config_setting_get_float(s) :
		(double)config_setting_get_int64(s);
	if (v < k->min || v > k->max)
		return conf_fail(ctx, s, disp, "value %g out of range %g .. %g",
				 v, k->min, k->max);
	*(double *)FIELD(rec, k) = v;
	return 0;
}

static void conf_dflt_float(const struct conf_key *k, void *rec)
{
	*(double *)FIELD(rec, k) = k->def ? strtod(k->def, NULL) : 0.0;
}

static void conf_range_float(const struct conf_key *k, char *buf, size_t len)
{
	snprintf(buf, len, "%g .. %g", k->min, k->max);
}

static int conf_parse_string(struct conf_ctx *ctx, const struct conf_key *k,
			     const config_setting_t *s, void *rec,
			     const char *disp)
{
	const char *v;
	size_t n;

	if (conf_get_str(ctx, s, disp, &v) < 0)
		return -1;
	n = strlen(v);
	if ((double)n < k->min || (double)n > k->max || n >= k->size)
		return conf_fail(ctx, s, disp,
				 "length %zu out of range %.0f .. %.0f "
				 "characters", n, k->min, k->max);
	memcpy(FIELD(rec, k), v, n + 1);
	return 0;
}

static void conf_dflt_string(const struct conf_key *k, void *rec)
{
	snprintf(FIELD(rec, k), k->size, "%s", k->def ? k->def : "");
}

static void conf_range_string(const struct conf_key *k, char *buf, size_t len)
{
	snprintf(buf, len, "%.0f .. %.0f characters", k->min, k->max);
}

static int conf_enum_index(const struct conf_key *k, const char *v)
{
	int i;

	for (i = 0; k->allowed[i] != NULL; i++)
		if (strcmp(k->allowed[i], v) == 0)
			return i;
	return -1;
}

static void conf_enum_list(const struct conf_key *k, char *buf, size_t len,
			   const char *quote)
{
	size_t used = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; k->allowed[i] != NULL && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s%s%s%s",
					 i ? ", " : "", quote, k->allowed[i],
					 quote);
}

static int conf_parse_enum(struct conf_ctx *ctx, const struct conf_key *k,
			   const config_setting_t *s, void *rec,
			   const char *disp)
{
	char list[128];
	const char *v;
	int idx;

	if (conf_get_str(ctx, s, disp, &v) < 0)
		return -1;
	idx = conf_enum_index(k, v);
	if (idx < 0) {
		conf_enum_list(k, list, sizeof(list), "");
		return conf_fail(ctx, s, disp, "bad value \"%s\" (one of: %s)",
				 v, list);
	}
	conf_store_int(FIELD(rec, k), k->size, idx);
	return 0;
}

static void conf_dflt_enum(const struct conf_key *k, void *rec)
{
	int idx = k->def ? conf_enum_index(k, k->def) : 0;

	conf_store_int(FIELD(rec, k), k->size, idx < 0 ? 0 : idx);
}

static void conf_range_enum(const struct conf_key *k, char *buf, size_t len)
{
	conf_enum_list(k, buf, len, "`");
}

/* ---- arrays ---------------------------------------------------------- */

static int conf_seq(struct conf_ctx *ctx, const struct conf_key *k,
		    const config_setting_t *s, const char *disp)
{
	if (!conf_is_seq(s))
		return conf_fail(ctx, s, disp, "expected an array [ ... ]");
	return conf_check_count(ctx, k, s, disp);
}

static int conf_parse_strv(struct conf_ctx *ctx, const struct conf_key *k,
			   const config_setting_t *s, void *rec,
			   const char *disp)
{
	char **v = FIELD(rec, k);
	unsigned int *cnt = COUNT(rec, k);
	char key[CONF_KEY_LEN];
	const char *str;
	int i;

	if (conf_seq(ctx, k, s, disp) < 0)
		return -1;
	for (i = 0; i < config_setting_length(s); i++) {
		const config_setting_t *e = config_setting_get_elem(s, i);

		conf_elem_key(key, disp, i);
		if (conf_get_str(ctx, e, key, &str) < 0)
			return -1;
		v[i] = strdup(str);
		if (v[i] == NULL)
			return conf_fail(ctx, e, key, "out of memory");
		*cnt = (unsigned int)i + 1;
	}
	return 0;
}

static void conf_range_seq(const struct conf_key *k, char *buf, size_t len)
{
	if (k->min_n)
		snprintf(buf, len, "%u .. %u entries", k->min_n, k->cap);
	else
		snprintf(buf, len, "up to %u entries", k->cap);
}

static int conf_find_int(const int *v, int n, int x)
{
	int i;

	for (i = 0; i < n; i++)
		if (v[i] == x)
			return i;
	return -1;
}

static int conf_parse_ints(struct conf_ctx *ctx, const struct conf_key *k,
			   const config_setting_t *s, void *rec,
			   const char *disp)
{
	int *v = FIELD(rec, k);
	unsigned int *cnt = COUNT(rec, k);
	char key[CONF_KEY_LEN];
	long long x;
	int i;

	if (conf_seq(ctx, k, s, disp) < 0)
		return -1;
	*cnt = 0;
	for (i = 0; i < config_setting_length(s); i++) {
		const config_setting_t *e = config_setting_get_elem(s, i);

		conf_elem_key(key, disp, i);
		if (conf_get_int(ctx, k, e, key, &x) < 0)
			return -1;
		if (conf_find_int(v, i, (int)x) >= 0)
			return conf_fail(ctx, e, key, "%lld listed twice", x);
		v[i] = (int)x;
		*cnt = (unsigned int)i + 1;
	}
	return 0;
}

/* Default of an integer array, written "[ 1, 2 ]" in the table. */
static void conf_dflt_ints(const struct conf_key *k, void *rec)
{
	int *v = FIELD(rec, k);
	unsigned int *cnt = COUNT(rec, k);
	const char *p = k->def ? k->def : "";
	char *end;

	*cnt = 0;
	while (*p != '\0' && *cnt < k->cap) {
		if (!isdigit((unsigned char)*p) && *p != '-') {
			p++;
			continue;
		}
		v[(*cnt)++] = (int)strtol(p, &end, 0);
		p = end;
	}
}

static void conf_range_ints(const struct conf_key *k, char *buf, size_t len)
{
	snprintf(buf, len, "%u .. %u entries, each %.0f .. %.0f",
		 k->min_n, k->cap, k->min, k->max);
}

static void conf_tc_set(struct conf_tc *tc, uint8_t d)
{
	tc->domain_bitmap[d / 8] |= (uint8_t)(1u << (d % 8));
}

static bool conf_tc_listed(const struct conf_tc *tc, uint8_t d)
{
	return tc->domain_bitmap[d / 8] & (1u << (d % 8));
}

static int conf_parse_domains(struct conf_ctx *ctx, const struct conf_key *k,
			      const config_setting_t *s, void *rec,
			      const char *disp)
{
	struct conf_tc *tc = FIELD(rec, k);
	char key[CONF_KEY_LEN];
	long long d;
	int i;

	if (config_setting_type(s) == CONFIG_TYPE_STRING) {
		if (strcmp(config_setting_get_string(s), "all") != 0)
			return conf_fail(ctx, s, disp, "bad value \"%s\" "
					 "(\"all\" or a list of domains)",
					 config_setting_get_string(s));
		return 0;
	}
	if (!conf_is_seq(s))
		return conf_fail(ctx, s, disp,
				 "expected \"all\" or a list of domains");
	tc->all_domains = false;
	memset(tc->domain_bitmap, 0, sizeof(tc->domain_bitmap));
	for (i = 0; i < config_setting_length(s); i++) {
		const config_setting_t *e = config_setting_get_elem(s, i);

		conf_elem_key(key, disp, i);
		if (conf_get_int(ctx, k, e, key, &d) < 0)
			return -1;
		if (conf_tc_listed(tc, (uint8_t)d))
			return conf_fail(ctx, e, key, "domain %lld listed "
					 "twice", d);
		conf_tc_set(tc, (uint8_t)d);
	}
	return 0;
}

static void conf_dflt_domains(const struct conf_key *k, void *rec)
{
	struct conf_tc *tc = FIELD(rec, k);

	tc->all_domains = true;
	memset(tc->domain_bitmap, 0, sizeof(tc->domain_bitmap));
}

static void conf_range_domains(const struct conf_key *k, char *buf,
			       size_t len)
{
	snprintf(buf, len, "`\"all\"`, or a list of domains %.0f .. %.0f",
		 k->min, k->max);
}

static int conf_parse_portrefs(struct conf_ctx *ctx, const struct conf_key *k,
			       const config_setting_t *s, void *rec,
			       const char *disp)
{
	int *v = FIELD(rec, k), idx, i;
	unsigned int *cnt = COUNT(rec, k);
	char key[CONF_KEY_LEN];
	const char *name;

	if (conf_seq(ctx, k, s, disp) < 0)
		return -1;
	*cnt = 0;
	for (i = 0; i < config_setting_length(s); i++) {
		const config_setting_t *e = config_setting_get_elem(s, i);

		conf_elem_key(key, disp, i);
		if (conf_get_str(ctx, e, key, &name) < 0)
			return -1;
		idx = conf_port_index(ctx->c, name);
		if (idx < 0)
			return conf_fail(ctx, e, key, "port \"%s\" is not "
					 "defined in ports", name);
		if (conf_find_int(v, i, idx) >= 0)
			return conf_fail(ctx, e, key, "port \"%s\" listed "
					 "twice", name);
		v[i] = idx;
		*cnt = (unsigned int)i + 1;
	}
	return 0;
}

static int conf_hex(int ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	ch = tolower(ch);
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	return -1;
}

/* "aabbcc.fffe.ddeeff": 8 octets in hex, dots after the 3rd and 5th. */
static int conf_clock_id_parse(const char *str, struct ptp_clock_identity *id)
{
	size_t i, n = 0;
	int hi, lo;

	if (strlen(str) != 18 || str[6] != '.' || str[11] != '.')
		return -1;
	for (i = 0; i < 18; i += 2) {
		if (i == 6 || i == 11)
			i++;
		hi = conf_hex(str[i]);
		lo = conf_hex(str[i + 1]);
		if (hi < 0 || lo < 0)
			return -1;
		id->id[n++] = (uint8_t)(hi << 4 | lo);
	}
	return n == 8 ? 0 : -1;
}

static void conf_clock_id_str(const struct ptp_clock_identity *id, char *buf,
			      size_t len)
{
	const uint8_t *b = id->id;

	snprintf(buf, len, "%02x%02x%02x.%02x%02x.%02x%02x%02x",
		 b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]);
}

static int conf_get_clock_id(struct conf_ctx *ctx, const config_setting_t *s,
			     const char *disp, struct ptp_clock_identity *id)
{
	const char *str;

	if (conf_get_str(ctx, s, disp, &str) < 0)
		return -1;
	if (conf_clock_id_parse(str, id) < 0)
		return conf_fail(ctx, s, disp, "bad clock identity \"%s\" "
				 "(expected aabbcc.fffe.ddeeff)", str);
	return 0;
}

static int conf_parse_clockid(struct conf_ctx *ctx, const struct conf_key *k,
			      const config_setting_t *s, void *rec,
			      const char *disp)
{
	return conf_get_clock_id(ctx, s, disp, FIELD(rec, k));
}

static int conf_parse_clockids(struct conf_ctx *ctx, const struct conf_key *k,
			       const config_setting_t *s, void *rec,
			       const char *disp)
{
	struct ptp_clock_identity *v = FIELD(rec, k);
	unsigned int *cnt = COUNT(rec, k);
	char key[CONF_KEY_LEN];
	int i, j;

	if (conf_seq(ctx, k, s, disp) < 0)
		return -1;
	*cnt = 0;
	for (i = 0; i < config_setting_length(s); i++) {
		const config_setting_t *e = config_setting_get_elem(s, i);

		conf_elem_key(key, disp, i);
		if (conf_get_clock_id(ctx, e, key, &v[i]) < 0)
			return -1;
		for (j = 0; j < i; j++)
			if (memcmp(&v[j], &v[i], sizeof(v[i])) == 0)
				return conf_fail(ctx, e, key,
						 "clock identity listed twice");
		*cnt = (unsigned int)i + 1;
	}
	return 0;
}

/*
 * Split "ADDR/N" into addr (copied into buf) and prefix; no "/N" gives
 * max_prefix. Returns 0 or -1.
 */
static int conf_split_prefix(const char *str, char *buf, size_t len,
			     int max_prefix, uint8_t *prefix)
{
	const char *slash = strchr(str, '/');
	size_t n = slash ? (size_t)(slash - str) : strlen(str);
	char *end;
	long p;

	if (n == 0 || n >= len)
		return -1;
	memcpy(buf, str, n);
	buf[n] = '\0';
	*prefix = (uint8_t)max_prefix;
	if (slash == NULL)
		return 0;
	if (!isdigit((unsigned char)slash[1]))
		return -1;
	errno = 0;
	p = strtol(slash + 1, &end, 10);
	if (*end != '\0' || errno || p < 0 || p > max_prefix)
		return -1;
	*prefix = (uint8_t)p;
	return 0;
}

static int conf_parse_ipv4(struct conf_ctx *ctx, const struct conf_key *k,
			   const config_setting_t *s, void *rec,
			   const char *disp)
{
	struct conf_ipv4 *ip = FIELD(rec, k);
	char buf[INET_ADDRSTRLEN];
	const char *str;

	if (conf_get_str(ctx, s, disp, &str) < 0)
		return -1;
	if (conf_split_prefix(str, buf, sizeof(buf), 32, &ip->prefix) < 0 ||
	    inet_pton(AF_INET, buf, &ip->addr) != 1)
		return conf_fail(ctx, s, disp, "bad IPv4 address/prefix "
				 "\"%s\" (expected A.B.C.D/N)", str);
	ip->set = true;
	return 0;
}

static int conf_parse_ipv6(struct conf_ctx *ctx, const struct conf_key *k,
			   const config_setting_t *s, void *rec,
			   const char *disp)
{
	struct conf_ipv6 *ip = FIELD(rec, k);
	char buf[INET6_ADDRSTRLEN];
	const char *str;

	if (conf_get_str(ctx, s, disp, &str) < 0)
		return -1;
	if (conf_split_prefix(str, buf, sizeof(buf), 128, &ip->prefix) < 0 ||
	    inet_pton(AF_INET6, buf, &ip->addr) != 1)
		return conf_fail(ctx, s, disp, "bad IPv6 address/prefix "
				 "\"%s\" (expected X:X::X/N)", str);
	ip->set = true;
	return 0;
}

static int conf_parse_ipaddr(struct conf_ctx *ctx, const struct conf_key *k,
			     const config_setting_t *s, void *rec,
			     const char *disp)
{
	struct conf_time_receiver *tr = FIELD(rec, k);
	const char *str;

	if (conf_get_str(ctx, s, disp, &str) < 0)
		return -1;
	if (inet_pton(AF_INET, str, &tr->addr4) == 1) {
		tr->is_v6 = false;
		return 0;
	}
	if (inet_pton(AF_INET6, str, &tr->addr6) == 1) {
		tr->is_v6 = true;
		return 0;
	}
	return conf_fail(ctx, s, disp, "bad IP address \"%s\"", str);
}

static int conf_parse_domain_pair(struct conf_ctx *ctx,
				  const struct conf_key *k,
				  const config_setting_t *s, void *rec,
				  const char *disp)
{
	struct conf_monitor *m = FIELD(rec, k);
	char key[CONF_KEY_LEN];
	long long d[2];
	int i;

	if (conf_seq(ctx, k, s, disp) < 0)
		return -1;
	for (i = 0; i < 2; i++) {
		const config_setting_t *e = config_setting_get_elem(s, i);

		conf_elem_key(key, disp, i);
		if (conf_get_int(ctx, k, e, key, &d[i]) < 0)
			return -1;
		if (conf_bc_for_domain(ctx->c, (uint8_t)d[i]) < 0)
			return conf_fail(ctx, e, key, "domain %lld has no "
					 "boundary clock", d[i]);
	}
	if (d[0] == d[1])
		return conf_fail(ctx, s, disp, "the two domains must differ");
	m->domain_a = (uint8_t)d[0];
	m->domain_b = (uint8_t)d[1];
	return 0;
}

static int conf_parse_fixed(struct conf_ctx *ctx, const struct conf_key *k,
			    const config_setting_t *s, void *rec,
			    const char *disp)
{
	(void)rec;
	return conf_fail(ctx, s, disp, "not configurable: %s", k->help);
}

static void conf_range_none(const struct conf_key *k, char *buf, size_t len)
{
	(void)k;
	snprintf(buf, len, " ");
}

static const struct conf_type_ops conf_types[CK_NTYPES] = {
	[CK_GROUP] = { "group", conf_parse_group, NULL, conf_range_none },
	[CK_LIST] = { "list of groups", conf_parse_list, NULL,
		      conf_range_seq },
	[CK_BOOL] = { "boolean", conf_parse_bool, conf_dflt_bool,
		      conf_range_none },
	[CK_INT] = { "integer", conf_parse_int, conf_dflt_int,
		     conf_range_int },
	[CK_FLOAT] = { "float", conf_parse_float, conf_dflt_float,
		       conf_range_float },
	[CK_STRING] = { "string", conf_parse_string, conf_dflt_string,
			conf_range_string },
	[CK_ENUM] = { "string (enum)", conf_parse_enum, conf_dflt_enum,
		      conf_range_enum },
	[CK_STRV] = { "array of strings", conf_parse_strv, NULL,
		      conf_range_seq },
	[CK_INTS] = { "array of integers", conf_parse_ints, conf_dflt_ints,
		      conf_range_ints },
	[CK_DOMAINS] = { "string or array of integers", conf_parse_domains,
			 conf_dflt_domains, conf_range_domains },
	[CK_PORTREFS] = { "array of port names", conf_parse_portrefs, NULL,
			  conf_range_seq },
	[CK_CLOCKIDS] = { "array of clock identities", conf_parse_clockids,
			  NULL, conf_range_seq },
	[CK_CLOCKID] = { "clock identity", conf_parse_clockid, NULL,
			 conf_range_none },
	[CK_IPV4] = { "IPv4 address/prefix", conf_parse_ipv4, NULL,
		      conf_range_none },
	[CK_IPV6] = { "IPv6 address/prefix", conf_parse_ipv6, NULL,
		      conf_range_none },
	[CK_IPADDR] = { "IP address", conf_parse_ipaddr, NULL,
			conf_range_none },
	[CK_DOMAIN_PAIR] = { "array of 2 integers", conf_parse_domain_pair,
			     NULL, conf_range_int },
	[CK_FIXED] = { "fixed", conf_parse_fixed, conf_dflt_int,
		       conf_range_none },
};

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

static const char *const conf_ts_modes[] = {
	"auto", "hardware", "software", NULL };
static const char *const conf_tc_modes[] = { "one-step", "two-step", NULL };
static const char *const conf_transports[] = { "udpv4", "udpv6", NULL };
static const char *const conf_dreq_modes[] = {
	"multicast", "unicast", NULL };
static const char *const conf_ipv6_scopes[] = {
	"global", "organization-local", "site-local", "admin-local",
	"realm-local", "link-local", "interface-local", NULL };
static const uint8_t conf_ipv6_scope_x[] = { 0xE, 0x8, 0x5, 0x4, 0x3, 0x2,
					     0x1 };

uint8_t conf_ipv6_scope_nibble(enum conf_ipv6_scope s)
{
	return (unsigned int)s < sizeof(conf_ipv6_scope_x) ?
	       conf_ipv6_scope_x[s] : 0xE;
}

static const char *const conf_log_levels[] = {
	"err", "warning", "notice", "info", "debug", NULL };

#define BC	"boundary_clocks.[]."
#define TR	BC "time_receivers.[]."

static const struct conf_key conf_keys[] = {
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

static const size_t conf_n_keys = sizeof(conf_keys) / sizeof(conf_keys[0]);

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
static bool conf_is_child(const struct conf_key *k, const char *pat)
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
static void conf_apply_defaults(const char *pat, void *rec)
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
static int conf_walk_group(struct conf_ctx *ctx, const char *pat,
			   const char *disp, const config_setting_t *grp,
			   void *rec)
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

	fprintf(out, "    domain %u, %s%s%s, %s, Delay_Req %s%s\n", bc->domain,
		conf_transports[bc->transport],
		bc->transport == CONF_UDPV6 ? " multicast scope " : "",
		bc->transport == CONF_UDPV6 ?
		conf_ipv6_scopes[bc->ipv6_multicast_scope] : "",
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
	fprintf(out, "  log level %s, status every %u ms, MAC aging %u s, ",
		conf_log_levels[c->log_level], c->status_interval_ms,
		c->mac_aging_s);
	if (c->mbufs)
		fprintf(out, "%u mbufs\n", c->mbufs);
	else
		fprintf(out, "mbufs sized from the ports\n");
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
