/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for the PTP wire codec (lib/ptp/msg.c).
 *
 * For every input: ptp_hdr_check() and ptp_msg_parse() must agree; a parsed
 * message must describe only bytes inside messageLength; a buildable message
 * must rebuild to the same bytes and re-parse to the same fields.
 * Any inconsistency aborts.
 *
 * Build (see tests/fuzz/meson.build for the project build):
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -Ilib \
 *     tests/fuzz/fuzz_msg.c lib/ptp/msg.c lib/ptp/ptp_time.c -o fuzz_msg
 * Seed corpus generator (same file, no libFuzzer):
 *   cc -DFUZZ_MSG_GEN_CORPUS -Ilib tests/fuzz/fuzz_msg.c lib/ptp/msg.c lib/ptp/ptp_time.c -lm \
 *     -o gen && ./gen tests/fuzz/corpus/msg
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ptp/msg.h"

#include "fuzz_check.h"

#define ANNOUNCE_RESERVED_OFF	(PTP_HDR_LEN + 12)

static int buildable(uint8_t type)
{
	return type == PTP_SYNC || type == PTP_DELAY_REQ ||
	       type == PTP_FOLLOW_UP || type == PTP_DELAY_RESP ||
	       type == PTP_ANNOUNCE || type == PTP_SIGNALING;
}

static void same_pid(const struct ptp_port_identity *a,
		     const struct ptp_port_identity *b)
{
	CHECK(memcmp(a->clock.id, b->clock.id, 8) == 0);
	CHECK(a->port == b->port);
}

static void same_ts(const struct ptp_timestamp *a,
		    const struct ptp_timestamp *b)
{
	CHECK(a->sec == b->sec);
	CHECK(a->nsec == b->nsec);
}

static void same_hdr(const struct ptp_header *a, const struct ptp_header *b)
{
	CHECK(a->majorSdoId == b->majorSdoId);
	CHECK(a->messageType == b->messageType);
	CHECK(a->minorVersionPTP == b->minorVersionPTP);
	CHECK(a->versionPTP == b->versionPTP);
	CHECK(a->messageLength == b->messageLength);
	CHECK(a->domainNumber == b->domainNumber);
	CHECK(a->minorSdoId == b->minorSdoId);
	CHECK(a->flagField == b->flagField);
	CHECK(a->correction.scaled == b->correction.scaled);
	CHECK(a->messageTypeSpecific == b->messageTypeSpecific);
	same_pid(&a->sourcePortIdentity, &b->sourcePortIdentity);
	CHECK(a->sequenceId == b->sequenceId);
	CHECK(a->controlField == b->controlField);
	CHECK(a->logMessageInterval == b->logMessageInterval);
}

static void same_announce(const struct ptp_announce_body *a,
			  const struct ptp_announce_body *b)
{
	same_ts(&a->originTimestamp, &b->originTimestamp);
	CHECK(a->currentUtcOffset == b->currentUtcOffset);
	CHECK(a->grandmasterPriority1 == b->grandmasterPriority1);
	CHECK(a->grandmasterClockQuality.clockClass ==
	      b->grandmasterClockQuality.clockClass);
	CHECK(a->grandmasterClockQuality.clockAccuracy ==
	      b->grandmasterClockQuality.clockAccuracy);
	CHECK(a->grandmasterClockQuality.offsetScaledLogVariance ==
	      b->grandmasterClockQuality.offsetScaledLogVariance);
	CHECK(a->grandmasterPriority2 == b->grandmasterPriority2);
	CHECK(memcmp(a->grandmasterIdentity.id, b->grandmasterIdentity.id,
		     8) == 0);
	CHECK(a->stepsRemoved == b->stepsRemoved);
	CHECK(a->timeSource == b->timeSource);
}

static void same_body(const struct ptp_msg *a, const struct ptp_msg *b)
{
	switch (a->hdr.messageType) {
	case PTP_SYNC:
	case PTP_DELAY_REQ:
	case PTP_FOLLOW_UP:
		same_ts(&a->body.sync.ts, &b->body.sync.ts);
		break;
	case PTP_DELAY_RESP:
		same_ts(&a->body.resp.ts, &b->body.resp.ts);
		same_pid(&a->body.resp.requestingPortIdentity,
			 &b->body.resp.requestingPortIdentity);
		break;
	case PTP_ANNOUNCE:
		same_announce(&a->body.announce, &b->body.announce);
		break;
	case PTP_SIGNALING:
		same_pid(&a->body.signaling.targetPortIdentity,
			 &b->body.signaling.targetPortIdentity);
		break;
	default:
		CHECK(0);
	}
}

static void same_tlvs(const struct ptp_msg *a, const struct ptp_msg *b)
{
	unsigned int i;

	CHECK(a->n_tlvs == b->n_tlvs);
	for (i = 0; i < a->n_tlvs; i++) {
		CHECK(a->tlvs[i].type == b->tlvs[i].type);
		CHECK(a->tlvs[i].length == b->tlvs[i].length);
		CHECK(memcmp(a->tlvs[i].value, b->tlvs[i].value,
			     a->tlvs[i].length) == 0);
	}
}

static void check_clock_id(const struct ptp_clock_identity *id)
{
	struct ptp_clock_identity back;
	char s[24];

	ptp_clock_id_str(id, s, sizeof(s));
	CHECK(strlen(s) == 18);
	CHECK(ptp_clock_id_parse(s, &back) == 0);
	CHECK(memcmp(back.id, id->id, 8) == 0);
}

/* What a successful parse may claim about the buffer it read. */
static void check_parsed(const uint8_t *data, size_t size,
			 const struct ptp_msg *m)
{
	size_t min = ptp_msg_min_len(m->hdr.messageType);
	size_t mlen = m->hdr.messageLength;
	const uint8_t *next = data + min;
	unsigned int i;

	CHECK(min != 0);
	CHECK(mlen >= min && mlen <= size);
	CHECK(m->hdr.versionPTP == 2);
	CHECK(m->n_tlvs <= PTP_MAX_TLVS);
	/* TLVs tile [min, mlen) exactly, in order, with even lengths */
	for (i = 0; i < m->n_tlvs; i++) {
		CHECK(m->tlvs[i].value == next + 4);
		CHECK((m->tlvs[i].length & 1) == 0);
		next = m->tlvs[i].value + m->tlvs[i].length;
		CHECK(next <= data + mlen);
	}
	CHECK(next == data + mlen);
	CHECK(ptp_hdr_get_correction(data).scaled ==
	      m->hdr.correction.scaled);
	check_clock_id(&m->hdr.sourcePortIdentity.clock);
}

static void check_time(const struct ptp_msg *m)
{
	const struct ptp_timestamp *ts = &m->body.sync.ts;
	struct ptp_timestamp back;
	tmv_t t;
	ptp_cf_t cf;

	/* every body with a timestamp has it first in the union */
	if (m->hdr.messageType == PTP_SIGNALING ||
	    m->hdr.messageType == PTP_MANAGEMENT)
		return;
	CHECK(ts->nsec < PTP_NSEC_PER_SEC);
	if (ptp_ts_to_tmv(ts, &t)) {
		back = ptp_tmv_to_ts(t);
		same_ts(ts, &back);
	}
	/* correctionField: ns round trip loses at most the fraction */
	cf = m->hdr.correction;
	t = ptp_cf_to_tmv(cf);
	CHECK(ptp_cf_from_tmv(t).scaled / 65536 == cf.scaled / 65536);
	CHECK(ptp_cf_add_sat(cf, ptp_cf_from_tmv(tmv_zero())).scaled ==
	      cf.scaled);
}

static void rebuild(const uint8_t *data, const struct ptp_msg *m)
{
	static uint8_t out[65536];
	struct ptp_msg again;
	size_t mlen = m->hdr.messageLength;
	int n;

	n = ptp_msg_build(m, out, sizeof(out));
	CHECK(n == (int)mlen);
	/* one byte too small must fail cleanly */
	CHECK(ptp_msg_build(m, out, mlen - 1) == PTP_E_NOSPACE);
	n = ptp_msg_build(m, out, sizeof(out));
	CHECK(n == (int)mlen);
	/* same bytes, except the Announce reserved octet (written as 0) */
	if (m->hdr.messageType == PTP_ANNOUNCE) {
		CHECK(out[ANNOUNCE_RESERVED_OFF] == 0);
		CHECK(memcmp(out, data, ANNOUNCE_RESERVED_OFF) == 0);
		CHECK(memcmp(out + ANNOUNCE_RESERVED_OFF + 1,
			     data + ANNOUNCE_RESERVED_OFF + 1,
			     mlen - ANNOUNCE_RESERVED_OFF - 1) == 0);
	} else {
		CHECK(memcmp(out, data, mlen) == 0);
	}
	CHECK(ptp_hdr_check(out, (size_t)n) == PTP_OK);
	CHECK(ptp_msg_parse(out, (size_t)n, &again) == PTP_OK);
	same_hdr(&m->hdr, &again.hdr);
	same_body(m, &again);
	same_tlvs(m, &again);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ptp_msg m;
	int hc, rc;

	hc = ptp_hdr_check(data, size);
	rc = ptp_msg_parse(data, size, &m);
	CHECK(rc <= 0 && rc >= PTP_E_BAD_TIMESTAMP);
	CHECK(ptp_strerror(rc) != NULL);
	if (hc != PTP_OK) {
		CHECK(rc == hc);
		return 0;
	}
	if (rc != PTP_OK) {
		/* header was fine: only body or TLV defects remain */
		CHECK(rc == PTP_E_TLV_OVERRUN || rc == PTP_E_TLV_ODD ||
		      rc == PTP_E_TOO_MANY_TLVS || rc == PTP_E_BAD_TIMESTAMP);
		return 0;
	}
	check_parsed(data, size, &m);
	check_time(&m);
	/* bytes beyond messageLength never matter */
	if (size > m.hdr.messageLength) {
		struct ptp_msg cut;

		CHECK(ptp_msg_parse(data, m.hdr.messageLength, &cut) == PTP_OK);
		same_hdr(&m.hdr, &cut.hdr);
		CHECK(cut.n_tlvs == m.n_tlvs);
	}
	if (buildable(m.hdr.messageType))
		rebuild(data, &m);
	return 0;
}

#ifdef FUZZ_MSG_GEN_CORPUS
/* Seed corpus generator: a few valid messages of each type. */

static void seed_write(const char *dir, const char *name, const uint8_t *b,
		       size_t n)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	CHECK(f != NULL);
	CHECK(fwrite(b, 1, n, f) == n);
	CHECK(fclose(f) == 0);
}

static void seed_hdr(struct ptp_msg *m, uint8_t type, uint16_t seq)
{
	static const struct ptp_clock_identity clk = {
		{ 0x00, 0x1b, 0x21, 0xff, 0xfe, 0x12, 0x34, 0x56 } };

	memset(m, 0, sizeof(*m));
	m->hdr.messageType = type;
	m->hdr.minorVersionPTP = 1;
	m->hdr.versionPTP = 2;
	m->hdr.domainNumber = (uint8_t)(seq * 24);
	m->hdr.flagField = seq & 1 ? PTP_FLAG_TWO_STEP : PTP_FLAG_UNICAST;
	m->hdr.correction.scaled = seq == 2 ? -655360 : (int64_t)seq * 98304;
	m->hdr.sourcePortIdentity.clock = clk;
	m->hdr.sourcePortIdentity.port = 1;
	m->hdr.sequenceId = seq;
	m->hdr.controlField = ptp_msg_control_field(type);
	m->hdr.logMessageInterval = (int8_t)(seq ? -seq : 0x7f);
}

static void seed_built(const char *dir, const char *name,
		       const struct ptp_msg *m)
{
	uint8_t buf[512];
	int n = ptp_msg_build(m, buf, sizeof(buf));

	CHECK(n > 0);
	seed_write(dir, name, buf, (size_t)n);
}

static void seed_buildable(const char *dir)
{
	static const uint8_t req[6] = { 0xb0, 0x00, 0x00, 0x00, 0x01, 0x2c };
	static const uint8_t grant[8] = { 0x00, 0xfd, 0x00, 0x00,
					  0x01, 0x2c, 0x00, 0x01 };
	struct ptp_msg m;
	char name[64];
	uint16_t s;

	for (s = 0; s < 3; s++) {
		seed_hdr(&m, PTP_SYNC, s);
		m.body.sync.ts.sec = 1700000000ULL + s * 0x100000000ULL;
		m.body.sync.ts.nsec = 999999999u - s;
		snprintf(name, sizeof(name), "sync-%u", s);
		seed_built(dir, name, &m);
		m.hdr.messageType = PTP_DELAY_REQ;
		snprintf(name, sizeof(name), "delay_req-%u", s);
		seed_built(dir, name, &m);
		m.hdr.messageType = PTP_FOLLOW_UP;
		snprintf(name, sizeof(name), "follow_up-%u", s);
		seed_built(dir, name, &m);

		seed_hdr(&m, PTP_DELAY_RESP, s);
		m.body.resp.ts.sec = 100 + s;
		m.body.resp.ts.nsec = 500000000u;
		m.body.resp.requestingPortIdentity.port = s;
		memset(m.body.resp.requestingPortIdentity.clock.id, 0xa0 + s,
		       8);
		snprintf(name, sizeof(name), "delay_resp-%u", s);
		seed_built(dir, name, &m);

		seed_hdr(&m, PTP_ANNOUNCE, s);
		m.body.announce.currentUtcOffset = 37;
		m.body.announce.grandmasterPriority1 = (uint8_t)(128 - s);
		m.body.announce.grandmasterClockQuality.clockClass = 6 + s;
		m.body.announce.grandmasterClockQuality.clockAccuracy = 0x21;
		m.body.announce.grandmasterClockQuality
			.offsetScaledLogVariance = 0x4e5d;
		m.body.announce.grandmasterPriority2 = 128;
		memset(m.body.announce.grandmasterIdentity.id, 0x11 * s, 8);
		m.body.announce.stepsRemoved = s;
		m.body.announce.timeSource = 0x20;
		snprintf(name, sizeof(name), "announce-%u", s);
		seed_built(dir, name, &m);

		seed_hdr(&m, PTP_SIGNALING, s);
		m.body.signaling.targetPortIdentity.port = 0xffff;
		memset(m.body.signaling.targetPortIdentity.clock.id, 0xff, 8);
		m.n_tlvs = s;
		if (s >= 1) {
			m.tlvs[0].type = PTP_TLV_REQUEST_UNICAST_TRANSMISSION;
			m.tlvs[0].length = sizeof(req);
			m.tlvs[0].value = req;
		}
		if (s >= 2) {
			m.tlvs[1].type = PTP_TLV_GRANT_UNICAST_TRANSMISSION;
			m.tlvs[1].length = sizeof(grant);
			m.tlvs[1].value = grant;
		}
		snprintf(name, sizeof(name), "signaling-%u", s);
		seed_built(dir, name, &m);
	}
}

/* Types the codec does not build: written from an Announce-sized header
 * and patched by hand. */
static void seed_hand(const char *dir)
{
	static const struct { const char *name; uint8_t type, len; } t[] = {
		{ "pdelay_req", PTP_PDELAY_REQ, 54 },
		{ "pdelay_resp", PTP_PDELAY_RESP, 54 },
		{ "pdelay_resp_fup", PTP_PDELAY_RESP_FOLLOW_UP, 54 },
		{ "management", PTP_MANAGEMENT, 54 },
	};
	uint8_t buf[64];
	unsigned int i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		memset(buf, 0, sizeof(buf));
		buf[0] = t[i].type;
		buf[1] = 0x12;
		buf[3] = t[i].len;
		buf[20] = 0x00;
		buf[21] = 0x1b;
		buf[29] = 1;
		buf[31] = (uint8_t)i;
		buf[32] = ptp_msg_control_field(t[i].type);
		buf[33] = 0x7f;
		buf[39] = 0x64;		/* 100 s */
		buf[43] = 0x01;		/* 1 ns */
		if (t[i].type == PTP_MANAGEMENT) {
			memset(buf + 34, 0xff, 10);
			buf[44] = 1;	/* startingBoundaryHops */
			buf[45] = 1;
			buf[46] = 0;	/* GET */
			buf[49] = PTP_TLV_MANAGEMENT;
			buf[51] = 2;
			buf[52] = 0x20;	/* DEFAULT_DATA_SET */
		} else if (t[i].type != PTP_PDELAY_REQ) {
			memset(buf + 44, 0xa0, 8);
			buf[53] = 3;
		}
		seed_write(dir, t[i].name, buf, t[i].len);
	}
	/* a Sync with UDP padding after messageLength */
	memset(buf, 0, sizeof(buf));
	buf[1] = 0x02;
	buf[3] = 44;
	memset(buf + 44, 0xee, 20);
	seed_write(dir, "sync-padded", buf, 64);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: %s <corpus-dir>\n", argv[0]);
		return 2;
	}
	seed_buildable(argv[1]);
	seed_hand(argv[1]);
	return 0;
}
#endif /* FUZZ_MSG_GEN_CORPUS */
