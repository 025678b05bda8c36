/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * port: device arguments, ethdev set-up and tear-down of a switch port.
 */

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_ethdev.h>
#include <rte_mbuf_dyn.h>
#include <rte_mempool.h>

#include "app.h"
#include "port.h"

#define PORT_RX_DESC 512
#define PORT_TX_DESC 512

static bool hex_run(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!isxdigit((unsigned char)s[i]))
			return false;
	return true;
}

bool port_is_pci(const char *dev)
{
	size_t n = strcspn(dev, ",");

	if (n == 12 && dev[4] == ':')	/* DDDD:BB:DD.F */
		dev += 5, n -= 5;
	if (n != 7)			/* BB:DD.F */
		return false;
	return hex_run(dev, 2) && dev[2] == ':' && hex_run(dev + 3, 2) &&
	       dev[5] == '.' && dev[6] >= '0' && dev[6] <= '7';
}

int port_eal_args(const struct conf_port *p, char **argv, int *argc, int max)
{
	if (*argc + 2 > max)
		return -1;
	argv[(*argc)++] = port_is_pci(p->device) ? "-a" : "--vdev";
	argv[(*argc)++] = (char *)(uintptr_t)p->device;
	return 0;
}

/* The ethdev name the device gets: the vdev name or the full PCI address. */
static void port_dev_name(const char *dev, char *name, size_t len)
{
	size_t n = strcspn(dev, ",");

	if (port_is_pci(dev) && n == 7)
		snprintf(name, len, "0000:%.*s", (int)n, dev);
	else
		snprintf(name, len, "%.*s", (int)n, dev);
}

static int port_configure(struct app_port *ap, struct rte_mempool *pool,
			  uint16_t n_txq, char *err, size_t errlen)
{
	struct rte_eth_conf conf;
	struct rte_eth_dev_info info;
	uint16_t nb_rxd = PORT_RX_DESC, nb_txd = PORT_TX_DESC, q;
	int ret, socket = rte_eth_dev_socket_id(ap->port_id);

	ret = rte_eth_dev_info_get(ap->port_id, &info);
	if (ret != 0)
		goto fail;
	snprintf(ap->driver, sizeof(ap->driver), "%s",
		 info.driver_name ? info.driver_name : "?");
	if (info.max_tx_queues < n_txq) {
		snprintf(err, errlen, "port %s (%s): driver %s offers %u TX "
			 "queues, %u workers need one each%s", ap->conf->name,
			 ap->conf->device, ap->driver, info.max_tx_queues,
			 n_txq, strcmp(ap->driver, "net_af_packet") == 0 ?
			 " (add qpairs=N to the af_packet device)" : "");
		return -1;
	}
	memset(&conf, 0, sizeof(conf));
	if (ap->conf->timestamping != CONF_TS_SOFTWARE &&
	    (info.rx_offload_capa & RTE_ETH_RX_OFFLOAD_TIMESTAMP)) {
		int off;
		uint64_t flag;

		if (rte_mbuf_dyn_rx_timestamp_register(&off, &flag) == 0)
			conf.rxmode.offloads |= RTE_ETH_RX_OFFLOAD_TIMESTAMP;
	}
	ret = rte_eth_dev_configure(ap->port_id, 1, n_txq, &conf);
	if (ret != 0)
		goto fail;
	ret = rte_eth_dev_adjust_nb_rx_tx_desc(ap->port_id, &nb_rxd, &nb_txd);
	if (ret != 0)
		goto fail;
	ret = rte_eth_rx_queue_setup(ap->port_id, 0, nb_rxd,
				     socket < 0 ? 0 : socket, NULL, pool);
	if (ret != 0)
		goto fail;
	for (q = 0; q < n_txq; q++) {
		ret = rte_eth_tx_queue_setup(ap->port_id, q, nb_txd,
					     socket < 0 ? 0 : socket, NULL);
		if (ret != 0)
			goto fail;
	}
	return 0;
fail:
	snprintf(err, errlen, "port %s (%s): set-up failed: %s",
		 ap->conf->name, ap->conf->device, rte_strerror(-ret));
	return -1;
}

int port_init(struct app_port *ap, const struct conf_port *cp,
	      unsigned int idx, struct rte_mempool *pool, uint16_t n_txq,
	      char *err, size_t errlen)
{
	char name[RTE_ETH_NAME_MAX_LEN], tserr[256];
	enum conf_ts_mode mode;
	int ret;

	memset(ap, 0, sizeof(*ap));
	ap->idx = idx;
	port_dev_name(cp->device, name, sizeof(name));
	if (rte_eth_dev_get_port_by_name(name, &ap->port_id) != 0) {
		snprintf(err, errlen, "port %s: no ethdev named %s (device "
			 "\"%s\" not probed?)", cp->name, name, cp->device);
		return -1;
	}
	ap->conf = cp;		/* from here on port_fini() closes it */
	if (port_configure(ap, pool, n_txq, err, errlen) != 0)
		return -1;
	ret = rte_eth_dev_start(ap->port_id);
	if (ret != 0) {
		snprintf(err, errlen, "port %s (%s): start failed: %s",
			 cp->name, cp->device, rte_strerror(-ret));
		return -1;
	}
	ap->started = true;
	ap->link_is_started = strcmp(ap->driver, "net_pcap") == 0;
	ret = rte_eth_promiscuous_enable(ap->port_id);
	if (ret != 0 && ret != -ENOTSUP)
		PLOG(WARNING, "port %s: promiscuous mode: %s", cp->name,
		     rte_strerror(-ret));
	rte_eth_macaddr_get(ap->port_id, &ap->mac);
	mode = cp->timestamping;
	/* net_pcap replaying a file stamps the file's times, not receive
	 * times: only live captures (iface=, rx_iface=...) have RX stamps */
	if (mode == CONF_TS_AUTO && strcmp(ap->driver, "net_pcap") == 0 &&
	    strstr(cp->device, "iface") == NULL)
		mode = CONF_TS_SOFTWARE;
	if (ts_source_open(&ap->ts, ap->port_id, mode, tserr,
			   sizeof(tserr)) != 0) {
		snprintf(err, errlen, "port %s: %s", cp->name, tserr);
		return -1;
	}
	ap->ts_open = true;
	ap->ts_mode = mode;
	port_poll_link(ap);
	return 0;
}

bool port_poll_link(struct app_port *ap)
{
	struct rte_eth_link link;
	uint8_t up;

	memset(&link, 0, sizeof(link));
	if (rte_eth_link_get_nowait(ap->port_id, &link) != 0)
		return false;
	up = link.link_status == RTE_ETH_LINK_UP;
	if (!up && ap->link_is_started && ap->started) {
		if (!ap->link_foreign_down)
			PLOG(NOTICE, "port %s: %s reports its link down while "
			     "ptpsw has the port started: a secondary process "
			     "(dpdk-proc-info, dpdk-dumpcap) stopped its own "
			     "view of it; the port stays up", ap->conf->name,
			     ap->driver);
		ap->link_foreign_down = true;
		up = 1;
	}
	ap->speed_mbps = link.link_speed;
	if (up == ap->link_up)
		return false;
	__atomic_store_n(&ap->link_up, up, __ATOMIC_RELEASE);
	return true;
}

void port_fini(struct app_port *ap)
{
	if (ap->conf == NULL)
		return;
	if (ap->ts_open)
		ts_source_close(&ap->ts);
	ap->ts_open = false;
	if (ap->started)
		rte_eth_dev_stop(ap->port_id);
	ap->started = false;
	rte_eth_dev_close(ap->port_id);
	ap->conf = NULL;
}
