/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PTPSW_APP_PORT_H
#define PTPSW_APP_PORT_H

/*
 * Switch ports: the EAL device arguments a config's ports need, and the
 * ethdev set-up (one RX queue, one TX queue per worker), link polling and
 * tear-down.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rte_ether.h>

#include "conf/config.h"
#include "ts_source.h"

struct rte_mempool;

struct app_port {
	unsigned int idx;		/* index in conf.ports */
	const struct conf_port *conf;
	uint16_t port_id;		/* ethdev port */
	char driver[32];
	struct rte_ether_addr mac;
	struct ts_source ts;
	bool ts_open;
	enum conf_ts_mode ts_mode;	/* mode used (auto may become sw) */
	bool started;
	/* the PMD's link status is nothing but its started state
	 * (net_pcap): a secondary process (dpdk-proc-info, dpdk-dumpcap)
	 * that closes its view of the port writes DOWN into the shared
	 * state; port_poll_link() keeps such a port up while started */
	bool link_is_started;
	bool link_foreign_down;		/* that happened (logged once) */
	unsigned int rx_worker;		/* worker that polls its RX queue */
	uint32_t speed_mbps;
	volatile uint8_t link_up;	/* written by control, read by workers */
	/* TX stamp transitions the control lcore has logged (txstamp.c) */
	uint64_t tx_lost_logged, tx_back_logged;
	/* ts.rx_map_stale as last logged (rtjump.c) */
	uint64_t map_stale_logged;
};

/* Does dev (up to the first comma) look like a PCI address
 * (DDDD:BB:DD.F or BB:DD.F)? */
bool port_is_pci(const char *dev);

/*
 * Append the EAL arguments that create/allow the device of p
 * ("-a ADDR" or "--vdev DEVICE") to argv at *argc (bounded by max).
 * Returns 0, or -1 if argv is full.
 */
int port_eal_args(const struct conf_port *p, char **argv, int *argc, int max);

/*
 * Find the ethdev of conf port idx, configure it with one RX queue and
 * n_txq TX queues, start it, enable promiscuous mode and open its
 * timestamp source. Returns 0, or -1 with a message in err.
 */
int port_init(struct app_port *ap, const struct conf_port *cp,
	      unsigned int idx, struct rte_mempool *pool, uint16_t n_txq,
	      char *err, size_t errlen);

/* Poll the link without waiting. Returns true if it changed. A port
 * whose link is only its started state (link_is_started) stays up while
 * ptpsw has it started, whatever another process wrote. */
bool port_poll_link(struct app_port *ap);

/* Stop and close the ethdev (frees what its queues hold). */
void port_fini(struct app_port *ap);

#endif /* PTPSW_APP_PORT_H */
