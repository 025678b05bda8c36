/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PTPSW_GLUE_TS_ETHDEV_H
#define PTPSW_GLUE_TS_ETHDEV_H

/*
 * ts_ethdev: the rte_eth_timesync_* backend (Intel-style one-deep latches).
 * Besides ts_ethdev_ops (ts_source.h) it offers a TX path for event
 * messages that need a hardware TX timestamp: at most ONE such message is
 * in flight per port; further ones wait in a small fixed queue and are sent
 * when the previous timestamp has been read. Completions are polled from
 * the worker loop (no busy wait). Each message carries a caller cookie and
 * its timestamp is returned with that cookie only: the latch is drained
 * before every timestamped send and a stamp outside the send window is
 * rejected, so a stamp is never paired with the wrong message.
 * All functions: the lcore that transmits on the port only.
 */

#include <stdint.h>

#include <rte_mbuf.h>

#include "timebase.h"
#include "ts_source.h"

#define TS_ETHDEV_TXQ_LEN 8		/* queued event messages per port */
#define TS_ETHDEV_TX_TIMEOUT_NS 10000000	/* give up on a TX stamp */
#define TS_ETHDEV_TX_SLACK_NS 100000	/* stamp window slack (map error) */

struct ts_ethdev_stats {
	uint64_t rx_stamped;		/* RX latch read and mapped */
	uint64_t rx_latch_miss;		/* TMST flag but the latch was empty */
	uint64_t rx_clamped;		/* mapped stamp after the burst: clamped */
	uint64_t tx_sent;		/* timestamped sends */
	uint64_t tx_done;		/* stamps returned with their cookie */
	uint64_t tx_queued;		/* had to wait behind another message */
	uint64_t tx_queue_full;		/* rejected: queue full */
	uint64_t tx_send_fail;		/* rte_eth_tx_burst did not take it */
	uint64_t tx_stale_drained;	/* stale latch read before a send */
	uint64_t tx_timeout;		/* no stamp within the timeout */
	uint64_t tx_rejected;		/* stamp outside the send window */
	uint64_t xts_refresh;		/* cross-timestamps taken */
	uint64_t xts_best_bracket_ns;	/* bracket of the last pair used */
};

/*
 * Send m on (ts->port_id, queue) as an event message that needs its TX
 * timestamp. Returns 0 when sent or queued (m now belongs to the backend),
 * -ENOSPC if the queue is full, -EBUSY if the PMD did not take m; on error
 * m still belongs to the caller.
 */
int ts_ethdev_tx_event(struct ts_source *ts, uint16_t queue,
		       struct rte_mbuf *m, uint64_t cookie);

/*
 * Poll for one completion. Returns 1 with *cookie and *tx_ts (timebase ns)
 * set; 0 if nothing completed; a negative errno with *cookie set when the
 * message will never get a stamp (-ETIMEDOUT, -ESTALE: stamp rejected,
 * -EXDEV: stamp rejected because its clock jumped since the map's last
 * renewal (af_packet), -EIO: queued message could not be sent).
 */
int ts_ethdev_tx_poll(struct ts_source *ts, uint64_t *cookie,
		      uint64_t *tx_ts);

/* Messages sent or queued and not yet completed. */
unsigned int ts_ethdev_tx_pending(const struct ts_source *ts);

/* Counters of the backend; NULL if ts is not an ethdev source. */
const struct ts_ethdev_stats *ts_ethdev_get_stats(const struct ts_source *ts);

/* The PHC -> timebase map of the port (NULL if not an ethdev source). */
const struct clockmap *ts_ethdev_clockmap(const struct ts_source *ts);

#endif /* PTPSW_GLUE_TS_ETHDEV_H */
