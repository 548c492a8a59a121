/* time.c -- Unix seconds <-> "YYYYMMDDTHHMMSSZ", HTTP dates. See s3mpu.h.
 *
 * Plain calendar arithmetic (proleptic Gregorian, UTC) instead of gmtime or
 * strptime: gmtime is not thread-safe, timegm is not standard C, and a wasm
 * build has no time zone data. Only years 1970..9999 are accepted. */
#include "internal.h"

#define YEAR_MIN 1970
#define YEAR_MAX 9999
#define SECONDS_PER_DAY INT64_C(86400)
/* 9999-12-31T23:59:59Z */
#define TIME_MAX INT64_C(253402300799)

/* Days before the first of each month in a common year. */
static const uint16_t month_start[13] = { 0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334,
	365 };

static const char month_names[12][3] = { { 'J', 'a', 'n' }, { 'F', 'e', 'b' }, { 'M', 'a', 'r' },
	{ 'A', 'p', 'r' }, { 'M', 'a', 'y' }, { 'J', 'u', 'n' }, { 'J', 'u', 'l' },
	{ 'A', 'u', 'g' }, { 'S', 'e', 'p' }, { 'O', 'c', 't' }, { 'N', 'o', 'v' },
	{ 'D', 'e', 'c' } };

/* Index 0 is Sunday, as 1970-01-01 (day 0) was a Thursday: (days + 4) % 7. */
static const char *const day_names[7] = { "Sunday", "Monday", "Tuesday", "Wednesday", "Thursday",
	"Friday", "Saturday" };

static int is_leap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

static int month_days(int64_t y, int m)
{
	int d = month_start[m] - month_start[m - 1];
	return (m == 2 && is_leap(y)) ? d + 1 : d;
}

/* Leap years in 1..y-1. */
static int64_t leaps_before(int64_t y) { return (y - 1) / 4 - (y - 1) / 100 + (y - 1) / 400; }

/* Days from 1970-01-01 to January 1st of year y (y >= 1970). */
static int64_t days_before_year(int64_t y)
{
	return 365 * (y - YEAR_MIN) + leaps_before(y) - leaps_before(YEAR_MIN);
}

/* Days from 1970-01-01 to y-m-d; the date must be valid. */
static int64_t days_from_date(int64_t y, int m, int d)
{
	int64_t days = days_before_year(y) + month_start[m - 1] + (d - 1);
	if (m > 2 && is_leap(y))
		days++;
	return days;
}

/* The date and time as Unix seconds, or -1 if a field is out of range.
 * `sec` may be 60 only when `leap_ok` (folded to 59). */
static int64_t to_unix(int64_t y, int m, int d, int hh, int mm, int ss, int leap_ok)
{
	if (y < YEAR_MIN || y > YEAR_MAX || m < 1 || m > 12)
		return -1;
	if (d < 1 || d > month_days(y, m))
		return -1;
	if (hh > 23 || mm > 59 || ss > (leap_ok ? 60 : 59))
		return -1;
	/* Unix time has no leap seconds; 23:59:60 is read as 23:59:59. */
	if (ss == 60)
		ss = 59;
	return days_from_date(y, m, d) * SECONDS_PER_DAY + hh * 3600 + mm * 60 + ss;
}

/* Value of `n` ASCII digits at p, or -1 if any is not a digit. */
static int digits(const char *p, size_t n)
{
	int v = 0;
	size_t i;
	for (i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return -1;
		v = v * 10 + (p[i] - '0');
	}
	return v;
}

static void put2(char *p, int v)
{
	p[0] = (char)('0' + v / 10);
	p[1] = (char)('0' + v % 10);
}

int s3mpu_time_format(int64_t now, char out[S3MPU_AMZ_DATE_LEN])
{
	int64_t days, y;
	int doy, m, secs;

	if (!out)
		return S3MPU_E_ARGUMENT;
	if (now < 0 || now > TIME_MAX)
		return S3MPU_E_DATE;
	days = now / SECONDS_PER_DAY;
	secs = (int)(now % SECONDS_PER_DAY);

	/* days / 365 over-counts the years by at most a few (one per 365
	 * leap days), so step back to the year that contains the day. */
	y = YEAR_MIN + days / 365;
	while (days_before_year(y) > days)
		y--;
	doy = (int)(days - days_before_year(y));
	for (m = 1; m < 12; m++) {
		int next = month_start[m] + ((m >= 2 && is_leap(y)) ? 1 : 0);
		if (doy < next)
			break;
	}
	doy -= month_start[m - 1] + ((m > 2 && is_leap(y)) ? 1 : 0);

	put2(out, (int)(y / 100));
	put2(out + 2, (int)(y % 100));
	put2(out + 4, m);
	put2(out + 6, doy + 1);
	out[8] = 'T';
	put2(out + 9, secs / 3600);
	put2(out + 11, secs / 60 % 60);
	put2(out + 13, secs % 60);
	out[15] = 'Z';
	return S3MPU_OK;
}

int s3mpu_time_parse(s3mpu_str amz_date, int64_t *now)
{
	const char *p = amz_date.ptr;
	int y, mo, d, hh, mm, ss;
	int64_t t;

	if (!now)
		return S3MPU_E_ARGUMENT;
	if (amz_date.len != S3MPU_AMZ_DATE_LEN || !p || p[8] != 'T' || p[15] != 'Z')
		return S3MPU_E_DATE;
	y = digits(p, 4);
	mo = digits(p + 4, 2);
	d = digits(p + 6, 2);
	hh = digits(p + 9, 2);
	mm = digits(p + 11, 2);
	ss = digits(p + 13, 2);
	if (y < 0 || mo < 0 || d < 0 || hh < 0 || mm < 0 || ss < 0)
		return S3MPU_E_DATE;
	t = to_unix(y, mo, d, hh, mm, ss, 0);
	if (t < 0)
		return S3MPU_E_DATE;
	*now = t;
	return S3MPU_OK;
}

/* Month number 1..12 from its three-letter name (case-sensitive, as
 * RFC 9110 section 5.6.7 defines them), or -1. */
static int month_from_name(const char *p)
{
	int i;
	for (i = 0; i < 12; i++)
		if (memcmp(p, month_names[i], 3) == 0)
			return i + 1;
	return -1;
}

/* "HH:MM:SS" at p into h, m, s; 0 if malformed. */
static int parse_clock(const char *p, int *h, int *m, int *s)
{
	if (p[2] != ':' || p[5] != ':')
		return 0;
	*h = digits(p, 2);
	*m = digits(p + 3, 2);
	*s = digits(p + 6, 2);
	return *h >= 0 && *m >= 0 && *s >= 0;
}

/* Weekday (0 = Sunday) whose full name or three-letter abbreviation is the
 * `len` bytes at p, or -1. */
static int weekday_from_name(const char *p, size_t len)
{
	int i;
	for (i = 0; i < 7; i++) {
		size_t n = len == 3 ? 3 : strlen(day_names[i]);
		if (n == len && memcmp(p, day_names[i], n) == 0)
			return i;
	}
	return -1;
}

int s3mpu_time_parse_http(s3mpu_str http_date, int64_t *now)
{
	/* RFC 9110 section 5.6.7; senders use the first form, recipients
	 * accept all three:
	 *   IMF-fixdate  "Sun, 06 Nov 1994 08:49:37 GMT"
	 *   rfc850-date  "Sunday, 06-Nov-94 08:49:37 GMT"
	 *   asctime-date "Sun Nov  6 08:49:37 1994"
	 * Everything is case-sensitive and exact: no extra spaces. */
	const char *p = http_date.ptr;
	size_t len = http_date.len;
	int wday, y, mo, d, hh, mm, ss;
	int64_t t;
	size_t comma;

	if (!now)
		return S3MPU_E_ARGUMENT;
	if (!p || len < 24)
		return S3MPU_E_DATE;

	if (len == 24 && p[3] == ' ') {
		/* asctime-date: day is 2DIGIT or SP DIGIT. */
		wday = weekday_from_name(p, 3);
		mo = month_from_name(p + 4);
		if (p[7] != ' ' || p[10] != ' ' || p[19] != ' ')
			return S3MPU_E_DATE;
		d = p[8] == ' ' ? digits(p + 9, 1) : digits(p + 8, 2);
		if (!parse_clock(p + 11, &hh, &mm, &ss))
			return S3MPU_E_DATE;
		y = digits(p + 20, 4);
	} else if (len == 29 && p[3] == ',') {
		wday = weekday_from_name(p, 3);
		if (p[4] != ' ' || p[7] != ' ' || p[11] != ' ' || p[16] != ' ' || p[25] != ' ' ||
			memcmp(p + 26, "GMT", 3) != 0)
			return S3MPU_E_DATE;
		d = digits(p + 5, 2);
		mo = month_from_name(p + 8);
		y = digits(p + 12, 4);
		if (!parse_clock(p + 17, &hh, &mm, &ss))
			return S3MPU_E_DATE;
	} else {
		/* rfc850-date: a full day name, then 24 fixed bytes. */
		comma = len - 24;
		if (comma < 6 || comma > 9 || p[comma] != ',')
			return S3MPU_E_DATE;
		p += comma;
		wday = weekday_from_name(http_date.ptr, comma);
		if (p[1] != ' ' || p[4] != '-' || p[8] != '-' || p[11] != ' ' || p[20] != ' ' ||
			memcmp(p + 21, "GMT", 3) != 0)
			return S3MPU_E_DATE;
		d = digits(p + 2, 2);
		mo = month_from_name(p + 5);
		y = digits(p + 9, 2);
		if (!parse_clock(p + 12, &hh, &mm, &ss))
			return S3MPU_E_DATE;
		/* RFC 9110 reads a two-digit year relative to the current
		 * date, which this function does not know; a fixed window
		 * 1970..2069 (as POSIX strptime %y) is close enough for a
		 * form no current server sends. */
		if (y >= 0)
			y += y >= 70 ? 1900 : 2000;
	}

	if (wday < 0 || mo < 0 || d < 0 || y < 0)
		return S3MPU_E_DATE;
	t = to_unix(y, mo, d, hh, mm, ss, 1);
	if (t < 0)
		return S3MPU_E_DATE;
	/* A day name that contradicts the date means a broken header. */
	if ((t / SECONDS_PER_DAY + 4) % 7 != wday)
		return S3MPU_E_DATE;
	*now = t;
	return S3MPU_OK;
}
