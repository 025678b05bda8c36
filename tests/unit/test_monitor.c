/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Divergence monitor: hysteresis sequences on given times, and two real
 * boundary clock instances whose clocks are stepped apart by known amounts.
 */
#include <string.h>

#include "cunit_main.h"
#include "bc/bc.h"
#include "bc/monitor.h"

#define SEC 1000000000LL

static struct conf_monitor mcfg(int64_t thr)
{
	struct conf_monitor c;

	memset(&c, 0, sizeof(c));
	c.domain_a = 0;
	c.domain_b = 1;
	c.threshold_ns = thr;
	return c;
}

/* One comparison per second at t seconds with domain B at b - a = -d. */
static enum monitor_event at(struct monitor *m, int64_t t, int64_t d)
{
	tmv_t now = tmv_from_ns(t * SEC);

	return monitor_sample(m, now, tmv_add(now, tmv_from_ns(d)), true,
			      now, true);
}

static void test_raise_clear(void)
{
	struct monitor m;
	struct conf_monitor c = mcfg(1000);
	int64_t t = 10;
	int i;

	monitor_init(&m, &c);
	CU_ASSERT_EQUAL(m.state, MONITOR_WAITING);
	CU_ASSERT_EQUAL(at(&m, t++, 200), MONITOR_EV_SAMPLE);
	CU_ASSERT_EQUAL(m.state, MONITOR_OK);
	CU_ASSERT_EQUAL(m.diff_ns, 200);
	/* one outlier does not raise */
	CU_ASSERT_EQUAL(at(&m, t++, 5000), MONITOR_EV_SAMPLE);
	CU_ASSERT_EQUAL(at(&m, t++, 100), MONITOR_EV_SAMPLE);
	CU_ASSERT_EQUAL(m.state, MONITOR_OK);
	/* two in a row do, either sign */
	CU_ASSERT_EQUAL(at(&m, t++, -1001), MONITOR_EV_SAMPLE);
	CU_ASSERT_EQUAL(at(&m, t++, 1001), MONITOR_EV_RAISED);
	CU_ASSERT_EQUAL(m.state, MONITOR_ALARM);
	CU_ASSERT_EQUAL(m.alarms, 1);
	CU_ASSERT_EQUAL(at(&m, t++, 3000), MONITOR_EV_SAMPLE);
	/* exactly the threshold is not above it, but inside the band:
	 * no clearing progress */
	for (i = 0; i < 10; i++)
		CU_ASSERT_EQUAL(at(&m, t++, 1000), MONITOR_EV_SAMPLE);
	CU_ASSERT_EQUAL(m.state, MONITOR_ALARM);
	/* four good ones, a band one resets the count */
	for (i = 0; i < MONITOR_CLEAR_SAMPLES - 1; i++)
		CU_ASSERT_EQUAL(at(&m, t++, 500), MONITOR_EV_SAMPLE);
	CU_ASSERT_EQUAL(at(&m, t++, 501), MONITOR_EV_SAMPLE);
	for (i = 0; i < MONITOR_CLEAR_SAMPLES - 1; i++)
		CU_ASSERT_EQUAL(at(&m, t++, -500), MONITOR_EV_SAMPLE);
	CU_ASSERT_EQUAL(at(&m, t++, 0), MONITOR_EV_CLEARED);
	CU_ASSERT_EQUAL(m.state, MONITOR_OK);
	CU_ASSERT_EQUAL(m.clears, 1);
	CU_ASSERT_EQUAL(m.max_abs_ns, 5000);
	CU_ASSERT_EQUAL(m.samples, (uint64_t)(t - 10));
}

static void test_period_and_skip(void)
{
	struct monitor m;
	struct conf_monitor c = mcfg(1000);
	tmv_t now = tmv_from_ns(50 * SEC);

	monitor_init(&m, &c);
	CU_ASSERT_EQUAL(at(&m, 50, 9000), MONITOR_EV_SAMPLE);
	/* not due again before one second */
	CU_ASSERT_EQUAL(monitor_sample(&m, tmv_add(now, tmv_from_ns(SEC - 1)),
				       now, true, now, true), MONITOR_EV_NONE);
	CU_ASSERT_EQUAL(m.samples, 1);
	/* a domain not comparable: skipped, counts kept */
	CU_ASSERT_EQUAL(monitor_sample(&m, tmv_from_ns(51 * SEC),
				       tmv_from_ns(0), false,
				       tmv_from_ns(99 * SEC), true),
			MONITOR_EV_SKIPPED);
	CU_ASSERT_EQUAL(m.skipped, 1);
	CU_ASSERT_EQUAL(m.diff_ns, 9000);
	CU_ASSERT_EQUAL(at(&m, 52, 9000), MONITOR_EV_RAISED);
	/* extreme values do not overflow */
	CU_ASSERT_EQUAL(monitor_sample(&m, tmv_from_ns(60 * SEC),
				       tmv_from_ns(INT64_MIN), true,
				       tmv_from_ns(INT64_MAX), true),
			MONITOR_EV_SAMPLE);
	CU_ASSERT_EQUAL(m.diff_ns, INT64_MIN);
	CU_ASSERT_EQUAL(m.max_abs_ns, INT64_MAX);
}

/* ---- with boundary clock instances ---- */

static int nosend(void *arg, const struct bc_tx *tx)
{
	(void)arg;
	(void)tx;
	return 0;
}

static const struct bc_ops ops = { .send = nosend };

static void mk_bc(struct bc *bc, uint8_t domain, uint8_t last)
{
	struct conf_bc c;
	struct ptp_clock_identity id = { { 2, 0, 0, 0xff, 0xfe, 0, 0, last } };

	memset(&c, 0, sizeof(c));
	c.domain = domain;
	c.n_ports = 1;
	c.priority1 = c.priority2 = 128;
	c.clock_class = 248;
	c.clock_accuracy = 0xfe;
	c.offset_scaled_log_variance = 0xffff;
	c.log_sync_interval = -2;
	c.log_min_delay_req_interval = -2;
	c.servo_kp = 0.7;
	c.servo_ki = 0.3;
	c.step_threshold_ns = 20000;
	memset(bc, 0, sizeof(*bc));
	CU_ASSERT_FATAL(bc_init(bc, &c, &id, &ops, NULL,
				tmv_from_ns(10 * SEC)) == 0);
}

static void make_slave(struct bc *bc)
{
	bc->port[0].state = FSM_SLAVE;
	bc->slave_port = 0;
}

static struct bc bca, bcb, copy_a, copy_b;

static void test_with_bcs(void)
{
	struct conf_monitor c = mcfg(10000);
	struct monitor m;
	int64_t t;

	mk_bc(&bca, 0, 1);
	mk_bc(&bcb, 1, 2);
	monitor_init(&m, &c);
	/* neither synchronized: skipped */
	CU_ASSERT_EQUAL(monitor_check(&m, &bca, &bcb, tmv_from_ns(20 * SEC)),
			MONITOR_EV_SKIPPED);
	CU_ASSERT(!monitor_bc_comparable(&bca));
	make_slave(&bca);
	make_slave(&bcb);
	CU_ASSERT(monitor_bc_comparable(&bca));
	/* domain 1's clock 25 us behind domain 0's */
	dclock_step(&bcb.clock, tmv_from_ns(20 * SEC), tmv_from_ns(-25000));
	memcpy(&copy_a, &bca, sizeof(bca));
	memcpy(&copy_b, &bcb, sizeof(bcb));
	CU_ASSERT_EQUAL(monitor_check(&m, &bca, &bcb, tmv_from_ns(21 * SEC)),
			MONITOR_EV_SAMPLE);
	CU_ASSERT_EQUAL(m.diff_ns, 25000);
	CU_ASSERT_EQUAL(monitor_check(&m, &bca, &bcb, tmv_from_ns(22 * SEC)),
			MONITOR_EV_RAISED);
	/* EP-22: the monitor only reads the instances */
	CU_ASSERT(memcmp(&copy_a, &bca, sizeof(bca)) == 0);
	CU_ASSERT(memcmp(&copy_b, &bcb, sizeof(bcb)) == 0);
	/* domain 1 corrected to 3 us behind: clears after 5 samples */
	dclock_step(&bcb.clock, tmv_from_ns(22 * SEC), tmv_from_ns(22000));
	for (t = 23; t < 23 + MONITOR_CLEAR_SAMPLES - 1; t++)
		CU_ASSERT_EQUAL(monitor_check(&m, &bca, &bcb,
					      tmv_from_ns(t * SEC)),
				MONITOR_EV_SAMPLE);
	CU_ASSERT_EQUAL(m.diff_ns, 3000);
	CU_ASSERT_EQUAL(monitor_check(&m, &bca, &bcb, tmv_from_ns(t * SEC)),
			MONITOR_EV_CLEARED);
	/* holdover counts as comparable, a listening domain does not */
	bca.slave_port = -1;
	bca.port[0].state = FSM_LISTENING;
	CU_ASSERT(!monitor_bc_comparable(&bca));
	bca.holdover = true;
	CU_ASSERT(monitor_bc_comparable(&bca));
}

static void test_format(void)
{
	struct conf_monitor c = mcfg(1000);
	struct monitor m;
	char buf[256];

	c.domain_a = 3;
	c.domain_b = 7;
	monitor_init(&m, &c);
	at(&m, 1, -4000);
	at(&m, 2, -4000);
	monitor_format(&m, buf, sizeof(buf));
	CU_ASSERT(strstr(buf, "monitor 3/7: ALARM diff -4000 ns") == buf);
	CU_ASSERT(strstr(buf, "threshold 1000 ns") != NULL);
	CU_ASSERT(strstr(buf, "alarms 1") != NULL);
	CU_ASSERT_STRING_EQUAL(monitor_state_name(MONITOR_OK), "ok");
	CU_ASSERT_STRING_EQUAL(monitor_state_name(MONITOR_WAITING), "waiting");
}

int test_register(void)
{
	static const struct test_case cases[] = {
		{ "raise after 2, clear after 5 below half", test_raise_clear },
		{ "period, skipped samples, extremes", test_period_and_skip },
		{ "two BC instances stepped apart", test_with_bcs },
		{ "status line", test_format },
		{ NULL, NULL }
	};

	return test_add_suite("monitor", cases);
}
