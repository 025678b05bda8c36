/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ts_sw: software timestamps from the TSC. One read per RX burst, right
 * after rte_eth_rx_burst() returned; TX is predicted as "now".
 */

#include <string.h>

#include <rte_mbuf.h>

#include "timebase.h"
#include "ts_source.h"

static int sw_open(struct ts_source *ts)
{
	ts->priv = NULL;
	return 0;
}

/* One TSC read for the whole burst (counted as fallback stamps). */
static uint64_t sw_rx_burst_one(struct ts_source *ts, uint16_t n)
{
	ts->rx_fallback += n;
	return timebase_now();
}

static void sw_rx_burst(struct ts_source *ts, struct rte_mbuf **pkts,
			uint16_t n, uint64_t *ts_out)
{
	uint64_t now = sw_rx_burst_one(ts, n);
	const uint64_t four[4] = { now, now, now, now };
	uint64_t *end = ts_out + n;

	(void)pkts;
	/* four stamps per step: this runs for every frame of a virtual
	 * port */
	for (; end - ts_out >= 4; ts_out += 4)
		memcpy(ts_out, four, sizeof(four));
	while (ts_out < end)
		*ts_out++ = now;
}

uint64_t ts_tx_predict_now(struct ts_source *ts)
{
	(void)ts;
	return timebase_now();
}

const struct ts_source_ops ts_sw_ops = {
	.name = "software",
	.open = sw_open,
	.rx_burst = sw_rx_burst,
	.rx_burst_one = sw_rx_burst_one,
	.tx_predict = ts_tx_predict_now,
};
