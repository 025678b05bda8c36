/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The schema's types (enum ck_type): how each parses a setting into its
 * field, applies its default and states its range for the reference
 * (conf_types[]).
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libconfig.h>

#include "conf/config.h"
#include "conf/config_private.h"

/* ---- groups and lists ------------------------------------------------ */

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

/* Element i of an array key: e (named key) parsed into field, the
 * array. Returns 0, or -1 (reported). */
typedef int conf_elem_fn(struct conf_ctx *ctx, const struct conf_key *k,
			 const config_setting_t *e, const char *key,
			 void *field, int i);

/* An array key: each element through elem, counted once it is in. */
static int conf_parse_seq(struct conf_ctx *ctx, const struct conf_key *k,
			  const config_setting_t *s, void *rec,
			  const char *disp, conf_elem_fn *elem)
{
	unsigned int *cnt = COUNT(rec, k);
	char key[CONF_KEY_LEN];
	int i;

	if (conf_seq(ctx, k, s, disp) < 0)
		return -1;
	*cnt = 0;
	for (i = 0; i < config_setting_length(s); i++) {
		const config_setting_t *e = config_setting_get_elem(s, i);

		conf_elem_key(key, disp, i);
		if (elem(ctx, k, e, key, FIELD(rec, k), i) < 0)
			return -1;
		*cnt = (unsigned int)i + 1;
	}
	return 0;
}

static int conf_elem_str(struct conf_ctx *ctx, const struct conf_key *k,
			 const config_setting_t *e, const char *key,
			 void *field, int i)
{
	char **v = field;
	const char *str;

	(void)k;
	if (conf_get_str(ctx, e, key, &str) < 0)
		return -1;
	v[i] = strdup(str);
	if (v[i] == NULL)
		return conf_fail(ctx, e, key, "out of memory");
	return 0;
}

static int conf_parse_strv(struct conf_ctx *ctx, const struct conf_key *k,
			   const config_setting_t *s, void *rec,
			   const char *disp)
{
	return conf_parse_seq(ctx, k, s, rec, disp, conf_elem_str);
}

static void conf_range_seq(const struct conf_key *k, char *buf, size_t len)
{
	if (k->min_n)
		snprintf(buf, len, "%u .. %u entries", k->min_n, k->cap);
	else
		snprintf(buf, len, "up to %u entries", k->cap);
}

int conf_find_int(const int *v, int n, int x)
{
	int i;

	for (i = 0; i < n; i++)
		if (v[i] == x)
			return i;
	return -1;
}

/* An integer not listed before it. */
static int conf_elem_int(struct conf_ctx *ctx, const struct conf_key *k,
			 const config_setting_t *e, const char *key,
			 void *field, int i)
{
	int *v = field;
	long long x;

	if (conf_get_int(ctx, k, e, key, &x) < 0)
		return -1;
	if (conf_find_int(v, i, (int)x) >= 0)
		return conf_fail(ctx, e, key, "%lld listed twice", x);
	v[i] = (int)x;
	return 0;
}

static int conf_parse_ints(struct conf_ctx *ctx, const struct conf_key *k,
			   const config_setting_t *s, void *rec,
			   const char *disp)
{
	return conf_parse_seq(ctx, k, s, rec, disp, conf_elem_int);
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

bool conf_tc_listed(const struct conf_tc *tc, uint8_t d)
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

/* A defined port's name, not listed before it: its index. */
static int conf_elem_portref(struct conf_ctx *ctx, const struct conf_key *k,
			     const config_setting_t *e, const char *key,
			     void *field, int i)
{
	int *v = field, idx;
	const char *name;

	(void)k;
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
	return 0;
}

static int conf_parse_portrefs(struct conf_ctx *ctx, const struct conf_key *k,
			       const config_setting_t *s, void *rec,
			       const char *disp)
{
	return conf_parse_seq(ctx, k, s, rec, disp, conf_elem_portref);
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

void conf_clock_id_str(const struct ptp_clock_identity *id, char *buf,
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

/* A clock identity not listed before it. */
static int conf_elem_clockid(struct conf_ctx *ctx, const struct conf_key *k,
			     const config_setting_t *e, const char *key,
			     void *field, int i)
{
	struct ptp_clock_identity *v = field;
	int j;

	(void)k;
	if (conf_get_clock_id(ctx, e, key, &v[i]) < 0)
		return -1;
	for (j = 0; j < i; j++)
		if (memcmp(&v[j], &v[i], sizeof(v[i])) == 0)
			return conf_fail(ctx, e, key,
					 "clock identity listed twice");
	return 0;
}

static int conf_parse_clockids(struct conf_ctx *ctx, const struct conf_key *k,
			       const config_setting_t *s, void *rec,
			       const char *disp)
{
	return conf_parse_seq(ctx, k, s, rec, disp, conf_elem_clockid);
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

/* CK_IPV4 and CK_IPV6: "ADDRESS[/N]" (without /N the prefix is the
 * address's length in bits). */
static int conf_parse_ipnet(struct conf_ctx *ctx, const struct conf_key *k,
			    const config_setting_t *s, void *rec,
			    const char *disp)
{
	const bool v6 = k->type == CK_IPV6;
	struct conf_ipv4 *ip4 = FIELD(rec, k);
	struct conf_ipv6 *ip6 = FIELD(rec, k);
	void *addr = v6 ? (void *)&ip6->addr : (void *)&ip4->addr;
	uint8_t *prefix = v6 ? &ip6->prefix : &ip4->prefix;
	char buf[INET6_ADDRSTRLEN];
	const char *str;

	if (conf_get_str(ctx, s, disp, &str) < 0)
		return -1;
	if (conf_split_prefix(str, buf, v6 ? INET6_ADDRSTRLEN : INET_ADDRSTRLEN,
			      v6 ? 128 : 32, prefix) < 0 ||
	    inet_pton(v6 ? AF_INET6 : AF_INET, buf, addr) != 1)
		return conf_fail(ctx, s, disp, "bad IPv%c address/prefix "
				 "\"%s\" (expected %s/N)", v6 ? '6' : '4', str,
				 v6 ? "X:X::X" : "A.B.C.D");
	*(v6 ? &ip6->set : &ip4->set) = true;
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

const struct conf_type_ops conf_types[CK_NTYPES] = {
	[CK_GROUP] = { "group",
		conf_parse_group, NULL, conf_range_none },
	[CK_LIST] = { "list of groups",
		conf_parse_list, NULL, conf_range_seq },
	[CK_BOOL] = { "boolean",
		conf_parse_bool, conf_dflt_bool, conf_range_none },
	[CK_INT] = { "integer",
		conf_parse_int, conf_dflt_int, conf_range_int },
	[CK_FLOAT] = { "float",
		conf_parse_float, conf_dflt_float, conf_range_float },
	[CK_STRING] = { "string",
		conf_parse_string, conf_dflt_string, conf_range_string },
	[CK_ENUM] = { "string (enum)",
		conf_parse_enum, conf_dflt_enum, conf_range_enum },
	[CK_STRV] = { "array of strings",
		conf_parse_strv, NULL, conf_range_seq },
	[CK_INTS] = { "array of integers",
		conf_parse_ints, conf_dflt_ints, conf_range_ints },
	[CK_DOMAINS] = { "string or array of integers",
		conf_parse_domains, conf_dflt_domains, conf_range_domains },
	[CK_PORTREFS] = { "array of port names",
		conf_parse_portrefs, NULL, conf_range_seq },
	[CK_CLOCKIDS] = { "array of clock identities",
		conf_parse_clockids, NULL, conf_range_seq },
	[CK_CLOCKID] = { "clock identity",
		conf_parse_clockid, NULL, conf_range_none },
	[CK_IPV4] = { "IPv4 address/prefix",
		conf_parse_ipnet, NULL, conf_range_none },
	[CK_IPV6] = { "IPv6 address/prefix",
		conf_parse_ipnet, NULL, conf_range_none },
	[CK_IPADDR] = { "IP address",
		conf_parse_ipaddr, NULL, conf_range_none },
	[CK_DOMAIN_PAIR] = { "array of 2 integers",
		conf_parse_domain_pair, NULL, conf_range_int },
	[CK_FIXED] = { "fixed",
		conf_parse_fixed, conf_dflt_int, conf_range_none },
};
