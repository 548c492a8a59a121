/* test_time.c -- amz-date formatting and parsing, HTTP dates. */
#include "s3mpu.h"
#include "check.h"

static void round_trip(int64_t t, const char *want)
{
	char out[S3MPU_AMZ_DATE_LEN];
	int64_t back = -1;
	CHECK_INT(s3mpu_time_format(t, out), S3MPU_OK);
	CHECK_MEM(out, sizeof out, want, strlen(want));
	CHECK_INT(s3mpu_time_parse(s3mpu_str_from_cstr(want), &back), S3MPU_OK);
	CHECK_INT(back, t);
}

static int parse(const char *s, int64_t *t)
{
	*t = -1;
	return s3mpu_time_parse(s3mpu_str_from_cstr(s), t);
}

static int parse_http(const char *s, int64_t *t)
{
	*t = -1;
	return s3mpu_time_parse_http(s3mpu_str_from_cstr(s), t);
}

TEST(epoch) { round_trip(0, "19700101T000000Z"); }
TEST(leap_day_2000)
{
	round_trip(INT64_C(951782400), "20000229T000000Z");
	round_trip(INT64_C(951868799), "20000229T235959Z");
	round_trip(INT64_C(951868800), "20000301T000000Z");
}
TEST(sigv4_example_date) { round_trip(INT64_C(1440938160), "20150830T123600Z"); }
TEST(last_second) { round_trip(INT64_C(253402300799), "99991231T235959Z"); }
TEST(century_rules)
{
	round_trip(INT64_C(4107542400), "21000301T000000Z"); /* 2100 not leap */
	round_trip(INT64_C(94694399), "19721231T235959Z");   /* first leap year's end */
	round_trip(INT64_C(1709208000), "20240229T120000Z");
}

/* Python's datetime.utcfromtimestamp for random instants in range. */
static const struct {
	int64_t t;
	const char *s;
} random_dates[] = {
	{ INT64_C(108022074679), "53930130T115119Z" },
	{ INT64_C(15680644176), "24661124T222936Z" },
	{ INT64_C(223649410867), "90570302T202107Z" },
	{ INT64_C(28071399467), "28590719T105747Z" },
	{ INT64_C(160484411896), "70550720T111816Z" },
	{ INT64_C(249357206645), "98711025T184405Z" },
	{ INT64_C(58013994741), "38080523T063221Z" },
	{ INT64_C(21635879128), "26550813T062528Z" },
	{ INT64_C(113531643738), "55670904T154218Z" },
	{ INT64_C(64724536207), "40210114T135007Z" },
	{ INT64_C(150713464793), "67451202T191953Z" },
	{ INT64_C(14708197926), "24360131T183206Z" },
	{ INT64_C(158170125487), "69820318T175807Z" },
	{ INT64_C(172757495897), "74440620T011817Z" },
	{ INT64_C(161608595125), "70910304T202525Z" },
	{ INT64_C(16955280809), "25070417T161329Z" },
	{ INT64_C(161392428239), "70840427T220359Z" },
	{ INT64_C(14588631572), "24320417T213932Z" },
	{ INT64_C(64322525900), "40080419T161820Z" },
	{ INT64_C(150523926448), "67391201T014728Z" },
	{ INT64_C(38046832331), "31750828T203211Z" },
	{ INT64_C(112913012118), "55480127T133518Z" },
	{ INT64_C(146648458916), "66170208T030156Z" },
	{ INT64_C(155124736448), "68850915T043408Z" },
};

TEST(random_reference_dates)
{
	size_t i;
	for (i = 0; i < sizeof random_dates / sizeof random_dates[0]; i++)
		round_trip(random_dates[i].t, random_dates[i].s);
}

/* Every day from 1970 to 9999: parse(format(t)) == t, and the formatted
 * dates strictly increase (no day skipped or repeated). */
TEST(every_day_round_trips)
{
	int64_t day, last = (INT64_C(253402300799) / 86400);
	char prev[S3MPU_AMZ_DATE_LEN], out[S3MPU_AMZ_DATE_LEN];
	int bad = 0;
	for (day = 0; day <= last && bad < 5; day++) {
		int64_t t = day * 86400 + (day * 7919) % 86400, back = -1;
		if (s3mpu_time_format(t, out) != S3MPU_OK ||
			s3mpu_time_parse((s3mpu_str){ out, sizeof out }, &back) != S3MPU_OK ||
			back != t || (day > 0 && memcmp(prev, out, 8) >= 0)) {
			CHECK_INT(back, t);
			CHECK_MEM(out, sizeof out, prev, sizeof prev);
			bad++;
		}
		memcpy(prev, out, sizeof out);
	}
	CHECK_INT(bad, 0);
}

TEST(format_out_of_range)
{
	char out[S3MPU_AMZ_DATE_LEN];
	CHECK_INT(s3mpu_time_format(-1, out), S3MPU_E_DATE);
	CHECK_INT(s3mpu_time_format(INT64_C(253402300800), out), S3MPU_E_DATE);
	CHECK_INT(s3mpu_time_format(INT64_MIN, out), S3MPU_E_DATE);
	CHECK_INT(s3mpu_time_format(INT64_MAX, out), S3MPU_E_DATE);
	CHECK_INT(s3mpu_time_format(0, NULL), S3MPU_E_ARGUMENT);
}

TEST(parse_rejects_1969)
{
	int64_t t;
	CHECK_INT(parse("19691231T235959Z", &t), S3MPU_E_DATE);
	CHECK_INT(t, -1); /* untouched on error */
}
TEST(parse_rejects_year_10000)
{
	int64_t t;
	/* 17 chars: the only way to write it, so also a length error. */
	CHECK_INT(parse("100000101T000000Z", &t), S3MPU_E_DATE);
	CHECK_INT(parse("00000101T000000Z", &t), S3MPU_E_DATE);
}
TEST(parse_rejects_2023_02_29)
{
	int64_t t;
	CHECK_INT(parse("20230229T000000Z", &t), S3MPU_E_DATE);
	CHECK_INT(parse("21000229T000000Z", &t), S3MPU_E_DATE);
	CHECK_INT(parse("20240230T000000Z", &t), S3MPU_E_DATE);
	CHECK_INT(parse("20240431T000000Z", &t), S3MPU_E_DATE);
	CHECK_INT(parse("20240132T000000Z", &t), S3MPU_E_DATE);
	CHECK_INT(parse("20240100T000000Z", &t), S3MPU_E_DATE);
	CHECK_INT(parse("20240001T000000Z", &t), S3MPU_E_DATE);
	CHECK_INT(parse("20241301T000000Z", &t), S3MPU_E_DATE);
	CHECK_INT(parse("20240229T000000Z", &t), S3MPU_OK);
}
TEST(parse_rejects_24h)
{
	int64_t t;
	CHECK_INT(parse("20240101T240000Z", &t), S3MPU_E_DATE);
	CHECK_INT(parse("20240101T236000Z", &t), S3MPU_E_DATE);
	CHECK_INT(parse("20240101T235960Z", &t), S3MPU_E_DATE); /* leap second */
	CHECK_INT(parse("20240101T235959Z", &t), S3MPU_OK);
}
TEST(parse_rejects_bad_chars)
{
	int64_t t;
	CHECK_INT(parse("20240101t000000Z", &t), S3MPU_E_DATE);
	CHECK_INT(parse("20240101T000000z", &t), S3MPU_E_DATE);
	CHECK_INT(parse("2024-101T000000Z", &t), S3MPU_E_DATE);
	CHECK_INT(parse("2024 101T000000Z", &t), S3MPU_E_DATE);
	CHECK_INT(parse("20240101T0000+0Z", &t), S3MPU_E_DATE);
	CHECK_INT(parse("20240101T00000aZ", &t), S3MPU_E_DATE);
	CHECK_INT(parse("2024010100000000", &t), S3MPU_E_DATE);
	CHECK_INT(s3mpu_time_parse((s3mpu_str){ "20240101T000000Z\0", 16 }, &t), S3MPU_OK);
	CHECK_INT(s3mpu_time_parse((s3mpu_str){ "2024\00001T000000Z", 16 }, &t), S3MPU_E_DATE);
}
TEST(parse_rejects_wrong_length)
{
	int64_t t;
	CHECK_INT(parse("", &t), S3MPU_E_DATE);
	CHECK_INT(parse("20240101T000000", &t), S3MPU_E_DATE);
	CHECK_INT(parse("20240101T000000ZZ", &t), S3MPU_E_DATE);
	CHECK_INT(parse("20240101T000000Z ", &t), S3MPU_E_DATE);
	CHECK_INT(parse(" 20240101T000000Z", &t), S3MPU_E_DATE);
	CHECK_INT(s3mpu_time_parse((s3mpu_str){ NULL, 16 }, &t), S3MPU_E_DATE);
	CHECK_INT(s3mpu_time_parse(S3MPU_LIT("20240101T000000Z"), NULL), S3MPU_E_ARGUMENT);
}

TEST(http_imf_fixdate)
{
	int64_t t;
	CHECK_INT(parse_http("Sun, 06 Nov 1994 08:49:37 GMT", &t), S3MPU_OK);
	CHECK_INT(t, INT64_C(784111777));
	CHECK_INT(parse_http("Wed, 25 Nov 2026 14:07:52 GMT", &t), S3MPU_OK);
	CHECK_INT(t, INT64_C(1795615672));
	CHECK_INT(parse_http("Thu, 01 Jan 1970 00:00:00 GMT", &t), S3MPU_OK);
	CHECK_INT(t, 0);
	CHECK_INT(parse_http("Fri, 31 Dec 9999 23:59:59 GMT", &t), S3MPU_OK);
	CHECK_INT(t, INT64_C(253402300799));
	CHECK_INT(parse_http("Tue, 29 Feb 2000 00:00:00 GMT", &t), S3MPU_OK);
	CHECK_INT(t, INT64_C(951782400));
}
TEST(http_rfc850)
{
	int64_t t;
	CHECK_INT(parse_http("Sunday, 06-Nov-94 08:49:37 GMT", &t), S3MPU_OK);
	CHECK_INT(t, INT64_C(784111777));
	CHECK_INT(parse_http("Wednesday, 25-Nov-26 14:07:52 GMT", &t), S3MPU_OK);
	CHECK_INT(t, INT64_C(1795615672));
	CHECK_INT(parse_http("Thursday, 01-Jan-70 00:00:00 GMT", &t), S3MPU_OK);
	CHECK_INT(t, 0);
	/* Two-digit years: 70..99 are 19xx, 00..69 are 20xx. */
	CHECK_INT(parse_http("Tuesday, 01-Jan-69 00:00:00 GMT", &t), S3MPU_OK);
	CHECK_INT(t, INT64_C(3124224000));
	CHECK_INT(parse_http("Sun, 06-Nov-94 08:49:37 GMT", &t), S3MPU_E_DATE);
	CHECK_INT(parse_http("Sunday, 06-Nov-1994 08:49:37 GMT", &t), S3MPU_E_DATE);
	CHECK_INT(parse_http("Sunday 06-Nov-94 08:49:37 GMT", &t), S3MPU_E_DATE);
}
TEST(http_asctime)
{
	int64_t t;
	CHECK_INT(parse_http("Sun Nov  6 08:49:37 1994", &t), S3MPU_OK);
	CHECK_INT(t, INT64_C(784111777));
	CHECK_INT(parse_http("Sun Nov 06 08:49:37 1994", &t), S3MPU_OK);
	CHECK_INT(t, INT64_C(784111777));
	CHECK_INT(parse_http("Wed Nov 25 14:07:52 2026", &t), S3MPU_OK);
	CHECK_INT(t, INT64_C(1795615672));
	CHECK_INT(parse_http("Sun Nov 6  08:49:37 1994", &t), S3MPU_E_DATE);
	CHECK_INT(parse_http("Sun Nov  0 08:49:37 1994", &t), S3MPU_E_DATE);
	CHECK_INT(parse_http("Sun Nov  6 08:49:37 94  ", &t), S3MPU_E_DATE);
}
TEST(http_leap_second)
{
	int64_t t;
	/* RFC 9110 allows second 60; Unix time folds it into :59. */
	CHECK_INT(parse_http("Sat, 31 Dec 2016 23:59:60 GMT", &t), S3MPU_OK);
	CHECK_INT(t, INT64_C(1483228799));
	CHECK_INT(parse_http("Sat, 31 Dec 2016 23:59:61 GMT", &t), S3MPU_E_DATE);
}
TEST(http_rejects_malformed)
{
	int64_t t;
	static const char *const bad[] = {
		"",
		"Sun, 06 Nov 1994 08:49:37 UTC",
		"Sun, 06 Nov 1994 08:49:37 gmt",
		"sun, 06 Nov 1994 08:49:37 GMT",
		"Sun, 06 nov 1994 08:49:37 GMT",
		"Sun, 6 Nov 1994 08:49:37 GMT",
		"Sun,  6 Nov 1994 08:49:37 GMT",
		"Sun, 06 Nov 1994 08:49:37 GMT ",
		" Sun, 06 Nov 1994 08:49:37 GMT",
		"Sun, 06 Nov 1994 8:49:37 GMT",
		"Sun, 06 Nov 1994 08:49:37  GMT",
		"Sun, 06 Nov 1994 08-49-37 GMT",
		"Sun, 06 Nov 1994 24:00:00 GMT",
		"Sun, 06 Nov 1994 08:60:00 GMT",
		"Sun, 06 Foo 1994 08:49:37 GMT",
		"Sun, 31 Nov 1994 08:49:37 GMT",
		"Sun, 06 Nov 94 08:49:37 GMT",
		"Sun, 06 Nov 1994 08:49:37 +0000",
		"Mon, 06 Nov 1994 08:49:37 GMT", /* wrong day name */
		"Xyz, 06 Nov 1994 08:49:37 GMT",
		"Wed, 31 Dec 1969 23:59:59 GMT", /* before 1970 */
		"1994-11-06T08:49:37Z",
		"19941106T084937Z",
	};
	size_t i;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		if (parse_http(bad[i], &t) != S3MPU_E_DATE) {
			check_fail_at(__FILE__, __LINE__, bad[i]);
		}
		CHECK_INT(t, -1);
	}
	CHECK_INT(s3mpu_time_parse_http((s3mpu_str){ "Sun, 06 Nov 1994 08:49:37 GMT\0", 30 }, &t),
		S3MPU_E_DATE);
	CHECK_INT(s3mpu_time_parse_http((s3mpu_str){ NULL, 29 }, &t), S3MPU_E_DATE);
	CHECK_INT(s3mpu_time_parse_http(S3MPU_LIT("Sun, 06 Nov 1994 08:49:37 GMT"), NULL),
		S3MPU_E_ARGUMENT);
}

CHECK_MAIN(CASE(epoch), CASE(leap_day_2000), CASE(sigv4_example_date), CASE(last_second),
	CASE(century_rules), CASE(random_reference_dates), CASE(every_day_round_trips),
	CASE(format_out_of_range), CASE(parse_rejects_1969), CASE(parse_rejects_year_10000),
	CASE(parse_rejects_2023_02_29), CASE(parse_rejects_24h), CASE(parse_rejects_bad_chars),
	CASE(parse_rejects_wrong_length), CASE(http_imf_fixdate), CASE(http_rfc850),
	CASE(http_asctime), CASE(http_leap_second), CASE(http_rejects_malformed))
