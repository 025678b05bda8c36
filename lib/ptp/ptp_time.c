/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ptp_time: conversions between tmv_t, the wire Timestamp and the
 * correctionField (nanoseconds x 2^16). The only file that scales by 2^16.
 */
#include <math.h>
#include <stdint.h>

#include "ptp/ptp_time.h"

/* PTP_CF_SCALE as a double */
#define CF_SCALE_D	((double)PTP_CF_SCALE)
/* 2^63 as a double: the first value that does not fit in int64. */
#define TWO_POW_63_D	9223372036854775808.0

/* Largest whole second whose nanosecond count still fits in int64. */
#define TMV_MAX_SEC	(INT64_MAX / PTP_NSEC_PER_SEC)
#define PTP_TS_SEC_MASK	0xffffffffffffULL

bool ptp_ts_to_tmv(const struct ptp_timestamp *ts, tmv_t *out)
{
	int64_t ns;

	if (ts->nsec >= PTP_NSEC_PER_SEC || ts->sec > PTP_TS_SEC_MASK)
		return false;
	if (ts->sec > (uint64_t)TMV_MAX_SEC)
		return false;
	ns = (int64_t)ts->sec * PTP_NSEC_PER_SEC;
	if (ns > INT64_MAX - (int64_t)ts->nsec)
		return false;
	*out = tmv_from_ns(ns + ts->nsec);
	return true;
}

struct ptp_timestamp ptp_tmv_to_ts(tmv_t t)
{
	struct ptp_timestamp ts = { 0, 0 };
	int64_t ns = tmv_to_ns(t);

	if (ns <= 0)
		return ts;
	ts.sec = (uint64_t)(ns / PTP_NSEC_PER_SEC);
	ts.nsec = (uint32_t)(ns % PTP_NSEC_PER_SEC);
	return ts;
}

tmv_t ptp_cf_to_tmv(ptp_cf_t cf)
{
	/* C division truncates toward zero, as documented. */
	return tmv_from_ns(cf.scaled / PTP_CF_SCALE);
}

ptp_cf_t ptp_cf_from_ns_double(double ns)
{
	ptp_cf_t cf = { 0 };
	double v;

	if (isnan(ns))
		return cf;
	v = round(ns * CF_SCALE_D);
	if (v >= TWO_POW_63_D)
		cf.scaled = INT64_MAX;
	else if (v <= -TWO_POW_63_D)
		cf.scaled = INT64_MIN;
	else
		cf.scaled = (int64_t)v;
	return cf;
}

double ptp_cf_to_ns_double(ptp_cf_t cf)
{
	return (double)cf.scaled / CF_SCALE_D;
}
