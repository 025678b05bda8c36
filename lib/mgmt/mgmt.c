/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * mgmt: PTP management requests and the dataset responses of a boundary
 * clock instance (IEEE 1588-2019 15.4, 15.5.3).
 */

#include <stdio.h>
#include <string.h>

#include "bc/bc.h"
#include "bc/foreign.h"
#include "mgmt/mgmt.h"

_Static_assert(MGMT_ERR_UNPOPULATED == 0x0007, "Table 109 numbering");

#define MGMT_TLV_HDR		4	/* tlvType, lengthField */
#define MGMT_ERR_FIXED		8	/* errorId, managementId, reserved */
#define MGMT_PORT_ALL		0xFFFF
#define MGMT_CONTROL		4	/* controlField of Management */
#define MGMT_LOG_INTERVAL	0x7F
#define MGMT_E2E		1	/* delayMechanism */

static const char *const err_names[] = {
	[0] = "not a management message",
	[1] = "no TLV",
	[2] = "first TLV is not a management TLV",
	[3] = "management TLV too short",
	[4] = "reserved actionField",
};

const char *mgmt_strerror(int err)
{
	int i = MGMT_E_NOT_MANAGEMENT - err;

	if (err > MGMT_E_NOT_MANAGEMENT)
		return ptp_strerror(err);
	if (i < 0 || i >= (int)(sizeof(err_names) / sizeof(err_names[0])))
		return "unknown error";
	return err_names[i];
}

/* ---- byte helpers (network order) ---- */

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)get16(p) << 16 | get16(p + 2);
}

static uint64_t get64(const uint8_t *p)
{
	return (uint64_t)get32(p) << 32 | get32(p + 4);
}

static uint8_t *put8(uint8_t *p, uint8_t v)
{
	*p = v;
	return p + 1;
}

static uint8_t *put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
	return p + 2;
}

static uint8_t *put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	return put16(p + 2, (uint16_t)v);
}

static uint8_t *put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)(v >> 32));
	return put32(p + 4, (uint32_t)v);
}

static uint8_t *put_clock(uint8_t *p, const struct ptp_clock_identity *c)
{
	memcpy(p, c->id, 8);
	return p + 8;
}

static uint8_t *put_port(uint8_t *p, const struct ptp_port_identity *pi)
{
	return put16(put_clock(p, &pi->clock), pi->port);
}

static uint8_t *put_quality(uint8_t *p, const struct ptp_clock_quality *q)
{
	p = put8(p, q->clockClass);
	p = put8(p, q->clockAccuracy);
	return put16(p, q->offsetScaledLogVariance);
}

static void get_port(const uint8_t *p, struct ptp_port_identity *pi)
{
	memcpy(pi->clock.id, p, 8);
	pi->port = get16(p + 8);
}

static void get_quality(const uint8_t *p, struct ptp_clock_quality *q)
{
	q->clockClass = p[0];
	q->clockAccuracy = p[1];
	q->offsetScaledLogVariance = get16(p + 2);
}

/* ---- parsing ---- */

static int parse_tlv(const struct ptp_tlv *t, struct mgmt_msg *m)
{
	m->tlv_type = t->type;
	if (t->type == PTP_TLV_MANAGEMENT) {
		if (t->length < 2)
			return MGMT_E_TLV_SHORT;
		m->id = get16(t->value);
		m->data = t->value + 2;
		m->data_len = (uint16_t)(t->length - 2);
		return 0;
	}
	if (t->type != PTP_TLV_MANAGEMENT_ERROR_STATUS)
		return MGMT_E_TLV_TYPE;
	if (t->length < MGMT_ERR_FIXED)
		return MGMT_E_TLV_SHORT;
	m->error = get16(t->value);
	m->id = get16(t->value + 2);
	m->data = t->value + MGMT_ERR_FIXED;
	m->data_len = (uint16_t)(t->length - MGMT_ERR_FIXED);
	return 0;
}

int mgmt_parse(const uint8_t *buf, size_t len, struct mgmt_msg *m)
{
	struct ptp_msg pm;
	int rc;

	rc = ptp_msg_parse(buf, len, &pm);
	if (rc != PTP_OK)
		return rc;
	if (pm.hdr.messageType != PTP_MANAGEMENT)
		return MGMT_E_NOT_MANAGEMENT;
	memset(m, 0, sizeof(*m));
	m->hdr = pm.hdr;
	m->target = pm.body.management.targetPortIdentity;
	m->starting_hops = pm.body.management.startingBoundaryHops;
	m->hops = pm.body.management.boundaryHops;
	m->action = pm.body.management.actionField & 0x0f;
	if (m->action > MGMT_ACKNOWLEDGE)
		return MGMT_E_ACTION;
	if (pm.n_tlvs == 0)
		return MGMT_E_NO_TLV;
	return parse_tlv(&pm.tlvs[0], m);
}

/* ---- dataset encoding ---- */

uint8_t mgmt_port_state(int s)
{
	/* 1588 Table 20: INITIALIZING 1 ... SLAVE 9, in fsm.h order */
	if (s < FSM_INITIALIZING || s >= FSM_N_STATES)
		return 0;
	return (uint8_t)(s - FSM_INITIALIZING + 1);
}

static int enc_default(const struct bc *bc, uint8_t *b)
{
	uint8_t *p = b;

	p = put8(p, (uint8_t)((bc->dds.twoStep ? 1 : 0) |
			      (bc->dds.slaveOnly ? 2 : 0)));
	p = put8(p, 0);
	p = put16(p, (uint16_t)bc->n_ports);
	p = put8(p, bc->dds.priority1);
	p = put_quality(p, &bc->dds.clockQuality);
	p = put8(p, bc->dds.priority2);
	p = put_clock(p, &bc->dds.clockIdentity);
	p = put8(p, bc->dds.domainNumber);
	p = put8(p, 0);
	return (int)(p - b);
}

static uint64_t time_interval(tmv_t t)
{
	return (uint64_t)ptp_cf_from_tmv(t).scaled;
}

static int enc_current(const struct bc *bc, uint8_t *b)
{
	uint8_t *p = b;

	p = put16(p, bc->cur.stepsRemoved);
	p = put64(p, time_interval(bc->cur.offsetFromMaster));
	p = put64(p, time_interval(bc->cur.meanPathDelay));
	return (int)(p - b);
}

static int enc_parent(const struct bc *bc, uint8_t *b)
{
	uint8_t *p = b;

	p = put_port(p, &bc->parent.parentPortIdentity);
	p = put8(p, 0);			/* parentStats: not computed */
	p = put8(p, 0);
	p = put16(p, 0xFFFF);		/* observedParentOffsetScaledLogVariance */
	p = put32(p, 0x7FFFFFFF);	/* observedParentClockPhaseChangeRate */
	p = put8(p, bc->parent.grandmasterPriority1);
	p = put_quality(p, &bc->parent.grandmasterClockQuality);
	p = put8(p, bc->parent.grandmasterPriority2);
	p = put_clock(p, &bc->parent.grandmasterIdentity);
	return (int)(p - b);
}

static int enc_tp(const struct bc *bc, uint8_t *b)
{
	uint8_t *p = b;
	uint8_t f = 0;

	f |= bc->tp.leap61 ? 0x01 : 0;
	f |= bc->tp.leap59 ? 0x02 : 0;
	f |= bc->tp.currentUtcOffsetValid ? 0x04 : 0;
	f |= bc->tp.ptpTimescale ? 0x08 : 0;
	f |= bc->tp.timeTraceable ? 0x10 : 0;
	f |= bc->tp.frequencyTraceable ? 0x20 : 0;
	p = put16(p, (uint16_t)bc->tp.currentUtcOffset);
	p = put8(p, f);
	p = put8(p, bc->tp.timeSource);
	return (int)(p - b);
}

static int enc_port(const struct bc *bc, unsigned int i, uint8_t *b)
{
	const struct bc_port *pt = &bc->port[i];
	uint8_t *p = b;

	p = put_port(p, &pt->id);
	p = put8(p, mgmt_port_state(pt->state));
	p = put8(p, (uint8_t)bc->cfg.log_min_delay_req_interval);
	p = put64(p, 0);		/* peerMeanPathDelay: E2E only */
	p = put8(p, (uint8_t)bc->cfg.log_announce_interval);
	p = put8(p, FOREIGN_TIMEOUT_OTHER);
	p = put8(p, (uint8_t)bc->cfg.log_sync_interval);
	p = put8(p, MGMT_E2E);
	p = put8(p, BC_LOG_UNSPECIFIED);	/* no Pdelay (EP-05) */
	p = put8(p, 2);			/* versionNumber */
	return (int)(p - b);
}

int mgmt_encode_dataset(const struct bc *bc, uint16_t id, unsigned int port,
			uint8_t *buf, size_t cap)
{
	static const struct { uint16_t id; size_t len; } lens[] = {
		{ MGMT_ID_DEFAULT_DATA_SET, MGMT_DEFAULT_DS_LEN },
		{ MGMT_ID_CURRENT_DATA_SET, MGMT_CURRENT_DS_LEN },
		{ MGMT_ID_PARENT_DATA_SET, MGMT_PARENT_DS_LEN },
		{ MGMT_ID_TIME_PROPERTIES_DATA_SET, MGMT_TP_DS_LEN },
		{ MGMT_ID_PORT_DATA_SET, MGMT_PORT_DS_LEN },
	};
	size_t i;

	for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++)
		if (lens[i].id == id)
			break;
	if (i == sizeof(lens) / sizeof(lens[0]))
		return -MGMT_ERR_NOT_SUPPORTED;
	if (cap < lens[i].len)
		return PTP_E_NOSPACE;
	switch (id) {
	case MGMT_ID_DEFAULT_DATA_SET:
		return enc_default(bc, buf);
	case MGMT_ID_CURRENT_DATA_SET:
		return enc_current(bc, buf);
	case MGMT_ID_PARENT_DATA_SET:
		return enc_parent(bc, buf);
	case MGMT_ID_TIME_PROPERTIES_DATA_SET:
		return enc_tp(bc, buf);
	default:
		if (port >= bc->n_ports)
			return -MGMT_ERR_WRONG_VALUE;
		return enc_port(bc, port, buf);
	}
}

/* ---- replies ---- */

static uint8_t *put_header(uint8_t *p, const struct mgmt_msg *req,
			   const struct ptp_port_identity *src, uint16_t len)
{
	p = put8(p, (uint8_t)(req->hdr.majorSdoId << 4 | PTP_MANAGEMENT));
	p = put8(p, (uint8_t)(req->hdr.minorVersionPTP << 4 | 2));
	p = put16(p, len);
	p = put8(p, req->hdr.domainNumber);
	p = put8(p, req->hdr.minorSdoId);
	p = put16(p, (uint16_t)(req->hdr.flagField & PTP_FLAG_UNICAST));
	p = put64(p, 0);		/* correctionField */
	p = put32(p, 0);		/* messageTypeSpecific */
	p = put_port(p, src);
	p = put16(p, req->hdr.sequenceId);
	p = put8(p, MGMT_CONTROL);
	return put8(p, MGMT_LOG_INTERVAL);
}

static uint8_t *put_body(uint8_t *p, const struct mgmt_msg *req)
{
	uint8_t start = (uint8_t)(req->starting_hops - req->hops);

	if (req->hops > req->starting_hops)
		start = 0;
	p = put_port(p, &req->hdr.sourcePortIdentity);
	p = put8(p, start);
	p = put8(p, start);
	p = put8(p, req->action == MGMT_COMMAND ? MGMT_ACKNOWLEDGE :
		 MGMT_RESPONSE);
	return put8(p, 0);
}

int mgmt_build_reply(const struct mgmt_msg *req,
		     const struct ptp_port_identity *src, uint16_t error,
		     const uint8_t *data, uint16_t data_len, const char *text,
		     uint8_t *buf, size_t cap)
{
	size_t tlv_len, tl = 0, total;
	uint8_t *p;

	if (error) {
		tl = text ? strlen(text) : 0;
		if (tl > MGMT_MAX_MSG - MGMT_HDR_LEN - MGMT_TLV_HDR -
			 MGMT_ERR_FIXED - 2)
			tl = MGMT_MAX_MSG - MGMT_HDR_LEN - MGMT_TLV_HDR -
			     MGMT_ERR_FIXED - 2;
		tlv_len = MGMT_ERR_FIXED + (tl ? 1 + tl : 0);
	} else {
		tlv_len = 2 + (size_t)data_len;
	}
	tlv_len += tlv_len & 1;
	total = MGMT_HDR_LEN + MGMT_TLV_HDR + tlv_len;
	if (total > cap || total > 0xFFFF)
		return PTP_E_NOSPACE;
	memset(buf, 0, total);
	p = put_header(buf, req, src, (uint16_t)total);
	p = put_body(p, req);
	p = put16(p, error ? PTP_TLV_MANAGEMENT_ERROR_STATUS :
		  PTP_TLV_MANAGEMENT);
	p = put16(p, (uint16_t)tlv_len);
	if (error) {
		p = put16(p, error);
		p = put16(p, req->id);
		p += 4;			/* reserved */
		if (tl) {
			p = put8(p, (uint8_t)tl);
			memcpy(p, text, tl);
		}
	} else {
		p = put16(p, req->id);
		if (data_len)
			memcpy(p, data, data_len);
	}
	return (int)total;
}

static bool clock_is_all_ones(const struct ptp_clock_identity *c)
{
	static const uint8_t ones[8] = { 0xff, 0xff, 0xff, 0xff,
					 0xff, 0xff, 0xff, 0xff };

	return memcmp(c->id, ones, 8) == 0;
}

static enum mgmt_outcome refuse(const struct mgmt_msg *req,
				const struct ptp_port_identity *src,
				uint16_t error, const char *text,
				mgmt_emit_fn emit, void *arg)
{
	uint8_t out[MGMT_MAX_MSG];
	int n;

	n = mgmt_build_reply(req, src, error, NULL, 0, text, out, sizeof(out));
	if (n > 0)
		emit(arg, out, (size_t)n);
	return MGMT_REFUSED;
}

static int respond(const struct mgmt_msg *req, const struct bc *bc,
		   unsigned int port, const struct ptp_port_identity *src,
		   mgmt_emit_fn emit, void *arg)
{
	uint8_t ds[64], out[MGMT_MAX_MSG];
	int dl, n;

	dl = mgmt_encode_dataset(bc, req->id, port, ds, sizeof(ds));
	if (dl < 0)
		return dl;
	n = mgmt_build_reply(req, src, 0, ds, (uint16_t)dl, NULL, out,
			     sizeof(out));
	if (n < 0)
		return n;
	emit(arg, out, (size_t)n);
	return 0;
}

static enum mgmt_outcome answer_ports(const struct mgmt_msg *req,
				      const struct bc *bc,
				      const struct ptp_port_identity *clk,
				      mgmt_emit_fn emit, void *arg)
{
	unsigned int i, sent = 0;

	for (i = 0; i < bc->n_ports; i++) {
		if (req->target.port != MGMT_PORT_ALL &&
		    req->target.port != bc->port[i].id.port)
			continue;
		if (respond(req, bc, i, &bc->port[i].id, emit, arg) == 0)
			sent++;
	}
	if (sent)
		return MGMT_ANSWERED;
	return refuse(req, clk, MGMT_ERR_WRONG_VALUE, "no such port", emit,
		      arg);
}

/* An id GET answers (NULL_PTP_MANAGEMENT and the data sets). */
static bool served(uint16_t id)
{
	return id == MGMT_ID_NULL || (id >= MGMT_ID_DEFAULT_DATA_SET &&
				      id <= MGMT_ID_PORT_DATA_SET);
}

enum mgmt_outcome mgmt_answer(const struct mgmt_msg *req, const struct bc *bc,
			      mgmt_emit_fn emit, void *arg)
{
	struct ptp_port_identity clk;
	char text[64];

	memset(&clk, 0, sizeof(clk));
	if (req->action == MGMT_RESPONSE || req->action == MGMT_ACKNOWLEDGE ||
	    req->tlv_type != PTP_TLV_MANAGEMENT)
		return MGMT_IGNORED;
	if (bc == NULL) {
		snprintf(text, sizeof(text), "no boundary clock in domain %u",
			 req->hdr.domainNumber);
		return refuse(req, &clk, MGMT_ERR_GENERAL_ERROR, text, emit,
			      arg);
	}
	clk.clock = bc->dds.clockIdentity;
	if (!clock_is_all_ones(&req->target.clock) &&
	    memcmp(req->target.clock.id, clk.clock.id, 8) != 0)
		return MGMT_IGNORED;
	if (req->action == MGMT_SET && served(req->id))
		return refuse(req, &clk, MGMT_ERR_NOT_SETABLE, "read-only",
			      emit, arg);
	if (req->action != MGMT_GET)
		return refuse(req, &clk, MGMT_ERR_NOT_SUPPORTED,
			      "read-only", emit, arg);
	if (req->id == MGMT_ID_NULL) {	/* as ptp4l: an empty RESPONSE */
		uint8_t out[MGMT_MAX_MSG];
		int n = mgmt_build_reply(req, &clk, 0, NULL, 0, NULL, out,
					 sizeof(out));

		if (n < 0)
			return MGMT_IGNORED;
		emit(arg, out, (size_t)n);
		return MGMT_ANSWERED;
	}
	if (req->id == MGMT_ID_PORT_DATA_SET)
		return answer_ports(req, bc, &clk, emit, arg);
	if (respond(req, bc, 0, &clk, emit, arg) == 0)
		return MGMT_ANSWERED;
	return refuse(req, &clk, MGMT_ERR_NOT_SUPPORTED, NULL, emit, arg);
}

/* ---- decoders ---- */

int mgmt_decode_default(const uint8_t *d, size_t len, struct mgmt_default_ds *o)
{
	if (len != MGMT_DEFAULT_DS_LEN)
		return MGMT_E_TLV_SHORT;
	o->two_step = d[0] & 1;
	o->slave_only = (d[0] >> 1) & 1;
	o->number_ports = get16(d + 2);
	o->priority1 = d[4];
	get_quality(d + 5, &o->quality);
	o->priority2 = d[9];
	memcpy(o->clock.id, d + 10, 8);
	o->domain = d[18];
	return 0;
}

int mgmt_decode_current(const uint8_t *d, size_t len, struct mgmt_current_ds *o)
{
	if (len != MGMT_CURRENT_DS_LEN)
		return MGMT_E_TLV_SHORT;
	o->steps_removed = get16(d);
	o->offset_from_master.scaled = (int64_t)get64(d + 2);
	o->mean_path_delay.scaled = (int64_t)get64(d + 10);
	return 0;
}

int mgmt_decode_parent(const uint8_t *d, size_t len, struct mgmt_parent_ds *o)
{
	if (len != MGMT_PARENT_DS_LEN)
		return MGMT_E_TLV_SHORT;
	get_port(d, &o->parent);
	o->parent_stats = d[10] & 1;
	o->observed_variance = get16(d + 12);
	o->observed_rate = (int32_t)get32(d + 14);
	o->gm_priority1 = d[18];
	get_quality(d + 19, &o->gm_quality);
	o->gm_priority2 = d[23];
	memcpy(o->gm.id, d + 24, 8);
	return 0;
}

int mgmt_decode_tp(const uint8_t *d, size_t len, struct mgmt_tp_ds *o)
{
	if (len != MGMT_TP_DS_LEN)
		return MGMT_E_TLV_SHORT;
	o->utc_offset = (int16_t)get16(d);
	o->flags = d[2];
	o->time_source = d[3];
	return 0;
}

int mgmt_decode_port(const uint8_t *d, size_t len, struct mgmt_port_ds *o)
{
	if (len != MGMT_PORT_DS_LEN)
		return MGMT_E_TLV_SHORT;
	get_port(d, &o->id);
	o->state = d[10];
	o->log_min_delay_req = (int8_t)d[11];
	o->peer_mean_path_delay.scaled = (int64_t)get64(d + 12);
	o->log_announce = (int8_t)d[20];
	o->announce_timeout = d[21];
	o->log_sync = (int8_t)d[22];
	o->delay_mechanism = d[23];
	o->log_min_pdelay_req = (int8_t)d[24];
	o->version = d[25];
	return 0;
}
