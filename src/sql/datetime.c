/*
 * datetime.c: DATE, DATETIME, TIMESTAMP, TIME and YEAR with MySQL 8's
 * semantics.
 *
 * Values are broken-down structs (datetime.h). Everything that turns a date
 * into a day number or back goes through MySQL's own calendar, calc_daynr()
 * and get_date_from_daynr() of mysys/my_time.cc, re-derived here: it is the
 * proleptic Gregorian calendar except that year 0 is not a leap year and
 * day numbers up to 365 map back to the zero date. Using the same calendar
 * is what makes TO_DAYS, DATE_ADD into year 0, WEEK on odd dates and the
 * like give MySQL's numbers rather than textbook ones.
 *
 * The parsers (datetime_from_str, datetime_time_from_str, datetime_from_num,
 * datetime_str_to_date) follow MySQL's str_to_datetime, str_to_time,
 * number_to_datetime and extract_date_time step by step, quirks included,
 * because clients depend on exactly which strings are accepted, which are
 * truncated with a warning and which are refused. Rounding of extra
 * fractional digits is done as MySQL does it: first the digits beyond the
 * sixth round the microseconds, then the microseconds round to the target
 * precision (half up, away from zero for TIME).
 *
 * Arithmetic (DATE_ADD, TIMESTAMPDIFF, ADDTIME, ...) follows
 * date_add_interval() and the Item_func_* classes of sql/item_timefunc.cc,
 * including their overflow checks, so results that MySQL turns into NULL
 * with warning 1441 come back as DATETIME_OVERFLOW.
 *
 * Time zones are SYSTEM (the C library's zone, through localtime_r), UTC and
 * fixed offsets. The encodings are MySQL's on-disk DATE/DATETIME2/
 * TIMESTAMP2/TIME2/YEAR formats; their byte tables are in
 * README.datetime.md.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1 /* tm_gmtoff. */
#endif
#include "sql/datetime.h"

#include "base/err.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- Constants ------------------------------------------------------------ */

#define YY_PART_YEAR   70          /* Two-digit years below this are 20xx. */
#define DAYS_AT_EPOCH  719528L     /* calc_daynr(1970, 1, 1). */
#define SECS_PER_DAY   86400LL     /* Seconds in a day. */
#define USECS_PER_SEC  1000000LL   /* Microseconds in a second. */
#define TIME_MAX_VALUE 8385959LL   /* 838:59:59 as the number hhmmss. */
#define MAX_DAY_NUMBER 3652424L    /* calc_daynr(9999, 12, 31). */
#define TZ_MAX_OFFSET  (14 * 3600) /* Largest time zone offset, +14:00. */

/* MySQL's calc_week() behaviour bits. */
#define WEEK_MONDAY_FIRST  1 /* Weeks start on Monday, else Sunday. */
#define WEEK_YEAR          2 /* Week 1..53 of the week's own year, else 0..53. */
#define WEEK_FIRST_WEEKDAY 4 /* Week 1 holds the first first-day, else ISO 4-day rule. */

static const uint8_t days_in_month[13] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31, 0};

static const char *const month_names[12] = {"January",   "February", "March",    "April",
                                            "May",       "June",     "July",     "August",
                                            "September", "October",  "November", "December"};
static const char *const month_abbr[12] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                           "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
/* Index 0 is Monday, as calc_weekday(daynr, 0) counts. */
static const char *const day_names[7] = {"Monday", "Tuesday",  "Wednesday", "Thursday",
                                         "Friday", "Saturday", "Sunday"};
static const char *const day_abbr[7] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};

static const uint32_t pow10_u32[10] = {1,      10,      100,      1000,      10000,
                                       100000, 1000000, 10000000, 100000000, 1000000000};

/* ---- Characters (C locale, as MySQL's latin1 ctype for ASCII) ---------------- */

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

static int is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int is_punct(char c)
{
    unsigned char u = (unsigned char)c;
    return u > 32 && u < 127 && !is_digit(c) && !is_alpha(c);
}

static char to_upper(char c)
{
    return (c >= 'a' && c <= 'z') ? (char)(c - 32) : c;
}

/* ---- MySQL's calendar ---------------------------------------------------------- */

/* calc_days_in_year: year 0 is not a leap year (the "&& year" term). */
static unsigned year_days(unsigned year)
{
    return ((year & 3) == 0 && (year % 100 || (year % 400 == 0 && year))) ? 366 : 365;
}

static unsigned month_days(unsigned year, unsigned month)
{
    if (month == 2 && year_days(year) == 366)
        return 29;
    return days_in_month[month - 1];
}

/*
 * calc_daynr: days since year 0, 0000-00-00 being 0 and 0000-01-01 being 1.
 * The int arithmetic (C division truncating toward zero) is MySQL's and
 * matters for year 0.
 */
static long calc_daynr(unsigned year, unsigned month, unsigned day)
{
    long delsum;
    int temp;
    int y = (int)year;

    if (y == 0 && month == 0)
        return 0;
    delsum = (long)(365 * y + 31 * ((int)month - 1) + (int)day);
    if (month <= 2)
        y--;
    else
        delsum -= (long)((int)month * 4 + 23) / 10;
    temp = ((y / 100 + 1) * 3) / 4;
    return delsum + y / 4 - temp;
}

/* get_date_from_daynr: day numbers up to 365 and from 3652500 give 0000-00-00. */
static void daynr_to_date(long daynr, unsigned *ret_year, unsigned *ret_month, unsigned *ret_day)
{
    unsigned year, temp, leap_day, day_of_year, n_days;
    const uint8_t *month_pos;

    if (daynr <= 365L || daynr >= 3652500) {
        *ret_year = *ret_month = *ret_day = 0;
        return;
    }
    year = (unsigned)(daynr * 100 / 36525L);
    temp = (((year - 1) / 100 + 1) * 3) / 4;
    day_of_year = (unsigned)(daynr - (long)year * 365L) - (year - 1) / 4 + temp;
    while (day_of_year > (n_days = year_days(year))) {
        day_of_year -= n_days;
        year++;
    }
    leap_day = 0;
    if (n_days == 366 && day_of_year > 31 + 28) {
        day_of_year--;
        if (day_of_year == 31 + 28)
            leap_day = 1;
    }
    *ret_month = 1;
    for (month_pos = days_in_month; day_of_year > (unsigned)*month_pos;
         day_of_year -= *(month_pos++), (*ret_month)++)
        ;
    *ret_year = year;
    *ret_day = day_of_year + leap_day;
}

static void set_date_from_daynr(struct datetime *t, long daynr)
{
    unsigned y, m, d;
    daynr_to_date(daynr, &y, &m, &d);
    t->year = (uint16_t)y;
    t->month = (uint8_t)m;
    t->day = (uint8_t)d;
}

/* calc_weekday: 0 = Monday .. 6 = Sunday, or 0 = Sunday with sunday_first. */
static int calc_weekday(long daynr, int sunday_first)
{
    return (int)((daynr + 5L + (sunday_first ? 1L : 0L)) % 7);
}

/*
 * calc_week with MySQL's unsigned types, so that odd inputs (zero dates in
 * DATE_FORMAT) give the same odd numbers MySQL prints.
 */
static unsigned calc_week(const struct datetime *t, unsigned behaviour, unsigned *year)
{
    unsigned days;
    uint64_t daynr = (uint64_t)calc_daynr(t->year, t->month, t->day);
    uint64_t first_daynr = (uint64_t)calc_daynr(t->year, 1, 1);
    int monday_first = (behaviour & WEEK_MONDAY_FIRST) != 0;
    int week_year = (behaviour & WEEK_YEAR) != 0;
    int first_weekday = (behaviour & WEEK_FIRST_WEEKDAY) != 0;
    unsigned weekday = (unsigned)calc_weekday((long)first_daynr, !monday_first);

    *year = t->year;
    if (t->month == 1 && t->day <= 7 - weekday) {
        if (!week_year && ((first_weekday && weekday != 0) || (!first_weekday && weekday >= 4)))
            return 0;
        week_year = 1;
        (*year)--;
        first_daynr -= (days = year_days(*year));
        weekday = (weekday + 53 * 7 - days) % 7;
    }
    if ((first_weekday && weekday != 0) || (!first_weekday && weekday >= 4))
        days = (unsigned)(daynr - (first_daynr + (7 - weekday)));
    else
        days = (unsigned)(daynr - (first_daynr - weekday));
    if (week_year && days >= 52 * 7) {
        weekday = (weekday + year_days(*year)) % 7;
        if ((!first_weekday && weekday < 4) || (first_weekday && weekday == 0)) {
            (*year)++;
            return 1;
        }
    }
    return days / 7 + 1;
}

/* MySQL's week_mode(): the WEEK() mode argument as calc_week() bits. */
static unsigned week_mode(unsigned mode)
{
    unsigned f = mode & 7;
    if (!(f & WEEK_MONDAY_FIRST))
        f ^= WEEK_FIRST_WEEKDAY;
    return f;
}

static unsigned year_2000(unsigned year)
{
    return year < YY_PART_YEAR ? year + 2000 : (year < 100 ? year + 1900 : year);
}

/* ---- Small helpers ----------------------------------------------------------- */

static int non_zero_date(const struct datetime *t)
{
    return t->year || t->month || t->day;
}

static void set_max_time(struct datetime *t, int neg)
{
    datetime_set_zero(t, DATETIME_KIND_TIME);
    t->hour = DATETIME_TIME_MAX_HOUR;
    t->minute = 59;
    t->second = 59;
    t->neg = (uint8_t)(neg != 0);
}

/* TIME beyond 838:59:59 (the fraction counts at exactly 838:59:59). */
static int time_over(uint64_t hour, unsigned minute, unsigned second, unsigned usec)
{
    if (hour < DATETIME_TIME_MAX_HOUR)
        return 0;
    if (hour > DATETIME_TIME_MAX_HOUR)
        return 1;
    return minute == 59 && second == 59 ? usec != 0 : 0;
}

/* A TIME from a signed count of microseconds, clipped; returns DATETIME_CLIPPED if it was. */
static int time_from_usec(int64_t us, struct datetime *t)
{
    int neg = us < 0;
    uint64_t a = neg ? (uint64_t)0 - (uint64_t)us : (uint64_t)us;
    uint64_t sec = a / USECS_PER_SEC;

    datetime_set_zero(t, DATETIME_KIND_TIME);
    if (sec > DATETIME_TIME_MAX_SEC || (sec == DATETIME_TIME_MAX_SEC && a % USECS_PER_SEC)) {
        set_max_time(t, neg);
        return DATETIME_CLIPPED;
    }
    t->hour = (uint32_t)(sec / 3600);
    t->minute = (uint8_t)(sec / 60 % 60);
    t->second = (uint8_t)(sec % 60);
    t->usec = (uint32_t)(a % USECS_PER_SEC);
    t->neg = (uint8_t)(neg && a != 0);
    return 0;
}

/* Signed microseconds of a TIME (or of a datetime's time of day). */
static int64_t time_usec(const struct datetime *t)
{
    int64_t v = (((int64_t)t->hour * 60 + t->minute) * 60 + t->second) * USECS_PER_SEC + t->usec;
    return t->neg ? -v : v;
}

static const char *kind_word(int kind)
{
    return kind == DATETIME_KIND_DATE ? "date" : kind == DATETIME_KIND_TIME ? "time" : "datetime";
}

/* Text of a value for messages (fsp 6 if it has microseconds). */
static const char *msg_value(const struct datetime *t, char *buf)
{
    datetime_to_str(t, t->usec ? 6 : 0, buf);
    return buf;
}

static int clip_len(size_t len)
{
    return len > 128 ? 128 : (int)len;
}

/* ---- Making and checking values ---------------------------------------------- */

void datetime_set_zero(struct datetime *t, enum datetime_kind kind)
{
    memset(t, 0, sizeof *t);
    t->kind = (uint8_t)kind;
}

/* check_datetime_range: every field within its type's bounds. */
static int range_bad(const struct datetime *t)
{
    return t->year > 9999 || t->month > 12 || t->day > 31 || t->minute > 59 || t->second > 59 ||
           t->usec > 999999 ||
           t->hour > (t->kind == DATETIME_KIND_TIME ? DATETIME_TIME_MAX_HOUR : 23u);
}

/*
 * check_date (with TIME_FUZZY_DATE, as every caller here has it): returns 0,
 * or 1 for a zero date / zero part refused by the flags, or 2 for a day
 * beyond its month.
 */
static int date_refused(const struct datetime *t, unsigned flags)
{
    if (non_zero_date(t)) {
        if ((flags & DATETIME_NO_ZERO_IN_DATE) && (t->month == 0 || t->day == 0))
            return 1;
        if (!(flags & DATETIME_INVALID_DATES) && t->month && t->day > days_in_month[t->month - 1] &&
            (t->month != 2 || year_days(t->year) != 366 || t->day != 29))
            return 2;
    } else if (flags & DATETIME_NO_ZERO_DATE) {
        return 1;
    }
    return 0;
}

int datetime_check(const struct datetime *t, unsigned flags)
{
    char buf[DATETIME_STR_MAX];
    int r;

    if (t->kind == DATETIME_KIND_TIME) {
        if (range_bad(t) || time_over(t->hour, t->minute, t->second, t->usec))
            return err_set(DATETIME_INVALID, "Incorrect time value: '%s'", msg_value(t, buf));
        return 0;
    }
    if (range_bad(t) ||
        (t->kind == DATETIME_KIND_DATE && (t->hour || t->minute || t->second || t->usec)))
        return err_set(DATETIME_INVALID, "Incorrect %s value: '%s'", kind_word(t->kind),
                       msg_value(t, buf));
    r = date_refused(t, flags);
    if (r == 1)
        return err_set(DATETIME_ZERO_DATE, "Incorrect %s value: '%s'", kind_word(t->kind),
                       msg_value(t, buf));
    if (r == 2)
        return err_set(DATETIME_INVALID, "Incorrect %s value: '%s'", kind_word(t->kind),
                       msg_value(t, buf));
    return 0;
}

/*
 * What the functions that need a real calendar date (TO_DAYS, WEEK,
 * DATE_ADD, ...) do with their argument: MySQL reads it with
 * TIME_NO_ZERO_DATE and without TIME_FUZZY_DATE, so zero dates, zero parts
 * and days beyond the month all give NULL with warning 1292.
 */
static int need_date(const struct datetime *t)
{
    char buf[DATETIME_STR_MAX];
    if (t->kind == DATETIME_KIND_TIME || range_bad(t) ||
        date_refused(t, DATETIME_NO_ZERO_DATE | DATETIME_NO_ZERO_IN_DATE))
        return err_set(DATETIME_INVALID, "Incorrect %s value: '%s'", kind_word(t->kind),
                       msg_value(t, buf));
    return 0;
}

/* ---- Packed form and comparison ---------------------------------------------- */

int64_t datetime_pack(const struct datetime *t)
{
    if (t->kind == DATETIME_KIND_TIME) {
        int64_t hms = ((int64_t)t->hour << 12) | ((int64_t)t->minute << 6) | t->second;
        int64_t v = (int64_t)((uint64_t)hms << 24) + t->usec;
        return t->neg ? -v : v;
    }
    int64_t ymd = (((int64_t)t->year * 13 + t->month) << 5) | t->day;
    int64_t hms = ((int64_t)t->hour << 12) | ((int64_t)t->minute << 6) | t->second;
    return (int64_t)((uint64_t)((ymd << 17) | hms) << 24) + t->usec;
}

void datetime_unpack(int64_t packed, enum datetime_kind kind, struct datetime *t)
{
    uint64_t v;
    int neg = packed < 0;

    datetime_set_zero(t, kind);
    v = neg ? (uint64_t)0 - (uint64_t)packed : (uint64_t)packed;
    t->usec = (uint32_t)(v % (1u << 24));
    v >>= 24;
    if (kind == DATETIME_KIND_TIME) {
        t->neg = (uint8_t)neg;
        t->second = (uint8_t)(v % 64);
        t->minute = (uint8_t)((v >> 6) % 64);
        t->hour = (uint32_t)((v >> 12) % 1024);
        return;
    }
    uint64_t ymd = v >> 17, ym = ymd >> 5, hms = v % (1u << 17);
    t->day = (uint8_t)(ymd % 32);
    t->month = (uint8_t)(ym % 13);
    t->year = (uint16_t)(ym / 13);
    if (kind == DATETIME_KIND_DATETIME) {
        t->second = (uint8_t)(hms % 64);
        t->minute = (uint8_t)((hms >> 6) % 64);
        t->hour = (uint32_t)(hms >> 12);
    } else {
        t->usec = 0;
    }
}

int datetime_cmp(const struct datetime *a, const struct datetime *b)
{
    int64_t x = datetime_pack(a), y = datetime_pack(b);
    return x < y ? -1 : x > y;
}

/* ---- Return values ------------------------------------------------------------- */

const char *datetime_status_str(int rc)
{
    switch (rc) {
    case DATETIME_TRUNCATED:
        return "DATETIME_TRUNCATED";
    case DATETIME_CLIPPED:
        return "DATETIME_CLIPPED";
    case DATETIME_TIME_CUT:
        return "DATETIME_TIME_CUT";
    case DATETIME_TRUNCATED | DATETIME_CLIPPED:
        return "DATETIME_TRUNCATED|DATETIME_CLIPPED";
    case DATETIME_TRUNCATED | DATETIME_TIME_CUT:
        return "DATETIME_TRUNCATED|DATETIME_TIME_CUT";
    case DATETIME_INVALID:
        return "DATETIME_INVALID";
    case DATETIME_ZERO_DATE:
        return "DATETIME_ZERO_DATE";
    case DATETIME_OUT_OF_RANGE:
        return "DATETIME_OUT_OF_RANGE";
    case DATETIME_OVERFLOW:
        return "DATETIME_OVERFLOW";
    case DATETIME_NULL:
        return "DATETIME_NULL";
    case DATETIME_BAD_ARG:
        return "DATETIME_BAD_ARG";
    case DATETIME_UNKNOWN_TZ:
        return "DATETIME_UNKNOWN_TZ";
    default:
        return err_name(rc);
    }
}

/* ---- Printing ------------------------------------------------------------------- */

/* format_two_digits: values of 100 or more print as "00", as MySQL does. */
static char *put2(char *p, unsigned v)
{
    if (v >= 100)
        v = 0;
    p[0] = (char)('0' + v / 10);
    p[1] = (char)('0' + v % 10);
    return p + 2;
}

/* v in decimal, zero-padded to at least width digits. */
static char *put_num(char *p, uint64_t v, int width)
{
    char tmp[24];
    int n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n < width) {
        *p++ = '0';
        width--;
    }
    while (n)
        *p++ = tmp[--n];
    return p;
}

/* The first fsp digits of usec after a '.'; nothing for fsp 0. */
static char *put_frac(char *p, uint32_t usec, int fsp)
{
    if (fsp <= 0)
        return p;
    if (fsp > 6)
        fsp = 6;
    *p++ = '.';
    return put_num(p, usec / pow10_u32[6 - fsp], fsp);
}

size_t datetime_to_str(const struct datetime *t, int fsp, char *buf)
{
    char *p = buf;

    if (t->kind == DATETIME_KIND_TIME) {
        if (t->neg)
            *p++ = '-';
        p = put_num(p, t->hour, 2);
        *p++ = ':';
        p = put2(p, t->minute);
        *p++ = ':';
        p = put2(p, t->second);
        p = put_frac(p, t->usec, fsp);
    } else {
        p = put2(p, t->year / 100u);
        p = put2(p, t->year % 100u);
        *p++ = '-';
        p = put2(p, t->month);
        *p++ = '-';
        p = put2(p, t->day);
        if (t->kind == DATETIME_KIND_DATETIME) {
            *p++ = ' ';
            p = put2(p, t->hour);
            *p++ = ':';
            p = put2(p, t->minute);
            *p++ = ':';
            p = put2(p, t->second);
            p = put_frac(p, t->usec, fsp);
        }
    }
    *p = '\0';
    return (size_t)(p - buf);
}

size_t datetime_year_to_str(int year, char *buf)
{
    if (year < 0 || year > 9999)
        year = 0;
    char *p = put_num(buf, (uint64_t)year, 4);
    *p = '\0';
    return 4;
}

static uint64_t date_num(const struct datetime *t)
{
    return (uint64_t)t->year * 10000 + (uint64_t)t->month * 100 + t->day;
}

static uint64_t hms_num(const struct datetime *t)
{
    return (uint64_t)t->hour * 10000 + (uint64_t)t->minute * 100 + t->second;
}

int64_t datetime_to_int(const struct datetime *t)
{
    struct datetime c = *t;

    switch (t->kind) {
    case DATETIME_KIND_DATE:
        return (int64_t)date_num(t);
    case DATETIME_KIND_TIME:
        /* TIME_to_ulonglong_time_round: half away from zero, clipped at 838:59:59. */
        if (c.usec >= 500000)
            datetime_round(&c, 0, 0);
        return (c.neg ? -1 : 1) * (int64_t)hms_num(&c);
    default:
        /* TIME_to_ulonglong_datetime_round; past 9999-12-31 the value stays unrounded. */
        if (c.usec >= 500000 && datetime_round(&c, 0, 0) < 0)
            c = *t;
        return (int64_t)(date_num(&c) * 1000000 + hms_num(&c));
    }
}

double datetime_to_double(const struct datetime *t)
{
    switch (t->kind) {
    case DATETIME_KIND_DATE:
        return (double)date_num(t);
    case DATETIME_KIND_TIME: {
        double v = (double)hms_num(t) + (double)t->usec / 1e6;
        return t->neg ? -v : v;
    }
    default:
        return (double)(date_num(t) * 1000000 + hms_num(t)) + (double)t->usec / 1e6;
    }
}

size_t datetime_to_num_str(const struct datetime *t, int fsp, char *buf)
{
    char *p = buf;

    if (t->kind == DATETIME_KIND_DATE) {
        p = put_num(p, date_num(t), 1);
    } else if (t->kind == DATETIME_KIND_TIME) {
        if (t->neg)
            *p++ = '-';
        p = put_num(p, hms_num(t), 1);
        p = put_frac(p, t->usec, fsp);
    } else {
        p = put_num(p, date_num(t) * 1000000 + hms_num(t), 1);
        p = put_frac(p, t->usec, fsp);
    }
    *p = '\0';
    return (size_t)(p - buf);
}

/* append_with_prefill: s, left-padded with '0' to width characters. */
static char *put_prefill(char *p, const char *s, int width)
{
    int n = (int)strlen(s);
    for (; n < width; width--)
        *p++ = '0';
    memcpy(p, s, (size_t)n);
    return p + n;
}

static char *put_str(char *p, const char *s)
{
    size_t n = strlen(s);
    memcpy(p, s, n);
    return p + n;
}

int datetime_format(const struct datetime *t, int time_format, const char *fmt, size_t fmt_len,
                    char *out, size_t *out_len)
{
    struct datetime v = *t;
    const char *ptr = fmt, *end = fmt + fmt_len;
    char *p = out;
    char tmp[32];
    unsigned hours_i, year;
    long daynr;

    *out_len = 0;
    if (fmt_len == 0)
        return DATETIME_NULL; /* DATE_FORMAT(x, '') is NULL. */
    if (time_format)
        v.year = v.month = v.day = 0; /* TIME_FORMAT reads its argument as a TIME. */
    if (v.neg)
        *p++ = '-';
    for (; ptr != end; ptr++) {
        if (*ptr != '%' || ptr + 1 == end) {
            *p++ = *ptr;
            continue;
        }
        switch (*++ptr) {
        case 'M':
        case 'b':
            if (!v.month)
                return DATETIME_NULL;
            p = put_str(p, *ptr == 'M' ? month_names[v.month - 1] : month_abbr[v.month - 1]);
            break;
        case 'W':
        case 'a':
            if (time_format || !(v.month || v.year))
                return DATETIME_NULL;
            daynr = calc_daynr(v.year, v.month, v.day);
            p = put_str(p, *ptr == 'W' ? day_names[calc_weekday(daynr, 0)]
                                       : day_abbr[calc_weekday(daynr, 0)]);
            break;
        case 'D':
            if (time_format)
                return DATETIME_NULL;
            p = put_num(p, v.day, 1);
            if (v.day >= 10 && v.day <= 19)
                p = put_str(p, "th");
            else
                p = put_str(p, v.day % 10 == 1   ? "st"
                               : v.day % 10 == 2 ? "nd"
                               : v.day % 10 == 3 ? "rd"
                                                 : "th");
            break;
        case 'Y':
            p = put_num(p, v.year, 4);
            break;
        case 'y':
            p = put_num(p, v.year % 100u, 2);
            break;
        case 'm':
            p = put_num(p, v.month, 2);
            break;
        case 'c':
            p = put_num(p, v.month, 1);
            break;
        case 'd':
            p = put_num(p, v.day, 2);
            break;
        case 'e':
            p = put_num(p, v.day, 1);
            break;
        case 'f':
            p = put_num(p, v.usec, 6);
            break;
        case 'H':
            p = put_num(p, v.hour, 2);
            break;
        case 'h':
        case 'I':
            hours_i = (v.hour % 24 + 11) % 12 + 1;
            p = put_num(p, hours_i, 2);
            break;
        case 'i':
            p = put_num(p, v.minute, 2);
            break;
        case 'j': {
            if (time_format)
                return DATETIME_NULL;
            long diff = calc_daynr(v.year, v.month, v.day) - calc_daynr(v.year, 1, 1) + 1;
            snprintf(tmp, sizeof tmp, "%ld", diff);
            p = put_prefill(p, tmp, 3);
            break;
        }
        case 'k':
            p = put_num(p, v.hour, 1);
            break;
        case 'l':
            hours_i = (v.hour % 24 + 11) % 12 + 1;
            p = put_num(p, hours_i, 1);
            break;
        case 'p':
            p = put_str(p, v.hour % 24 < 12 ? "AM" : "PM");
            break;
        case 'r':
            p = put_num(p, (v.hour + 11) % 12 + 1, 2);
            *p++ = ':';
            p = put_num(p, v.minute, 2);
            *p++ = ':';
            p = put_num(p, v.second, 2);
            p = put_str(p, v.hour % 24 < 12 ? " AM" : " PM");
            break;
        case 'S':
        case 's':
            p = put_num(p, v.second, 2);
            break;
        case 'T':
            p = put_num(p, v.hour, 2);
            *p++ = ':';
            p = put_num(p, v.minute, 2);
            *p++ = ':';
            p = put_num(p, v.second, 2);
            break;
        case 'U':
        case 'u':
            if (time_format)
                return DATETIME_NULL;
            p = put_num(
                p, calc_week(&v, *ptr == 'U' ? WEEK_FIRST_WEEKDAY : WEEK_MONDAY_FIRST, &year), 2);
            break;
        case 'V':
        case 'v':
            if (time_format)
                return DATETIME_NULL;
            p = put_num(p,
                        calc_week(&v,
                                  *ptr == 'V' ? (WEEK_YEAR | WEEK_FIRST_WEEKDAY)
                                              : (WEEK_YEAR | WEEK_MONDAY_FIRST),
                                  &year),
                        2);
            break;
        case 'X':
        case 'x':
            if (time_format)
                return DATETIME_NULL;
            calc_week(&v,
                      *ptr == 'X' ? (WEEK_YEAR | WEEK_FIRST_WEEKDAY)
                                  : (WEEK_YEAR | WEEK_MONDAY_FIRST),
                      &year);
            p = put_num(p, year, 4);
            break;
        case 'w':
            if (time_format || !(v.month || v.year))
                return DATETIME_NULL;
            p = put_num(p, (uint64_t)calc_weekday(calc_daynr(v.year, v.month, v.day), 1), 1);
            break;
        default:
            *p++ = *ptr;
            break;
        }
    }
    *out_len = (size_t)(p - out);
    return 0;
}

/* ---- Rounding ------------------------------------------------------------------- */

/* Microseconds to add before cutting to fsp digits: half a unit of the last digit. */
static const uint32_t round_add_us[7] = {500000, 50000, 5000, 500, 50, 5, 0};

/*
 * Adds one second to a DATE/DATETIME for a rounding carry, as MySQL's
 * datetime_add_nanoseconds_with_round does it: the date must have no zero
 * parts, and the result must not pass 9999-12-31.
 */
static int datetime_carry_second(struct datetime *t)
{
    char buf[DATETIME_STR_MAX];
    long daynr;

    if (date_refused(t, DATETIME_NO_ZERO_DATE | DATETIME_NO_ZERO_IN_DATE))
        return err_set(DATETIME_INVALID, "Incorrect datetime value: '%s'", msg_value(t, buf));
    if (++t->second < 60)
        return 0;
    t->second = 0;
    if (++t->minute < 60)
        return 0;
    t->minute = 0;
    if (++t->hour < 24)
        return 0;
    t->hour = 0;
    daynr = calc_daynr(t->year, t->month, t->day) + 1;
    if (daynr > MAX_DAY_NUMBER)
        return err_set(DATETIME_OUT_OF_RANGE, "Datetime value is out of range after rounding");
    set_date_from_daynr(t, daynr);
    return 0;
}

/*
 * Adds add microseconds (at most one second's worth) to t's fraction with
 * carry, then cuts the fraction to a multiple of unit: a TIME carries into
 * hours and is clipped at 838:59:59 afterwards, a datetime carries into the
 * date. t is unchanged on errors.
 */
static int add_usec_carry(struct datetime *t, uint32_t add, uint32_t unit)
{
    struct datetime c = *t;
    int rc;

    c.usec += add;
    if (c.usec >= 1000000) {
        c.usec -= 1000000;
        if (c.kind == DATETIME_KIND_TIME) {
            if (++c.second == 60) {
                c.second = 0;
                if (++c.minute == 60) {
                    c.minute = 0;
                    c.hour++;
                }
            }
        } else if ((rc = datetime_carry_second(&c)) < 0) {
            return rc;
        }
    }
    c.usec -= c.usec % unit;
    if (c.kind == DATETIME_KIND_TIME && time_over(c.hour, c.minute, c.second, c.usec)) {
        set_max_time(&c, c.neg);
        *t = c;
        return DATETIME_CLIPPED;
    }
    *t = c;
    return 0;
}

/* The rounding of the digits beyond the sixth: nanoseconds 500 and up add a microsecond. */
static int round_nanos(struct datetime *t, uint32_t nanoseconds, unsigned flags)
{
    if ((flags & DATETIME_TRUNCATE_FRAC) || nanoseconds < 500 || t->kind == DATETIME_KIND_DATE)
        return 0;
    return add_usec_carry(t, (nanoseconds + 500) / 1000, 1);
}

int datetime_round(struct datetime *t, int fsp, unsigned flags)
{
    int rc = 0;

    if (fsp < 0 || fsp > DATETIME_MAX_FSP)
        return err_set(ERR_INVALID, "fractional second precision %d is out of range", fsp);
    if (t->kind == DATETIME_KIND_DATE)
        return 0;
    if (!(flags & DATETIME_TRUNCATE_FRAC) && fsp < 6) {
        rc = add_usec_carry(t, round_add_us[fsp], pow10_u32[6 - fsp]);
        if (rc < 0)
            return rc;
    } else {
        t->usec -= t->usec % pow10_u32[6 - fsp];
    }
    if (rc == DATETIME_CLIPPED)
        err_set(DATETIME_CLIPPED, "Truncated incorrect time value");
    return rc;
}

/* ---- Parsing DATE and DATETIME text (str_to_datetime) ------------------------- */

/* What the parsers found, as MySQL's MYSQL_TIME_STATUS. */
struct pstatus {
    int warnings;         /* W_* bits. */
    unsigned frac_digits; /* Fractional digits read (at most 6). */
    uint32_t nanoseconds; /* 100 * the first digit beyond the sixth, for rounding. */
    int has_disp;         /* A time zone displacement ended the text. */
    int disp;             /* Its seconds east of UTC. */
    int refused;          /* The flags refused a zero date or zero part. */
};

#define W_TRUNCATED    1 /* Characters were ignored, or the text is no date at all. */
#define W_OUT_OF_RANGE 2 /* A field out of range (TIME: clipped). */
#define W_ZERO_DATE    8 /* An all-zero date with nothing else. */

/* Results of parse_datetime, MySQL's enum_mysql_timestamp_type. */
#define TT_NONE     (-2) /* Not a date at all. */
#define TT_ERROR    (-1) /* Looked like a date but had bad values. */
#define TT_DATE     0    /* A date. */
#define TT_DATETIME 1    /* A date and time. */

/* time_zone_displacement_to_seconds: exactly [+-]HH:MM, then only spaces. */
static int parse_displacement(const char *str, size_t length, int *result)
{
    int sign, hours, minutes, seconds;
    size_t i;

    if (length < 6)
        return 1;
    sign = str[0] == '+' ? 1 : (str[0] == '-' ? -1 : 0);
    if (sign == 0 || !is_digit(str[1]) || !is_digit(str[2]) || str[3] != ':' || !is_digit(str[4]) ||
        !is_digit(str[5]))
        return 1;
    hours = (str[1] - '0') * 10 + str[2] - '0';
    minutes = (str[4] - '0') * 10 + str[5] - '0';
    if (minutes >= 60)
        return 1;
    seconds = hours * 3600 + minutes * 60;
    if (seconds > TZ_MAX_OFFSET || (sign == -1 && seconds == 0)) /* SQL forbids -00:00. */
        return 1;
    for (i = 6; i < length; i++)
        if (!is_space(str[i]))
            return 1;
    *result = seconds * sign;
    return 0;
}

/*
 * MySQL's str_to_datetime with the default format positions (year first,
 * no AM/PM). flags are this library's; TIME_FUZZY_DATE is implied.
 * datetime_only is TIME_DATETIME_ONLY (for str_to_time's first attempt).
 * Returns a TT_* value; on TT_ERROR and TT_NONE *t is the zero datetime.
 */
static int parse_datetime(const char *str, size_t length, unsigned flags, int datetime_only,
                          struct datetime *t, struct pstatus *st)
{
    unsigned field_length, year_length = 0, digits, i, number_of_fields, frac_len;
    uint64_t date[8], date_len[8];
    uint64_t not_zero_date = 0;
    const unsigned allow_space = (1u << 2) | (1u << 6); /* After the day and the fraction. */
    int is_internal_format = 0, found_delimiter = 0, found_space = 0, found_displacement = 0;
    int displacement = 0, tt, r;
    const char *pos, *last_field_pos = NULL, *end = str + length;
    struct datetime v;

    memset(st, 0, sizeof *st);
    datetime_set_zero(t, DATETIME_KIND_DATETIME);
    for (; str != end && is_space(*str); str++)
        ;
    if (str == end || !is_digit(*str)) {
        st->warnings = W_TRUNCATED;
        return TT_NONE;
    }
    /* Only digits (and 'T') up to the end or a '.': YYYYMMDD... without delimiters. */
    for (pos = str; pos != end && (is_digit(*pos) || *pos == 'T'); pos++)
        ;
    digits = (unsigned)(pos - str);
    date_len[0] = 0;
    if (pos == end || *pos == '.') {
        year_length = (digits == 4 || digits == 8 || digits >= 14) ? 4 : 2;
        field_length = year_length;
        is_internal_format = 1;
    } else {
        field_length = 4;
    }

    for (i = 0; i < 7 && str != end && is_digit(*str); i++) {
        const char *start = str;
        uint64_t tmp_value = (uint64_t)(*str++ - '0');
        /* Fixed widths without delimiters; the fraction is at most 6 digits either way. */
        int scan_until_delim = !is_internal_format && i != 6;

        while (str != end && is_digit(str[0]) && (scan_until_delim || --field_length)) {
            if (tmp_value <= 999999)
                tmp_value = tmp_value * 10 + (uint64_t)(*str - '0');
            str++;
        }
        date_len[i] = (uint64_t)(str - start);
        if (tmp_value > 999999) { /* Impossible date part. */
            st->warnings = W_TRUNCATED;
            return TT_NONE;
        }
        date[i] = tmp_value;
        not_zero_date |= tmp_value;
        field_length = 2;
        if ((last_field_pos = str) == end) {
            i++;
            break;
        }
        if (i == 2 && *str == 'T') { /* ISO 8601: CCYYMMDDThhmmss. */
            str++;
            continue;
        }
        if (i == 5) { /* Seconds. */
            if (*str == '.') {
                str++;
                last_field_pos = str; /* '2001-01-01 00:00:00.' is valid. */
                field_length = 6;
            } else if (is_digit(str[0])) {
                i++;
                break;
            } else if (str[0] == '+' || str[0] == '-') {
                if (parse_displacement(str, (size_t)(end - str), &displacement)) {
                    st->warnings = W_TRUNCATED;
                    return TT_NONE;
                }
                found_displacement = 1;
                str = end;
                last_field_pos = str;
            }
            continue;
        }
        if (i == 6 && (str[0] == '+' || str[0] == '-')) {
            if (parse_displacement(str, (size_t)(end - str), &displacement)) {
                st->warnings = W_TRUNCATED;
                return TT_NONE;
            }
            found_displacement = 1;
            str = end;
            last_field_pos = str;
        }
        while (str != end && (is_punct(*str) || is_space(*str))) {
            if (is_space(*str)) {
                if (!(allow_space & (1u << i))) {
                    st->warnings = W_TRUNCATED;
                    return TT_NONE;
                }
                found_space = 1;
            }
            str++;
            found_delimiter = 1;
        }
        if (i == 6)
            i++; /* The AM/PM slot, unused with the default format. */
        last_field_pos = str;
    }
    if (found_delimiter && !found_space && datetime_only) {
        st->warnings = W_TRUNCATED;
        return TT_NONE;
    }
    str = last_field_pos;
    number_of_fields = i;
    while (i < 8) {
        date_len[i] = 0;
        date[i++] = 0;
    }
    if (!is_internal_format) {
        year_length = (unsigned)date_len[0];
        if (!year_length) {
            st->warnings = W_TRUNCATED;
            return TT_NONE;
        }
    }
    frac_len = (unsigned)date_len[6];
    st->frac_digits = frac_len;
    if (frac_len < 6)
        date[6] *= pow10_u32[6 - frac_len];
    if (year_length == 2 && not_zero_date)
        date[0] += date[0] < YY_PART_YEAR ? 2000 : 1900;
    tt = number_of_fields <= 3 ? TT_DATE : TT_DATETIME;

    if (number_of_fields < 3 || date[0] > 9999 || date[1] > 12 || date[2] > 31 || date[3] > 23 ||
        date[4] > 59 || date[5] > 59) {
        /* A zero date only warns if something but spaces follows. */
        if (!not_zero_date) {
            for (; str != end; str++)
                if (!is_space(*str)) {
                    not_zero_date = 1;
                    break;
                }
        }
        st->warnings |= not_zero_date ? W_TRUNCATED : W_ZERO_DATE;
        return TT_ERROR;
    }
    datetime_set_zero(&v, tt == TT_DATE ? DATETIME_KIND_DATE : DATETIME_KIND_DATETIME);
    v.year = (uint16_t)date[0];
    v.month = (uint8_t)date[1];
    v.day = (uint8_t)date[2];
    v.hour = (uint32_t)date[3];
    v.minute = (uint8_t)date[4];
    v.second = (uint8_t)date[5];
    v.usec = (uint32_t)date[6];
    if ((r = date_refused(&v, flags)) != 0) {
        if (r == 1)
            st->refused = 1;
        else
            st->warnings |= W_OUT_OF_RANGE;
        return TT_ERROR;
    }
    /* Digits beyond the sixth: the first one is enough for rounding. */
    if (st->frac_digits == 6 && str != end && is_digit(*str)) {
        st->nanoseconds = 100u * (uint32_t)(*str++ - '0');
        for (; str != end && is_digit(*str); str++)
            ;
    }
    *t = v;
    if (found_displacement) {
        st->has_disp = 1;
        st->disp = displacement;
        return tt;
    }
    if (str != end && (str[0] == '+' || str[0] == '-')) {
        if (parse_displacement(str, (size_t)(end - str), &displacement)) {
            datetime_set_zero(t, DATETIME_KIND_DATETIME);
            st->warnings = W_TRUNCATED;
            return TT_NONE;
        }
        st->has_disp = 1;
        st->disp = displacement;
        return tt;
    }
    for (; str != end; str++)
        if (!is_space(*str)) {
            st->warnings = W_TRUNCATED;
            break;
        }
    return tt;
}

/* A valid local date and time at a fixed offset as UTC microseconds. */
static int64_t local_to_unix_fixed(const struct datetime *t, int offset)
{
    int64_t days = calc_daynr(t->year, t->month, t->day) - DAYS_AT_EPOCH;
    int64_t sec =
        days * SECS_PER_DAY + (int64_t)t->hour * 3600 + t->minute * 60 + t->second - offset;
    return sec * USECS_PER_SEC + t->usec;
}

int datetime_from_str(const char *s, size_t len, unsigned flags, int fsp,
                      const struct datetime_tz *tz, struct datetime *out)
{
    struct pstatus st;
    int tt, rc;

    if (fsp < 0 || fsp > DATETIME_MAX_FSP) {
        datetime_set_zero(out, DATETIME_KIND_DATETIME);
        return err_set(ERR_INVALID, "fractional second precision %d is out of range", fsp);
    }
    tt = parse_datetime(s, len, flags, 0, out, &st);
    if (tt < 0) {
        datetime_set_zero(out, DATETIME_KIND_DATETIME);
        return err_set(st.refused ? DATETIME_ZERO_DATE : DATETIME_INVALID,
                       "Incorrect datetime value: '%.*s'", clip_len(len), s);
    }
    if (st.has_disp) {
        /* '2024-01-05 10:00:00+05:30' is that instant, shown in the session's zone. */
        if (!tz || need_date(out) < 0) {
            datetime_set_zero(out, DATETIME_KIND_DATETIME);
            return err_set(DATETIME_INVALID, "Incorrect datetime value: '%.*s'", clip_len(len), s);
        }
        rc = datetime_tz_from_utc(tz, local_to_unix_fixed(out, st.disp), out);
        if (rc < 0) {
            datetime_set_zero(out, DATETIME_KIND_DATETIME);
            return err_set(DATETIME_OUT_OF_RANGE, "Incorrect datetime value: '%.*s'", clip_len(len),
                           s);
        }
    }
    if ((rc = round_nanos(out, st.nanoseconds, flags)) < 0 ||
        (rc = datetime_round(out, fsp, flags)) < 0) {
        datetime_set_zero(out, DATETIME_KIND_DATETIME);
        return err_set(rc, "Incorrect datetime value: '%.*s'", clip_len(len), s);
    }
    if (st.warnings & W_TRUNCATED) {
        err_set(DATETIME_TRUNCATED, "Truncated incorrect %s value: '%.*s'", kind_word(out->kind),
                clip_len(len), s);
        return DATETIME_TRUNCATED;
    }
    return 0;
}

/* ---- Parsing TIME text (str_to_time) -------------------------------------------- */

/*
 * MySQL's str_to_time. Returns 0 or 1 (error). *t is a TIME, or, when the
 * text of 12 or more characters parsed as a full datetime, a DATE/DATETIME.
 */
static int parse_time(const char *str, size_t length, struct datetime *t, struct pstatus *st)
{
    uint64_t date[5], value, hour;
    const char *end = str + length, *end_of_days, *start;
    int neg = 0;
    unsigned state;

    memset(st, 0, sizeof *st);
    datetime_set_zero(t, DATETIME_KIND_TIME);
    for (; str != end && is_space(*str); str++)
        length--;
    if (str != end && *str == '-') {
        neg = 1;
        str++;
        length--;
    }
    if (str == end)
        return 1;
    start = str;

    /* Probably a full timestamp. */
    if (length >= 12) {
        struct pstatus tmp;
        int tt = parse_datetime(str, length, 0, 1, t, &tmp);
        if (tt >= TT_ERROR) {
            *st = tmp;
            if (tt == TT_ERROR)
                datetime_set_zero(t, DATETIME_KIND_TIME);
            return tt == TT_ERROR;
        }
        datetime_set_zero(t, DATETIME_KIND_TIME);
    }

    /* [D ]hh:mm:ss, hh:mm, or a number hhmmss. */
    for (value = 0; str != end && is_digit(*str); str++)
        if (value <= UINT32_MAX)
            value = value * 10 + (uint64_t)(*str - '0');
    if (value > UINT32_MAX)
        return 1;
    end_of_days = str;
    for (; str != end && is_space(str[0]); str++)
        ;
    if (end - str > 1 && str != end_of_days && is_digit(*str)) { /* Days part. */
        date[0] = value;
        state = 1;
    } else if (end - str > 1 && *str == ':' && is_digit(str[1])) {
        date[0] = 0;
        date[1] = value;
        state = 2;
        str++;
    } else { /* One number: hhmmss. */
        date[0] = 0;
        date[1] = value / 10000;
        date[2] = value / 100 % 100;
        date[3] = value % 100;
        state = 4;
        goto fractional;
    }
    for (;;) {
        for (value = 0; str != end && is_digit(*str); str++)
            if (value <= UINT32_MAX)
                value = value * 10 + (uint64_t)(*str - '0');
        date[state++] = value;
        if (state == 4 || end - str < 2 || *str != ':' || !is_digit(str[1]))
            break;
        str++;
    }
    while (state < 4)
        date[state++] = 0;

fractional:
    if (end - str >= 2 && *str == '.' && is_digit(str[1])) {
        int field_length = 5;
        str++;
        value = (uint64_t)(*str - '0');
        while (++str != end && is_digit(*str)) {
            if (field_length-- > 0)
                value = value * 10 + (uint64_t)(*str - '0');
        }
        if (field_length >= 0) {
            st->frac_digits = (unsigned)(6 - field_length);
            if (field_length > 0)
                value *= pow10_u32[field_length];
        } else {
            /* MySQL rounds on the last digit of the run here, not the seventh. */
            st->frac_digits = 6;
            st->nanoseconds = 100u * (uint32_t)(str[-1] - '0');
        }
        date[4] = value;
    } else if (end - str == 1 && *str == '.') {
        str++;
        date[4] = 0;
    } else {
        date[4] = 0;
    }
    /* An exponent (from %g formatting) makes it no time at all. */
    if (end - str > 1 && (*str == 'e' || *str == 'E') &&
        (is_digit(str[1]) ||
         ((str[1] == '-' || str[1] == '+') && end - str > 2 && is_digit(str[2]))))
        return 1;
    if (date[0] > UINT32_MAX || date[1] > UINT32_MAX || date[2] > UINT32_MAX ||
        date[3] > UINT32_MAX || date[4] > UINT32_MAX)
        return 1;
    hour = date[1] + date[0] * 24;
    if (date[2] >= 60 || date[3] >= 60 || date[4] > 999999) {
        st->warnings |= W_OUT_OF_RANGE;
        return 1;
    }
    t->neg = (uint8_t)neg;
    t->minute = (uint8_t)date[2];
    t->second = (uint8_t)date[3];
    t->usec = (uint32_t)date[4];
    if (time_over(hour, t->minute, t->second, t->usec)) {
        set_max_time(t, neg);
        st->warnings |= W_OUT_OF_RANGE;
    } else {
        t->hour = (uint32_t)hour;
    }
    /* Garbage at the end: a note, or an error when nothing was used. */
    if (str != end) {
        do {
            if (!is_space(*str)) {
                st->warnings |= W_TRUNCATED;
                if (str == start) {
                    datetime_set_zero(t, DATETIME_KIND_TIME);
                    return 1;
                }
                break;
            }
        } while (++str != end);
    }
    return 0;
}

int datetime_time_from_str(const char *s, size_t len, unsigned flags, int fsp, struct datetime *out)
{
    struct pstatus st;
    int rc, notes = 0;

    if (fsp < 0 || fsp > DATETIME_MAX_FSP) {
        datetime_set_zero(out, DATETIME_KIND_TIME);
        return err_set(ERR_INVALID, "fractional second precision %d is out of range", fsp);
    }
    if (parse_time(s, len, out, &st)) {
        datetime_set_zero(out, DATETIME_KIND_TIME);
        return err_set(DATETIME_INVALID, "Incorrect time value: '%.*s'", clip_len(len), s);
    }
    if (st.warnings & W_OUT_OF_RANGE)
        notes |= DATETIME_CLIPPED;
    /* The digits beyond the sixth round first, then the microseconds to fsp. */
    for (int step = 0; step < 2; step++) {
        rc = step == 0 ? round_nanos(out, st.nanoseconds, flags) : datetime_round(out, fsp, flags);
        if (rc < 0) {
            datetime_set_zero(out, DATETIME_KIND_TIME);
            return err_set(rc, "Incorrect time value: '%.*s'", clip_len(len), s);
        }
        notes |= rc;
    }
    if (st.warnings & W_TRUNCATED)
        notes |= DATETIME_TRUNCATED;
    if (notes)
        err_set(notes, "Truncated incorrect %s value: '%.*s'", kind_word(out->kind), clip_len(len),
                s);
    return notes;
}

/* ---- Numbers as dates and times ------------------------------------------------ */

/*
 * MySQL's number_to_datetime (with TIME_FUZZY_DATE when fuzzy): returns the
 * number as YYYYMMDDhhmmss, or -1 with *why DATETIME_INVALID or
 * DATETIME_ZERO_DATE.
 */
static int64_t number_to_datetime(int64_t nr, unsigned flags, int fuzzy, struct datetime *t,
                                  int *why)
{
    int64_t part1, part2;
    int r;

    *why = DATETIME_INVALID;
    datetime_set_zero(t, DATETIME_KIND_DATE);
    if (nr < 0)
        return -1;
    if (nr == 0 || nr >= 10000101000000LL) {
        t->kind = DATETIME_KIND_DATETIME;
        if (nr > 99999999999999LL)
            return -1;
        goto ok;
    }
    if (nr < 101)
        return -1;
    if (nr <= (YY_PART_YEAR - 1) * 10000L + 1231L) {
        nr = (nr + 20000000L) * 1000000L; /* YYMMDD, 2000-2069. */
        goto ok;
    }
    if (nr < YY_PART_YEAR * 10000L + 101L)
        return -1;
    if (nr <= 991231L) {
        nr = (nr + 19000000L) * 1000000L; /* YYMMDD, 1970-1999. */
        goto ok;
    }
    if (nr < 10000101L && !fuzzy)
        return -1;
    if (nr <= 99991231L) {
        nr = nr * 1000000L;
        goto ok;
    }
    if (nr < 101000000L)
        return -1;
    t->kind = DATETIME_KIND_DATETIME;
    if (nr <= (YY_PART_YEAR - 1) * 10000000000LL + 1231235959LL) {
        nr = nr + 20000000000000LL; /* YYMMDDhhmmss, 2000-2069. */
        goto ok;
    }
    if (nr < YY_PART_YEAR * 10000000000LL + 101000000LL)
        return -1;
    if (nr <= 991231235959LL)
        nr = nr + 19000000000000LL; /* YYMMDDhhmmss, 1970-1999. */
ok:
    part1 = nr / 1000000LL;
    part2 = nr - part1 * 1000000LL;
    if (part1 / 10000 > 9999 || part1 % 10000 / 100 > 12 || part1 % 100 > 31 ||
        part2 / 10000 > 23 || part2 % 10000 / 100 > 59 || part2 % 100 > 59)
        return -1;
    t->year = (uint16_t)(part1 / 10000);
    t->month = (uint8_t)(part1 % 10000 / 100);
    t->day = (uint8_t)(part1 % 100);
    t->hour = (uint32_t)(part2 / 10000);
    t->minute = (uint8_t)(part2 % 10000 / 100);
    t->second = (uint8_t)(part2 % 100);
    if (!fuzzy && non_zero_date(t) && (t->month == 0 || t->day == 0))
        return -1;
    r = date_refused(t, flags);
    if (r == 0)
        return nr;
    if (r == 1)
        *why = DATETIME_ZERO_DATE;
    return -1;
}

int datetime_from_num(int64_t ipart, uint32_t frac_ns, unsigned flags, int fsp,
                      struct datetime *out)
{
    int why, rc;

    if (fsp < 0 || fsp > DATETIME_MAX_FSP || frac_ns > 999999999) {
        datetime_set_zero(out, DATETIME_KIND_DATETIME);
        return err_set(ERR_INVALID, "bad fractional part or precision");
    }
    if (number_to_datetime(ipart, flags, 1, out, &why) < 0) {
        datetime_set_zero(out, DATETIME_KIND_DATETIME);
        return err_set(why, "Incorrect datetime value: '%lld'", (long long)ipart);
    }
    if (frac_ns) {
        /* MySQL keeps the fraction of a YYYYMMDD.ff number: it is a datetime then. */
        out->kind = DATETIME_KIND_DATETIME;
        out->usec = frac_ns / 1000;
        if ((rc = round_nanos(out, frac_ns % 1000, flags)) < 0 ||
            (rc = datetime_round(out, fsp, flags)) < 0) {
            datetime_set_zero(out, DATETIME_KIND_DATETIME);
            return err_set(rc, "Incorrect datetime value: '%lld.%09u'", (long long)ipart, frac_ns);
        }
    }
    return 0;
}

int datetime_time_from_num(int neg, uint64_t ipart, uint32_t frac_ns, unsigned flags, int fsp,
                           struct datetime *out)
{
    int why, rc = 0;

    datetime_set_zero(out, DATETIME_KIND_TIME);
    if (fsp < 0 || fsp > DATETIME_MAX_FSP || frac_ns > 999999999)
        return err_set(ERR_INVALID, "bad fractional part or precision");
    if (ipart > (uint64_t)TIME_MAX_VALUE) {
        /* Huge numbers are tried as a full DATETIME, as str_to_time does (no fuzzy dates). */
        if (!neg && ipart >= 10000000000ULL && ipart <= (uint64_t)INT64_MAX &&
            number_to_datetime((int64_t)ipart, 0, 0, out, &why) >= 0) {
            if (frac_ns) {
                out->usec = frac_ns / 1000;
                if ((rc = round_nanos(out, frac_ns % 1000, flags)) < 0 ||
                    (rc = datetime_round(out, fsp, flags)) < 0) {
                    datetime_set_zero(out, DATETIME_KIND_TIME);
                    return err_set(rc, "Incorrect time value: '%llu'", (unsigned long long)ipart);
                }
            }
            return 0;
        }
        set_max_time(out, neg);
        err_set(DATETIME_CLIPPED, "Truncated incorrect time value: '%s%llu'", neg ? "-" : "",
                (unsigned long long)ipart);
        return DATETIME_CLIPPED;
    }
    if (ipart % 100 >= 60 || ipart / 100 % 100 >= 60) {
        datetime_set_zero(out, DATETIME_KIND_TIME);
        return err_set(DATETIME_INVALID, "Incorrect time value: '%s%llu'", neg ? "-" : "",
                       (unsigned long long)ipart);
    }
    out->hour = (uint32_t)(ipart / 10000);
    out->minute = (uint8_t)(ipart / 100 % 100);
    out->second = (uint8_t)(ipart % 100);
    out->usec = frac_ns / 1000;
    out->neg = (uint8_t)(neg && (ipart || frac_ns));
    if ((rc = round_nanos(out, frac_ns % 1000, flags)) < 0)
        return rc;
    rc |= datetime_round(out, fsp, flags);
    if (rc == DATETIME_CLIPPED)
        err_set(DATETIME_CLIPPED, "Truncated incorrect time value: '%s%llu'", neg ? "-" : "",
                (unsigned long long)ipart);
    return rc;
}

int datetime_split_double(double v, int *neg, uint64_t *ipart, uint32_t *frac_ns)
{
    double a, ip;
    uint64_t ns;

    *neg = 0;
    *ipart = 0;
    *frac_ns = 0;
    if (isnan(v) || isinf(v) || fabs(v) >= 9223372036854775808.0)
        return err_set(DATETIME_INVALID, "Incorrect datetime value: '%g'", v);
    *neg = v < 0;
    a = fabs(v);
    ip = floor(a);
    ns = (uint64_t)llround((a - ip) * 1e9);
    if (ns >= 1000000000ULL) { /* 0.9999999999 rounds up to the next integer. */
        ns -= 1000000000ULL;
        ip += 1;
    }
    *ipart = (uint64_t)ip;
    *frac_ns = (uint32_t)ns;
    return 0;
}

/* ---- Conversions between kinds --------------------------------------------------- */

void datetime_to_date(struct datetime *t)
{
    if (t->kind == DATETIME_KIND_TIME) {
        datetime_set_zero(t, DATETIME_KIND_DATE);
        return;
    }
    t->hour = 0;
    t->minute = t->second = 0;
    t->usec = 0;
    t->neg = 0;
    t->kind = DATETIME_KIND_DATE;
}

void datetime_date_to_datetime(struct datetime *t)
{
    if (t->kind == DATETIME_KIND_DATE)
        t->kind = DATETIME_KIND_DATETIME;
}

void datetime_to_time(struct datetime *t)
{
    if (t->kind == DATETIME_KIND_TIME)
        return;
    t->year = 0;
    t->month = t->day = 0;
    t->neg = 0;
    t->kind = DATETIME_KIND_TIME;
}

int datetime_time_to_datetime(const struct datetime *time, const struct datetime *date,
                              struct datetime *out)
{
    struct datetime r = *date;
    int64_t us, days;

    if (time->kind != DATETIME_KIND_TIME || date->kind == DATETIME_KIND_TIME)
        return err_set(ERR_INVALID, "datetime_time_to_datetime needs a TIME and a date");
    r.kind = DATETIME_KIND_DATETIME;
    r.neg = 0;
    if (!time->neg && time->hour < 24) {
        r.hour = time->hour;
        r.minute = time->minute;
        r.second = time->second;
        r.usec = time->usec;
        *out = r;
        return 0;
    }
    /* mix_date_and_time: the date at midnight plus the signed duration. */
    us = calc_daynr(date->year, date->month, date->day) * SECS_PER_DAY * USECS_PER_SEC +
         time_usec(time);
    if (us < 0)
        return err_set(DATETIME_OVERFLOW, "Datetime function: datetime field overflow");
    days = us / (SECS_PER_DAY * USECS_PER_SEC);
    if (days > MAX_DAY_NUMBER)
        return err_set(DATETIME_OVERFLOW, "Datetime function: datetime field overflow");
    us %= SECS_PER_DAY * USECS_PER_SEC;
    set_date_from_daynr(&r, (long)days);
    r.hour = (uint32_t)(us / (3600 * USECS_PER_SEC));
    r.minute = (uint8_t)(us / (60 * USECS_PER_SEC) % 60);
    r.second = (uint8_t)(us / USECS_PER_SEC % 60);
    r.usec = (uint32_t)(us % USECS_PER_SEC);
    *out = r;
    return 0;
}

int datetime_fit(struct datetime *t, enum datetime_type type, int fsp, unsigned flags,
                 const struct datetime *date)
{
    int rc, notes = 0;

    if (fsp < 0 || fsp > DATETIME_MAX_FSP)
        return err_set(ERR_INVALID, "fractional second precision %d is out of range", fsp);
    switch (type) {
    case DATETIME_TYPE_DATE:
    case DATETIME_TYPE_DATETIME:
    case DATETIME_TYPE_TIMESTAMP:
        if (t->kind == DATETIME_KIND_TIME) {
            /* A TIME in date context is a duration from the current date's midnight. */
            if (!date)
                return err_set(ERR_INVALID, "a TIME needs the current date to become a date");
            if ((rc = datetime_time_to_datetime(t, date, t)) < 0)
                return rc;
        }
        if (type == DATETIME_TYPE_DATE) {
            if (t->hour || t->minute || t->second || t->usec)
                notes |= DATETIME_TIME_CUT;
            datetime_to_date(t);
        } else {
            datetime_date_to_datetime(t);
        }
        if ((rc = datetime_check(t, flags)) < 0)
            return rc;
        if ((rc = datetime_round(t, fsp, flags)) < 0)
            return rc;
        if (notes)
            err_set(notes, "Data truncated: time part dropped");
        return notes | rc;
    case DATETIME_TYPE_TIME:
        if (t->kind == DATETIME_KIND_DATE)
            datetime_set_zero(t, DATETIME_KIND_TIME);
        else
            datetime_to_time(t);
        return datetime_round(t, fsp, flags);
    default:
        return err_set(ERR_INVALID, "datetime_fit: type %d is not a date or time type", (int)type);
    }
}

/* ---- YEAR --------------------------------------------------------------------------- */

int datetime_year_from_int(int64_t v, int *year)
{
    *year = 0;
    if (v < 0 || (v >= 100 && v <= 1900) || v > 2155)
        return err_set(DATETIME_OUT_OF_RANGE, "Out of range value for YEAR: %lld", (long long)v);
    if (v == 0)
        return 0;
    *year = v < YY_PART_YEAR ? (int)v + 2000 : v < 100 ? (int)v + 1900 : (int)v;
    return 0;
}

int datetime_year_from_str(const char *s, size_t len, int *year)
{
    const char *p = s, *end = s + len, *digits;
    int neg = 0, notes = 0;
    uint64_t v = 0;

    *year = 0;
    while (p != end && is_space(*p))
        p++;
    if (p != end && (*p == '-' || *p == '+'))
        neg = *p++ == '-';
    digits = p;
    for (; p != end && is_digit(*p); p++)
        if (v < 100000)
            v = v * 10 + (uint64_t)(*p - '0');
    if (p == digits)
        return err_set(DATETIME_INVALID, "Incorrect integer value: '%.*s'", clip_len(len), s);
    /* strntoull10rnd rounds a fraction half up. */
    if (p != end && *p == '.') {
        p++;
        if (p != end && is_digit(*p) && *p >= '5')
            v++;
        while (p != end && is_digit(*p))
            p++;
    }
    for (; p != end; p++)
        if (!is_space(*p)) {
            notes = DATETIME_TRUNCATED;
            break;
        }
    if ((neg && v) || (v >= 100 && v <= 1900) || v > 2155)
        return err_set(DATETIME_OUT_OF_RANGE, "Out of range value for YEAR: '%.*s'", clip_len(len),
                       s);
    /* '0', '00' and '000' are 2000; only a 4-character '0000' is 0000. */
    if (v != 0 || len != 4)
        *year = v < YY_PART_YEAR ? (int)v + 2000 : v < 100 ? (int)v + 1900 : (int)v;
    if (notes)
        err_set(notes, "Data truncated for YEAR: '%.*s'", clip_len(len), s);
    return notes;
}

/* ---- STR_TO_DATE (extract_date_time) ------------------------------------------ */

/* Fields as extract_date_time collects them, wide enough for any digits it reads. */
struct ltm {
    long year, month, day, hour, minute, second, usec; /* Parsed parts. */
};

/*
 * my_strtoll10 on [val, lim): leading blanks, a sign, digits. Returns 0, or
 * 1 where MySQL's error is set: no digits at all, or a negative number.
 */
static int str_int(const char *val, const char *lim, const char **endp, long *out)
{
    const char *s = val;
    int neg = 0;
    long v = 0;

    while (s != lim && (*s == ' ' || *s == '\t'))
        s++;
    if (s == lim)
        goto no_conv;
    if (*s == '-' || *s == '+') {
        neg = *s == '-';
        if (++s == lim)
            goto no_conv;
    }
    if (!is_digit(*s))
        goto no_conv;
    for (; s != lim && is_digit(*s); s++)
        v = v * 10 + (*s - '0');
    *endp = s;
    *out = neg ? -v : v;
    return neg;
no_conv:
    *endp = val;
    *out = 0;
    return 1;
}

/*
 * check_word + find_type: the letters at val name one of names exactly or
 * by a unique case-insensitive prefix. Returns 1-based index, or 0.
 */
static int check_word(const char *const *names, int n_names, const char *val, const char *end,
                      const char **end_of_word)
{
    const char *ptr = val;
    int found_count = 0, found_pos = 0;

    while (ptr < end && is_alpha(*ptr))
        ptr++;
    for (int pos = 0; pos < n_names; pos++) {
        const char *i = val, *j = names[pos];
        for (; i != ptr && *j && to_upper(*i) == to_upper(*j); i++, j++)
            ;
        if (i == ptr) {
            if (!*j) {
                *end_of_word = ptr;
                return pos + 1;
            }
            found_count++;
            found_pos = pos + 1;
        }
    }
    if (found_count == 1) {
        *end_of_word = ptr;
        return found_pos;
    }
    return 0;
}

static size_t min_len(size_t a, size_t b)
{
    return a < b ? a : b;
}

/*
 * MySQL's extract_date_time. With sub_end set it parses the pattern of a
 * compound specifier (%r, %T) into *l and stores where it stopped. Returns 0
 * or 1 (no match); *trailing is set when characters other than spaces follow.
 */
static int extract_date_time(const char *fmt, const char *fend, const char *val,
                             const char *val_end, struct ltm *l, const char **sub_end,
                             int *trailing)
{
    long weekday = 0, yearday = 0, daypart = 0, week_number = -1, strict_week_number_year = -1;
    long v;
    int usa_time = 0, sunday_first_n_first_week_non_iso = 0, strict_week_number = 0;
    int strict_week_number_year_type = 0;
    const char *ptr = fmt, *tmp;

    if (!sub_end)
        memset(l, 0, sizeof *l);
    for (; ptr != fend && val != val_end; ptr++) {
        /* Skip spaces before each part. */
        while (val < val_end && is_space(*val))
            val++;
        if (val >= val_end)
            break;
        if (*ptr == '%' && ptr + 1 != fend) {
            size_t val_len = (size_t)(val_end - val);
            switch (*++ptr) {
            case 'Y':
                if (str_int(val, val + min_len(4, val_len), &tmp, &v))
                    return 1;
                l->year = tmp - val <= 2 ? (long)year_2000((unsigned)v) : v;
                val = tmp;
                break;
            case 'y':
                if (str_int(val, val + min_len(2, val_len), &tmp, &v))
                    return 1;
                l->year = (long)year_2000((unsigned)v);
                val = tmp;
                break;
            case 'm':
            case 'c':
                if (str_int(val, val + min_len(2, val_len), &tmp, &l->month))
                    return 1;
                val = tmp;
                break;
            case 'M':
                if ((l->month = check_word(month_names, 12, val, val_end, &val)) <= 0)
                    return 1;
                break;
            case 'b':
                if ((l->month = check_word(month_abbr, 12, val, val_end, &val)) <= 0)
                    return 1;
                break;
            case 'd':
            case 'e':
                if (str_int(val, val + min_len(2, val_len), &tmp, &l->day))
                    return 1;
                val = tmp;
                break;
            case 'D':
                if (str_int(val, val + min_len(2, val_len), &tmp, &l->day))
                    return 1;
                /* Skip 'st', 'nd', 'th', whatever they are. */
                val = tmp + min_len(2, (size_t)(val_end - tmp));
                break;
            case 'h':
            case 'I':
            case 'l':
                usa_time = 1;
                /* fall through */
            case 'k':
            case 'H':
                if (str_int(val, val + min_len(2, val_len), &tmp, &l->hour))
                    return 1;
                val = tmp;
                break;
            case 'i':
                if (str_int(val, val + min_len(2, val_len), &tmp, &l->minute))
                    return 1;
                val = tmp;
                break;
            case 's':
            case 'S':
                if (str_int(val, val + min_len(2, val_len), &tmp, &l->second))
                    return 1;
                val = tmp;
                break;
            case 'f': {
                if (str_int(val, val + min_len(6, val_len), &tmp, &l->usec))
                    return 1;
                int frac_part = 6 - (int)(tmp - val);
                if (frac_part > 0)
                    l->usec *= (long)pow10_u32[frac_part];
                val = tmp;
                break;
            }
            case 'p':
                if (val_len < 2 || !usa_time)
                    return 1;
                if (to_upper(val[0]) == 'P' && to_upper(val[1]) == 'M')
                    daypart = 12;
                else if (to_upper(val[0]) != 'A' || to_upper(val[1]) != 'M')
                    return 1;
                val += 2;
                break;
            case 'W':
                if ((weekday = check_word(day_names, 7, val, val_end, &val)) <= 0)
                    return 1;
                break;
            case 'a':
                if ((weekday = check_word(day_abbr, 7, val, val_end, &val)) <= 0)
                    return 1;
                break;
            case 'w':
                if (str_int(val, val + 1, &tmp, &weekday) || weekday < 0 || weekday >= 7)
                    return 1;
                if (!weekday)
                    weekday = 7; /* The 1..7 (Monday..Sunday) scale of %W. */
                val = tmp;
                break;
            case 'j':
                if (str_int(val, val + min_len(val_len, 3), &tmp, &yearday))
                    return 1;
                val = tmp;
                break;
            case 'V':
            case 'U':
            case 'v':
            case 'u':
                sunday_first_n_first_week_non_iso = (*ptr == 'U' || *ptr == 'V');
                strict_week_number = (*ptr == 'V' || *ptr == 'v');
                if (str_int(val, val + min_len(val_len, 2), &tmp, &week_number) ||
                    week_number < 0 || (strict_week_number && !week_number) || week_number > 53)
                    return 1;
                val = tmp;
                break;
            case 'X':
            case 'x':
                strict_week_number_year_type = (*ptr == 'X');
                if (str_int(val, val + min_len(4, val_len), &tmp, &strict_week_number_year))
                    return 1;
                val = tmp;
                break;
            case 'r': {
                static const char ampm[] = "%I:%i:%S %p";
                if (extract_date_time(ampm, ampm + 11, val, val_end, l, &val, trailing))
                    return 1;
                break;
            }
            case 'T': {
                static const char hms[] = "%H:%i:%S";
                if (extract_date_time(hms, hms + 8, val, val_end, l, &val, trailing))
                    return 1;
                break;
            }
            case '.':
                while (val < val_end && is_punct(*val))
                    val++;
                break;
            case '@':
                while (val < val_end && is_alpha(*val))
                    val++;
                break;
            case '#':
                while (val < val_end && is_digit(*val))
                    val++;
                break;
            default: /* Including %%: STR_TO_DATE knows no literal percent. */
                return 1;
            }
        } else if (!is_space(*ptr)) {
            if (*val != *ptr)
                return 1;
            val++;
        }
    }
    if (usa_time) {
        if (l->hour > 12 || l->hour < 1)
            return 1;
        l->hour = l->hour % 12 + daypart;
    }
    if (sub_end) {
        *sub_end = val;
        return 0;
    }
    if (yearday > 0) {
        unsigned days = (unsigned)(calc_daynr((unsigned)l->year, 1, 1) + yearday - 1);
        unsigned y, m, d;
        if (days <= 0 || days > MAX_DAY_NUMBER)
            return 1;
        daynr_to_date((long)days, &y, &m, &d);
        l->year = y;
        l->month = m;
        l->day = d;
    }
    if (week_number >= 0 && weekday) {
        long days;
        unsigned weekday_b, y, m, d;
        /* %V and %v need %X and %x; %U and %u go with %Y. */
        if ((strict_week_number &&
             (strict_week_number_year < 0 ||
              strict_week_number_year_type != sunday_first_n_first_week_non_iso)) ||
            (!strict_week_number && strict_week_number_year >= 0))
            return 1;
        days = calc_daynr((unsigned)(strict_week_number ? strict_week_number_year : l->year), 1, 1);
        weekday_b = (unsigned)calc_weekday(days, sunday_first_n_first_week_non_iso);
        if (sunday_first_n_first_week_non_iso)
            days +=
                (weekday_b == 0 ? 0 : 7) - (long)weekday_b + (week_number - 1) * 7 + weekday % 7;
        else
            days +=
                (weekday_b <= 3 ? 0 : 7) - (long)weekday_b + (week_number - 1) * 7 + (weekday - 1);
        if (days <= 0 || days > MAX_DAY_NUMBER)
            return 1;
        daynr_to_date(days, &y, &m, &d);
        l->year = y;
        l->month = m;
        l->day = d;
    }
    if (l->month > 12 || l->day > 31 || l->hour > 23 || l->minute > 59 || l->second > 59)
        return 1;
    for (; val != val_end; val++)
        if (!is_space(*val)) {
            *trailing = 1;
            break;
        }
    return 0;
}

void datetime_str_to_date_type(const char *fmt, size_t fmt_len, enum datetime_kind *kind, int *fsp)
{
    static const char time_part_frms[] = "HISThiklrs";
    static const char date_part_frms[] = "MVUXYWabcjmvuxyw";
    int date_part_used = 0, time_part_used = 0, frac_second_used = 0;
    const char *val = fmt, *end = fmt + fmt_len;

    for (; val != end; val++) {
        if (*val == '%' && val + 1 != end) {
            val++;
            if (*val == 'f')
                frac_second_used = time_part_used = 1;
            else if (!time_part_used && *val && strchr(time_part_frms, *val))
                time_part_used = 1;
            else if (!date_part_used && *val && strchr(date_part_frms, *val))
                date_part_used = 1;
            if (date_part_used && frac_second_used) {
                *kind = DATETIME_KIND_DATETIME;
                *fsp = 6;
                return;
            }
        }
    }
    if (frac_second_used) {
        *kind = DATETIME_KIND_TIME;
        *fsp = 6;
    } else if (time_part_used) {
        *kind = date_part_used ? DATETIME_KIND_DATETIME : DATETIME_KIND_TIME;
        *fsp = 0;
    } else {
        *kind = DATETIME_KIND_DATE;
        *fsp = 0;
    }
}

int datetime_str_to_date(const char *s, size_t len, const char *fmt, size_t fmt_len, unsigned flags,
                         struct datetime *out)
{
    enum datetime_kind kind;
    struct ltm l;
    int fsp, trailing = 0;

    datetime_str_to_date_type(fmt, fmt_len, &kind, &fsp);
    datetime_set_zero(out, kind);
    if (extract_date_time(fmt, fmt + fmt_len, s, s + len, &l, NULL, &trailing) ||
        ((flags & DATETIME_NO_ZERO_DATE) && kind != DATETIME_KIND_TIME &&
         (l.year == 0 || l.month == 0 || l.day == 0)))
        return err_set(DATETIME_INVALID,
                       "Incorrect datetime value: '%.*s' for function str_to_date", clip_len(len),
                       s);
    if (l.year > 9999) /* %X/%Y read at most 4 digits; a week or day-of-year never goes past. */
        return err_set(DATETIME_INVALID,
                       "Incorrect datetime value: '%.*s' for function str_to_date", clip_len(len),
                       s);
    if (kind == DATETIME_KIND_TIME) {
        /* The day part of a TIME folds into its hours. */
        out->hour = (uint32_t)(l.hour + l.day * 24);
        out->minute = (uint8_t)l.minute;
        out->second = (uint8_t)l.second;
        out->usec = (uint32_t)l.usec;
    } else {
        out->year = (uint16_t)l.year;
        out->month = (uint8_t)l.month;
        out->day = (uint8_t)l.day;
        if (kind == DATETIME_KIND_DATETIME) {
            out->hour = (uint32_t)l.hour;
            out->minute = (uint8_t)l.minute;
            out->second = (uint8_t)l.second;
            out->usec = (uint32_t)l.usec;
        }
    }
    if (trailing) {
        err_set(DATETIME_TRUNCATED, "Truncated incorrect %s value: '%.*s'", kind_word(kind),
                clip_len(len), s);
        return DATETIME_TRUNCATED;
    }
    return 0;
}

/* ---- Intervals --------------------------------------------------------------------- */

static const char *const unit_names[] = {
    "year",
    "quarter",
    "month",
    "week",
    "day",
    "hour",
    "minute",
    "second",
    "microsecond",
    "year_month",
    "day_hour",
    "day_minute",
    "day_second",
    "hour_minute",
    "hour_second",
    "minute_second",
    "day_microsecond",
    "hour_microsecond",
    "minute_microsecond",
    "second_microsecond",
};

#define N_UNITS ((int)(sizeof unit_names / sizeof unit_names[0]))

static int name_eq(const char *s, size_t len, const char *name)
{
    size_t n = strlen(name);
    if (n != len)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (to_upper(s[i]) != to_upper(name[i]))
            return 0;
    return 1;
}

int datetime_unit_from_name(const char *s, size_t len, enum datetime_unit *u)
{
    for (int i = 0; i < N_UNITS; i++)
        if (name_eq(s, len, unit_names[i])) {
            *u = (enum datetime_unit)i;
            return 0;
        }
    /* TIMESTAMPADD/TIMESTAMPDIFF also take the ODBC names of the simple units. */
    if (len > 8 && name_eq(s, 8, "SQL_TSI_"))
        for (int i = 0; i <= DATETIME_UNIT_SECOND; i++)
            if (name_eq(s + 8, len - 8, unit_names[i])) {
                *u = (enum datetime_unit)i;
                return 0;
            }
    return err_set(ERR_INVALID, "unknown interval unit '%.*s'", clip_len(len), s);
}

const char *datetime_unit_name(enum datetime_unit u)
{
    return (int)u >= 0 && (int)u < N_UNITS ? unit_names[u] : "?";
}

int datetime_unit_has_date(enum datetime_unit u)
{
    return u <= DATETIME_UNIT_DAY ||
           (u >= DATETIME_UNIT_YEAR_MONTH && u <= DATETIME_UNIT_DAY_SECOND) ||
           u == DATETIME_UNIT_DAY_MICROSECOND;
}

static int interval_overflow(void)
{
    return err_set(DATETIME_OVERFLOW, "Datetime function: datetime field overflow");
}

/* A simple unit's magnitude a (already without its sign) into *iv. */
static int interval_simple(enum datetime_unit u, uint64_t a, struct datetime_interval *iv)
{
    switch (u) {
    case DATETIME_UNIT_YEAR:
        iv->year = a;
        break;
    case DATETIME_UNIT_QUARTER:
        if (a >= UINT32_MAX / 3)
            return interval_overflow();
        iv->month = a * 3;
        break;
    case DATETIME_UNIT_MONTH:
        iv->month = a;
        break;
    case DATETIME_UNIT_WEEK:
        if (a >= UINT32_MAX / 7)
            return interval_overflow();
        iv->day = a * 7;
        break;
    case DATETIME_UNIT_DAY:
        iv->day = a;
        break;
    case DATETIME_UNIT_HOUR:
        iv->hour = a;
        break;
    case DATETIME_UNIT_MINUTE:
        iv->minute = a;
        break;
    case DATETIME_UNIT_SECOND:
        iv->second = a;
        break;
    case DATETIME_UNIT_MICROSECOND:
        iv->usec = a;
        break;
    default:
        return err_set(ERR_INVALID, "not a simple interval unit");
    }
    return 0;
}

int datetime_interval_from_int(enum datetime_unit u, int64_t v, struct datetime_interval *iv)
{
    memset(iv, 0, sizeof *iv);
    if ((int)u < 0 || (int)u >= N_UNITS)
        return err_set(ERR_INVALID, "bad interval unit %d", (int)u);
    if (u > DATETIME_UNIT_MICROSECOND) {
        /* A number for a compound unit is read as its text: 5 HOUR_MINUTE is '5'. */
        char buf[24];
        int n = snprintf(buf, sizeof buf, "%lld", (long long)v);
        return datetime_interval_from_str(u, buf, (size_t)n, iv);
    }
    if (v == INT64_MIN) /* Cannot be negated. */
        return interval_overflow();
    iv->neg = v < 0;
    return interval_simple(u, v < 0 ? (uint64_t)-v : (uint64_t)v, iv);
}

int datetime_interval_from_seconds(int neg, uint64_t sec, uint32_t frac_ns,
                                   struct datetime_interval *iv)
{
    memset(iv, 0, sizeof *iv);
    iv->second = sec;
    iv->usec = frac_ns / 1000;
    iv->neg = (uint8_t)(neg && (sec || frac_ns));
    return 0;
}

/* get_interval_info: count digit groups, missing ones taken off the high end. */
static int interval_groups(const char *str, const char *end, unsigned count, int transform_msec,
                           uint64_t *values, uint8_t *neg)
{
    long msec_length = 0;

    while (str < end && is_space(*str))
        str++;
    if (str < end && *str == '-') {
        *neg = 1;
        str++;
    }
    while (str < end && !is_digit(*str))
        str++;
    for (unsigned i = 0; i < count; i++) {
        const char *start = str;
        uint64_t value = 0;
        for (; str != end && is_digit(*str); str++) {
            if (value > (uint64_t)(INT64_MAX - 10) / 10)
                return 1;
            value = value * 10 + (uint64_t)(*str - '0');
        }
        msec_length = 6 - (long)(str - start);
        values[i] = value;
        while (str != end && !is_digit(*str))
            str++;
        if (str == end && i != count - 1) {
            i++;
            memmove(values + count - i, values, sizeof *values * i);
            memset(values, 0, sizeof *values * (count - i));
            break;
        }
    }
    if (transform_msec && msec_length > 0)
        values[count - 1] *= pow10_u32[msec_length];
    return str != end;
}

int datetime_interval_from_str(enum datetime_unit u, const char *s, size_t len,
                               struct datetime_interval *iv)
{
    const char *p = s, *end = s + len, *digits;
    uint64_t a = 0, v[5];
    uint32_t ns = 0, scale = 100000000;
    int neg = 0, notes = 0;

    memset(iv, 0, sizeof *iv);
    if ((int)u < 0 || (int)u >= N_UNITS)
        return err_set(ERR_INVALID, "bad interval unit %d", (int)u);
    if (u > DATETIME_UNIT_MICROSECOND) {
        static const uint8_t counts[] = {2, 2, 3, 4, 2, 3, 2, 5, 4, 3, 2};
        unsigned n = counts[u - DATETIME_UNIT_YEAR_MONTH];
        int msec = u >= DATETIME_UNIT_DAY_MICROSECOND;
        if (interval_groups(s, end, n, msec, v, &iv->neg))
            return interval_overflow();
        switch (u) {
        case DATETIME_UNIT_YEAR_MONTH:
            iv->year = v[0], iv->month = v[1];
            break;
        case DATETIME_UNIT_DAY_HOUR:
            iv->day = v[0], iv->hour = v[1];
            break;
        case DATETIME_UNIT_DAY_MINUTE:
            iv->day = v[0], iv->hour = v[1], iv->minute = v[2];
            break;
        case DATETIME_UNIT_DAY_SECOND:
            iv->day = v[0], iv->hour = v[1], iv->minute = v[2], iv->second = v[3];
            break;
        case DATETIME_UNIT_HOUR_MINUTE:
            iv->hour = v[0], iv->minute = v[1];
            break;
        case DATETIME_UNIT_HOUR_SECOND:
            iv->hour = v[0], iv->minute = v[1], iv->second = v[2];
            break;
        case DATETIME_UNIT_MINUTE_SECOND:
            iv->minute = v[0], iv->second = v[1];
            break;
        case DATETIME_UNIT_DAY_MICROSECOND:
            iv->day = v[0], iv->hour = v[1], iv->minute = v[2], iv->second = v[3], iv->usec = v[4];
            break;
        case DATETIME_UNIT_HOUR_MICROSECOND:
            iv->hour = v[0], iv->minute = v[1], iv->second = v[2], iv->usec = v[3];
            break;
        case DATETIME_UNIT_MINUTE_MICROSECOND:
            iv->minute = v[0], iv->second = v[1], iv->usec = v[2];
            break;
        default:
            iv->second = v[0], iv->usec = v[1];
            break;
        }
        return 0;
    }
    /* A simple unit takes the text's number: an integer, or a decimal for SECOND. */
    while (p != end && is_space(*p))
        p++;
    if (p != end && (*p == '-' || *p == '+'))
        neg = *p++ == '-';
    digits = p;
    for (; p != end && is_digit(*p); p++) {
        if (a > (uint64_t)(INT64_MAX - 9) / 10)
            return interval_overflow();
        a = a * 10 + (uint64_t)(*p - '0');
    }
    if (u == DATETIME_UNIT_SECOND && p != end && *p == '.') {
        const char *q = p + 1;
        for (; q != end && is_digit(*q); q++) {
            ns += (uint32_t)(*q - '0') * scale;
            scale /= 10;
        }
        if (q > p + 1 || p > digits)
            p = q;
    }
    if (p == digits)
        notes = DATETIME_TRUNCATED; /* No number: 0, as MySQL's string-to-integer gives. */
    for (; p != end; p++)
        if (!is_space(*p)) {
            notes = DATETIME_TRUNCATED;
            break;
        }
    if (u == DATETIME_UNIT_SECOND) {
        datetime_interval_from_seconds(neg, a, ns, iv);
    } else {
        int rc = interval_simple(u, a, iv);
        if (rc < 0)
            return rc;
        iv->neg = (uint8_t)(neg && a);
    }
    if (notes)
        err_set(notes, "Truncated incorrect INTEGER value: '%.*s'", clip_len(len), s);
    return notes;
}

/* ---- Interval arithmetic (date_add_interval) ------------------------------------ */

static int add_interval_time(struct datetime *t, const struct datetime_interval *iv)
{
    int64_t usec1, usec2, diff;
    int64_t sign = iv->neg ? -1 : 1;
    struct datetime r;

    if (iv->year || iv->month)
        return err_set(DATETIME_OVERFLOW, "Datetime function: time field overflow");
    /* Bounds that keep the sum in int64; anything larger is far out of TIME range. */
    if (iv->day > 1000000 || iv->hour > 100000000ULL || iv->minute > 10000000000ULL ||
        iv->second > 1000000000000ULL || iv->usec > 1000000000000000000ULL)
        return err_set(DATETIME_OVERFLOW, "Datetime function: time field overflow");
    usec1 = time_usec(t);
    usec2 = ((((int64_t)iv->day * 24 + (int64_t)iv->hour) * 60 + (int64_t)iv->minute) * 60 +
             (int64_t)iv->second) *
                USECS_PER_SEC +
            (int64_t)iv->usec;
    diff = usec1 + sign * usec2;
    if (time_from_usec(diff, &r) != 0)
        return err_set(DATETIME_OVERFLOW, "Datetime function: time field overflow");
    *t = r;
    return 0;
}

int datetime_add_interval(struct datetime *t, enum datetime_unit u,
                          const struct datetime_interval *iv)
{
    struct datetime r = *t;
    int64_t sign = iv->neg ? -1 : 1;
    int rc;

    if ((int)u < 0 || (int)u >= N_UNITS)
        return err_set(ERR_INVALID, "bad interval unit %d", (int)u);
    if (t->kind == DATETIME_KIND_TIME)
        return add_interval_time(t, iv);
    if ((rc = need_date(t)) < 0)
        return rc;
    r.neg = 0;
    switch (u) {
    case DATETIME_UNIT_SECOND:
    case DATETIME_UNIT_SECOND_MICROSECOND:
    case DATETIME_UNIT_MICROSECOND:
    case DATETIME_UNIT_MINUTE:
    case DATETIME_UNIT_HOUR:
    case DATETIME_UNIT_MINUTE_MICROSECOND:
    case DATETIME_UNIT_MINUTE_SECOND:
    case DATETIME_UNIT_HOUR_MICROSECOND:
    case DATETIME_UNIT_HOUR_SECOND:
    case DATETIME_UNIT_HOUR_MINUTE:
    case DATETIME_UNIT_DAY_MICROSECOND:
    case DATETIME_UNIT_DAY_SECOND:
    case DATETIME_UNIT_DAY_MINUTE:
    case DATETIME_UNIT_DAY_HOUR: {
        int64_t sec, days, daynr, microseconds, extra_sec;
        r.kind = DATETIME_KIND_DATETIME;
        if (iv->usec > (uint64_t)INT64_MAX / 2)
            return interval_overflow();
        microseconds = (int64_t)r.usec + sign * (int64_t)iv->usec;
        extra_sec = microseconds / USECS_PER_SEC;
        microseconds = microseconds % USECS_PER_SEC;
        if (iv->day > MAX_DAY_NUMBER || iv->hour > MAX_DAY_NUMBER * 24ULL ||
            iv->minute > MAX_DAY_NUMBER * 24ULL * 60ULL ||
            iv->second > MAX_DAY_NUMBER * 24ULL * 3600ULL)
            return interval_overflow();
        sec = ((int64_t)r.day - 1) * SECS_PER_DAY + (int64_t)r.hour * 3600 + r.minute * 60 +
              r.second +
              sign * (int64_t)(iv->day * 86400ULL + iv->hour * 3600ULL + iv->minute * 60ULL +
                               iv->second) +
              extra_sec;
        if (microseconds < 0) {
            microseconds += USECS_PER_SEC;
            sec--;
        }
        days = sec / SECS_PER_DAY;
        sec -= days * SECS_PER_DAY;
        if (sec < 0) {
            days--;
            sec += SECS_PER_DAY;
        }
        r.usec = (uint32_t)microseconds;
        r.second = (uint8_t)(sec % 60);
        r.minute = (uint8_t)(sec / 60 % 60);
        r.hour = (uint32_t)(sec / 3600);
        daynr = calc_daynr(r.year, r.month, 1) + days;
        if ((uint64_t)daynr > MAX_DAY_NUMBER)
            return interval_overflow();
        set_date_from_daynr(&r, (long)daynr);
        break;
    }
    case DATETIME_UNIT_DAY:
    case DATETIME_UNIT_WEEK: {
        uint64_t period = (uint64_t)calc_daynr(r.year, r.month, r.day);
        if (iv->neg) {
            if (period < iv->day)
                return interval_overflow();
            period -= iv->day;
        } else {
            if (period + iv->day < period || period + iv->day > MAX_DAY_NUMBER)
                return interval_overflow();
            period += iv->day;
        }
        set_date_from_daynr(&r, (long)period);
        break;
    }
    case DATETIME_UNIT_YEAR: {
        int64_t year;
        if (iv->year > 10000)
            return interval_overflow();
        year = (int64_t)r.year + sign * (int64_t)iv->year;
        if (year < 0 || year >= 10000)
            return interval_overflow();
        r.year = (uint16_t)year;
        if (r.month == 2 && r.day == 29 && year_days(r.year) != 366)
            r.day = 28; /* Was a leap year. */
        break;
    }
    default: { /* YEAR_MONTH, QUARTER, MONTH. */
        uint64_t period;
        if (iv->month >= UINT32_MAX / 2 || iv->year >= UINT32_MAX / 12)
            return interval_overflow();
        period = (uint64_t)r.year * 12ULL + (uint64_t)sign * iv->year * 12ULL + r.month - 1ULL +
                 (uint64_t)sign * iv->month;
        if (period >= 120000ULL)
            return interval_overflow();
        r.year = (uint16_t)(period / 12);
        r.month = (uint8_t)(period % 12 + 1);
        if (r.day > days_in_month[r.month - 1])
            r.day = (uint8_t)month_days(r.year, r.month);
        break;
    }
    }
    *t = r;
    return 0;
}

int datetime_to_days(const struct datetime *t, int64_t *days)
{
    int rc = need_date(t);
    *days = rc < 0 ? 0 : calc_daynr(t->year, t->month, t->day);
    return rc;
}

int datetime_from_days(int64_t n, struct datetime *out)
{
    datetime_set_zero(out, DATETIME_KIND_DATE);
    if (n > MAX_DAY_NUMBER && n < 3652500)
        return err_set(DATETIME_OVERFLOW, "Datetime function: from_days field overflow");
    if (n > 365 && n < 3652500)
        set_date_from_daynr(out, (long)n);
    return 0;
}

int datetime_datediff(const struct datetime *a, const struct datetime *b, int64_t *days)
{
    int64_t x, y;
    int rc;
    *days = 0;
    if ((rc = datetime_to_days(a, &x)) < 0 || (rc = datetime_to_days(b, &y)) < 0)
        return rc;
    *days = x - y;
    return 0;
}

/* Signed microseconds since 0000-00-00 of a date or datetime (calc_time_diff's view). */
static int64_t datetime_usec(const struct datetime *t)
{
    return (calc_daynr(t->year, t->month, t->day) * SECS_PER_DAY + (int64_t)t->hour * 3600 +
            t->minute * 60 + t->second) *
               USECS_PER_SEC +
           t->usec;
}

int datetime_timediff(const struct datetime *a, const struct datetime *b, struct datetime *out)
{
    int64_t diff;
    char buf[DATETIME_STR_MAX];

    datetime_set_zero(out, DATETIME_KIND_TIME);
    if (a->kind != b->kind)
        return DATETIME_NULL;
    if (a->kind == DATETIME_KIND_TIME)
        diff = time_usec(a) - time_usec(b);
    else
        diff = datetime_usec(a) - datetime_usec(b);
    if (time_from_usec(diff, out)) {
        snprintf(buf, sizeof buf, "%s%lld:00:00", diff < 0 ? "-" : "",
                 (long long)((diff < 0 ? -diff : diff) / (3600 * USECS_PER_SEC)));
        err_set(DATETIME_CLIPPED, "Truncated incorrect time value: '%s'", buf);
        return DATETIME_CLIPPED;
    }
    return 0;
}

int datetime_timestampdiff(enum datetime_unit u, const struct datetime *a, const struct datetime *b,
                           int64_t *out)
{
    int64_t diff, seconds, microseconds, months = 0;
    int64_t neg = 1;
    int rc;

    *out = 0;
    if (u > DATETIME_UNIT_MICROSECOND || (int)u < 0)
        return err_set(ERR_INVALID, "TIMESTAMPDIFF takes a simple unit");
    if ((rc = need_date(a)) < 0 || (rc = need_date(b)) < 0)
        return rc;
    diff = datetime_usec(b) - datetime_usec(a);
    if (diff < 0) {
        neg = -1;
        diff = -diff;
    }
    seconds = diff / USECS_PER_SEC;
    microseconds = diff % USECS_PER_SEC;
    if (u == DATETIME_UNIT_YEAR || u == DATETIME_UNIT_QUARTER || u == DATETIME_UNIT_MONTH) {
        const struct datetime *beg = neg < 0 ? b : a, *end = neg < 0 ? a : b;
        int64_t second_beg = (int64_t)beg->hour * 3600 + beg->minute * 60 + beg->second;
        int64_t second_end = (int64_t)end->hour * 3600 + end->minute * 60 + end->second;
        int earlier = end->month < beg->month || (end->month == beg->month && end->day < beg->day);
        int64_t years = (int64_t)end->year - beg->year - (earlier ? 1 : 0);
        months = 12 * years;
        if (earlier)
            months += 12 - ((int64_t)beg->month - end->month);
        else
            months += (int64_t)end->month - beg->month;
        if (end->day < beg->day)
            months -= 1;
        else if (end->day == beg->day &&
                 (second_end < second_beg || (second_end == second_beg && end->usec < beg->usec)))
            months -= 1;
    }
    switch (u) {
    case DATETIME_UNIT_YEAR:
        *out = months / 12 * neg;
        break;
    case DATETIME_UNIT_QUARTER:
        *out = months / 3 * neg;
        break;
    case DATETIME_UNIT_MONTH:
        *out = months * neg;
        break;
    case DATETIME_UNIT_WEEK:
        *out = seconds / SECS_PER_DAY / 7 * neg;
        break;
    case DATETIME_UNIT_DAY:
        *out = seconds / SECS_PER_DAY * neg;
        break;
    case DATETIME_UNIT_HOUR:
        *out = seconds / 3600 * neg;
        break;
    case DATETIME_UNIT_MINUTE:
        *out = seconds / 60 * neg;
        break;
    case DATETIME_UNIT_SECOND:
        *out = seconds * neg;
        break;
    default:
        *out = (seconds * USECS_PER_SEC + microseconds) * neg;
        break;
    }
    return 0;
}

int datetime_addtime(const struct datetime *a, const struct datetime *b, int sign,
                     struct datetime *out)
{
    int64_t total, days, us;
    char buf[DATETIME_STR_MAX];

    datetime_set_zero(out,
                      a->kind == DATETIME_KIND_TIME ? DATETIME_KIND_TIME : DATETIME_KIND_DATETIME);
    if (b->kind != DATETIME_KIND_TIME)
        return DATETIME_NULL;
    if (a->kind == DATETIME_KIND_TIME) {
        total = time_usec(a) + (sign < 0 ? -time_usec(b) : time_usec(b));
        if (time_from_usec(total, out)) {
            err_set(DATETIME_CLIPPED, "Truncated incorrect time value: '%s'", msg_value(out, buf));
            return DATETIME_CLIPPED;
        }
        return 0;
    }
    total = datetime_usec(a) + (sign < 0 ? -time_usec(b) : time_usec(b));
    if (total < 0)
        return DATETIME_NULL;
    days = total / (SECS_PER_DAY * USECS_PER_SEC);
    us = total % (SECS_PER_DAY * USECS_PER_SEC);
    set_date_from_daynr(out, (long)days);
    if (days > MAX_DAY_NUMBER && days < 3652500)
        return err_set(DATETIME_OVERFLOW, "Datetime function: %s field overflow",
                       sign < 0 ? "subtime" : "addtime");
    if (!out->day) /* Before 0001-01-01 or far beyond: MySQL's NULL. */
        return DATETIME_NULL;
    out->hour = (uint32_t)(us / (3600 * USECS_PER_SEC));
    out->minute = (uint8_t)(us / (60 * USECS_PER_SEC) % 60);
    out->second = (uint8_t)(us / USECS_PER_SEC % 60);
    out->usec = (uint32_t)(us % USECS_PER_SEC);
    return 0;
}

/* ---- Parts of a value -------------------------------------------------------------- */

int datetime_dayofweek(const struct datetime *t, int *out)
{
    int rc = need_date(t);
    *out = rc < 0 ? 0 : calc_weekday(calc_daynr(t->year, t->month, t->day), 1) + 1;
    return rc;
}

int datetime_weekday(const struct datetime *t, int *out)
{
    int rc = need_date(t);
    *out = rc < 0 ? 0 : calc_weekday(calc_daynr(t->year, t->month, t->day), 0);
    return rc;
}

int datetime_dayofyear(const struct datetime *t, int *out)
{
    int rc = need_date(t);
    *out =
        rc < 0 ? 0 : (int)(calc_daynr(t->year, t->month, t->day) - calc_daynr(t->year, 1, 1) + 1);
    return rc;
}

const char *datetime_dayname(const struct datetime *t)
{
    int wd;
    return datetime_weekday(t, &wd) < 0 ? NULL : day_names[wd];
}

const char *datetime_monthname(const struct datetime *t)
{
    if (t->kind == DATETIME_KIND_TIME || t->month < 1 || t->month > 12)
        return NULL;
    return month_names[t->month - 1];
}

int datetime_quarter(const struct datetime *t)
{
    return (t->month + 2) / 3;
}

int datetime_week(const struct datetime *t, int mode, int *out)
{
    unsigned year;
    int rc = need_date(t);
    *out = rc < 0 ? 0 : (int)calc_week(t, week_mode((unsigned)mode), &year);
    return rc;
}

int datetime_yearweek(const struct datetime *t, int mode, int *out)
{
    unsigned year, week;
    int rc = need_date(t);
    *out = 0;
    if (rc < 0)
        return rc;
    week = calc_week(t, week_mode((unsigned)mode) | WEEK_YEAR, &year);
    *out = (int)(week + year * 100);
    return 0;
}

int datetime_last_day(const struct datetime *t, struct datetime *out)
{
    char buf[DATETIME_STR_MAX];
    datetime_set_zero(out, DATETIME_KIND_DATE);
    if (t->kind == DATETIME_KIND_TIME || t->month < 1 || t->month > 12 || t->year > 9999)
        return err_set(DATETIME_INVALID, "Incorrect datetime value: '%s'", msg_value(t, buf));
    out->year = t->year;
    out->month = t->month;
    out->day = (uint8_t)month_days(t->year, t->month);
    return 0;
}

int datetime_extract(enum datetime_unit u, const struct datetime *t, int week_mode_arg,
                     int64_t *out)
{
    int64_t neg = t->kind == DATETIME_KIND_TIME && t->neg ? -1 : 1;
    /* A DATE read as a time is 00:00:00 with no day; a DATETIME keeps its day. */
    int64_t day = t->kind == DATETIME_KIND_DATETIME ? t->day : 0;
    int64_t hour = t->hour, minute = t->minute, second = t->second, usec = t->usec;
    unsigned year;
    int rc;

    *out = 0;
    if (datetime_unit_has_date(u) && u != DATETIME_UNIT_DAY_HOUR && u != DATETIME_UNIT_DAY_MINUTE &&
        u != DATETIME_UNIT_DAY_SECOND && u != DATETIME_UNIT_DAY_MICROSECOND &&
        t->kind == DATETIME_KIND_TIME)
        return err_set(ERR_INVALID,
                       "EXTRACT of a date unit needs a date: put the TIME on a date first");
    switch (u) {
    case DATETIME_UNIT_YEAR:
        *out = t->year;
        break;
    case DATETIME_UNIT_YEAR_MONTH:
        *out = t->year * 100LL + t->month;
        break;
    case DATETIME_UNIT_QUARTER:
        *out = (t->month + 2) / 3;
        break;
    case DATETIME_UNIT_MONTH:
        *out = t->month;
        break;
    case DATETIME_UNIT_WEEK:
        if ((rc = need_date(t)) < 0)
            return rc;
        *out = calc_week(t, week_mode((unsigned)week_mode_arg), &year);
        break;
    case DATETIME_UNIT_DAY:
        *out = t->day;
        break;
    case DATETIME_UNIT_DAY_HOUR:
        *out = (day * 100 + hour) * neg;
        break;
    case DATETIME_UNIT_DAY_MINUTE:
        *out = (day * 10000 + hour * 100 + minute) * neg;
        break;
    case DATETIME_UNIT_DAY_SECOND:
        *out = (day * 1000000 + hour * 10000 + minute * 100 + second) * neg;
        break;
    case DATETIME_UNIT_HOUR:
        *out = hour * neg;
        break;
    case DATETIME_UNIT_HOUR_MINUTE:
        *out = (hour * 100 + minute) * neg;
        break;
    case DATETIME_UNIT_HOUR_SECOND:
        *out = (hour * 10000 + minute * 100 + second) * neg;
        break;
    case DATETIME_UNIT_MINUTE:
        *out = minute * neg;
        break;
    case DATETIME_UNIT_MINUTE_SECOND:
        *out = (minute * 100 + second) * neg;
        break;
    case DATETIME_UNIT_SECOND:
        *out = second * neg;
        break;
    case DATETIME_UNIT_MICROSECOND:
        *out = usec * neg;
        break;
    case DATETIME_UNIT_DAY_MICROSECOND:
        *out = ((day * 1000000 + hour * 10000 + minute * 100 + second) * 1000000 + usec) * neg;
        break;
    case DATETIME_UNIT_HOUR_MICROSECOND:
        *out = ((hour * 10000 + minute * 100 + second) * 1000000 + usec) * neg;
        break;
    case DATETIME_UNIT_MINUTE_MICROSECOND:
        *out = ((minute * 100 + second) * 1000000 + usec) * neg;
        break;
    case DATETIME_UNIT_SECOND_MICROSECOND:
        *out = (second * 1000000 + usec) * neg;
        break;
    default:
        return err_set(ERR_INVALID, "bad interval unit %d", (int)u);
    }
    return 0;
}

/* ---- Constructors ------------------------------------------------------------------ */

int datetime_makedate(int64_t year, int64_t dayofyear, struct datetime *out)
{
    int64_t days;
    datetime_set_zero(out, DATETIME_KIND_DATE);
    if (year < 0 || year > 9999 || dayofyear <= 0 || dayofyear > MAX_DAY_NUMBER)
        return DATETIME_NULL;
    if (year < 100)
        year = year_2000((unsigned)year);
    days = calc_daynr((unsigned)year, 1, 1) + dayofyear - 1;
    if (days < 0 || days > MAX_DAY_NUMBER)
        return DATETIME_NULL;
    set_date_from_daynr(out, (long)days);
    return 0;
}

int datetime_maketime(int64_t hour, int64_t minute, int64_t second, uint32_t frac_ns, int fsp,
                      struct datetime *out)
{
    uint64_t h;
    int rc = 0;

    datetime_set_zero(out, DATETIME_KIND_TIME);
    if (minute < 0 || minute > 59 || second < 0 || second > 59 || frac_ns > 999999999 || fsp < 0 ||
        fsp > DATETIME_MAX_FSP)
        return DATETIME_NULL;
    h = hour < 0 ? (uint64_t)0 - (uint64_t)hour : (uint64_t)hour;
    out->neg = (uint8_t)(hour < 0);
    if (h > UINT32_MAX || time_over(h, (unsigned)minute, (unsigned)second, frac_ns / 1000)) {
        set_max_time(out, hour < 0);
        rc = DATETIME_CLIPPED;
    } else {
        out->hour = (uint32_t)h;
        out->minute = (uint8_t)minute;
        out->second = (uint8_t)second;
        out->usec = frac_ns / 1000;
        rc |= round_nanos(out, frac_ns % 1000, 0);
        rc |= datetime_round(out, fsp, 0);
    }
    if (rc)
        err_set(DATETIME_CLIPPED, "Truncated incorrect time value: '%lld:%02lld:%02lld'",
                (long long)hour, (long long)minute, (long long)second);
    return rc ? DATETIME_CLIPPED : 0;
}

int datetime_sec_to_time(int neg, uint64_t sec, uint32_t frac_ns, int fsp, struct datetime *out)
{
    int rc = 0;

    datetime_set_zero(out, DATETIME_KIND_TIME);
    if (frac_ns > 999999999 || fsp < 0 || fsp > DATETIME_MAX_FSP)
        return err_set(ERR_INVALID, "bad fractional part or precision");
    neg = neg && (sec || frac_ns);
    if (sec > DATETIME_TIME_MAX_SEC) {
        set_max_time(out, neg);
        rc = DATETIME_CLIPPED;
    } else {
        out->neg = (uint8_t)neg;
        out->hour = (uint32_t)(sec / 3600);
        out->minute = (uint8_t)(sec / 60 % 60);
        out->second = (uint8_t)(sec % 60);
        rc |= round_nanos(out, frac_ns, 0);
        rc |= datetime_round(out, fsp, 0);
    }
    if (rc)
        err_set(DATETIME_CLIPPED, "Truncated incorrect time value: '%s%llu'", neg ? "-" : "",
                (unsigned long long)sec);
    return rc ? DATETIME_CLIPPED : 0;
}

int64_t datetime_time_to_sec(const struct datetime *t)
{
    int64_t s = (int64_t)t->hour * 3600 + t->minute * 60 + t->second;
    return t->kind == DATETIME_KIND_TIME && t->neg ? -s : s;
}

static int valid_period(int64_t period)
{
    return period > 0 && period % 100 != 0 && period % 100 <= 12;
}

static uint64_t period_to_month(uint64_t period)
{
    uint64_t a, b;
    if (period == 0)
        return 0;
    if ((a = period / 100) < YY_PART_YEAR)
        a += 2000;
    else if (a < 100)
        a += 1900;
    b = period % 100;
    return a * 12 + b - 1;
}

static uint64_t month_to_period(uint64_t month)
{
    uint64_t year;
    if (month == 0)
        return 0;
    if ((year = month / 12) < 100)
        year += year < YY_PART_YEAR ? 2000 : 1900;
    return year * 100 + month % 12 + 1;
}

int datetime_period_add(int64_t period, int64_t months, int64_t *out)
{
    *out = 0;
    if (!valid_period(period))
        return err_set(DATETIME_BAD_ARG, "Incorrect arguments to period_add");
    *out = (int64_t)month_to_period(period_to_month((uint64_t)period) + (uint64_t)months);
    return 0;
}

int datetime_period_diff(int64_t p1, int64_t p2, int64_t *out)
{
    *out = 0;
    if (!valid_period(p1) || !valid_period(p2))
        return err_set(DATETIME_BAD_ARG, "Incorrect arguments to period_diff");
    *out = (int64_t)period_to_month((uint64_t)p1) - (int64_t)period_to_month((uint64_t)p2);
    return 0;
}

/* ---- Time zones -------------------------------------------------------------------- */

void datetime_tz_utc(struct datetime_tz *tz)
{
    memset(tz, 0, sizeof *tz);
    memcpy(tz->name, "UTC", 4);
}

int datetime_tz_parse(const char *s, size_t len, struct datetime_tz *tz)
{
    const char *p = s, *end = s + len;
    long hours = 0, minutes = 0, offset;
    int neg;

    memset(tz, 0, sizeof *tz);
    if (name_eq(s, len, "SYSTEM")) {
        tz->system = 1;
        memcpy(tz->name, "SYSTEM", 7);
        return 0;
    }
    if (name_eq(s, len, "UTC")) {
        datetime_tz_utc(tz);
        return 0;
    }
    /* str_to_offset: [+-]H+:M+ with nothing around it. */
    if (len < 4 || (*p != '+' && *p != '-'))
        goto bad;
    neg = *p++ == '-';
    for (; p < end && is_digit(*p) && hours < 1000; p++)
        hours = hours * 10 + (*p - '0');
    if (p + 1 >= end || *p != ':')
        goto bad;
    p++;
    for (; p < end && is_digit(*p) && minutes < 1000; p++)
        minutes = minutes * 10 + (*p - '0');
    if (p != end || minutes > 59)
        goto bad;
    offset = (hours * 60 + minutes) * 60;
    if (neg)
        offset = -offset;
    /* -13:59 .. +14:00 since MySQL 8.0.19. */
    if (offset < -TZ_MAX_OFFSET + 1 || offset > TZ_MAX_OFFSET)
        goto bad;
    tz->offset = (int32_t)offset;
    snprintf(tz->name, sizeof tz->name, "%c%02ld:%02ld", offset < 0 ? '-' : '+',
             (offset < 0 ? -offset : offset) / 3600, (offset < 0 ? -offset : offset) / 60 % 60);
    return 0;
bad:
    datetime_tz_utc(tz);
    return err_set(DATETIME_UNKNOWN_TZ, "Unknown or incorrect time zone: '%.*s'", clip_len(len), s);
}

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/* Local seconds since the epoch (as if UTC) and microseconds as a DATETIME in 0001..9999. */
static int local_from_seconds(int64_t sec, uint32_t usec, struct datetime *out)
{
    int64_t days = floor_div(sec, SECS_PER_DAY), sod = sec - days * SECS_PER_DAY;
    int64_t daynr = days + DAYS_AT_EPOCH;

    datetime_set_zero(out, DATETIME_KIND_DATETIME);
    if (daynr < 366 || daynr > MAX_DAY_NUMBER)
        return err_set(DATETIME_OUT_OF_RANGE, "Datetime value is out of range in the time zone");
    set_date_from_daynr(out, (long)daynr);
    out->hour = (uint32_t)(sod / 3600);
    out->minute = (uint8_t)(sod / 60 % 60);
    out->second = (uint8_t)(sod % 60);
    out->usec = usec;
    return 0;
}

/* The system zone's offset from UTC at instant t, in seconds. */
static int system_offset(int64_t t, long *off)
{
    time_t tt = (time_t)t;
    struct tm tm;
    if (!localtime_r(&tt, &tm))
        return -1;
    *off = tm.tm_gmtoff;
    return 0;
}

int datetime_tz_from_utc(const struct datetime_tz *tz, int64_t unix_us, struct datetime *out)
{
    const int64_t limit = 400000000000LL * USECS_PER_SEC; /* Far beyond 9999, safe to offset. */
    int64_t sec, usec;
    long off = 0;

    datetime_set_zero(out, DATETIME_KIND_DATETIME);
    if (unix_us > limit || unix_us < -limit)
        return err_set(DATETIME_OUT_OF_RANGE, "Datetime value is out of range in the time zone");
    sec = floor_div(unix_us, USECS_PER_SEC);
    usec = unix_us - sec * USECS_PER_SEC;
    if (tz->system) {
        if (system_offset(sec, &off) < 0)
            return err_set(DATETIME_OUT_OF_RANGE,
                           "Datetime value is out of range in the time zone");
    } else {
        off = tz->offset;
    }
    return local_from_seconds(sec + off, (uint32_t)usec, out);
}

/*
 * A local time in the system zone as UTC seconds: the first occurrence of a
 * repeated local time, and for one in a forward gap the transition itself
 * (whose local time is the first instant after the gap), as MySQL's
 * my_system_gmt_sec moves such times to the next real hour.
 */
static int system_local_to_utc(int64_t local, int64_t *utc)
{
    long cand[3], o, lo_off;
    int64_t best = 0, lo, hi;
    int found = 0;

    if (system_offset(local - SECS_PER_DAY, &cand[0]) < 0 || system_offset(local, &cand[1]) < 0 ||
        system_offset(local + SECS_PER_DAY, &cand[2]) < 0)
        return -1;
    for (int i = 0; i < 3; i++) {
        if (system_offset(local - cand[i], &o) < 0)
            return -1;
        if (o == cand[i] && (!found || local - cand[i] < best)) {
            best = local - cand[i];
            found = 1;
        }
    }
    if (found) {
        *utc = best;
        return 0;
    }
    /* In a gap: search the transition between the offsets around it. */
    long omin = cand[0], omax = cand[0];
    for (int i = 1; i < 3; i++) {
        if (cand[i] < omin)
            omin = cand[i];
        if (cand[i] > omax)
            omax = cand[i];
    }
    lo = local - omax;
    hi = local - omin;
    if (system_offset(lo, &lo_off) < 0)
        return -1;
    while (hi - lo > 1) {
        int64_t mid = lo + (hi - lo) / 2;
        if (system_offset(mid, &o) < 0)
            return -1;
        if (o == lo_off)
            lo = mid;
        else
            hi = mid;
    }
    *utc = hi;
    return 0;
}

int datetime_tz_to_utc(const struct datetime_tz *tz, const struct datetime *local, int64_t *unix_us)
{
    int64_t local_sec, utc;
    int rc;

    *unix_us = 0;
    if ((rc = need_date(local)) < 0)
        return rc;
    if (!tz->system) {
        *unix_us = local_to_unix_fixed(local, tz->offset);
        return 0;
    }
    local_sec = floor_div(local_to_unix_fixed(local, 0), USECS_PER_SEC);
    if (system_local_to_utc(local_sec, &utc) < 0)
        return err_set(DATETIME_INVALID, "Cannot convert the local time to UTC");
    *unix_us = utc * USECS_PER_SEC + local->usec;
    return 0;
}

int datetime_ts_from_local(const struct datetime_tz *tz, const struct datetime *local, int64_t *ts)
{
    char buf[DATETIME_STR_MAX];
    int64_t us;
    int rc;

    *ts = 0;
    if (local->kind != DATETIME_KIND_TIME && !non_zero_date(local) && !local->hour &&
        !local->minute && !local->second && !local->usec)
        return 0; /* The zero timestamp. */
    if ((rc = datetime_tz_to_utc(tz, local, &us)) < 0)
        return rc;
    if (us < USECS_PER_SEC || us > DATETIME_TS_MAX_SEC * USECS_PER_SEC + 999999)
        return err_set(DATETIME_OUT_OF_RANGE, "Out of range value for TIMESTAMP: '%s'",
                       msg_value(local, buf));
    *ts = us;
    return 0;
}

void datetime_ts_to_local(const struct datetime_tz *tz, int64_t ts, struct datetime *out)
{
    if (ts == 0 || datetime_tz_from_utc(tz, ts, out) < 0)
        datetime_set_zero(out, DATETIME_KIND_DATETIME);
}

void datetime_now(const struct datetime_tz *tz, int64_t now_us, int fsp, struct datetime *out)
{
    if (fsp < 0)
        fsp = 0;
    if (fsp > DATETIME_MAX_FSP)
        fsp = DATETIME_MAX_FSP;
    if (datetime_tz_from_utc(tz, now_us, out) < 0)
        datetime_set_zero(out, DATETIME_KIND_DATETIME);
    out->usec -= out->usec % pow10_u32[6 - fsp];
}

int datetime_unix_timestamp(const struct datetime_tz *tz, const struct datetime *t, int64_t *sec,
                            uint32_t *usec)
{
    int64_t us;

    *sec = 0;
    *usec = 0;
    if (datetime_tz_to_utc(tz, t, &us) < 0 || us < 0 ||
        us > DATETIME_UNIX_MAX_SEC * USECS_PER_SEC + 999999)
        return err_set(DATETIME_OUT_OF_RANGE, "UNIX_TIMESTAMP argument out of range");
    *sec = us / USECS_PER_SEC;
    *usec = (uint32_t)(us % USECS_PER_SEC);
    return 0;
}

int datetime_from_unixtime(const struct datetime_tz *tz, int neg, uint64_t sec, uint32_t frac_ns,
                           int fsp, struct datetime *out)
{
    int64_t us, unit;

    datetime_set_zero(out, DATETIME_KIND_DATETIME);
    if (fsp < 0 || fsp > DATETIME_MAX_FSP || frac_ns > 999999999)
        return err_set(ERR_INVALID, "bad fractional part or precision");
    if ((neg && (sec || frac_ns)) || sec > (uint64_t)DATETIME_UNIX_MAX_SEC)
        return DATETIME_NULL;
    /* Rounding in UTC equals rounding in local time: offsets are whole seconds. */
    us = (int64_t)sec * USECS_PER_SEC + frac_ns / 1000 + (frac_ns % 1000 >= 500);
    unit = pow10_u32[6 - fsp];
    us = (us + unit / 2) / unit * unit;
    if (us > DATETIME_UNIX_MAX_SEC * USECS_PER_SEC + 999999)
        return DATETIME_NULL; /* No rounding up past the end of the range. */
    if (datetime_tz_from_utc(tz, us, out) < 0) {
        datetime_set_zero(out, DATETIME_KIND_DATETIME);
        return DATETIME_NULL;
    }
    return 0;
}

/* ---- Encodings ------------------------------------------------------------------------ */

size_t datetime_bin_size(enum datetime_type type, int fsp)
{
    if (fsp < 0 || fsp > DATETIME_MAX_FSP)
        return 0;
    switch (type) {
    case DATETIME_TYPE_DATE:
        return 3;
    case DATETIME_TYPE_DATETIME:
        return 5 + (size_t)(fsp + 1) / 2;
    case DATETIME_TYPE_TIMESTAMP:
        return 4 + (size_t)(fsp + 1) / 2;
    case DATETIME_TYPE_TIME:
        return 3 + (size_t)(fsp + 1) / 2;
    case DATETIME_TYPE_YEAR:
        return 1;
    default:
        return 0;
    }
}

size_t datetime_key_size(enum datetime_type type, int fsp)
{
    return datetime_bin_size(type, fsp);
}

static void put_be(uint8_t *p, uint64_t v, int n)
{
    for (int i = n - 1; i >= 0; i--) {
        p[i] = (uint8_t)v;
        v >>= 8;
    }
}

static uint64_t get_be(const uint8_t *p, int n)
{
    uint64_t v = 0;
    for (int i = 0; i < n; i++)
        v = v << 8 | p[i];
    return v;
}

/* Does v hold a value of the type with no digits beyond fsp? */
static int value_ok(enum datetime_type type, int fsp, int64_t v)
{
    struct datetime t;
    uint32_t unit = pow10_u32[6 - fsp];

    switch (type) {
    case DATETIME_TYPE_DATE:
        datetime_unpack(v, DATETIME_KIND_DATE, &t);
        return !range_bad(&t) && datetime_pack(&t) == v;
    case DATETIME_TYPE_DATETIME:
        datetime_unpack(v, DATETIME_KIND_DATETIME, &t);
        return !range_bad(&t) && datetime_pack(&t) == v && t.usec % unit == 0;
    case DATETIME_TYPE_TIMESTAMP:
        return v == 0 || (v >= USECS_PER_SEC && v <= DATETIME_TS_MAX_SEC * USECS_PER_SEC + 999999 &&
                          v % USECS_PER_SEC % unit == 0);
    case DATETIME_TYPE_TIME:
        datetime_unpack(v, DATETIME_KIND_TIME, &t);
        return !range_bad(&t) && !time_over(t.hour, t.minute, t.second, t.usec) &&
               datetime_pack(&t) == v && t.usec % unit == 0;
    case DATETIME_TYPE_YEAR:
        return v == 0 || (v >= 1901 && v <= 2155);
    default:
        return 0;
    }
}

/* The fraction bytes of DATETIME2 / TIMESTAMP2 / TIME2: frac is signed microseconds. */
static void put_frac_bytes(uint8_t *p, int fsp, int64_t frac)
{
    if (fsp == 1 || fsp == 2)
        p[0] = (uint8_t)(int8_t)(frac / 10000);
    else if (fsp == 3 || fsp == 4)
        put_be(p, (uint64_t)(uint16_t)(int16_t)(frac / 100), 2);
    else if (fsp >= 5)
        put_be(p, (uint64_t)frac & 0xFFFFFF, 3);
}

/* Writes a value already known to be valid. */
static void encode(enum datetime_type type, int fsp, int64_t v, uint8_t *out, int key)
{
    struct datetime t;
    uint64_t u;

    switch (type) {
    case DATETIME_TYPE_DATE:
        datetime_unpack(v, DATETIME_KIND_DATE, &t);
        u = (uint64_t)t.day + (uint64_t)t.month * 32 + (uint64_t)t.year * 16 * 32;
        if (key) {
            put_be(out, u, 3);
        } else {
            out[0] = (uint8_t)u;
            out[1] = (uint8_t)(u >> 8);
            out[2] = (uint8_t)(u >> 16);
        }
        break;
    case DATETIME_TYPE_DATETIME:
        put_be(out, (uint64_t)((v >> 24) + 0x8000000000LL), 5);
        put_frac_bytes(out + 5, fsp, v % (1LL << 24));
        break;
    case DATETIME_TYPE_TIMESTAMP:
        put_be(out, (uint64_t)(v / USECS_PER_SEC), 4);
        put_frac_bytes(out + 4, fsp, v % USECS_PER_SEC);
        break;
    case DATETIME_TYPE_TIME:
        if (fsp >= 5) {
            put_be(out, (uint64_t)(v + 0x800000000000LL), 6);
        } else {
            /* Arithmetic shift and C remainder, as MySQL: negative fractions count down. */
            put_be(out, (uint64_t)(0x800000LL + (v >> 24)), 3);
            put_frac_bytes(out + 3, fsp, v % (1LL << 24));
        }
        break;
    default: /* YEAR */
        out[0] = (uint8_t)(v ? v - 1900 : 0);
        break;
    }
}

/* Reads bytes as MySQL's *_from_binary does; no validation. */
static int64_t decode(enum datetime_type type, int fsp, const uint8_t *p, int key)
{
    int64_t intpart, frac = 0;

    switch (type) {
    case DATETIME_TYPE_DATE: {
        uint64_t u =
            key ? get_be(p, 3) : ((uint64_t)p[0] | (uint64_t)p[1] << 8 | (uint64_t)p[2] << 16);
        struct datetime t;
        datetime_set_zero(&t, DATETIME_KIND_DATE);
        t.day = (uint8_t)(u & 31);
        t.month = (uint8_t)(u >> 5 & 15);
        t.year = (uint16_t)(u >> 9);
        return datetime_pack(&t);
    }
    case DATETIME_TYPE_DATETIME:
        intpart = (int64_t)get_be(p, 5) - 0x8000000000LL;
        if (fsp == 1 || fsp == 2)
            frac = (int8_t)p[5] * 10000LL;
        else if (fsp == 3 || fsp == 4)
            frac = (int16_t)get_be(p + 5, 2) * 100LL;
        else if (fsp >= 5)
            frac = (int64_t)get_be(p + 5, 3);
        return (int64_t)(((uint64_t)intpart << 24) + (uint64_t)frac);
    case DATETIME_TYPE_TIMESTAMP:
        if (fsp == 1 || fsp == 2)
            frac = p[4] * 10000LL;
        else if (fsp == 3 || fsp == 4)
            frac = (int64_t)get_be(p + 4, 2) * 100;
        else if (fsp >= 5)
            frac = (int64_t)get_be(p + 4, 3);
        return (int64_t)get_be(p, 4) * USECS_PER_SEC + frac;
    case DATETIME_TYPE_TIME:
        if (fsp >= 5)
            return (int64_t)get_be(p, 6) - 0x800000000000LL;
        intpart = (int64_t)get_be(p, 3) - 0x800000LL;
        if (fsp == 1 || fsp == 2) {
            frac = p[3];
            if (intpart < 0 && frac) {
                intpart++;
                frac -= 0x100;
            }
            frac *= 10000;
        } else if (fsp == 3 || fsp == 4) {
            frac = (int64_t)get_be(p + 3, 2);
            if (intpart < 0 && frac) {
                intpart++;
                frac -= 0x10000;
            }
            frac *= 100;
        }
        return (int64_t)(((uint64_t)intpart << 24) + (uint64_t)frac);
    default:
        return p[0] ? 1900 + p[0] : 0;
    }
}

static int enc_put(enum datetime_type type, int fsp, int64_t v, uint8_t *out, int key)
{
    if (datetime_bin_size(type, fsp) == 0)
        return err_set(ERR_INVALID, "bad date/time type %d or precision %d", (int)type, fsp);
    if (!value_ok(type, fsp, v))
        return err_set(ERR_INVALID, "value %lld is not a valid type %d value of precision %d",
                       (long long)v, (int)type, fsp);
    encode(type, fsp, v, out, key);
    return 0;
}

static int enc_get(enum datetime_type type, int fsp, const uint8_t *p, size_t len, int64_t *v,
                   int key)
{
    uint8_t again[DATETIME_BIN_MAX];
    size_t n = datetime_bin_size(type, fsp);
    int64_t x;

    *v = 0;
    if (n == 0)
        return err_set(ERR_INVALID, "bad date/time type %d or precision %d", (int)type, fsp);
    if (len < n)
        return err_set(ERR_CORRUPT, "date/time value: %zu bytes, need %zu", len, n);
    x = decode(type, fsp, p, key);
    /* Only bytes an encoder writes are accepted: one encoding per value. */
    if (!value_ok(type, fsp, x))
        return err_set(ERR_CORRUPT, "date/time value: bytes hold no valid value");
    encode(type, fsp, x, again, key);
    if (memcmp(again, p, n) != 0)
        return err_set(ERR_CORRUPT, "date/time value: bytes are not in canonical form");
    *v = x;
    return 0;
}

int datetime_bin_put(enum datetime_type type, int fsp, int64_t v, uint8_t *out)
{
    return enc_put(type, fsp, v, out, 0);
}

int datetime_bin_get(enum datetime_type type, int fsp, const uint8_t *p, size_t len, int64_t *v)
{
    return enc_get(type, fsp, p, len, v, 0);
}

int datetime_key_put(enum datetime_type type, int fsp, int64_t v, uint8_t *out)
{
    return enc_put(type, fsp, v, out, 1);
}

int datetime_key_get(enum datetime_type type, int fsp, const uint8_t *p, size_t len, int64_t *v)
{
    return enc_get(type, fsp, p, len, v, 1);
}
