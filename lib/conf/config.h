/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PTPSW_CONF_CONFIG_H
#define PTPSW_CONF_CONFIG_H

/*
 * ptpsw configuration: the plain structs the program reads, and the
 * libconfig loader that fills them from one schema table. The fast path
 * only ever reads these structs, never the libconfig tree.
 * No EAL.
 */

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <netinet/in.h>

#include "ptp/msg.h"

#define CONF_MAX_PORTS		16
#define CONF_MAX_WORKERS	8
#define CONF_MAX_EAL_ARGS	32
#define CONF_MAX_BC		8
#define CONF_MAX_BC_PORTS	CONF_MAX_PORTS
#define CONF_MAX_TT_TABLE	16	/* preferred / acceptable tables */
#define CONF_MAX_TR_TABLE	32	/* time_receivers table */
#define CONF_MAX_MONITOR	8
#define CONF_NAME_LEN		32
#define CONF_DEVICE_LEN		256
#define CONF_PATH_LEN		108

enum conf_ts_mode { CONF_TS_AUTO = 0, CONF_TS_HARDWARE, CONF_TS_SOFTWARE };
enum conf_tc_mode { CONF_TC_ONE_STEP = 0, CONF_TC_TWO_STEP };
enum conf_transport { CONF_UDPV4 = 0, CONF_UDPV6 };
enum conf_delay_req { CONF_DREQ_MULTICAST = 0, CONF_DREQ_UNICAST };
/* IPv6 multicast scope of FF0X::181 (RFC 9760 EP-06; RFC 7346 names) */
enum conf_ipv6_scope { CONF_SCOPE_GLOBAL = 0, CONF_SCOPE_ORGANIZATION,
		       CONF_SCOPE_SITE, CONF_SCOPE_ADMIN, CONF_SCOPE_REALM,
		       CONF_SCOPE_LINK, CONF_SCOPE_INTERFACE };

/* The scope nibble X of FF0X::181 for a configured scope. */
uint8_t conf_ipv6_scope_nibble(enum conf_ipv6_scope s);
enum conf_log_level { CONF_LOG_ERR = 0, CONF_LOG_WARNING, CONF_LOG_NOTICE,
		      CONF_LOG_INFO, CONF_LOG_DEBUG };

struct conf_ipv4 { bool set; struct in_addr addr; uint8_t prefix; };
struct conf_ipv6 { bool set; struct in6_addr addr; uint8_t prefix; };

struct conf_port {
	char name[CONF_NAME_LEN];
	char device[CONF_DEVICE_LEN];	/* vdev args or PCI address */
	enum conf_ts_mode timestamping;
	int32_t ingress_latency_ns;
	int32_t egress_latency_ns;
	struct conf_ipv4 ipv4;
	struct conf_ipv6 ipv6;
	int line;			/* config line, for messages */
};

struct conf_tc {
	bool enabled;
	enum conf_tc_mode mode;
	bool syntonize;
	bool all_domains;		/* "all": every domain no BC runs */
	uint8_t domain_bitmap[32];	/* explicit list (bit per domain) */
	uint32_t pending_entries;	/* two-step table size */
	uint32_t pending_timeout_ms;
};

struct conf_time_receiver {
	struct in_addr addr4;
	struct in6_addr addr6;
	bool is_v6;
	struct ptp_clock_identity clock_identity;
};

struct conf_bc {
	uint8_t domain;
	enum conf_transport transport;
	unsigned int n_ports;
	int ports[CONF_MAX_BC_PORTS];		/* indices into conf.ports */
	uint8_t priority1, priority2;
	uint8_t clock_class;
	uint8_t clock_accuracy;
	uint16_t offset_scaled_log_variance;
	int8_t log_sync_interval;
	int8_t log_min_delay_req_interval;
	int8_t log_announce_interval;		/* fixed: 0 = 1 s (EP-09) */
	bool two_step;
	enum conf_delay_req delay_req;
	enum conf_ipv6_scope ipv6_multicast_scope;
	int16_t current_utc_offset;
	bool current_utc_offset_valid;
	uint8_t time_source;
	bool slave_only;
	unsigned int n_preferred;
	struct ptp_clock_identity preferred[CONF_MAX_TT_TABLE];
	unsigned int n_acceptable;
	struct ptp_clock_identity acceptable[CONF_MAX_TT_TABLE];
	unsigned int n_time_receivers;
	struct conf_time_receiver time_receivers[CONF_MAX_TR_TABLE];
	/* servo */
	double servo_kp, servo_ki;
	int64_t step_threshold_ns;
	int line;
};

struct conf_monitor {
	uint8_t domain_a, domain_b;		/* both boundary-clock domains */
	int64_t threshold_ns;
	int line;
};

struct conf {
	char path[CONF_PATH_LEN * 4];
	unsigned int n_eal_args;
	char *eal_args[CONF_MAX_EAL_ARGS];	/* owned, strdup'd */
	int control_lcore;
	unsigned int n_workers;
	int workers[CONF_MAX_WORKERS];
	unsigned int n_ports;
	struct conf_port ports[CONF_MAX_PORTS];
	struct conf_tc tc;
	unsigned int n_bcs;
	struct conf_bc bcs[CONF_MAX_BC];
	unsigned int n_monitors;
	struct conf_monitor monitors[CONF_MAX_MONITOR];
	char management_socket[CONF_PATH_LEN];
	enum conf_log_level log_level;
	uint32_t status_interval_ms;	/* 0 = no periodic status line */
	uint32_t mac_aging_s;
	uint32_t mbufs;			/* mempool size */
	uint32_t worker_idle_sleep_us;	/* 0 = pure busy-poll */
};

/*
 * Error report: "FILE:LINE: key: problem". key is the full path of the
 * setting, list elements as ".[i]" (zero-based): "ports.[1].timestamping",
 * "boundary_clocks.[0].log_sync_interval". key is empty for syntax errors;
 * line is 0 when there is no line (a missing top-level key, an unreadable
 * file).
 */
struct conf_error {
	char file[CONF_PATH_LEN * 4];
	int line;
	char key[128];
	char msg[256];
};

/* Fill c with defaults (no ports, TC enabled one-step, all domains). */
void conf_defaults(struct conf *c);

/*
 * Load and validate path into c (overwritten: conf_free a previously loaded
 * c first). Returns 0, or -1 with err filled (the first problem found).
 * On failure c holds the defaults and nothing that needs freeing
 * (conf_free is still safe).
 */
int conf_load(const char *path, struct conf *c, struct conf_error *err);
/* Same from a string (tests); name is used as the file name in errors
 * and c->path. Returns 0 or -1 like conf_load. */
int conf_load_string(const char *text, const char *name, struct conf *c,
		     struct conf_error *err);
/* Free what a successful load allocated (the EAL strings). */
void conf_free(struct conf *c);

/* Format an error as "FILE:LINE: key: problem" into buf (no ":LINE"
 * when line is 0, no "key: " when key is empty). */
void conf_error_str(const struct conf_error *err, char *buf, size_t len);

/* Is domain d forwarded by the TC (enabled, listed or "all", not a BC)? */
bool conf_tc_covers_domain(const struct conf *c, uint8_t d);
/* Index of the BC running domain d, or -1. */
int conf_bc_for_domain(const struct conf *c, uint8_t d);
/* Index of the port named name, or -1. */
int conf_port_index(const struct conf *c, const char *name);

/* Print what would run (used by --check): every key with its value,
 * defaults included, in the config file syntax (it loads back), and notes
 * on what follows from several keys as comments. */
void conf_print(const struct conf *c, FILE *out);

/* Print the reference of every key (from the schema table) as Markdown. */
void conf_print_reference(FILE *out);

/*
 * The configuration as a tree of named values for printers other than
 * conf_print (telemetry's /ptpsw/config), from the same schema walk: every
 * key with a value, defaults included, named as in the file. Groups and
 * lists are dicts; a list's element is a dict named by the text of its
 * first key (a port's name, a boundary clock's domain, a monitor's
 * "[ 24, 25 ]"); arrays hold strings or integers; booleans are 0 or 1;
 * floats, addresses, clock identities and enum values are strings.
 */
enum conf_node { CONF_N_DICT, CONF_N_STRS, CONF_N_INTS };

struct conf_sink {
	/* A new empty node of kind (NULL: leave it out). */
	void *(*node)(void *ctx, enum conf_node kind);
	/* Put the finished child into dict parent under name. */
	void (*add)(void *ctx, void *parent, const char *name, void *child);
	/* A value into dict node under name, or into array node (name NULL). */
	void (*str)(void *ctx, void *node, const char *name, const char *v);
	void (*num)(void *ctx, void *node, const char *name, long long v);
};

void conf_export(const struct conf *c, const struct conf_sink *s, void *ctx,
		 void *root);

#endif /* PTPSW_CONF_CONFIG_H */
