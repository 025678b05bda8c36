/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * msg: IEEE 1588-2019 wire codec. Every read is bounded by
 * min(len, messageLength); every write by cap.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "ptp/msg.h"

#define PTP_TS_LEN		10
#define PTP_PORT_ID_LEN		10
#define PTP_TLV_HDR_LEN		4
#define PTP_MSG_MAX_LEN		0xffff
#define PTP_TS_SEC_MAX		0xffffffffffffULL
#define PTP_VERSION		2

/* Header field offsets. */
#define OFF_TYPE		0
#define OFF_VERSION		1
#define OFF_LENGTH		2
#define OFF_DOMAIN		4
#define OFF_MINOR_SDO		5
#define OFF_FLAGS		6
#define OFF_CORRECTION		8
#define OFF_TYPE_SPECIFIC	16
#define OFF_SOURCE_PORT		20
#define OFF_SEQUENCE		30
#define OFF_CONTROL		32
#define OFF_LOG_INTERVAL	33

static const char *const type_names[16] = {
	[PTP_SYNC] = "Sync",
	[PTP_DELAY_REQ] = "Delay_Req",
	[PTP_PDELAY_REQ] = "Pdelay_Req",
	[PTP_PDELAY_RESP] = "Pdelay_Resp",
	[PTP_FOLLOW_UP] = "Follow_Up",
	[PTP_DELAY_RESP] = "Delay_Resp",
	[PTP_PDELAY_RESP_FOLLOW_UP] = "Pdelay_Resp_Follow_Up",
	[PTP_ANNOUNCE] = "Announce",
	[PTP_SIGNALING] = "Signaling",
	[PTP_MANAGEMENT] = "Management",
};

static const char *const err_names[] = {
	[-PTP_OK] = "success",
	[-PTP_E_SHORT_HEADER] = "truncated PTP header",
	[-PTP_E_VERSION] = "unsupported versionPTP",
	[-PTP_E_BAD_TYPE] = "reserved messageType",
	[-PTP_E_LEN_TOO_SHORT] = "messageLength below the type minimum",
	[-PTP_E_LEN_EXCEEDS_FRAME] = "messageLength beyond the frame",
	[-PTP_E_TLV_OVERRUN] = "TLV runs past messageLength",
	[-PTP_E_TLV_ODD] = "odd TLV lengthField",
	[-PTP_E_TOO_MANY_TLVS] = "too many TLVs",
	[-PTP_E_BAD_TIMESTAMP] = "timestamp nanoseconds >= 1e9",
	[-PTP_E_NOSPACE] = "buffer too small",
	[-PTP_E_INVAL] = "invalid argument",
};

/* ---- byte order helpers ---- */

static inline uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static inline uint64_t get_be(const uint8_t *p, unsigned int n)
{
	uint64_t v = 0;

	while (n--)
		v = v << 8 | *p++;
	return v;
}

static inline void put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

static inline void put_be(uint8_t *p, uint64_t v, unsigned int n)
{
	while (n--) {
		p[n] = v & 0xff;
		v >>= 8;
	}
}

/* ---- names ---- */

const char *ptp_strerror(int err)
{
	const int n = (int)(sizeof(err_names) / sizeof(err_names[0]));

	if (err > 0 || err <= -n)
		return "unknown error";
	return err_names[-err];
}

const char *ptp_msg_type_name(uint8_t type)
{
	if (type > 0xf || type_names[type] == NULL)
		return "reserved";
	return type_names[type];
}

uint8_t ptp_msg_control_field(uint8_t type)
{
	switch (type) {
	case PTP_SYNC:		return 0;
	case PTP_DELAY_REQ:	return 1;
	case PTP_FOLLOW_UP:	return 2;
	case PTP_DELAY_RESP:	return 3;
	case PTP_MANAGEMENT:	return 4;
	default:		return 5;
	}
}

/* ---- parsing ---- */

static void parse_port_id(const uint8_t *p, struct ptp_port_identity *pid)
{
	memcpy(pid->clock.id, p, sizeof(pid->clock.id));
	pid->port = get16(p + 8);
}

static int parse_ts(const uint8_t *p, struct ptp_timestamp *ts)
{
	ts->sec = get_be(p, 6);
	ts->nsec = get32(p + 6);
	return ts->nsec >= PTP_NSEC_PER_SEC ? PTP_E_BAD_TIMESTAMP : PTP_OK;
}

static void parse_header(const uint8_t *b, struct ptp_header *h)
{
	h->majorSdoId = b[OFF_TYPE] >> 4;
	h->messageType = b[OFF_TYPE] & 0x0f;
	h->minorVersionPTP = b[OFF_VERSION] >> 4;
	h->versionPTP = b[OFF_VERSION] & 0x0f;
	h->messageLength = get16(b + OFF_LENGTH);
	h->domainNumber = b[OFF_DOMAIN];
	h->minorSdoId = b[OFF_MINOR_SDO];
	h->flagField = get16(b + OFF_FLAGS);
	h->correction = ptp_hdr_get_correction(b);
	h->messageTypeSpecific = get32(b + OFF_TYPE_SPECIFIC);
	parse_port_id(b + OFF_SOURCE_PORT, &h->sourcePortIdentity);
	h->sequenceId = get16(b + OFF_SEQUENCE);
	h->controlField = b[OFF_CONTROL];
	h->logMessageInterval = (int8_t)b[OFF_LOG_INTERVAL];
}

static int parse_announce(const uint8_t *p, struct ptp_announce_body *a)
{
	int rc = parse_ts(p, &a->originTimestamp);

	a->currentUtcOffset = (int16_t)get16(p + 10);
	/* p[12] reserved */
	a->grandmasterPriority1 = p[13];
	a->grandmasterClockQuality.clockClass = p[14];
	a->grandmasterClockQuality.clockAccuracy = p[15];
	a->grandmasterClockQuality.offsetScaledLogVariance = get16(p + 16);
	a->grandmasterPriority2 = p[18];
	memcpy(a->grandmasterIdentity.id, p + 19, 8);
	a->stepsRemoved = get16(p + 27);
	a->timeSource = p[29];
	return rc;
}

static int parse_management(const uint8_t *p, struct ptp_management_body *m)
{
	parse_port_id(p, &m->targetPortIdentity);
	m->startingBoundaryHops = p[10];
	m->boundaryHops = p[11];
	m->actionField = p[12] & 0x0f;
	/* p[13] reserved */
	return PTP_OK;
}

/* Decode the fixed body that follows the header (p: its first byte). */
static int parse_body(uint8_t type, const uint8_t *p, struct ptp_msg *msg)
{
	switch (type) {
	case PTP_SYNC:
	case PTP_DELAY_REQ:
	case PTP_PDELAY_REQ:	/* followed by 10 reserved bytes */
	case PTP_FOLLOW_UP:
		return parse_ts(p, &msg->body.sync.ts);
	case PTP_PDELAY_RESP:
	case PTP_DELAY_RESP:
	case PTP_PDELAY_RESP_FOLLOW_UP:
		parse_port_id(p + PTP_TS_LEN,
			      &msg->body.resp.requestingPortIdentity);
		return parse_ts(p, &msg->body.resp.ts);
	case PTP_ANNOUNCE:
		return parse_announce(p, &msg->body.announce);
	case PTP_SIGNALING:
		parse_port_id(p, &msg->body.signaling.targetPortIdentity);
		return PTP_OK;
	case PTP_MANAGEMENT:
		return parse_management(p, &msg->body.management);
	default:
		return PTP_E_BAD_TYPE;
	}
}

/* Walk the TLVs in p[0 .. n). */
static int parse_tlvs(const uint8_t *p, size_t n, struct ptp_msg *msg)
{
	size_t off = 0;
	uint16_t tlen;

	msg->n_tlvs = 0;
	while (off < n) {
		if (n - off < PTP_TLV_HDR_LEN)
			return PTP_E_TLV_OVERRUN;
		tlen = get16(p + off + 2);
		if (tlen > n - off - PTP_TLV_HDR_LEN)
			return PTP_E_TLV_OVERRUN;
		if (tlen & 1)
			return PTP_E_TLV_ODD;
		if (msg->n_tlvs == PTP_MAX_TLVS)
			return PTP_E_TOO_MANY_TLVS;
		msg->tlvs[msg->n_tlvs].type = get16(p + off);
		msg->tlvs[msg->n_tlvs].length = tlen;
		msg->tlvs[msg->n_tlvs].value = p + off + PTP_TLV_HDR_LEN;
		msg->n_tlvs++;
		off += PTP_TLV_HDR_LEN + tlen;
	}
	return PTP_OK;
}

int ptp_msg_parse(const uint8_t *buf, size_t len, struct ptp_msg *msg)
{
	size_t fixed;
	int rc;

	rc = ptp_hdr_check(buf, len);
	if (rc != PTP_OK)
		return rc;
	parse_header(buf, &msg->hdr);
	rc = parse_body(msg->hdr.messageType, buf + PTP_HDR_LEN, msg);
	if (rc != PTP_OK)
		return rc;
	fixed = ptp_msg_min_len(msg->hdr.messageType);
	return parse_tlvs(buf + fixed, msg->hdr.messageLength - fixed, msg);
}

/* ---- in-place access ---- */

ptp_cf_t ptp_hdr_get_correction(const uint8_t *hdr)
{
	ptp_cf_t cf = { (int64_t)get_be(hdr + OFF_CORRECTION, 8) };

	return cf;
}

void ptp_hdr_set_correction(uint8_t *hdr, ptp_cf_t cf)
{
	put_be(hdr + OFF_CORRECTION, (uint64_t)cf.scaled, 8);
}

/* ---- building ---- */

static bool build_supported(uint8_t type)
{
	switch (type) {
	case PTP_SYNC:
	case PTP_DELAY_REQ:
	case PTP_FOLLOW_UP:
	case PTP_DELAY_RESP:
	case PTP_ANNOUNCE:
	case PTP_SIGNALING:
		return true;
	default:
		return false;
	}
}

static bool ts_valid(const struct ptp_timestamp *ts)
{
	return ts->nsec < PTP_NSEC_PER_SEC && ts->sec <= PTP_TS_SEC_MAX;
}

/* Validate the TLV list; return the bytes it takes, or a negative error. */
static long tlvs_size(const struct ptp_msg *msg)
{
	long total = 0;
	unsigned int i;

	if (msg->n_tlvs > PTP_MAX_TLVS)
		return PTP_E_INVAL;
	for (i = 0; i < msg->n_tlvs; i++) {
		const struct ptp_tlv *t = &msg->tlvs[i];

		if ((t->length & 1) || (t->length && t->value == NULL))
			return PTP_E_INVAL;
		total += PTP_TLV_HDR_LEN + t->length;
	}
	return total;
}

static void put_port_id(uint8_t *p, const struct ptp_port_identity *pid)
{
	memcpy(p, pid->clock.id, sizeof(pid->clock.id));
	put16(p + 8, pid->port);
}

static void put_ts(uint8_t *p, const struct ptp_timestamp *ts)
{
	put_be(p, ts->sec, 6);
	put_be(p + 6, ts->nsec, 4);
}

static void build_header(const struct ptp_header *h, uint16_t mlen,
			 uint8_t *b)
{
	b[OFF_TYPE] = (uint8_t)((h->majorSdoId & 0x0f) << 4 |
				(h->messageType & 0x0f));
	b[OFF_VERSION] = (uint8_t)((h->minorVersionPTP & 0x0f) << 4 |
				   PTP_VERSION);
	put16(b + OFF_LENGTH, mlen);
	b[OFF_DOMAIN] = h->domainNumber;
	b[OFF_MINOR_SDO] = h->minorSdoId;
	put16(b + OFF_FLAGS, h->flagField);
	ptp_hdr_set_correction(b, h->correction);
	put_be(b + OFF_TYPE_SPECIFIC, h->messageTypeSpecific, 4);
	put_port_id(b + OFF_SOURCE_PORT, &h->sourcePortIdentity);
	put16(b + OFF_SEQUENCE, h->sequenceId);
	b[OFF_CONTROL] = h->controlField;
	b[OFF_LOG_INTERVAL] = (uint8_t)h->logMessageInterval;
}

static void build_announce(const struct ptp_announce_body *a, uint8_t *p)
{
	put_ts(p, &a->originTimestamp);
	put16(p + 10, (uint16_t)a->currentUtcOffset);
	p[12] = 0;
	p[13] = a->grandmasterPriority1;
	p[14] = a->grandmasterClockQuality.clockClass;
	p[15] = a->grandmasterClockQuality.clockAccuracy;
	put16(p + 16, a->grandmasterClockQuality.offsetScaledLogVariance);
	p[18] = a->grandmasterPriority2;
	memcpy(p + 19, a->grandmasterIdentity.id, 8);
	put16(p + 27, a->stepsRemoved);
	p[29] = a->timeSource;
}

/* Check the body's timestamps before anything is written. */
static int body_check(const struct ptp_msg *msg)
{
	const struct ptp_timestamp *ts = NULL;

	switch (msg->hdr.messageType) {
	case PTP_SYNC:
	case PTP_DELAY_REQ:
	case PTP_FOLLOW_UP:
		ts = &msg->body.sync.ts;
		break;
	case PTP_DELAY_RESP:
		ts = &msg->body.resp.ts;
		break;
	case PTP_ANNOUNCE:
		ts = &msg->body.announce.originTimestamp;
		break;
	default:
		break;
	}
	return ts == NULL || ts_valid(ts) ? PTP_OK : PTP_E_INVAL;
}

static void build_body(const struct ptp_msg *msg, uint8_t *p)
{
	switch (msg->hdr.messageType) {
	case PTP_SYNC:
	case PTP_DELAY_REQ:
	case PTP_FOLLOW_UP:
		put_ts(p, &msg->body.sync.ts);
		break;
	case PTP_DELAY_RESP:
		put_ts(p, &msg->body.resp.ts);
		put_port_id(p + PTP_TS_LEN,
			    &msg->body.resp.requestingPortIdentity);
		break;
	case PTP_ANNOUNCE:
		build_announce(&msg->body.announce, p);
		break;
	case PTP_SIGNALING:
		put_port_id(p, &msg->body.signaling.targetPortIdentity);
		break;
	default:
		break;
	}
}

static void build_tlvs(const struct ptp_msg *msg, uint8_t *p)
{
	unsigned int i;

	for (i = 0; i < msg->n_tlvs; i++) {
		const struct ptp_tlv *t = &msg->tlvs[i];

		put16(p, t->type);
		put16(p + 2, t->length);
		if (t->length)
			memcpy(p + PTP_TLV_HDR_LEN, t->value, t->length);
		p += PTP_TLV_HDR_LEN + t->length;
	}
}

int ptp_msg_build(const struct ptp_msg *msg, uint8_t *buf, size_t cap)
{
	uint8_t type;
	long tlv_bytes;
	size_t fixed, total;

	if (msg == NULL || (buf == NULL && cap > 0))
		return PTP_E_INVAL;
	type = msg->hdr.messageType;
	if (type > 0xf || !build_supported(type) || body_check(msg) != PTP_OK)
		return PTP_E_INVAL;
	tlv_bytes = tlvs_size(msg);
	if (tlv_bytes < 0)
		return (int)tlv_bytes;
	fixed = ptp_msg_min_len(type);
	total = fixed + (size_t)tlv_bytes;
	if (total > PTP_MSG_MAX_LEN)
		return PTP_E_INVAL;
	if (total > cap)
		return PTP_E_NOSPACE;
	build_header(&msg->hdr, (uint16_t)total, buf);
	build_body(msg, buf + PTP_HDR_LEN);
	build_tlvs(msg, buf + fixed);
	return (int)total;
}

/* ---- clock identity text ---- */

void ptp_clock_id_str(const struct ptp_clock_identity *id, char *buf,
		      size_t len)
{
	const uint8_t *c = id->id;

	if (buf == NULL || len == 0)
		return;
	snprintf(buf, len, "%02x%02x%02x.%02x%02x.%02x%02x%02x",
		 c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]);
}

static int hex_val(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int ptp_clock_id_parse(const char *s, struct ptp_clock_identity *id)
{
	/* Octet boundaries in "aabbcc.fffe.ddeeff": dots at 6 and 11. */
	static const uint8_t pos[8] = { 0, 2, 4, 7, 9, 12, 14, 16 };
	struct ptp_clock_identity tmp;
	int hi, lo, i;

	if (s == NULL || id == NULL || strlen(s) != 18 ||
	    s[6] != '.' || s[11] != '.')
		return -1;
	for (i = 0; i < 8; i++) {
		hi = hex_val(s[pos[i]]);
		lo = hex_val(s[pos[i] + 1]);
		if (hi < 0 || lo < 0)
			return -1;
		tmp.id[i] = (uint8_t)(hi << 4 | lo);
	}
	*id = tmp;
	return 0;
}
