/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * capture: the rte_pdump server of the primary process.
 */

#include <stdbool.h>
#include <stdio.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_pdump.h>

#include "app.h"
#include "capture.h"

static bool capture_on;

/* Can a secondary process attach? It needs the primary's shared config
 * file (absent with --no-shconf) and hugepage memory it can map (none
 * with --no-huge). rte_pdump_init() itself succeeds without either. */
static const char *capture_unavailable(void)
{
	char path[512];

	if (!rte_eal_has_hugepages())
		return "EAL runs with --no-huge";
	snprintf(path, sizeof(path), "%s/config", rte_eal_get_runtime_dir());
	if (access(path, F_OK) != 0)
		return "EAL runs with --no-shconf or --in-memory";
	return NULL;
}

int capture_init(void)
{
	const char *why;

	if (rte_eal_process_type() != RTE_PROC_PRIMARY)
		return -1;
	why = capture_unavailable();
	if (why) {
		PLOG(INFO, "live capture unavailable: %s (dpdk-dumpcap needs "
		     "hugepages and shared config)", why);
		return -1;
	}
	if (rte_pdump_init() != 0) {
		PLOG(NOTICE, "live capture unavailable: %s (dpdk-dumpcap "
		     "needs EAL without --no-shconf and --no-huge)",
		     rte_strerror(rte_errno));
		return -1;
	}
	capture_on = true;
	PLOG(INFO, "live capture: dpdk-dumpcap/dpdk-pdump can attach");
	return 0;
}

bool capture_enabled(void)
{
	return capture_on;
}

void capture_fini(void)
{
	if (!capture_on)
		return;
	rte_pdump_uninit();
	capture_on = false;
}
