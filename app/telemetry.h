/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PTPSW_APP_TELEMETRY_H
#define PTPSW_APP_TELEMETRY_H

/*
 * DPDK telemetry commands of ptpsw, read with the stock client
 * (`dpdk-telemetry.py -f FILE_PREFIX`):
 *	/ptpsw/info	version, uptime, lcores, mbufs, FDB, live capture,
 *			reloads, management socket
 *	/ptpsw/ports	per port: link, timestamp backend, counters, drops by
 *			reason (",NAME" or ",INDEX" selects one port)
 *	/ptpsw/tc	transparent clock: counters summed over the workers,
 *			per domain corrected / Syncs seen / rate ratio
 *	/ptpsw/bc	boundary clocks per domain ({} while none runs)
 *	/ptpsw/monitor	divergence monitors per domain pair ("24_25")
 *	/ptpsw/neigh	neighbour cache of ptpsw's own addresses
 *	/ptpsw/config	the running configuration
 *	/ptpsw/counters	what each counter key counts
 *
 * The callbacks run on DPDK's telemetry thread. They read the workers'
 * counters without locks (each is one aligned 64-bit word written by one
 * lcore) and never make a worker wait. Telemetry in DPDK 22.11 has no
 * floating point or signed 64-bit values: ratios are strings ("%.12f")
 * plus an integer in parts per billion, signed nanoseconds are ints that
 * saturate at INT_MIN / INT_MAX (about +-2.1 s). Dict keys may only hold
 * letters, digits, '_' and '/': a port name's '-' and '.' appear as '_'
 * in keys (the port's "name" field keeps it as configured).
 */

struct app;

/*
 * Register the commands for app (after rte_eal_init; app must stay valid
 * until telemetry_fini). Registration failures are logged, not fatal
 * (EAL started with --no-telemetry). Returns the number of commands
 * registered.
 */
int telemetry_init(struct app *app);

/*
 * Stop answering (the commands stay registered: DPDK cannot unregister;
 * they then return an error). Waits for a callback in progress to finish.
 * Call before the app's ports and workers are freed.
 */
void telemetry_fini(void);

/* For a module's builder (its part of a reply, on the telemetry thread):
 * a new dict (NULL without memory), and child attached to d under name
 * (freed if that fails; NULL is ignored). */
struct rte_tel_data;
struct rte_tel_data *tel_new_dict(void);
void tel_add_child(struct rte_tel_data *d, const char *name,
		   struct rte_tel_data *child);

/* Hold off the telemetry thread while the control lcore replaces what
 * it reads (a reload). */
void telemetry_lock(void);
void telemetry_unlock(void);

#endif /* PTPSW_APP_TELEMETRY_H */
