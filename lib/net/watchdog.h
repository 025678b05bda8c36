/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PTPSW_NET_WATCHDOG_H
#define PTPSW_NET_WATCHDOG_H

/*
 * Profile watchdog: counts PTP traffic that uses options the Enterprise
 * Profile forbids (RFC 9760 EP-05, EP-14, EP-24), as seen on a port:
 *	- peer-to-peer delay messages (Pdelay_Req, Pdelay_Resp,
 *	  Pdelay_Resp_Follow_Up);
 *	- unicast negotiation: Signaling carrying a REQUEST / GRANT / CANCEL /
 *	  ACKNOWLEDGE_CANCEL_UNICAST_TRANSMISSION TLV (0x0004..0x0007);
 *	- the alternateMasterFlag (flagField octet 0 bit 0) set;
 *	- PTP not over UDP (EtherType 0x88F7).
 * Observation only: the frame is forwarded (or not) as before.
 *
 * Fast path: pure, no allocation, reads only within the classified PTP
 * message (ptp_off .. ptp_off + ptp_len, never past len). No EAL.
 */

#include <stddef.h>
#include <stdint.h>

#include "net/frame.h"

/* Bits of watchdog_check()'s result. */
#define WATCHDOG_F_PDELAY	(1u << 0)
#define WATCHDOG_F_NEGOTIATION	(1u << 1)
#define WATCHDOG_F_ALT_MASTER	(1u << 2)
#define WATCHDOG_F_RAW		(1u << 3)

/* TLVs looked at in one Signaling message (the rest is not walked). */
#define WATCHDOG_MAX_TLVS	16

/* Per port (per worker) counters; one aligned 64-bit word each. */
struct watchdog_counters {
	uint64_t pdelay;
	uint64_t negotiation;
	uint64_t alt_master;
	uint64_t raw_ptp;
	uint64_t tlv_malformed;	/* Signaling TLV walk ran past the message */
};

/* watchdog_check() of a message that may carry something (out of line). */
unsigned int watchdog_check_msg(const uint8_t *buf, size_t len,
				const struct frame_info *fi,
				struct watchdog_counters *c);

/* Message types the watchdog looks into: Pdelay_*, Signaling. */
#define WATCHDOG_TYPES	(1u << 0x2 | 1u << 0x3 | 1u << 0xA | 1u << 0xC)

/*
 * Look at one frame of len bytes classified as fi. Only FRAME_PTP frames
 * are examined (others return 0). Each kind of violation found increments
 * its counter in c once.
 * Returns the WATCHDOG_F_* bits found (0: nothing forbidden).
 * Inline: a UDP message of another type with alternateMasterFlag clear
 * (the usual case) returns 0 at once.
 */
static inline unsigned int watchdog_check(const uint8_t *buf, size_t len,
					  const struct frame_info *fi,
					  struct watchdog_counters *c)
{
	if (fi->cls == FRAME_PTP && fi->l3 != FRAME_L3_RAW_PTP &&
	    !(WATCHDOG_TYPES & 1u << (fi->ptp_type & 0x0F)) &&
	    (size_t)fi->ptp_off + 7 <= len &&
	    !(buf[fi->ptp_off + 6] & 0x01))	/* alternateMasterFlag */
		return 0;
	return watchdog_check_msg(buf, len, fi, c);
}

/* c += add, counter by counter (summing workers for status). */
void watchdog_add(struct watchdog_counters *c,
		  const struct watchdog_counters *add);

/* Sum of the counters (excluding tlv_malformed). */
uint64_t watchdog_total(const struct watchdog_counters *c);

#endif /* PTPSW_NET_WATCHDOG_H */
