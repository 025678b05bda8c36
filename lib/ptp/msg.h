/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PTPSW_PTP_MSG_H
#define PTPSW_PTP_MSG_H

/*
 * PTP (IEEE 1588-2019) wire codec. Parsing validates every length against
 * the bytes really present; building writes network byte order.
 * Works on plain byte buffers: no EAL.
 */

#include <stddef.h>
#include <stdint.h>

#include "ptp/ptp_time.h"

#define PTP_HDR_LEN 34
#define PTP_MAX_TLVS 16

enum ptp_msg_type {
	PTP_SYNC = 0x0,
	PTP_DELAY_REQ = 0x1,
	PTP_PDELAY_REQ = 0x2,
	PTP_PDELAY_RESP = 0x3,
	PTP_FOLLOW_UP = 0x8,
	PTP_DELAY_RESP = 0x9,
	PTP_PDELAY_RESP_FOLLOW_UP = 0xA,
	PTP_ANNOUNCE = 0xB,
	PTP_SIGNALING = 0xC,
	PTP_MANAGEMENT = 0xD,
};

/* flagField, as a host-order 16-bit value: octet 6 in the high byte. */
#define PTP_FLAG_ALT_MASTER	(1u << 8)
#define PTP_FLAG_TWO_STEP	(1u << 9)
#define PTP_FLAG_UNICAST	(1u << 10)
#define PTP_FLAG_PROFILE1	(1u << 13)
#define PTP_FLAG_PROFILE2	(1u << 14)
#define PTP_FLAG_LEAP61		(1u << 0)
#define PTP_FLAG_LEAP59		(1u << 1)
#define PTP_FLAG_UTC_VALID	(1u << 2)
#define PTP_FLAG_PTP_TIMESCALE	(1u << 3)
#define PTP_FLAG_TIME_TRACEABLE	(1u << 4)
#define PTP_FLAG_FREQ_TRACEABLE	(1u << 5)
#define PTP_FLAG_SYNC_UNCERTAIN	(1u << 6)

/* TLV types used by the project */
#define PTP_TLV_MANAGEMENT			0x0001
#define PTP_TLV_MANAGEMENT_ERROR_STATUS		0x0002
#define PTP_TLV_REQUEST_UNICAST_TRANSMISSION	0x0004
#define PTP_TLV_GRANT_UNICAST_TRANSMISSION	0x0005
#define PTP_TLV_CANCEL_UNICAST_TRANSMISSION	0x0006
#define PTP_TLV_ACK_CANCEL_UNICAST_TRANSMISSION	0x0007

/* Error codes: negative, distinct, stable (tests and counters use them). */
enum ptp_err {
	PTP_OK = 0,
	PTP_E_SHORT_HEADER = -1,	/* fewer than 34 bytes present */
	PTP_E_VERSION = -2,		/* versionPTP != 2 */
	PTP_E_BAD_TYPE = -3,		/* reserved messageType */
	PTP_E_LEN_TOO_SHORT = -4,	/* messageLength < the type's minimum */
	PTP_E_LEN_EXCEEDS_FRAME = -5,	/* messageLength > bytes present */
	PTP_E_TLV_OVERRUN = -6,		/* a TLV runs past messageLength */
	PTP_E_TLV_ODD = -7,		/* odd TLV lengthField */
	PTP_E_TOO_MANY_TLVS = -8,
	PTP_E_BAD_TIMESTAMP = -9,	/* nanoseconds >= 1e9 */
	PTP_E_NOSPACE = -10,		/* build: buffer too small */
	PTP_E_INVAL = -11,		/* build: bad argument */
};

/* Text of an error code (static string, never NULL). */
const char *ptp_strerror(int err);

struct ptp_clock_identity {
	uint8_t id[8];
};

struct ptp_port_identity {
	struct ptp_clock_identity clock;
	uint16_t port;
};

struct ptp_clock_quality {
	uint8_t clockClass;
	uint8_t clockAccuracy;
	uint16_t offsetScaledLogVariance;
};

struct ptp_header {
	uint8_t majorSdoId;		/* 4 bits */
	uint8_t messageType;		/* enum ptp_msg_type */
	uint8_t minorVersionPTP;	/* 4 bits */
	uint8_t versionPTP;		/* 4 bits, always 2 */
	uint16_t messageLength;
	uint8_t domainNumber;
	uint8_t minorSdoId;
	uint16_t flagField;		/* PTP_FLAG_* */
	ptp_cf_t correction;
	uint32_t messageTypeSpecific;
	struct ptp_port_identity sourcePortIdentity;
	uint16_t sequenceId;
	uint8_t controlField;
	int8_t logMessageInterval;
};

/* A TLV as found in a parsed message: value points into the caller's buffer. */
struct ptp_tlv {
	uint16_t type;
	uint16_t length;
	const uint8_t *value;
};

struct ptp_announce_body {
	struct ptp_timestamp originTimestamp;
	int16_t currentUtcOffset;
	uint8_t grandmasterPriority1;
	struct ptp_clock_quality grandmasterClockQuality;
	uint8_t grandmasterPriority2;
	struct ptp_clock_identity grandmasterIdentity;
	uint16_t stepsRemoved;
	uint8_t timeSource;
};

struct ptp_management_body {
	struct ptp_port_identity targetPortIdentity;
	uint8_t startingBoundaryHops;
	uint8_t boundaryHops;
	uint8_t actionField;		/* low nibble */
};

/* A parsed message. Only the member of the union matching the type is set. */
struct ptp_msg {
	struct ptp_header hdr;
	union {
		/* Sync, Delay_Req, Follow_Up (preciseOriginTimestamp), Pdelay_Req */
		struct { struct ptp_timestamp ts; } sync;
		/* Delay_Resp, Pdelay_Resp, Pdelay_Resp_Follow_Up */
		struct {
			struct ptp_timestamp ts;
			struct ptp_port_identity requestingPortIdentity;
		} resp;
		struct ptp_announce_body announce;
		struct { struct ptp_port_identity targetPortIdentity; } signaling;
		struct ptp_management_body management;
	} body;
	unsigned int n_tlvs;
	struct ptp_tlv tlvs[PTP_MAX_TLVS];
};

/* Minimum messageLength of a type, or 0 for a reserved type (inline: the
 * fast path checks every PTP header with it). */
static inline uint16_t ptp_msg_min_len(uint8_t type)
{
	switch (type) {
	case PTP_SYNC:
	case PTP_DELAY_REQ:
	case PTP_FOLLOW_UP:
	case PTP_SIGNALING:
		return PTP_HDR_LEN + 10;
	case PTP_PDELAY_REQ:
	case PTP_PDELAY_RESP:
	case PTP_DELAY_RESP:
	case PTP_PDELAY_RESP_FOLLOW_UP:
		return PTP_HDR_LEN + 20;
	case PTP_ANNOUNCE:
		return PTP_HDR_LEN + 30;
	case PTP_MANAGEMENT:
		return PTP_HDR_LEN + 14;
	default:
		return 0;
	}
}
/* True for Sync, Delay_Req, Pdelay_Req, Pdelay_Resp. */
static inline int ptp_msg_is_event(uint8_t type) { return type <= 0x3; }
/* Name of a messageType ("Sync", ...), or "reserved" (static, never NULL). */
const char *ptp_msg_type_name(uint8_t type);
/* Legacy controlField value (1588-2008 Table 23) for a type: 0..4, else 5. */
uint8_t ptp_msg_control_field(uint8_t type);

/*
 * Parse and validate a message of len bytes at buf.
 * Returns PTP_OK or a negative enum ptp_err. On error *msg is undefined.
 * Reads only buf[0 .. min(len, messageLength)); bytes beyond messageLength
 * (e.g. Ethernet/UDP padding) are ignored. Header errors are those of
 * ptp_hdr_check(); then PTP_E_BAD_TIMESTAMP for a body timestamp with
 * nanoseconds >= 1e9, and PTP_E_TLV_OVERRUN / _ODD / _TOO_MANY_TLVS from the
 * TLV walk, which starts right after the type's fixed body (for Management
 * the management TLV is one of msg->tlvs) and must end exactly at
 * messageLength. msg->tlvs[].value points into buf.
 */
int ptp_msg_parse(const uint8_t *buf, size_t len, struct ptp_msg *msg);

/*
 * Quick header-only check used by the fast path: validates version,
 * type and messageLength against len without decoding the body.
 * Returns PTP_OK or a negative enum ptp_err.
 */
static inline int ptp_hdr_check(const uint8_t *buf, size_t len)
{
	uint16_t min, mlen;

	if (buf == NULL || len < PTP_HDR_LEN)
		return PTP_E_SHORT_HEADER;
	if ((buf[1] & 0x0f) != 2)		/* versionPTP */
		return PTP_E_VERSION;
	min = ptp_msg_min_len(buf[0] & 0x0f);
	if (min == 0)
		return PTP_E_BAD_TYPE;
	mlen = (uint16_t)(buf[2] << 8 | buf[3]);	/* messageLength */
	if (mlen < min)
		return PTP_E_LEN_TOO_SHORT;
	if (mlen > len)
		return PTP_E_LEN_EXCEEDS_FRAME;
	return PTP_OK;
}

/*
 * Build a message into buf (cap bytes): header from msg->hdr (messageLength
 * is computed, messageType taken from hdr), body from the union, then
 * msg->tlvs. Returns the number of bytes written, or a negative enum ptp_err.
 * Supported types: Sync, Delay_Req, Follow_Up, Delay_Resp, Announce, Signaling.
 * versionPTP is always written as 2; reserved octets as 0; controlField is
 * copied from hdr (see ptp_msg_control_field()).
 * PTP_E_INVAL: unsupported type, timestamp nsec >= 1e9 or sec >= 2^48,
 * n_tlvs > PTP_MAX_TLVS, odd TLV length, NULL value with length > 0, or
 * total length > 65535. PTP_E_NOSPACE: cap too small (nothing written).
 */
int ptp_msg_build(const struct ptp_msg *msg, uint8_t *buf, size_t cap);

/* In-place field access on a validated buffer of at least PTP_HDR_LEN bytes. */
ptp_cf_t ptp_hdr_get_correction(const uint8_t *hdr);
void ptp_hdr_set_correction(uint8_t *hdr, ptp_cf_t cf);

/* "aabbcc.fffe.ddeeff" format, as linuxptp prints it. buf >= 24 bytes. */
void ptp_clock_id_str(const struct ptp_clock_identity *id, char *buf, size_t len);
/* Parse the same format; returns 0 or -1. */
int ptp_clock_id_parse(const char *s, struct ptp_clock_identity *id);

#endif /* PTPSW_PTP_MSG_H */
