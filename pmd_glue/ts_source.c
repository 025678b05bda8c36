/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ts_source: probe a port's timestamping capabilities and choose its
 * backend (ethdev timesync > RX dynfield > af_packet ring stamps > TSC
 * software).
 */

#include <stdio.h>
#include <time.h>
#include <string.h>

#include <rte_ethdev.h>
#include <rte_mbuf_dyn.h>

#include "ts_source.h"

#define TS_PRIME_PAIRS	4	/* cross-timestamps taken at open */

static bool is_pcap(const char *driver)
{
	return strcmp(driver, "net_pcap") == 0;
}

static void probe_driver(uint16_t port_id, char *buf, size_t len)
{
	struct rte_eth_dev_info info;

	buf[0] = '\0';
	if (rte_eth_dev_info_get(port_id, &info) == 0 && info.driver_name)
		snprintf(buf, len, "%s", info.driver_name);
}

static bool rx_offload_timestamp_on(uint16_t port_id)
{
	struct rte_eth_conf conf;

	if (rte_eth_dev_conf_get(port_id, &conf) != 0)
		return false;
	return (conf.rxmode.offloads & RTE_ETH_RX_OFFLOAD_TIMESTAMP) != 0;
}

void ts_probe_caps(uint16_t port_id, struct ts_caps *caps)
{
	char driver[32];
	uint64_t clk;
	bool dynfield;

	memset(caps, 0, sizeof(*caps));
	probe_driver(port_id, driver, sizeof(driver));
	dynfield = rte_mbuf_dynfield_lookup(RTE_MBUF_DYNFIELD_TIMESTAMP_NAME,
					    NULL) >= 0 &&
		   rte_mbuf_dynflag_lookup(RTE_MBUF_DYNFLAG_RX_TIMESTAMP_NAME,
					   NULL) >= 0;
	caps->timesync = rte_eth_timesync_enable(port_id) == 0;
	caps->read_clock = rte_eth_read_clock(port_id, &clk) == 0;
	caps->tx_hw = caps->timesync;
	caps->rx_dynfield = dynfield &&
		(is_pcap(driver) ||
		 (rx_offload_timestamp_on(port_id) &&
		  (caps->read_clock || caps->timesync)));
}

bool ts_caps_hw_rx(const struct ts_caps *caps, const char *driver)
{
	return caps->timesync || (caps->rx_dynfield && !is_pcap(driver));
}

const char *ts_mode_name(enum conf_ts_mode mode)
{
	switch (mode) {
	case CONF_TS_AUTO: return "auto";
	case CONF_TS_HARDWARE: return "hardware";
	case CONF_TS_SOFTWARE: return "software";
	}
	return "?";
}

static bool have_ethdev_backend(void)
{
#ifdef PTPSW_HAVE_TS_ETHDEV
	return true;
#else
	return false;
#endif
}

static const struct ts_source_ops *ethdev_ops(void)
{
#ifdef PTPSW_HAVE_TS_ETHDEV
	return &ts_ethdev_ops;
#else
	return NULL;
#endif
}

/* Pick the backend for mode, or NULL with a reason in err. */
static const struct ts_source_ops *
ts_choose(const struct ts_source *ts, enum conf_ts_mode mode,
	  char *err, size_t errlen)
{
	const struct ts_caps *c = &ts->caps;
	bool ethdev = c->timesync && have_ethdev_backend();

	if (mode == CONF_TS_SOFTWARE)
		return &ts_sw_ops;
	if (ethdev)
		return ethdev_ops();
	if (c->rx_dynfield && (mode == CONF_TS_AUTO || !is_pcap(ts->driver)))
		return &ts_dynfield_ops;
	/* the kernel's receive time from the ring (software; "auto" only;
	 * if the ring cannot be read, ts_source_open falls back to TSC) */
	if (mode == CONF_TS_AUTO && strcmp(ts->driver, "net_af_packet") == 0)
		return &ts_afpkt_ops;
	if (mode == CONF_TS_AUTO)
		return &ts_sw_ops;
	snprintf(err, errlen,
		 "port %u (driver %s): timestamping \"hardware\" needs "
		 "rte_eth_timesync_* support%s or a NIC RX timestamp "
		 "dynfield, and the driver has %s%s",
		 ts->port_id, ts->driver[0] ? ts->driver : "?",
		 have_ethdev_backend() ? "" : " (ts_ethdev not built)",
		 c->timesync ? "timesync only" : "neither",
		 is_pcap(ts->driver) ?
		 " (net_pcap's kernel timestamp is software; use \"auto\")" :
		 "");
	return NULL;
}

/* A backend with a clock map: pairs 10 ms apart, so its rate is known
 * before the first packet. */
static void ts_source_prime(struct ts_source *ts)
{
	struct timespec ms10 = { 0, 10 * 1000 * 1000 };
	int i;

	if (ts->ops->refresh == NULL)
		return;
	for (i = 0; i < TS_PRIME_PAIRS; i++) {
		if (i > 0)
			nanosleep(&ms10, NULL);
		ts->ops->refresh(ts);
	}
}

/* rx_desc / tx_desc of a backend without a self-test. */
static void ts_source_describe(struct ts_source *ts)
{
	const char *rx = "TSC read after each burst (software)";

	if (ts->ops == &ts_dynfield_ops)
		rx = ts_caps_hw_rx(&ts->caps, ts->driver) ?
		     "NIC hardware stamp (mbuf dynfield)" :
		     "kernel receive time (mbuf dynfield)";
	else if (ts->ops != &ts_sw_ops)
		rx = "NIC hardware stamp (timesync latch)";
	snprintf(ts->rx_desc, sizeof(ts->rx_desc), "%s", rx);
	snprintf(ts->tx_desc, sizeof(ts->tx_desc), "%s",
		 ts_source_has_tx_event(ts) ?
		 "NIC hardware stamps (timesync latch)" :
		 "none: egress time predicted");
}

int ts_source_open(struct ts_source *ts, uint16_t port_id,
		   enum conf_ts_mode mode, char *err, size_t errlen)
{
	const struct ts_source_ops *ops;
	int ret;

	memset(ts, 0, sizeof(*ts));
	ts->port_id = port_id;
	probe_driver(port_id, ts->driver, sizeof(ts->driver));
	ts_probe_caps(port_id, &ts->caps);
	ops = ts_choose(ts, mode, err, errlen);
	if (ops == NULL)
		goto fail;
	ts->ops = ops;
	ret = ops->open ? ops->open(ts) : 0;
	if (ret != 0 && mode == CONF_TS_AUTO && ops != &ts_sw_ops) {
		ts->ops = &ts_sw_ops;
		ret = ts_sw_ops.open(ts);
	}
	if (ret != 0) {
		snprintf(err, errlen, "port %u (driver %s): %s backend: %s",
			 port_id, ts->driver, ops->name, strerror(-ret));
		goto fail;
	}
	/* timesync stays on only for backends reading the NIC clock */
	if (ts->caps.timesync && ts->ops == &ts_sw_ops)
		rte_eth_timesync_disable(port_id);
	ts_source_prime(ts);
	if (ts->ops->selftest != NULL)
		ts->ops->selftest(ts);
	else
		ts_source_describe(ts);
	return 0;
fail:
	if (ts->caps.timesync)
		rte_eth_timesync_disable(port_id);
	ts->ops = &ts_sw_ops;
	return -1;
}

void ts_source_close(struct ts_source *ts)
{
	if (ts->ops && ts->ops->close)
		ts->ops->close(ts);
	if (ts->caps.timesync)
		rte_eth_timesync_disable(ts->port_id);
	ts->ops = &ts_sw_ops;
}
