/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PTPSW_CONF_CONFIG_PRIVATE_H
#define PTPSW_CONF_CONFIG_PRIVATE_H

/*
 * Inside lib/conf (not for other modules): the schema's row and type
 * structs, shared by the loader (config.c), the type parsers
 * (config_parse.c), the schema table (config_schema.c) and the printers
 * (config_print.c).
 */

#include <stdbool.h>
#include <stddef.h>

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

/* The field of key k in record rec, and the count of an array or list. */
#define FIELD(rec, k)	((void *)((char *)(rec) + (k)->off))
#define COUNT(rec, k)	((unsigned int *)((char *)(rec) + (k)->cnt_off))

/* config_schema.c: every key, in the order the walker parses them. */
extern const struct conf_key conf_keys[];
extern const size_t conf_n_keys;
/* the allowed strings of the enum keys, in enum order */
extern const char *const conf_ts_modes[];
extern const char *const conf_tc_modes[];
extern const char *const conf_transports[];
extern const char *const conf_dreq_modes[];
extern const char *const conf_ipv6_scopes[];
extern const char *const conf_log_levels[];

/* config_parse.c: what each type does. */
extern const struct conf_type_ops conf_types[CK_NTYPES];

/* config.c: errors. Fill ctx->err; return -1. */
int conf_fail_line(struct conf_ctx *ctx, int line, const char *key,
		   const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
#define conf_fail(ctx, s, key, ...) \
	conf_fail_line(ctx, (s) ? (int)config_setting_source_line(s) : 0, \
		       key, __VA_ARGS__)

/* config.c: small helpers. */
/* Store v into the integer field p of size bytes. */
void conf_store_int(void *p, size_t size, long long v);
/* Is s an integer setting? */
bool conf_is_int(const config_setting_t *s);
/* A bracketed array or a parenthesised list: both hold scalars here. */
bool conf_is_seq(const config_setting_t *s);
/* Format a key name into buf (CONF_KEY_LEN bytes), truncating if needed. */
void conf_keyf(char *buf, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* disp.[i] into buf (CONF_KEY_LEN bytes). */
void conf_elem_key(char *buf, const char *disp, int i);
/* Parent pattern of a key path: "ports.[].name" -> "ports.[]". */
size_t conf_parent_len(const char *path);
/* Last name of a key path. */
const char *conf_leaf(const char *path);
/* Is k a direct child of the group or element pattern pat? */
bool conf_is_child(const struct conf_key *k, const char *pat);

/* config.c: the walker. Check group grp (key disp) against the keys below
 * pattern pat and parse them into rec. Returns 0 or -1. */
int conf_walk_group(struct conf_ctx *ctx, const char *pat, const char *disp,
		    const config_setting_t *grp, void *rec);
/* Apply the table's defaults to every field of the record of pat. */
void conf_apply_defaults(const char *pat, void *rec);

/* config_parse.c: helpers the checks and printers share. */
/* Index of x in v[0..n), or -1. */
int conf_find_int(const int *v, int n, int x);
/* Is domain d in the explicit list of tc? */
bool conf_tc_listed(const struct conf_tc *tc, uint8_t d);
/* "aabbcc.fffe.ddeeff" into buf. */
void conf_clock_id_str(const struct ptp_clock_identity *id, char *buf,
		       size_t len);

#endif /* PTPSW_CONF_CONFIG_PRIVATE_H */
