/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PTPSW_APP_MGMT_SOCK_H
#define PTPSW_APP_MGMT_SOCK_H

/*
 * mgmt_sock: the local management server, a Unix datagram socket that
 * answers linuxptp's `pmc -u -s PATH -d DOMAIN` for the boundary clocks
 * (lib/mgmt). Local only: nothing is answered on the network (RFC 9760
 * EP-28). The socket is bound at management.socket (parent directory
 * created 0755 if missing, socket mode 0600: root only), polled without
 * blocking from the control lcore, at most MGMT_SOCK_BURST requests per
 * round, and unlinked at exit. One server per process.
 */

#include <stdint.h>
#include <stdio.h>

struct app;

#define MGMT_SOCK_BURST		8
#define MGMT_SOCK_DEFAULT	"/run/ptpsw/ptpsw.sock"

struct mgmt_sock_stats {
	uint64_t rx;			/* datagrams received */
	uint64_t malformed;		/* rejected by mgmt_parse */
	uint64_t answered, refused, ignored;	/* enum mgmt_outcome */
	uint64_t replies;		/* messages sent */
	uint64_t no_peer;		/* sender has no bound address */
	uint64_t send_errors;
	int last_error;			/* last mgmt_parse error code */
};

/*
 * Open the server at app->conf.management_socket (empty: disabled,
 * returns 0). A stale socket file (no server behind it) is replaced; a
 * live one (another ptpsw) is an error. Returns 0 or -1 (logged).
 */
int mgmt_sock_init(struct app *app);

/* Serve up to MGMT_SOCK_BURST pending requests (control lcore).
 * Returns how many were received. */
unsigned int mgmt_sock_poll(struct app *app);

/* Close and unlink the socket (safe when not open). */
void mgmt_sock_fini(void);

/* Counters (never NULL). */
const struct mgmt_sock_stats *mgmt_sock_stats(void);

/* Path served, or NULL when disabled. */
const char *mgmt_sock_path(void);

/* "management PATH: rx N answered N refused N ..." (dump). */
void mgmt_sock_dump(FILE *out);

/* Telemetry (/ptpsw/info): management_socket (the path served, "" when
 * disabled), the ctr_mgmt counters and management_last_error (why the
 * last malformed request was, "" while none was). */
struct rte_tel_data;
void mgmt_sock_tel(struct rte_tel_data *d);

#endif /* PTPSW_APP_MGMT_SOCK_H */
