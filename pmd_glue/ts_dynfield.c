/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ts_dynfield: per-packet RX timestamps from the mbuf timestamp dynfield,
 * mapped onto the timebase by a clockmap refreshed on the control lcore.
 * Units per driver:
 *   net_pcap            microseconds of CLOCK_REALTIME (kernel RX time)
 *   NIC with read_clock the clock rte_eth_read_clock() reads (ticks)
 *   NIC with timesync   ns of the clock rte_eth_timesync_read_time() reads
 * Packets without the RX timestamp flag, or whose stamp is not a plausible
 * receive time (more than TS_MAX_AGE_NS before the burst, or more than
 * TS_MAX_LEAD_NS after it), get the burst's TSC time.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rte_ethdev.h>
#include <rte_mbuf.h>
#include <rte_mbuf_dyn.h>

#include "timebase.h"
#include "ts_source.h"

#define DYN_XTS_TRIES 5

enum dyn_clock {
	DYN_CLOCK_REALTIME_US,	/* net_pcap */
	DYN_CLOCK_READ_CLOCK,
	DYN_CLOCK_TIMESYNC,
};

struct dyn_priv {
	int offset;
	uint64_t flag;
	enum dyn_clock clock;
	int64_t scale;		/* dynfield value * scale = foreign units */
	struct clockmap map;
};

/* One read of the foreign clock (timebase_xts_update's read): 0 or a
 * negative errno. */
static int dyn_read_foreign(void *arg, int64_t *out)
{
	const struct ts_source *ts = arg;
	const struct dyn_priv *p = ts->priv;
	struct timespec t;
	uint64_t c;
	int ret;

	switch (p->clock) {
	case DYN_CLOCK_REALTIME_US:
		return timebase_read_realtime(NULL, out);
	case DYN_CLOCK_READ_CLOCK:
		ret = rte_eth_read_clock(ts->port_id, &c);
		*out = (int64_t)c;
		return ret;
	case DYN_CLOCK_TIMESYNC:
		ret = rte_eth_timesync_read_time(ts->port_id, &t);
		*out = (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
		return ret;
	}
	return -EINVAL;
}

static void dyn_refresh(struct ts_source *ts)
{
	struct dyn_priv *p = ts->priv;

	timebase_xts_update(&p->map, DYN_XTS_TRIES, dyn_read_foreign, ts);
}

static int dyn_open(struct ts_source *ts)
{
	struct dyn_priv *p;
	int i;

	p = calloc(1, sizeof(*p));
	if (p == NULL)
		return -ENOMEM;
	p->offset = rte_mbuf_dynfield_lookup(RTE_MBUF_DYNFIELD_TIMESTAMP_NAME,
					     NULL);
	p->flag = 0;
	i = rte_mbuf_dynflag_lookup(RTE_MBUF_DYNFLAG_RX_TIMESTAMP_NAME, NULL);
	if (p->offset < 0 || i < 0) {
		free(p);
		return -ENOTSUP;
	}
	p->flag = RTE_BIT64(i);
	if (strcmp(ts->driver, "net_pcap") == 0) {
		p->clock = DYN_CLOCK_REALTIME_US;
		p->scale = 1000;
	} else if (ts->caps.read_clock) {
		p->clock = DYN_CLOCK_READ_CLOCK;
		p->scale = 1;
	} else if (ts->caps.timesync) {
		p->clock = DYN_CLOCK_TIMESYNC;
		p->scale = 1;
	} else {
		free(p);
		return -ENOTSUP;
	}
	clockmap_init(&p->map, 1.0);
	ts->priv = p;
	return 0;
}

static struct clockmap *dyn_rt_map(struct ts_source *ts)
{
	struct dyn_priv *p = ts->priv;

	return p != NULL && p->clock == DYN_CLOCK_REALTIME_US ? &p->map : NULL;
}

static void dyn_close(struct ts_source *ts)
{
	free(ts->priv);
	ts->priv = NULL;
}

static void dyn_rx_burst(struct ts_source *ts, struct rte_mbuf **pkts,
			 uint16_t n, uint64_t *ts_out)
{
	const struct dyn_priv *p = ts->priv;
	uint64_t now = timebase_now();
	uint64_t stamped = 0, v;
	/* a CLOCK_REALTIME map is checked at the burst's first stamp (frames
	 * without one, as net_pcap's infinite_rx replay, pay nothing) */
	int map_ok = p->clock == DYN_CLOCK_REALTIME_US ? -1 : 1;
	int64_t b;
	uint16_t i;

	for (i = 0; i < n; i++) {
		if (!(pkts[i]->ol_flags & p->flag)) {
			ts_out[i] = now;
			continue;
		}
		if (map_ok < 0)
			map_ok = ts_rt_map_ok(ts, &p->map, now);
		if (!map_ok) {
			ts_out[i] = now;
			continue;
		}
		v = *RTE_MBUF_DYNFIELD(pkts[i], p->offset, uint64_t *);
		b = clockmap_to_base(&p->map, (int64_t)v * p->scale);
		stamped += ts_accept_rx(ts, now, b, &ts_out[i]);
	}
	ts->rx_stamped += stamped;
	ts->rx_fallback += n - stamped;
}

const struct ts_source_ops ts_dynfield_ops = {
	.name = "rx-dynfield",
	.open = dyn_open,
	.close = dyn_close,
	.rx_burst = dyn_rx_burst,
	.tx_predict = ts_tx_predict_now,
	.refresh = dyn_refresh,
	.rt_map = dyn_rt_map,
};
