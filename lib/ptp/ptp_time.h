/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PTPSW_PTP_TIME_H
#define PTPSW_PTP_TIME_H

/*
 * The one strong time type of ptpsw, and the one place that converts to and
 * from the wire: PTP Timestamp (48-bit seconds + 32-bit ns) and the
 * correctionField (signed 64-bit, nanoseconds x 2^16).
 * No other file shifts by 16 or multiplies by 65536.
 */

#include <stdbool.h>
#include <stdint.h>

/* A time or a time interval in nanoseconds. Never do raw arithmetic on .ns
 * outside the helpers below. */
typedef struct {
	int64_t ns;
} tmv_t;

/* PTP Timestamp as carried on the wire (host byte order). */
struct ptp_timestamp {
	uint64_t sec;	/* only the low 48 bits are valid on the wire */
	uint32_t nsec;	/* 0 .. 999999999 */
};

/* correctionField value: nanoseconds x 2^16, signed. */
typedef struct {
	int64_t scaled;
} ptp_cf_t;

#define PTP_NSEC_PER_SEC 1000000000LL

static inline tmv_t tmv_from_ns(int64_t ns) { tmv_t t = { ns }; return t; }
static inline int64_t tmv_to_ns(tmv_t t) { return t.ns; }
static inline tmv_t tmv_zero(void) { tmv_t t = { 0 }; return t; }
static inline tmv_t tmv_add(tmv_t a, tmv_t b) { tmv_t t = { a.ns + b.ns }; return t; }
static inline tmv_t tmv_sub(tmv_t a, tmv_t b) { tmv_t t = { a.ns - b.ns }; return t; }
static inline bool tmv_is_neg(tmv_t a) { return a.ns < 0; }
static inline int tmv_cmp(tmv_t a, tmv_t b) { return (a.ns > b.ns) - (a.ns < b.ns); }
/* c ? a : b without a branch (c is 0 or 1: for loops where a branch on c
 * would mispredict). */
static inline tmv_t tmv_select(unsigned int c, tmv_t a, tmv_t b)
{
	uint64_t m = -(uint64_t)c;
	tmv_t t = { (int64_t)(((uint64_t)a.ns & m) | ((uint64_t)b.ns & ~m)) };

	return t;
}

/* Timestamp <-> tmv. Returns false if the timestamp is not representable
 * (nsec >= 1e9, or seconds beyond what int64 ns holds). */
bool ptp_ts_to_tmv(const struct ptp_timestamp *ts, tmv_t *out);
/* Negative times are clamped to 0 (PTP timestamps are unsigned). */
struct ptp_timestamp ptp_tmv_to_ts(tmv_t t);

/* correctionField units per ns (2^16) */
#define PTP_CF_SCALE	65536LL

/* correctionField conversions. Saturate at INT64_MIN/INT64_MAX. */
static inline ptp_cf_t ptp_cf_from_tmv(tmv_t t)
{
	ptp_cf_t cf;
	int64_t ns = tmv_to_ns(t);

	if (__builtin_mul_overflow(ns, PTP_CF_SCALE, &cf.scaled))
		cf.scaled = ns < 0 ? INT64_MIN : INT64_MAX;
	return cf;
}
/* Truncates toward zero the sub-nanosecond part. */
tmv_t ptp_cf_to_tmv(ptp_cf_t cf);
/* Whole nanoseconds of cf rounded down (toward minus infinity; the
 * residence statistics' rounding): one arithmetic shift, no division. */
static inline int64_t ptp_cf_floor_ns(ptp_cf_t cf)
{
	return cf.scaled >> 16;	/* gcc, clang: arithmetic shift (floor) */
}
/* cf from nanoseconds given as a double (keeps the 2^-16 ns fraction). */
ptp_cf_t ptp_cf_from_ns_double(double ns);
double ptp_cf_to_ns_double(ptp_cf_t cf);
/* a + b, saturating. */
static inline ptp_cf_t ptp_cf_add_sat(ptp_cf_t a, ptp_cf_t b)
{
	ptp_cf_t r;

	if (__builtin_add_overflow(a.scaled, b.scaled, &r.scaled))
		r.scaled = b.scaled < 0 ? INT64_MIN : INT64_MAX;
	return r;
}

#endif /* PTPSW_PTP_TIME_H */
