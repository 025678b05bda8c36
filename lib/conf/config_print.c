/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Printing a configuration, both from the schema table: what would run
 * (conf_print(), used by --check: every key with its value, defaults
 * included, in the config file's own syntax, so it loads back) and the
 * reference of every key (Markdown). A new key prints with no code here;
 * a new type needs one value printer in conf_value_print[].
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "conf/config.h"
#include "conf/config_private.h"

struct conf_out {
	const struct conf *c;
	FILE *f;
	int depth;
};

typedef void (*conf_value_fn)(const struct conf_out *o,
			      const struct conf_key *k, const void *field);

static const void *conf_field(const void *rec, const struct conf_key *k)
{
	return (const char *)rec + k->off;
}

static unsigned int conf_count(const void *rec, const struct conf_key *k)
{
	return *(const unsigned int *)((const char *)rec + k->cnt_off);
}

static void conf_indent(const struct conf_out *o)
{
	fprintf(o->f, "%*s", o->depth * 2, "");
}

/* s as a libconfig string: quoted, " and \ escaped. */
static void conf_put_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s != '\0'; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

/* The integer conf_store_int() stored (signed if the range is). */
static long long conf_load_int(const void *p, size_t size, bool sign)
{
	switch (size) {
	case 1: return sign ? (long long)*(const int8_t *)p :
			      (long long)*(const uint8_t *)p;
	case 2: return sign ? (long long)*(const int16_t *)p :
			      (long long)*(const uint16_t *)p;
	case 4: return sign ? (long long)*(const int32_t *)p :
			      (long long)*(const uint32_t *)p;
	default: return *(const int64_t *)p;
	}
}

/* ---- one value per type ---------------------------------------------- */

static void conf_print_bool(const struct conf_out *o,
			    const struct conf_key *k, const void *field)
{
	(void)k;
	fprintf(o->f, "%s", *(const bool *)field ? "true" : "false");
}

/* In hex when the schema's default is written in hex. */
static void conf_print_int(const struct conf_out *o, const struct conf_key *k,
			   const void *field)
{
	long long v = conf_load_int(field, k->size, k->min < 0);

	if (k->def != NULL && strncmp(k->def, "0x", 2) == 0)
		fprintf(o->f, "0x%0*llX", (int)strlen(k->def) - 2, v);
	else
		fprintf(o->f, "%lld", v);
}

/* The shortest text that reads back as the same double. */
static void conf_print_float(const struct conf_out *o,
			     const struct conf_key *k, const void *field)
{
	double v = *(const double *)field;
	char buf[32];
	int prec;

	(void)k;
	for (prec = 6; prec < 17; prec++) {
		snprintf(buf, sizeof(buf), "%.*g", prec, v);
		if (strtod(buf, NULL) == v)
			break;
	}
	snprintf(buf, sizeof(buf), "%.*g", prec, v);
	fprintf(o->f, "%s%s", buf, strpbrk(buf, ".e") ? "" : ".0");
}

static void conf_print_string(const struct conf_out *o,
			      const struct conf_key *k, const void *field)
{
	(void)k;
	conf_put_str(o->f, field);
}

static void conf_print_enum(const struct conf_out *o,
			    const struct conf_key *k, const void *field)
{
	conf_put_str(o->f, k->allowed[*(const unsigned int *)field]);
}

/* An array of n elements of size bytes each from first, one printer. */
static void conf_print_seq(const struct conf_out *o, const struct conf_key *k,
			   const void *first, unsigned int n,
			   conf_value_fn elem)
{
	unsigned int i;

	fprintf(o->f, "[");
	for (i = 0; i < n; i++) {
		fprintf(o->f, "%s", i ? ", " : " ");
		elem(o, k, (const char *)first + (size_t)i * k->size);
	}
	fprintf(o->f, " ]");
}

static void conf_print_strp(const struct conf_out *o,
			    const struct conf_key *k, const void *field)
{
	(void)k;
	conf_put_str(o->f, *(const char *const *)field);
}

static void conf_print_intv(const struct conf_out *o,
			    const struct conf_key *k, const void *field)
{
	(void)k;
	fprintf(o->f, "%d", *(const int *)field);
}

static void conf_print_portref(const struct conf_out *o,
			       const struct conf_key *k, const void *field)
{
	(void)k;
	conf_put_str(o->f, o->c->ports[*(const int *)field].name);
}

static void conf_print_clockid(const struct conf_out *o,
			       const struct conf_key *k, const void *field)
{
	char id[32];

	(void)k;
	conf_clock_id_str(field, id, sizeof(id));
	conf_put_str(o->f, id);
}

static void conf_print_domains(const struct conf_out *o,
			       const struct conf_key *k, const void *field)
{
	const struct conf_tc *tc = field;
	unsigned int d, n = 0;

	(void)k;
	if (tc->all_domains) {
		conf_put_str(o->f, "all");
		return;
	}
	fprintf(o->f, "[");
	for (d = 0; d < 256; d++)
		if (conf_tc_listed(tc, (uint8_t)d))
			fprintf(o->f, "%s%u", n++ ? ", " : " ", d);
	fprintf(o->f, " ]");
}

static void conf_print_ip(const struct conf_out *o, int af, const void *addr,
			  int prefix)
{
	char a[INET6_ADDRSTRLEN], buf[INET6_ADDRSTRLEN + 8];

	inet_ntop(af, addr, a, sizeof(a));
	if (prefix >= 0)
		snprintf(buf, sizeof(buf), "%s/%d", a, prefix);
	else
		snprintf(buf, sizeof(buf), "%s", a);
	conf_put_str(o->f, buf);
}

static void conf_print_ipv4(const struct conf_out *o,
			    const struct conf_key *k, const void *field)
{
	const struct conf_ipv4 *ip = field;

	(void)k;
	conf_print_ip(o, AF_INET, &ip->addr, ip->prefix);
}

static void conf_print_ipv6(const struct conf_out *o,
			    const struct conf_key *k, const void *field)
{
	const struct conf_ipv6 *ip = field;

	(void)k;
	conf_print_ip(o, AF_INET6, &ip->addr, ip->prefix);
}

static void conf_print_ipaddr(const struct conf_out *o,
			      const struct conf_key *k, const void *field)
{
	const struct conf_time_receiver *tr = field;

	(void)k;
	if (tr->is_v6)
		conf_print_ip(o, AF_INET6, &tr->addr6, -1);
	else
		conf_print_ip(o, AF_INET, &tr->addr4, -1);
}

static void conf_print_pair(const struct conf_out *o,
			    const struct conf_key *k, const void *field)
{
	const struct conf_monitor *m = field;

	(void)k;
	fprintf(o->f, "[ %u, %u ]", m->domain_a, m->domain_b);
}

/* The value printer of each type; arrays: of each element. Groups and
 * lists are walked (conf_print_record). */
static const conf_value_fn conf_value_print[CK_NTYPES] = {
	[CK_BOOL] = conf_print_bool,
	[CK_INT] = conf_print_int,
	[CK_FLOAT] = conf_print_float,
	[CK_STRING] = conf_print_string,
	[CK_ENUM] = conf_print_enum,
	[CK_STRV] = conf_print_strp,
	[CK_INTS] = conf_print_intv,
	[CK_DOMAINS] = conf_print_domains,
	[CK_PORTREFS] = conf_print_portref,
	[CK_CLOCKIDS] = conf_print_clockid,
	[CK_CLOCKID] = conf_print_clockid,
	[CK_IPV4] = conf_print_ipv4,
	[CK_IPV6] = conf_print_ipv6,
	[CK_IPADDR] = conf_print_ipaddr,
	[CK_DOMAIN_PAIR] = conf_print_pair,
	[CK_FIXED] = conf_print_int,
};

static bool conf_is_array(enum ck_type t)
{
	return t == CK_STRV || t == CK_INTS || t == CK_PORTREFS ||
	       t == CK_CLOCKIDS;
}

/* Does k have a value to print in rec? (An unset address has none, a
 * fixed key without a field neither.) */
static bool conf_has_value(const struct conf_key *k, const void *rec)
{
	const void *f = conf_field(rec, k);

	switch (k->type) {
	case CK_IPV4:
		return ((const struct conf_ipv4 *)f)->set;
	case CK_IPV6:
		return ((const struct conf_ipv6 *)f)->set;
	case CK_FIXED:
		return k->size > 0;
	case CK_INT:	/* an optional key without a default (mbufs) */
		return k->def != NULL || (k->flags & CK_REQUIRED) ||
		       conf_load_int(f, k->size, k->min < 0) != 0;
	default:
		return true;
	}
}

/* ---- notes: what follows from several keys --------------------------- */

/*
 * One-step mode can only predict the egress time. net_af_packet ports
 * (timestamping auto or hardware) stamp sent frames, which the two-step
 * TC uses: say so (the running switch says it for every backend).
 */
static void conf_note_one_step(const struct conf_out *o)
{
	static const char afpkt[] = "net_af_packet";
	const struct conf *c = o->c;
	unsigned int i, n = 0;

	if (c->tc.mode == CONF_TC_TWO_STEP)
		return;
	for (i = 0; i < c->n_ports; i++) {
		const struct conf_port *p = &c->ports[i];

		if (p->timestamping == CONF_TS_SOFTWARE ||
		    strncmp(p->device, afpkt, sizeof(afpkt) - 1) != 0)
			continue;
		if (n++ == 0) {
			conf_indent(o);
			fprintf(o->f, "# note: one-step mode predicts the "
				"egress time; these net_af_packet ports stamp "
				"sent frames, which two-step mode uses (mode = "
				"\"two-step\"):");
		}
		fprintf(o->f, " %s", p->name);
	}
	if (n)
		fputc('\n', o->f);
}

/* After transparent_clock: the domains it corrects, and the hint. */
static void conf_note_tc(const struct conf_out *o, const void *rec)
{
	const struct conf *c = rec;
	unsigned int i;

	conf_indent(o);
	if (!c->tc.enabled) {
		fprintf(o->f, "# transparent clock disabled (PTP switched as "
			"plain traffic)\n");
		return;
	}
	if (c->tc.all_domains) {
		fprintf(o->f, "# the transparent clock corrects domains: all");
		for (i = 0; i < c->n_bcs; i++)
			fprintf(o->f, "%s%u", i ? ", " : " except BC domains ",
				c->bcs[i].domain);
		fputc('\n', o->f);
	}
	conf_note_one_step(o);
}

/* After a boundary clock's ports: those without an address of its
 * transport's family. */
static void conf_note_bc_ports(const struct conf_out *o, const void *rec)
{
	const struct conf_bc *bc = rec;
	const bool v6 = bc->transport == CONF_UDPV6;
	const struct conf_port *p;
	unsigned int i;

	for (i = 0; i < bc->n_ports; i++) {
		p = &o->c->ports[bc->ports[i]];
		if (v6 ? p->ipv6.set : p->ipv4.set)
			continue;
		conf_indent(o);
		fprintf(o->f, "# note: port %s (no %s address)\n", p->name,
			v6 ? "ipv6" : "ipv4");
	}
}

static const struct {
	const char *path;
	void (*note)(const struct conf_out *o, const void *rec);
} conf_notes[] = {
	{ "transparent_clock", conf_note_tc },
	{ "boundary_clocks.[].ports", conf_note_bc_ports },
};

static void conf_print_notes(const struct conf_out *o,
			     const struct conf_key *k, const void *rec)
{
	size_t i;

	for (i = 0; i < sizeof(conf_notes) / sizeof(conf_notes[0]); i++)
		if (strcmp(conf_notes[i].path, k->path) == 0)
			conf_notes[i].note(o, rec);
}

/* ---- the walk -------------------------------------------------------- */

static void conf_print_record(struct conf_out *o, const char *pat,
			      const void *rec);

/* A list of groups: one record per element. */
static void conf_print_list(struct conf_out *o, const struct conf_key *k,
			    const void *rec)
{
	char pat[CONF_KEY_LEN];
	unsigned int i, n = conf_count(rec, k);
	const char *first = conf_field(rec, k);

	snprintf(pat, sizeof(pat), "%s.[]", k->path);
	fprintf(o->f, n ? "(\n" : "( )");
	for (i = 0; i < n; i++) {
		o->depth++;
		conf_indent(o);
		fprintf(o->f, "{\n");
		o->depth++;
		conf_print_record(o, pat, first + (size_t)i * k->size);
		o->depth--;
		conf_indent(o);
		fprintf(o->f, "}%s\n", i + 1 < n ? "," : "");
		o->depth--;
	}
	if (n) {
		conf_indent(o);
		fprintf(o->f, ")");
	}
}

static void conf_print_key(struct conf_out *o, const struct conf_key *k,
			   const void *rec)
{
	const void *f = conf_field(rec, k);

	conf_indent(o);
	fprintf(o->f, "%s%s = ", k->type == CK_FIXED ? "# " : "",
		conf_leaf(k->path));
	if (k->type == CK_GROUP) {
		fprintf(o->f, "{\n");
		o->depth++;
		conf_print_record(o, k->path, rec);
		o->depth--;
		conf_indent(o);
		fprintf(o->f, "}");
	} else if (k->type == CK_LIST) {
		conf_print_list(o, k, rec);
	} else if (conf_is_array(k->type)) {
		conf_print_seq(o, k, f, conf_count(rec, k),
			       conf_value_print[k->type]);
	} else {
		conf_value_print[k->type](o, k, f);
	}
	fprintf(o->f, ";%s\n", k->type == CK_FIXED ? "  (fixed)" : "");
	conf_print_notes(o, k, rec);
}

/* Every key of the record of pat, in table order. */
static void conf_print_record(struct conf_out *o, const char *pat,
			      const void *rec)
{
	size_t i;

	for (i = 0; i < conf_n_keys; i++)
		if (conf_is_child(&conf_keys[i], pat) &&
		    conf_has_value(&conf_keys[i], rec))
			conf_print_key(o, &conf_keys[i], rec);
}

void conf_print(const struct conf *c, FILE *out)
{
	struct conf_out o = { .c = c, .f = out, .depth = 0 };

	fprintf(out, "# ptpsw configuration %s: every key, defaults "
		"included\n", c->path);
	conf_print_record(&o, "", c);
}

/* ---- the reference --------------------------------------------------- */

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

/* ---- the tree (conf_export) ------------------------------------------ */

struct conf_exp {
	const struct conf *c;
	const struct conf_sink *s;
	void *ctx;
};

/* A scalar as conf_print writes it, without the quotes of a string. */
static void conf_exp_text(const struct conf_exp *e, const struct conf_key *k,
			  const void *field, char *buf, size_t len)
{
	char raw[CONF_KEY_LEN * 4] = "";
	struct conf_out o = { .c = e->c, .depth = 0 };
	const char *r = raw;
	size_t n = 0;

	o.f = fmemopen(raw, sizeof(raw) - 1, "w");
	if (o.f != NULL) {
		conf_value_print[k->type](&o, k, field);
		fclose(o.f);
	}
	if (*r == '"')
		r++;
	for (; *r != '\0' && n + 1 < len; r++) {
		if (*r == '\\' && r[1] != '\0')
			r++;
		else if (*r == '"' && r[1] == '\0')
			break;
		buf[n++] = *r;
	}
	buf[n] = '\0';
}

static void conf_exp_record(const struct conf_exp *e, void *node,
			    const char *pat, const void *rec);

/* An array, or the integers of a domain list or pair. */
static void conf_exp_array(const struct conf_exp *e, void *node,
			   const struct conf_key *k, const void *rec)
{
	const bool ints = k->type == CK_INTS || k->type == CK_DOMAINS ||
			  k->type == CK_DOMAIN_PAIR;
	const void *f = conf_field(rec, k);
	void *a = e->s->node(e->ctx, ints ? CONF_N_INTS : CONF_N_STRS);
	char buf[CONF_KEY_LEN * 4];
	unsigned int i;

	if (a == NULL)
		return;
	if (k->type == CK_DOMAINS) {
		for (i = 0; i < 256; i++)
			if (conf_tc_listed(f, (uint8_t)i))
				e->s->num(e->ctx, a, NULL, i);
	} else if (k->type == CK_DOMAIN_PAIR) {
		const struct conf_monitor *m = f;

		e->s->num(e->ctx, a, NULL, m->domain_a);
		e->s->num(e->ctx, a, NULL, m->domain_b);
	} else {
		for (i = 0; i < conf_count(rec, k); i++) {
			const void *el = (const char *)f + (size_t)i * k->size;

			if (ints) {
				e->s->num(e->ctx, a, NULL, *(const int *)el);
				continue;
			}
			conf_exp_text(e, k, el, buf, sizeof(buf));
			e->s->str(e->ctx, a, NULL, buf);
		}
	}
	e->s->add(e->ctx, node, conf_leaf(k->path), a);
}

/* A list: a dict of its elements, each named by its first key's text. */
static void conf_exp_list(const struct conf_exp *e, void *node,
			  const struct conf_key *k, const void *rec)
{
	char pat[CONF_KEY_LEN], name[CONF_KEY_LEN * 4];
	const char *first = conf_field(rec, k);
	unsigned int i, n = conf_count(rec, k);
	void *d = e->s->node(e->ctx, CONF_N_DICT), *el;
	const void *erec;
	size_t j;

	snprintf(pat, sizeof(pat), "%s.[]", k->path);
	for (i = 0; d != NULL && i < n; i++) {
		erec = first + (size_t)i * k->size;
		snprintf(name, sizeof(name), "%u", i);
		for (j = 0; j < conf_n_keys; j++)
			if (conf_is_child(&conf_keys[j], pat))
				break;
		if (j < conf_n_keys && conf_has_value(&conf_keys[j], erec))
			conf_exp_text(e, &conf_keys[j],
				      conf_field(erec, &conf_keys[j]), name,
				      sizeof(name));
		el = e->s->node(e->ctx, CONF_N_DICT);
		if (el != NULL)
			conf_exp_record(e, el, pat, erec);
		e->s->add(e->ctx, d, name, el);
	}
	e->s->add(e->ctx, node, conf_leaf(k->path), d);
}

static void conf_exp_key(const struct conf_exp *e, void *node,
			 const struct conf_key *k, const void *rec)
{
	const void *f = conf_field(rec, k);
	const char *leaf = conf_leaf(k->path);
	char buf[CONF_KEY_LEN * 4];
	void *g;

	if (k->type == CK_GROUP) {
		g = e->s->node(e->ctx, CONF_N_DICT);
		if (g != NULL)
			conf_exp_record(e, g, k->path, rec);
		e->s->add(e->ctx, node, leaf, g);
	} else if (k->type == CK_LIST) {
		conf_exp_list(e, node, k, rec);
	} else if (k->type == CK_DOMAINS &&
		   ((const struct conf_tc *)f)->all_domains) {
		e->s->str(e->ctx, node, leaf, "all");
	} else if (conf_is_array(k->type) || k->type == CK_DOMAINS ||
		   k->type == CK_DOMAIN_PAIR) {
		conf_exp_array(e, node, k, rec);
	} else if (k->type == CK_INT || k->type == CK_FIXED) {
		e->s->num(e->ctx, node, leaf,
			  conf_load_int(f, k->size, k->min < 0));
	} else if (k->type == CK_BOOL) {
		e->s->num(e->ctx, node, leaf, *(const bool *)f);
	} else {
		conf_exp_text(e, k, f, buf, sizeof(buf));
		e->s->str(e->ctx, node, leaf, buf);
	}
}

static void conf_exp_record(const struct conf_exp *e, void *node,
			    const char *pat, const void *rec)
{
	size_t i;

	for (i = 0; i < conf_n_keys; i++)
		if (conf_is_child(&conf_keys[i], pat) &&
		    conf_has_value(&conf_keys[i], rec))
			conf_exp_key(e, node, &conf_keys[i], rec);
}

void conf_export(const struct conf *c, const struct conf_sink *s, void *ctx,
		 void *root)
{
	const struct conf_exp e = { .c = c, .s = s, .ctx = ctx };

	conf_exp_record(&e, root, "", c);
}
