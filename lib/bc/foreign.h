/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PTPSW_BC_FOREIGN_H
#define PTPSW_BC_FOREIGN_H

/*
 * Foreign timeTransmitter records of one port (IEEE 1588-2019 9.3.2.4-5):
 * a fixed-size table keyed by sourcePortIdentity (EP-03: never by IP
 * address), the qualification rule (FOREIGN_MASTER_THRESHOLD Announces
 * within FOREIGN_MASTER_TIME_WINDOW announce intervals), the Enterprise
 * Profile receipt timeout (EP-10: 3 intervals for preferred
 * timeTransmitters, 4 for all others) after which a record expires, and
 * the Acceptable timeTransmitter table (EP-17: when it is not empty, a
 * timeTransmitter outside it is never recorded, so never qualified).
 * No allocation.
 */

#include <stdbool.h>
#include <stdint.h>

#include "bc/bmca.h"
#include "ptp/msg.h"
#include "ptp/ptp_time.h"

#define FOREIGN_MAX_RECORDS		8
#define FOREIGN_MASTER_THRESHOLD	2
#define FOREIGN_MASTER_TIME_WINDOW	4	/* announce intervals */
#define FOREIGN_TIMEOUT_PREFERRED	3	/* announce intervals, EP-10 */
#define FOREIGN_TIMEOUT_OTHER		4	/* announce intervals, EP-10 */

/* Network address of a PTP peer (also used by bc.h). */
struct bc_addr {
	bool is_v6;
	uint8_t a[16];		/* IPv4 in a[0..3], network byte order */
};

struct foreign_record {
	bool used;
	bool qualified;
	bool preferred;			/* GM or sender in the preferred table */
	struct bmca_dataset ds;		/* sender = key; receiver = our port */
	uint16_t flags;			/* flagField of the last Announce */
	int16_t currentUtcOffset;
	uint8_t timeSource;
	uint16_t last_seq;
	struct bc_addr addr;		/* IP source of the last Announce (EP-19) */
	tmv_t rx[FOREIGN_MASTER_THRESHOLD];	/* newest first */
	unsigned int n_rx;
};

/* Outcome of foreign_announce(). */
enum foreign_result {
	FOREIGN_UPDATED = 0,		/* known record refreshed */
	FOREIGN_QUALIFIED = 1,		/* record became qualified (or its data
					 * set changed while qualified) */
	FOREIGN_PENDING = 2,		/* recorded, not yet qualified */
	FOREIGN_E_NOT_ACCEPTABLE = -1,	/* outside the acceptable table */
	FOREIGN_E_FULL = -2,		/* no free record */
	FOREIGN_E_DUPLICATE = -3,	/* same sequenceId again */
	FOREIGN_E_INVAL = -4,		/* not an Announce */
	FOREIGN_E_STEPS = -5,		/* stepsRemoved >= 255 (9.3.2.5) */
};

struct foreign_stats {
	uint64_t announces, not_acceptable, full, duplicates, expired;
	uint64_t steps_removed;		/* stepsRemoved >= 255: ignored */
	uint64_t evicted;		/* unqualified records replaced */
};

struct foreign_table {
	struct ptp_port_identity port;	/* receiver identity */
	tmv_t interval;			/* announce interval */
	const struct ptp_clock_identity *acceptable;
	unsigned int n_acceptable;
	const struct ptp_clock_identity *preferred;
	unsigned int n_preferred;
	struct foreign_record rec[FOREIGN_MAX_RECORDS];
	struct foreign_stats stats;
};

/*
 * Initialise an empty table for the port identified by port, with the
 * announce interval 2^log_announce_interval s. The acceptable and
 * preferred arrays (clock identities, n may be 0) are referenced, not
 * copied: they must outlive the table. Returns 0, or -1 for an interval
 * outside -7..7.
 */
int foreign_init(struct foreign_table *t, const struct ptp_port_identity *port,
		 int8_t log_announce_interval,
		 const struct ptp_clock_identity *acceptable, unsigned int n_acc,
		 const struct ptp_clock_identity *preferred, unsigned int n_pref);

/* Is the clock identity acceptable (true when the table is empty)? */
bool foreign_is_acceptable(const struct foreign_table *t,
			   const struct ptp_clock_identity *id);

/* Is the clock identity in the preferred table? */
bool foreign_is_preferred(const struct foreign_table *t,
			  const struct ptp_clock_identity *id);

/*
 * Record an Announce m received at time now from address src.
 * Acceptability and preference are judged on the sender's clockIdentity
 * and on the grandmasterIdentity (either listed is enough).
 * Returns an enum foreign_result; *recp (may be NULL) gets the record.
 */
int foreign_announce(struct foreign_table *t, const struct ptp_msg *m,
		     const struct bc_addr *src, tmv_t now,
		     struct foreign_record **recp);

/* Receipt timeout of a record: 3 or 4 announce intervals (EP-10). */
tmv_t foreign_timeout(const struct foreign_table *t,
		      const struct foreign_record *r);

/* Time at which r expires unless another Announce arrives. */
tmv_t foreign_deadline(const struct foreign_table *t,
		       const struct foreign_record *r);

/* Drop every record whose deadline is before now. Returns how many. */
unsigned int foreign_expire(struct foreign_table *t, tmv_t now);

/* Best qualified record (bmca_compare), or NULL when none. */
const struct foreign_record *foreign_best(const struct foreign_table *t);

/* Record of a sender, or NULL. */
struct foreign_record *foreign_find(struct foreign_table *t,
				    const struct ptp_port_identity *sender);

/* Forget every record (port disabled/faulty). */
void foreign_clear(struct foreign_table *t);

/* Number of qualified records. */
unsigned int foreign_n_qualified(const struct foreign_table *t);

#endif /* PTPSW_BC_FOREIGN_H */
