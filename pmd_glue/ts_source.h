/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PTPSW_GLUE_TS_SOURCE_H
#define PTPSW_GLUE_TS_SOURCE_H

/*
 * One interface for packet timestamps and clock reads, per port.
 * Backends (each a static const struct ts_source_ops):
 *   ts_sw.c       TSC software timestamps (any port)
 *   ts_dynfield.c RX timestamp mbuf dynfield (pcap, ice, mlx5, ...)
 *   ts_ethdev.c   rte_eth_timesync_* one-deep latches (Intel style)
 * All values returned are on the common timebase (timebase.h), in ns.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rte_mbuf.h>

#include "conf/config.h"

enum ts_backend {
	TS_BACKEND_SW = 0,
	TS_BACKEND_DYNFIELD,
	TS_BACKEND_ETHDEV,
};

struct ts_caps {
	bool rx_dynfield;	/* PMD fills the RX timestamp dynfield */
	bool timesync;		/* rte_eth_timesync_* ops work */
	bool read_clock;	/* rte_eth_read_clock works */
	bool tx_hw;		/* hardware TX timestamps of event messages */
};

struct ts_source;

struct ts_source_ops {
	const char *name;
	int (*open)(struct ts_source *ts);
	void (*close)(struct ts_source *ts);
	/* fill ts_out[i] for each received mbuf (0 when unknown) */
	void (*rx_burst)(struct ts_source *ts, struct rte_mbuf **pkts,
			 uint16_t n, uint64_t *ts_out);
	/* egress time predicted just before TX */
	uint64_t (*tx_predict)(struct ts_source *ts);
	/* hardware TX timestamp of the last marked packet: 0, -EAGAIN */
	int (*tx_read)(struct ts_source *ts, uint64_t *ts_out);
	/* periodic cross-timestamp refresh (control lcore) */
	void (*refresh)(struct ts_source *ts);
};

struct ts_source {
	const struct ts_source_ops *ops;
	uint16_t port_id;
	struct ts_caps caps;
	void *priv;
};

/* Probe what a started-or-configured port offers. */
void ts_probe_caps(uint16_t port_id, struct ts_caps *caps);

/*
 * Choose and open the backend for a port. mode AUTO picks the best the caps
 * allow; HARDWARE fails (returns -1 with a message in err) if the port has
 * no hardware timestamps; SOFTWARE always uses TSC.
 */
int ts_source_open(struct ts_source *ts, uint16_t port_id,
		   enum conf_ts_mode mode, char *err, size_t errlen);
void ts_source_close(struct ts_source *ts);

static inline const char *ts_source_name(const struct ts_source *ts)
{
	return ts->ops->name;
}

static inline void ts_source_rx_burst(struct ts_source *ts,
				      struct rte_mbuf **pkts, uint16_t n,
				      uint64_t *ts_out)
{
	ts->ops->rx_burst(ts, pkts, n, ts_out);
}

static inline uint64_t ts_source_tx_predict(struct ts_source *ts)
{
	return ts->ops->tx_predict(ts);
}

static inline void ts_source_refresh(struct ts_source *ts)
{
	if (ts->ops->refresh)
		ts->ops->refresh(ts);
}

#endif /* PTPSW_GLUE_TS_SOURCE_H */
