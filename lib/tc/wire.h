/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PTPSW_TC_WIRE_H
#define PTPSW_TC_WIRE_H

/*
 * The PTP message fields lib/tc reads (private to lib/tc): offsets in a
 * PTP message (IEEE 1588-2019 13.3, 13.6 - 13.8) and their readers.
 */

#include <stdbool.h>
#include <stdint.h>

#include "ptp/msg.h"
#include "ptp/ptp_time.h"

#define OFF_DOMAIN	4
#define OFF_FLAGS	6	/* first octet of flagField */
#define OFF_SRC		20	/* sourcePortIdentity */
#define OFF_SEQ		30
#define OFF_BODY_TS	34	/* (precise)originTimestamp */
#define OFF_REQ		44	/* Delay_Resp requestingPortIdentity */
#define PORT_ID_LEN	10	/* a PortIdentity */
#define TS_LEN		10
#define LEN_WITH_TS	(OFF_BODY_TS + TS_LEN)
#define LEN_WITH_REQ	(OFF_REQ + PORT_ID_LEN)

static inline uint16_t tc_rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* PTP Timestamp at p as tmv. Returns false if not representable. */
static inline bool tc_read_ts(const uint8_t *p, tmv_t *out)
{
	struct ptp_timestamp ts = { 0, 0 };
	unsigned int i;

	for (i = 0; i < 6; i++)
		ts.sec = ts.sec << 8 | p[i];
	for (i = 6; i < TS_LEN; i++)
		ts.nsec = ts.nsec << 8 | p[i];
	return ptp_ts_to_tmv(&ts, out);
}

/* The twoStepFlag of the PTP message at ptp. */
static inline bool tc_two_step_flag(const uint8_t *ptp)
{
	return (ptp[OFF_FLAGS] & (PTP_FLAG_TWO_STEP >> 8)) != 0;
}

#endif /* PTPSW_TC_WIRE_H */
