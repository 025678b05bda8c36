/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * watchdog: counters of forbidden-option PTP traffic per port.
 */

#include "net/watchdog.h"
#include "ptp/msg.h"

#define WD_SIGNALING_BODY	10	/* targetPortIdentity */
#define WD_FLAGS_OFF		6	/* flagField octet 0 */

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/*
 * Walk the Signaling TLVs of the message at m (mlen bytes, validated to be
 * inside the buffer). Returns 1 if a unicast negotiation TLV is found,
 * -1 if a TLV runs past the message before one is, else 0.
 */
static int signaling_negotiates(const uint8_t *m, size_t mlen)
{
	size_t off = PTP_HDR_LEN + WD_SIGNALING_BODY;
	unsigned int n;

	for (n = 0; n < WATCHDOG_MAX_TLVS && off + 4 <= mlen; n++) {
		uint16_t type = rd16(m + off);
		uint16_t tlen = rd16(m + off + 2);

		if (tlen > mlen - off - 4)
			return -1;
		if (type >= PTP_TLV_REQUEST_UNICAST_TRANSMISSION &&
		    type <= PTP_TLV_ACK_CANCEL_UNICAST_TRANSMISSION)
			return 1;
		off += 4 + (size_t)tlen;
	}
	return off < mlen && off + 4 > mlen ? -1 : 0;
}

unsigned int watchdog_check_msg(const uint8_t *buf, size_t len,
				const struct frame_info *fi,
				struct watchdog_counters *c)
{
	const uint8_t *m;
	size_t mlen;
	unsigned int f = 0;
	int neg;

	if (fi->cls != FRAME_PTP || fi->ptp_len < PTP_HDR_LEN ||
	    (size_t)fi->ptp_off + fi->ptp_len > len)
		return 0;
	m = buf + fi->ptp_off;
	mlen = fi->ptp_len;
	switch (fi->ptp_type) {
	case PTP_PDELAY_REQ:
	case PTP_PDELAY_RESP:
	case PTP_PDELAY_RESP_FOLLOW_UP:
		f |= WATCHDOG_F_PDELAY;
		c->pdelay++;
		break;
	case PTP_SIGNALING:
		neg = signaling_negotiates(m, mlen);
		if (neg > 0) {
			f |= WATCHDOG_F_NEGOTIATION;
			c->negotiation++;
		} else if (neg < 0) {
			c->tlv_malformed++;
		}
		break;
	default:
		break;
	}
	if (m[WD_FLAGS_OFF] & 0x01) {
		f |= WATCHDOG_F_ALT_MASTER;
		c->alt_master++;
	}
	if (fi->l3 == FRAME_L3_RAW_PTP) {
		f |= WATCHDOG_F_RAW;
		c->raw_ptp++;
	}
	return f;
}

void watchdog_add(struct watchdog_counters *c,
		  const struct watchdog_counters *add)
{
	c->pdelay += add->pdelay;
	c->negotiation += add->negotiation;
	c->alt_master += add->alt_master;
	c->raw_ptp += add->raw_ptp;
	c->tlv_malformed += add->tlv_malformed;
}

uint64_t watchdog_total(const struct watchdog_counters *c)
{
	return c->pdelay + c->negotiation + c->alt_master + c->raw_ptp;
}
