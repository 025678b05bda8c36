/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PTPSW_GLUE_TS_SOURCE_H
#define PTPSW_GLUE_TS_SOURCE_H

/*
 * One interface for packet timestamps and clock reads, per port.
 * Backends (each a static const struct ts_source_ops):
 *   ts_sw.c       TSC software timestamps (any port)
 *   ts_dynfield.c RX timestamp mbuf dynfield (pcap, ice, mlx5, ...)
 *   ts_ethdev.c   rte_eth_timesync_* one-deep latches (Intel style)
 *   ts_afpkt.c    net_af_packet: the kernel's receive time from its ring,
 *                 and its software TX time from a socket error queue
 * All values returned are on the common timebase (timebase.h), in ns.
 */

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rte_mbuf.h>

#include "conf/config.h"
#include "timebase.h"

struct ts_caps {
	bool rx_dynfield;	/* PMD fills the RX timestamp dynfield */
	bool timesync;		/* rte_eth_timesync_* ops work */
	bool read_clock;	/* rte_eth_read_clock works */
	bool tx_hw;		/* hardware TX timestamps of event messages */
};

struct ts_source;

/* Counters of a backend's TX stamps (tx_event / tx_poll). */
struct ts_tx_stats {
	uint64_t sent;		/* messages sent for a TX stamp */
	uint64_t stamped;	/* stamp taken */
	uint64_t timeout;	/* no stamp came (in time, or at all) */
	uint64_t rejected;	/* stamp outside [send, poll] */
	uint64_t refused;	/* not taken: sent the normal way */
	uint64_t unmatched;	/* a stamp of no request in flight */
	uint64_t map_stale;	/* stamp outside [send, poll] because its
				 * clock jumped (the map no longer held):
				 * not a missing stamp (-EXDEV) */
};

struct ts_source_ops {
	const char *name;
	int (*open)(struct ts_source *ts);
	void (*close)(struct ts_source *ts);
	/* fill ts_out[i] for each received mbuf (0 when unknown) */
	void (*rx_burst)(struct ts_source *ts, struct rte_mbuf **pkts,
			 uint16_t n, uint64_t *ts_out);
	/* optional, for a backend whose stamps are one per burst: that
	 * stamp for all n mbufs (what rx_burst would give each), instead
	 * of rx_burst */
	uint64_t (*rx_burst_one)(struct ts_source *ts, uint16_t n);
	/* egress time predicted just before TX */
	uint64_t (*tx_predict)(struct ts_source *ts);
	/* hardware TX timestamp of the last marked packet: 0, -EAGAIN */
	int (*tx_read)(struct ts_source *ts, uint64_t *ts_out);
	/* periodic cross-timestamp refresh (control lcore) */
	void (*refresh)(struct ts_source *ts);
	/* hardware-TX-timestamped send of an event message and its
	 * completions (NULL: the backend has no TX stamps); contracts of
	 * ts_ethdev_tx_event() / ts_ethdev_tx_poll() in ts_ethdev.h */
	int (*tx_event)(struct ts_source *ts, uint16_t queue,
			struct rte_mbuf *m, uint64_t cookie);
	int (*tx_poll)(struct ts_source *ts, uint64_t *cookie,
		       uint64_t *tx_ts);
	/* optional, with tx_event: warm the send path just before a
	 * message that tx_event sends next (in one-step mode, before its
	 * egress time is predicted); sends nothing on the port */
	void (*tx_prepare)(struct ts_source *ts);
	/* optional: the counters of tx_event / tx_poll */
	const struct ts_tx_stats *(*tx_stats)(const struct ts_source *ts);
	/* optional: the backend's map of CLOCK_REALTIME stamps onto the
	 * timebase, if it has one (control lcore: the test-only switch
	 * PTPSW_TEST_REALTIME_JUMP, app/rtjump.c) */
	struct clockmap *(*rt_map)(struct ts_source *ts);
	/* optional, called once after open and the first refreshes: prove
	 * what the port's stamps really do (may switch ops to a variant
	 * with or without TX stamps), and say so in rx_desc / tx_desc */
	void (*selftest)(struct ts_source *ts);
};

struct ts_source {
	const struct ts_source_ops *ops;
	uint16_t port_id;
	struct ts_caps caps;
	void *priv;			/* backend state (allocated by open) */
	char driver[32];		/* rte_eth_dev_info.driver_name */
	/* written only by the lcore that receives on the port */
	uint64_t rx_stamped;		/* packets with a backend timestamp */
	uint64_t rx_fallback;		/* packets that got the burst's TSC */
	int64_t rx_lead_ns;		/* last (burst TSC - packet stamp) */
	/* bursts whose CLOCK_REALTIME stamps a map that no longer held
	 * would have mapped (the clock jumped since the map's last
	 * refresh: ts_rt_map_ok()): they took the burst's TSC */
	uint64_t rx_map_stale;
	int64_t rx_map_err_ns;		/* the last such map's error */
	uint64_t rx_map_stale_at;	/* timebase of the last one */
	/* what the port's stamps really are, found at open (banner, the
	 * dump, telemetry, --check) */
	char rx_desc[80];
	char tx_desc[96];
	int64_t rx_selftest_ns;		/* self-test frame: stamp - send */
	int64_t tx_selftest_ns;
	uint64_t rx_selftest_dropped;	/* frames taken during the RX test */
	/* test-only switch (PTPSW_TEST_TX_STAMPS_OFF, app/control.c): the
	 * backend drops every TX stamp it reads */
	volatile uint8_t test_no_tx_stamps;
};

/*
 * Backends. ts_ethdev_ops lives in ts_ethdev.c, which is optional: meson
 * defines PTPSW_HAVE_TS_ETHDEV when that file is part of the build.
 */
extern const struct ts_source_ops ts_sw_ops;
extern const struct ts_source_ops ts_dynfield_ops;
extern const struct ts_source_ops ts_afpkt_ops;
extern const struct ts_source_ops ts_afpkt_tx_ops;	/* with TX stamps */

/* tx_predict of the backends without a TX clock: the timebase now. */
uint64_t ts_tx_predict_now(struct ts_source *ts);
#ifdef PTPSW_HAVE_TS_ETHDEV
extern const struct ts_source_ops ts_ethdev_ops;
#endif

/*
 * Probe what a started port offers (call after rte_eth_dev_start).
 * rx_dynfield: the timestamp dynfield is registered and the driver is known
 * to fill it (net_pcap: wall-clock us; drivers offering
 * RTE_ETH_RX_OFFLOAD_TIMESTAMP with the offload enabled and a clock to map
 * it: read_clock or timesync). timesync: rte_eth_timesync_enable()
 * returned 0 (left enabled; ts_source_open disables it if not chosen).
 * read_clock: rte_eth_read_clock() returned 0. tx_hw: timesync.
 */
void ts_probe_caps(uint16_t port_id, struct ts_caps *caps);

/* Is the dynfield of this port a hardware timestamp (NIC clock)?
 * net_pcap's kernel receive time is not. */
bool ts_caps_hw_rx(const struct ts_caps *caps, const char *driver);

/*
 * Choose and open the backend for a port. mode AUTO picks the best the caps
 * allow; HARDWARE fails (returns -1 with a message in err) if the port has
 * no hardware timestamps; SOFTWARE always uses TSC.
 */
int ts_source_open(struct ts_source *ts, uint16_t port_id,
		   enum conf_ts_mode mode, char *err, size_t errlen);
void ts_source_close(struct ts_source *ts);

/* Name of a timestamping mode ("auto", "hardware", "software"). */
const char *ts_mode_name(enum conf_ts_mode mode);

static inline const char *ts_source_name(const struct ts_source *ts)
{
	return ts->ops->name;
}

/*
 * Validity of a mapped RX stamp b against the burst's TSC time now. A
 * frame can wait in the PMD's ring for as long as the worker is
 * descheduled (tens of milliseconds on a busy host): such a stamp is the
 * receive time that matters most to the TC, so ages up to a second are
 * accepted. Older ones are not receive times (a replayed pcap file carries
 * the file's times). A stamp after the burst returned is a mapping error:
 * within TS_MAX_LEAD_NS (the map's error, net_pcap's microsecond
 * resolution) it is clamped to the burst time, beyond it rejected.
 * Sets *out (b, or now when rejected); returns 1 if b was taken.
 */
#define TS_MAX_AGE_NS 1000000000
#define TS_MAX_LEAD_NS 1000000

static inline unsigned int ts_accept_rx(struct ts_source *ts, uint64_t now,
					int64_t b, uint64_t *out)
{
	if (b <= 0 || (int64_t)now - b > TS_MAX_AGE_NS ||
	    b - (int64_t)now > TS_MAX_LEAD_NS) {
		*out = now;
		return 0;
	}
	if (b > (int64_t)now)
		b = (int64_t)now;
	*out = (uint64_t)b;
	ts->rx_lead_ns = (int64_t)now - b;
	return 1;
}

/*
 * For a backend that maps CLOCK_REALTIME stamps (the kernel's, of
 * af_packet and net_pcap), once per burst before mapping them: does its
 * map m still hold (timebase_rt_map_holds(); now: the burst's timebase
 * read, taken just before)? If not, CLOCK_REALTIME jumped since the
 * control lcore last renewed the map, and every stamp of the burst would
 * be mapped off by the jump (100 ms of a 100 ms step: a one-step TC would
 * put it into correctionFields, a BC into its offsets): the caller gives
 * the burst's frames its time instead, and this counts it.
 */
static inline bool ts_rt_map_ok(struct ts_source *ts,
				const struct clockmap *m, uint64_t now)
{
	int64_t err;

	if (timebase_rt_map_holds(m, now, &err) != 0)
		return true;
	ts->rx_map_stale++;
	ts->rx_map_err_ns = err;
	ts->rx_map_stale_at = now;
	return false;
}

/* Every one of n frames at the burst's time now (counted as fallback). */
static inline void ts_rx_all_now(struct ts_source *ts, uint16_t n,
				 uint64_t now, uint64_t *ts_out)
{
	uint16_t i;

	for (i = 0; i < n; i++)
		ts_out[i] = now;
	ts->rx_fallback += n;
}

static inline void ts_source_rx_burst(struct ts_source *ts,
				      struct rte_mbuf **pkts, uint16_t n,
				      uint64_t *ts_out)
{
	ts->ops->rx_burst(ts, pkts, n, ts_out);
}

/* The one stamp of every mbuf of a burst, on a backend with
 * rx_burst_one (ts_source_rx_one_per_burst()). */
static inline bool ts_source_rx_one_per_burst(const struct ts_source *ts)
{
	return ts->ops->rx_burst_one != NULL;
}

static inline uint64_t ts_source_rx_burst_one(struct ts_source *ts,
					      uint16_t n)
{
	return ts->ops->rx_burst_one(ts, n);
}

static inline uint64_t ts_source_tx_predict(struct ts_source *ts)
{
	return ts->ops->tx_predict(ts);
}

/* Does the port's backend give hardware TX timestamps (tx_event/tx_poll)? */
static inline bool ts_source_has_tx_event(const struct ts_source *ts)
{
	return ts->ops != NULL && ts->ops->tx_event != NULL;
}

/* Send m as an event message needing its TX stamp, tagged with cookie.
 * Returns 0 (m belongs to the backend), or a negative errno (m is still
 * the caller's): -ENOTSUP without hardware TX stamps, -ENOSPC, -EBUSY. */
static inline int ts_source_tx_event(struct ts_source *ts, uint16_t queue,
				     struct rte_mbuf *m, uint64_t cookie)
{
	if (!ts_source_has_tx_event(ts))
		return -ENOTSUP;
	return ts->ops->tx_event(ts, queue, m, cookie);
}

/* Does the backend warm its sends (ts_source_tx_prepare())? */
static inline bool ts_source_has_tx_prepare(const struct ts_source *ts)
{
	return ts->ops != NULL && ts->ops->tx_prepare != NULL;
}

/* Before a message that ts_source_tx_event() sends next (and before its
 * egress time is predicted, in one-step mode): let the backend warm its
 * send path (nothing leaves on the port; a no-op where the backend has
 * nothing to warm). */
static inline void ts_source_tx_prepare(struct ts_source *ts)
{
	if (ts_source_has_tx_prepare(ts))
		ts->ops->tx_prepare(ts);
}

/* One completion: 1 with *cookie and *tx_ts (timebase ns), 0 if none,
 * negative errno with *cookie for a message that will get no stamp. */
static inline int ts_source_tx_poll(struct ts_source *ts, uint64_t *cookie,
				    uint64_t *tx_ts)
{
	if (!ts_source_has_tx_event(ts))
		return 0;
	return ts->ops->tx_poll(ts, cookie, tx_ts);
}

/* The TX stamp counters of the port's backend, or NULL. */
static inline const struct ts_tx_stats *
ts_source_tx_stats(const struct ts_source *ts)
{
	return ts->ops != NULL && ts->ops->tx_stats != NULL ?
	       ts->ops->tx_stats(ts) : NULL;
}

static inline void ts_source_refresh(struct ts_source *ts)
{
	if (ts->ops->refresh)
		ts->ops->refresh(ts);
}

#endif /* PTPSW_GLUE_TS_SOURCE_H */
