/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PTPSW_MGMT_MGMT_H
#define PTPSW_MGMT_MGMT_H

/*
 * PTP management messages (IEEE 1588-2019 clause 15) as linuxptp's pmc
 * speaks them over a local socket: parse a request, answer the read-only
 * dataset GETs of one boundary clock instance (DEFAULT_DATA_SET,
 * CURRENT_DATA_SET, PARENT_DATA_SET, TIME_PROPERTIES_DATA_SET,
 * PORT_DATA_SET), and a MANAGEMENT_ERROR_STATUS for everything else.
 * Also the decoders of the dataset TLVs (tests, tools).
 *
 * Pure: no EAL, no I/O, no allocation. The socket lives in app/mgmt_sock.c.
 * Management is never answered on the network (RFC 9760 EP-28).
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ptp/msg.h"

struct bc;

/* Management message body after the common header: targetPortIdentity,
 * startingBoundaryHops, boundaryHops, actionField, reserved. */
#define MGMT_BODY_LEN		14
#define MGMT_HDR_LEN		(PTP_HDR_LEN + MGMT_BODY_LEN)	/* 48 */
#define MGMT_MAX_MSG		256	/* largest message built here */

/* actionField values (Table 97) */
enum mgmt_action {
	MGMT_GET = 0,
	MGMT_SET = 1,
	MGMT_RESPONSE = 2,
	MGMT_COMMAND = 3,
	MGMT_ACKNOWLEDGE = 4,
};

/* managementId values served (Table 98) */
#define MGMT_ID_NULL			0x0000
#define MGMT_ID_DEFAULT_DATA_SET	0x2000
#define MGMT_ID_CURRENT_DATA_SET	0x2001
#define MGMT_ID_PARENT_DATA_SET		0x2002
#define MGMT_ID_TIME_PROPERTIES_DATA_SET 0x2003
#define MGMT_ID_PORT_DATA_SET		0x2004

/* dataField lengths of the datasets (15.5.3) */
#define MGMT_DEFAULT_DS_LEN	20
#define MGMT_CURRENT_DS_LEN	18
#define MGMT_PARENT_DS_LEN	32
#define MGMT_TP_DS_LEN		4
#define MGMT_PORT_DS_LEN	26

/* managementErrorId values (Table 109): 0x0001 .. 0x0007 in order */
enum mgmt_error_id {
	MGMT_ERR_RESPONSE_TOO_BIG = 0x0001,
	MGMT_ERR_NO_SUCH_ID,
	MGMT_ERR_WRONG_LENGTH,
	MGMT_ERR_WRONG_VALUE,
	MGMT_ERR_NOT_SETABLE,
	MGMT_ERR_NOT_SUPPORTED,
	MGMT_ERR_UNPOPULATED,		/* 0x0007 */
	MGMT_ERR_GENERAL_ERROR = 0xFFFE,
};

/*
 * Parse errors: negative, distinct from each other and from enum ptp_err
 * (which mgmt_parse() also returns, for header and TLV walk problems).
 */
enum mgmt_err {
	MGMT_E_NOT_MANAGEMENT = -32,	/* messageType is not Management */
	MGMT_E_NO_TLV = -33,		/* no TLV after the body */
	MGMT_E_TLV_TYPE = -34,		/* first TLV neither MANAGEMENT nor
					 * MANAGEMENT_ERROR_STATUS */
	MGMT_E_TLV_SHORT = -35,		/* TLV too short for its fixed part */
	MGMT_E_ACTION = -36,		/* reserved actionField (> 4) */
};

/* Text of an mgmt_err or ptp_err code (static, never NULL). */
const char *mgmt_strerror(int err);

/* A parsed management message. data points into the caller's buffer. */
struct mgmt_msg {
	struct ptp_header hdr;
	struct ptp_port_identity target;
	uint8_t starting_hops, hops;
	uint8_t action;			/* enum mgmt_action */
	uint16_t tlv_type;		/* PTP_TLV_MANAGEMENT or _ERROR_STATUS */
	uint16_t id;			/* managementId */
	uint16_t error;			/* managementErrorId (error status) */
	uint16_t data_len;		/* dataField (or displayData) bytes */
	const uint8_t *data;
};

/*
 * Parse a management message of len bytes: header checks and the TLV walk
 * of ptp_msg_parse() (negative enum ptp_err), then the enum mgmt_err
 * checks above. Returns 0 or a negative code; *m is undefined on error.
 */
int mgmt_parse(const uint8_t *buf, size_t len, struct mgmt_msg *m);

/*
 * Encode the dataField of dataset id of bc into buf (cap bytes); port is
 * the port index for PORT_DATA_SET (ignored otherwise). Returns the
 * length written, -MGMT_ERR_NOT_SUPPORTED for an id not served,
 * -MGMT_ERR_WRONG_VALUE for a bad port index, or PTP_E_NOSPACE.
 */
int mgmt_encode_dataset(const struct bc *bc, uint16_t id, unsigned int port,
			uint8_t *buf, size_t cap);

/*
 * Build the reply to request req into buf (cap bytes): RESPONSE (or
 * ACKNOWLEDGE for a COMMAND), sequenceId and domainNumber echoed,
 * targetPortIdentity = the request's sourcePortIdentity, boundary hops as
 * IEEE 1588 15.3.4 (starting - used), sourcePortIdentity src.
 * With error == 0: a MANAGEMENT TLV with managementId req->id and the
 * data_len bytes of data. Otherwise a MANAGEMENT_ERROR_STATUS TLV with
 * that managementErrorId and displayData text (may be NULL; truncated to
 * fit, padded to an even length). Returns the length or PTP_E_NOSPACE.
 */
int mgmt_build_reply(const struct mgmt_msg *req,
		     const struct ptp_port_identity *src, uint16_t error,
		     const uint8_t *data, uint16_t data_len, const char *text,
		     uint8_t *buf, size_t cap);

/* What mgmt_answer() did with a request (for counters). */
enum mgmt_outcome {
	MGMT_ANSWERED = 0,	/* one or more dataset responses */
	MGMT_REFUSED,		/* an error status was sent */
	MGMT_IGNORED,		/* not a request (RESPONSE/ACKNOWLEDGE), or
				 * aimed at another clock: no reply */
	MGMT_OUTCOME__COUNT
};

/* Receives each message built by mgmt_answer(); buf valid during the call. */
typedef void (*mgmt_emit_fn)(void *arg, const uint8_t *buf, size_t len);

/*
 * Answer the parsed request req with the instance bc of its domain (NULL
 * when no boundary clock runs that domain: GENERAL_ERROR status naming the
 * domain). GET of the five datasets: one RESPONSE, or for PORT_DATA_SET one
 * per port selected by targetPortIdentity.portNumber (0xFFFF: every port;
 * no such port: WRONG_VALUE). A target clockIdentity other than all-ones
 * or the instance's: ignored. SET and COMMAND (the server is read-only) and
 * GET of other ids: NOT_SUPPORTED. Calls emit for each message.
 * Returns the enum mgmt_outcome.
 */
enum mgmt_outcome mgmt_answer(const struct mgmt_msg *req, const struct bc *bc,
			      mgmt_emit_fn emit, void *arg);

/* ---- dataset decoders (host order), the inverse of the encoder ---- */

struct mgmt_default_ds {
	bool two_step, slave_only;
	uint16_t number_ports;
	uint8_t priority1, priority2, domain;
	struct ptp_clock_quality quality;
	struct ptp_clock_identity clock;
};

struct mgmt_current_ds {
	uint16_t steps_removed;
	ptp_cf_t offset_from_master, mean_path_delay;	/* TimeInterval */
};

struct mgmt_parent_ds {
	struct ptp_port_identity parent;
	bool parent_stats;
	uint16_t observed_variance;
	int32_t observed_rate;
	uint8_t gm_priority1, gm_priority2;
	struct ptp_clock_quality gm_quality;
	struct ptp_clock_identity gm;
};

struct mgmt_tp_ds {
	int16_t utc_offset;
	uint8_t flags;			/* bit 0 LI-61 .. bit 5 FTRA */
	uint8_t time_source;
};

struct mgmt_port_ds {
	struct ptp_port_identity id;
	uint8_t state;			/* 1588 portState: 1 INITIALIZING .. 9 SLAVE */
	int8_t log_min_delay_req;
	ptp_cf_t peer_mean_path_delay;
	int8_t log_announce;
	uint8_t announce_timeout;
	int8_t log_sync;
	uint8_t delay_mechanism;	/* 1 = E2E */
	int8_t log_min_pdelay_req;
	uint8_t version;
};

/* Each decodes a dataField of exactly its dataset's length.
 * Returns 0, or MGMT_E_TLV_SHORT when len is not that length. */
int mgmt_decode_default(const uint8_t *d, size_t len, struct mgmt_default_ds *o);
int mgmt_decode_current(const uint8_t *d, size_t len, struct mgmt_current_ds *o);
int mgmt_decode_parent(const uint8_t *d, size_t len, struct mgmt_parent_ds *o);
int mgmt_decode_tp(const uint8_t *d, size_t len, struct mgmt_tp_ds *o);
int mgmt_decode_port(const uint8_t *d, size_t len, struct mgmt_port_ds *o);

/* 1588 portState enumeration value of a port state (enum fsm_state). */
uint8_t mgmt_port_state(int fsm_state);

#endif /* PTPSW_MGMT_MGMT_H */
