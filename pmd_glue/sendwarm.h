/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sendwarm: keep the kernel's packet send path warm for the TC's
 * stamped sends on af_packet ports.
 *
 * A one-step TC on a kernel port predicts a message's egress time just
 * before its send, so the time the kernel takes from the send call to the
 * device's transmit is what the correction leaves uncovered; a two-step
 * TC leaves uncovered the kernel's path after the TX stamp to the peer.
 * After the worker has polled in user space for milliseconds that path
 * is cold: on the lab VM the first send after 50 ms took 15.6 us to its
 * TX stamp at the median, 8.7 after a zero-length send, 3.2 after a
 * frame through a loopback, and the send right after it 1.2-1.4
 * (bench/coldsend, docs/performance.md). Warm-up sends on the same socket that the
 * kernel refuses early (tx_prepare's zero-length send) do not reach the
 * device layer; a real frame does. sendwarm sends one 60-octet frame
 * through the loopback device of a private network namespace of its own,
 * created at start (no interface of the host's carries it, no capture
 * sees it, and it goes to no other host), before the first stamped send
 * after SENDWARM_IDLE_NS without one.
 *
 * Process-wide: the application opens it at start when the TC has ports
 * that warm their stamped sends (ts_afpkt's tx_prepare, which kicks it),
 * and closes it at exit; opens and closes are counted. Only the worker
 * that makes the stamped sends (worker 0) calls sendwarm_kick(); the
 * control lcore reads the counters for the dump and telemetry.
 */
#ifndef PTPSW_GLUE_SENDWARM_H
#define PTPSW_GLUE_SENDWARM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A send after this long without one is warmed first (bench/coldsend:
 * after 1 ms of polling the first send took 0.3 us longer than the next
 * one with the zero-length send alone, after 10 ms 2.3 us). */
#define SENDWARM_IDLE_NS	1000000ULL

struct sendwarm_info {
	bool on;		/* the private loopback is open */
	uint64_t kicks;		/* sendwarm_kick() calls */
	uint64_t sent;		/* warm-up frames sent (after an idle span) */
	uint64_t failed;	/* warm-up sends the kernel refused */
	char why[128];		/* when !on: why not (empty before any open) */
};

/* Open (or share) the private loopback. 0, or -errno with the reason in
 * sendwarm_get()'s why (the application says it once). */
int sendwarm_open(void);

/* Release one sendwarm_open(); the last closes the socket (and with it
 * the namespace). */
void sendwarm_close(void);

/* Before a stamped send at time now (timebase ns): send the
 * warm-up frame if no kick came within SENDWARM_IDLE_NS. Returns true if
 * it sent one. */
bool sendwarm_kick(uint64_t now);

void sendwarm_get(struct sendwarm_info *out);

/* For tests: the open socket (-1 when closed). */
int sendwarm_fd(void);

#endif /* PTPSW_GLUE_SENDWARM_H */
