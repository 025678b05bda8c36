/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ts_sw: software timestamps from the TSC. One read per RX burst, right
 * after rte_eth_rx_burst() returned; TX is predicted as "now".
 */

#include <rte_mbuf.h>

#include "timebase.h"
#include "ts_source.h"

static int sw_open(struct ts_source *ts)
{
	ts->priv = NULL;
	return 0;
}

static void sw_rx_burst(struct ts_source *ts, struct rte_mbuf **pkts,
			uint16_t n, uint64_t *ts_out)
{
	uint64_t now = timebase_now();
	uint16_t i;

	(void)pkts;
	for (i = 0; i < n; i++)
		ts_out[i] = now;
	ts->rx_fallback += n;
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
	.tx_predict = ts_tx_predict_now,
};
