/*
 * datetime.h: DATE, DATETIME, TIMESTAMP, TIME and YEAR values with MySQL 8's
 * semantics: parsing, printing, DATE_FORMAT and STR_TO_DATE, interval
 * arithmetic and the other date and time functions, time zones for
 * TIMESTAMP, and two byte encodings (row storage and index keys).
 *
 * A value is a struct datetime: broken-down fields plus a kind (DATE,
 * DATETIME or TIME). TIMESTAMP is not a kind of its own: a TIMESTAMP column
 * holds a UTC instant (microseconds since the Unix epoch, "unix_us"), and
 * the SQL layer shows it as a DATETIME in the session's time zone
 * (datetime_tz_from_utc / datetime_tz_to_utc). YEAR is a plain int.
 *
 * For cheap comparisons every value has a packed form, an int64 in MySQL's
 * "packed" layout (datetime_pack): DATE and DATETIME values compare as their
 * packed ints (a DATE equals the DATETIME at its midnight, which is how MySQL
 * compares a DATE with a DATETIME), and TIME values compare as theirs (a
 * signed int). Columns and keys store these ints; see the encodings below.
 *
 * Return values follow decimal.h. Functions that can fail return int:
 *   0     exact result;
 *   > 0   a note, a bit set of DATETIME_TRUNCATED, DATETIME_CLIPPED and
 *         DATETIME_TIME_CUT; the result is valid. MySQL gives a warning for
 *         each (and a strict-mode INSERT an error for TRUNCATED/CLIPPED);
 *   < 0   an error: one of enum datetime_status's negative values (the
 *         result is NULL, or the zero value where documented), or an ERR_*
 *         code from base/err.h (ERR_INVALID for bad arguments, ERR_CORRUPT
 *         for bad encoded bytes).
 * Every error and note records a detail message with err_set() holding
 * MySQL's text ("Incorrect datetime value: '2024-02-30'"), so the SQL layer
 * only adds the error number. The mapping the SQL layer should use:
 *   DATETIME_TRUNCATED   warning 1292 ER_TRUNCATED_WRONG_VALUE in
 *                        expressions, 1265 WARN_DATA_TRUNCATED when storing;
 *                        strict INSERT: error 1292 "Incorrect ... value".
 *   DATETIME_CLIPPED     warning 1292 "Truncated incorrect time value";
 *                        1264 ER_WARN_DATA_OUT_OF_RANGE when storing.
 *   DATETIME_TIME_CUT    note 1265 (a time part was dropped to store a DATE).
 *   DATETIME_INVALID     warning 1292 "Incorrect datetime value" and NULL in
 *                        expressions; strict INSERT: error 1292; non-strict
 *                        INSERT stores the zero value. From
 *                        datetime_str_to_date: warning 1411
 *                        ER_WRONG_VALUE_FOR_TYPE and NULL.
 *   DATETIME_ZERO_DATE   a zero date or a zero month/day refused by
 *                        DATETIME_NO_ZERO_DATE / DATETIME_NO_ZERO_IN_DATE;
 *                        same handling as DATETIME_INVALID: strict INSERT
 *                        error 1292, non-strict INSERT stores 0000-00-00
 *                        with a warning (the manual's rule for both modes).
 *   DATETIME_OUT_OF_RANGE warning 1264 "Out of range value" when storing
 *                        (TIMESTAMP range, YEAR range, rounding past
 *                        9999-12-31); a strict INSERT raises error 1292
 *                        "Incorrect datetime value" for TIMESTAMP and 1264
 *                        for YEAR.
 *   DATETIME_OVERFLOW    warning 1441 ER_DATETIME_FUNCTION_OVERFLOW, NULL.
 *   DATETIME_NULL        NULL with no warning (MAKEDATE(2024, 0), ...).
 *   DATETIME_BAD_ARG     error 1210 ER_WRONG_ARGUMENTS (PERIOD_ADD(0, 1)).
 *   DATETIME_UNKNOWN_TZ  error 1298 ER_UNKNOWN_TIME_ZONE.
 *
 * Flags come from the session's sql_mode (datetime_from_str and friends):
 * MySQL checks NO_ZERO_DATE / NO_ZERO_IN_DATE on values it parses, and the
 * functions that need a real calendar date (TO_DAYS, WEEK, DATE_ADD, ...)
 * refuse zero parts themselves, as MySQL's do.
 *
 * Threads: every function is reentrant and thread-safe. The SYSTEM time zone
 * reads the C library's zone with localtime_r(), which is thread-safe; the
 * process's TZ must not change while the server runs.
 */
#ifndef ATOLL_SQL_DATETIME_H
#define ATOLL_SQL_DATETIME_H

#include <stddef.h>
#include <stdint.h>

#define DATETIME_MAX_FSP       6   /* Most fractional-second digits. */
#define DATETIME_STR_MAX       32  /* Buffer for datetime_to_str() and friends (with the NUL). */
#define DATETIME_BIN_MAX       8   /* Largest datetime_bin_size() / datetime_key_size(). */
#define DATETIME_TIME_MAX_HOUR 838 /* TIME range is -838:59:59 .. 838:59:59. */
#define DATETIME_TIME_MAX_SEC  3020399      /* 838:59:59 in seconds. */
#define DATETIME_MAX_DAYNR     3652424      /* TO_DAYS('9999-12-31'). */
#define DATETIME_TS_MAX_SEC    2147483647LL /* Last second of TIMESTAMP: 2038-01-19 03:14:07 UTC. */
#define DATETIME_UNIX_MAX_SEC  32536771199LL /* UNIX_TIMESTAMP's last: 3001-01-18 23:59:59 UTC. */

/* Room DATE_FORMAT / TIME_FORMAT output may need for a format of n bytes. */
#define DATETIME_FORMAT_MAX(n) (6 * (size_t)(n) + 2)

/* Outcomes of their own; see the return-value rules above. */
enum datetime_status {
    DATETIME_TRUNCATED = 1,       /* Note: characters or digits were ignored. */
    DATETIME_CLIPPED = 2,         /* Note: a TIME was clipped to +-838:59:59. */
    DATETIME_TIME_CUT = 4,        /* Note: a nonzero time part was dropped (to a DATE). */
    DATETIME_INVALID = -301,      /* Error: not a valid value ("Incorrect datetime value"). */
    DATETIME_ZERO_DATE = -302,    /* Error: zero date or zero part refused by the flags. */
    DATETIME_OUT_OF_RANGE = -303, /* Error: outside the type's range. */
    DATETIME_OVERFLOW = -304,     /* Error: a function's result is outside 0000..9999. */
    DATETIME_NULL = -305,         /* Error: the function returns NULL without a warning. */
    DATETIME_BAD_ARG = -306,      /* Error: MySQL raises ER_WRONG_ARGUMENTS. */
    DATETIME_UNKNOWN_TZ = -307,   /* Error: unknown or incorrect time zone. */
};

/* What a struct datetime holds. */
enum datetime_kind {
    DATETIME_KIND_DATE = 1,     /* year, month, day; the time fields are zero. */
    DATETIME_KIND_DATETIME = 2, /* every field but neg; hour 0..23. */
    DATETIME_KIND_TIME = 3,     /* neg, hour 0..838, minute, second, usec; no date. */
};

/* SQL column types, for the encodings and datetime_fit(). */
enum datetime_type {
    DATETIME_TYPE_DATE = 1,
    DATETIME_TYPE_DATETIME = 2,
    DATETIME_TYPE_TIMESTAMP = 3,
    DATETIME_TYPE_TIME = 4,
    DATETIME_TYPE_YEAR = 5,
};

/*
 * A date, datetime or time of day / duration, broken down. Zero parts are
 * allowed (0000-00-00, 2024-00-05): MySQL keeps them unless the sql_mode
 * refuses them. A TIME may be negative with a zero magnitude ('-00:00:00',
 * as MySQL prints TIME('-0:0')); it packs to 0. Copy with '='; no heap behind
 * it.
 */
struct datetime {
    uint32_t hour;  /* 0..23; 0..838 for TIME. */
    uint32_t usec;  /* Microseconds, 0..999999. */
    uint16_t year;  /* 0..9999; 0 for TIME. */
    uint8_t month;  /* 0..12; 0 for TIME. */
    uint8_t day;    /* 0..31; 0 for TIME (days are folded into hour). */
    uint8_t minute; /* 0..59. */
    uint8_t second; /* 0..59. */
    uint8_t neg;    /* 1 for a negative TIME (also -00:00:00), else 0. */
    uint8_t kind;   /* enum datetime_kind. */
};

/* A session time zone: SYSTEM, UTC or a fixed offset. */
struct datetime_tz {
    int32_t offset; /* Seconds east of UTC, for a fixed offset; 0 for UTC. */
    uint8_t system; /* 1: the C library's local zone (localtime_r). */
    char name[8];   /* What @@time_zone shows: "SYSTEM", "UTC", "+05:30". */
};

/* ---- Flags ------------------------------------------------------------- */

#define DATETIME_NO_ZERO_DATE    0x1u /* sql_mode NO_ZERO_DATE: refuse 0000-00-00. */
#define DATETIME_NO_ZERO_IN_DATE 0x2u /* sql_mode NO_ZERO_IN_DATE: refuse month or day 0. */
#define DATETIME_INVALID_DATES   0x4u /* sql_mode ALLOW_INVALID_DATES: any day 1..31. */
#define DATETIME_TRUNCATE_FRAC   0x8u /* sql_mode TIME_TRUNCATE_FRACTIONAL: cut, do not round. */

/* ---- Making values ------------------------------------------------------ */

/* Sets *t to the zero value of a kind: 0000-00-00 [00:00:00] or 00:00:00. */
void datetime_set_zero(struct datetime *t, enum datetime_kind kind);

/*
 * Parses a DATE or DATETIME as MySQL's str_to_datetime does: 'YYYY-MM-DD',
 * 'YY-MM-DD', 'YYYY-M-D', any punctuation as a delimiter, 'YYYYMMDD',
 * 'YYMMDD', 'YYYYMMDDhhmmss', 'YYMMDDhhmmss', 'YYYY-MM-DD hh:mm:ss[.frac]',
 * a 'T' between date and time, two-digit years (70-99 are 19xx, 00-69
 * 20xx), leading spaces, and (8.0.19+) a trailing time zone displacement
 * '+05:30', which converts the value from that offset into tz (tz NULL:
 * displacements are refused). *out gets kind DATE when the text has no time
 * part, else DATETIME; fractional digits beyond fsp (0..6) are rounded (the
 * 7th digit first, then to fsp, as MySQL does) or cut with
 * DATETIME_TRUNCATE_FRAC.
 * Returns 0; DATETIME_TRUNCATED (trailing characters other than spaces were
 * ignored: '2024-01-05x'); or errors with *out the zero datetime:
 * DATETIME_INVALID (no date, fields out of range, '2024-02-30' without
 * DATETIME_INVALID_DATES, a bad displacement, a displacement on a date with
 * zero parts, a rounding carry into a date with zero parts),
 * DATETIME_ZERO_DATE (refused by the flags), DATETIME_OUT_OF_RANGE
 * (rounding passed 9999-12-31 23:59:59.999999, or a displacement moved the
 * value outside 0001..9999), ERR_INVALID (fsp outside 0..6).
 * MySQL's quirks are kept: '2024-01-05+05:00' is 2024-01-05 05:00:00 (the
 * '+' is a delimiter there; a displacement needs a time with seconds), and
 * '20240105.5' is 2024-01-05 05:00:00 (the '.' too). For a DATE target
 * parse with fsp 6 and then drop the time (datetime_fit): MySQL cuts the
 * time of a DATE without rounding it, so '2024-01-05 23:59:59.9' is
 * 2024-01-05.
 */
int datetime_from_str(const char *s, size_t len, unsigned flags, int fsp,
                      const struct datetime_tz *tz, struct datetime *out);

/*
 * Parses a TIME as MySQL's str_to_time does: '[-][D ]hh:mm:ss[.frac]',
 * 'hh:mm', 'hhmmss', 'mmss', 'ss', with 'D' days (0..34) added to hours.
 * Text of 12 characters or more is first tried as a DATETIME: if that works
 * *out has kind DATETIME (or DATE for '2024-01-05  '; MySQL's rule;
 * datetime_to_time() makes it a TIME). Fractional digits beyond fsp are
 * rounded (or cut); beyond the sixth digit MySQL rounds on the last digit
 * of the run, and so does this. Returns 0 or notes
 * DATETIME_TRUNCATED (trailing characters), DATETIME_CLIPPED (beyond
 * 838:59:59: *out is the limit); or DATETIME_INVALID (no number, minutes or
 * seconds >= 60, an exponent, hours beyond 2^32) with *out 00:00:00.
 */
int datetime_time_from_str(const char *s, size_t len, unsigned flags, int fsp,
                           struct datetime *out);

/*
 * A number as a DATE/DATETIME (MySQL's number_to_datetime): YYMMDD,
 * YYYYMMDD, YYMMDDhhmmss, YYYYMMDDhhmmss; 0 is the zero datetime. ipart >= 0
 * is the integer part and frac_ns (0..999999999) the fraction in
 * nanoseconds, rounded to fsp. Kind DATE for 1..8 digits without a
 * fraction, else DATETIME (MySQL keeps the fraction of 20240105.5, so that
 * CAST(20240105.5 AS DATETIME) is 2024-01-05 00:00:01). Returns 0, or
 * DATETIME_INVALID / DATETIME_ZERO_DATE / DATETIME_OUT_OF_RANGE as
 * datetime_from_str(); ERR_INVALID for a bad fsp or frac_ns.
 */
int datetime_from_num(int64_t ipart, uint32_t frac_ns, unsigned flags, int fsp,
                      struct datetime *out);

/*
 * A number as a TIME (MySQL's number_to_time): [-]hhmmss[.frac]; numbers of
 * 11 digits or more are tried as a DATETIME first (kind DATETIME then).
 * Returns 0, DATETIME_CLIPPED (beyond 8385959: *out is the limit), or
 * DATETIME_INVALID (minutes or seconds >= 60; *out 00:00:00). flags matter
 * only for DATETIME_TRUNCATE_FRAC (the DATETIME attempt uses MySQL's strict
 * flags, refusing zero parts).
 */
int datetime_time_from_num(int neg, uint64_t ipart, uint32_t frac_ns, unsigned flags, int fsp,
                           struct datetime *out);

/* Splits a double into the sign, integer part and nanoseconds of the calls above; 0 or
 * DATETIME_INVALID (NaN, infinite, beyond 2^63). */
int datetime_split_double(double v, int *neg, uint64_t *ipart, uint32_t *frac_ns);

/*
 * Validates *t against the flags as MySQL's check_date: zero date, zero
 * month/day, day beyond the month (unless DATETIME_INVALID_DATES), field
 * ranges. Returns 0, DATETIME_ZERO_DATE or DATETIME_INVALID (message set).
 */
int datetime_check(const struct datetime *t, unsigned flags);

/*
 * Makes *t a value of a column type, as storing into it or CAST does:
 * DATE drops the time (DATETIME_TIME_CUT if it was not midnight); DATETIME
 * and TIMESTAMP take a DATE at midnight and a TIME on date (which is the
 * current date, MySQL's rule for TIME in date context; date may be NULL
 * otherwise); TIME drops the date of a DATETIME. Checks the flags, then
 * rounds (or cuts) to fsp. For TIMESTAMP the range check needs the time
 * zone: use datetime_ts_from_local. Returns 0, notes (DATETIME_TIME_CUT,
 * DATETIME_CLIPPED), or DATETIME_INVALID / DATETIME_ZERO_DATE /
 * DATETIME_OUT_OF_RANGE / DATETIME_OVERFLOW (a TIME put on date passed
 * 9999-12-31) / ERR_INVALID (bad type or fsp, a YEAR, a TIME without
 * date).
 */
int datetime_fit(struct datetime *t, enum datetime_type type, int fsp, unsigned flags,
                 const struct datetime *date);

/*
 * Rounds (half up, away from zero for TIME) or, with DATETIME_TRUNCATE_FRAC,
 * cuts usec to fsp digits, carrying into seconds and on up to the year as
 * MySQL does. Returns 0, DATETIME_CLIPPED (a TIME rounded past 838:59:59 is
 * the limit), or DATETIME_OUT_OF_RANGE (a datetime rounded past
 * 9999-12-31 23:59:59; *t is unchanged) / DATETIME_INVALID (a carry into a
 * date with zero parts).
 */
int datetime_round(struct datetime *t, int fsp, unsigned flags);

/* ---- YEAR ---------------------------------------------------------------- */

/*
 * A YEAR from an integer as a YEAR column stores it: 0 is 0000, 1..69 are
 * 2001..2069, 70..99 are 1970..1999, 1901..2155 as is. Returns 0 or
 * DATETIME_OUT_OF_RANGE (*year = 0).
 */
int datetime_year_from_int(int64_t v, int *year);

/*
 * A YEAR from text: like datetime_year_from_int, but '0', '00' and '000' are
 * 2000 ('0000' is 0000), and a fraction rounds half up ('2024.5' is 2025).
 * Returns 0, DATETIME_TRUNCATED (trailing characters), DATETIME_OUT_OF_RANGE
 * or DATETIME_INVALID (no number), with *year = 0 on errors.
 */
int datetime_year_from_str(const char *s, size_t len, int *year);

/* ---- Conversions --------------------------------------------------------- */

/* DATE from a DATE or DATETIME (time dropped); a TIME gives 0000-00-00. */
void datetime_to_date(struct datetime *t);

/* DATETIME from a DATE (midnight) or DATETIME (unchanged). */
void datetime_date_to_datetime(struct datetime *t);

/* TIME from a DATETIME (date dropped, MySQL's datetime_to_time) or TIME (unchanged); a DATE is
 * 00:00:00. */
void datetime_to_time(struct datetime *t);

/*
 * DATETIME from a TIME on a date (DATE or DATETIME, normally CURDATE()):
 * MySQL's time_to_datetime, so '-01:00:00' on 2024-01-05 is 2024-01-04
 * 23:00:00 and '25:00:00' is 2024-01-06 01:00:00. Returns 0,
 * DATETIME_OVERFLOW (before 0000-00-00 or after 9999-12-31), or ERR_INVALID
 * (time is not a TIME or date is one).
 */
int datetime_time_to_datetime(const struct datetime *time, const struct datetime *date,
                              struct datetime *out);

/*
 * The value as a number (MySQL's val_int): YYYYMMDD, YYYYMMDDhhmmss, or
 * [-]hhmmss, rounded to whole seconds (half up), as CAST(x AS SIGNED).
 */
int64_t datetime_to_int(const struct datetime *t);

/* The value as a double: YYYYMMDDhhmmss.ffffff or [-]hhmmss.ffffff (MySQL's val_real). */
double datetime_to_double(const struct datetime *t);

/*
 * The value as exact decimal text with fsp (0..6) fractional digits, as
 * MySQL gives it in numeric context (NOW(3) + 0 is 20240105102030.123):
 * "20240105", "20240105102030.500000", "-102030.25". buf has room for
 * DATETIME_STR_MAX bytes; returns the length. Feed it to decimal_from_str.
 */
size_t datetime_to_num_str(const struct datetime *t, int fsp, char *buf);

/* ---- Packed form and comparison ---------------------------------------- */

/*
 * MySQL's packed int64: for DATE/DATETIME ((year*13+month)<<5|day)<<17 |
 * hour<<12|minute<<6|second, shifted left 24 bits, plus usec; for TIME
 * (hour<<12|minute<<6|second)<<24 | usec, negated when neg. Order-preserving
 * within DATE/DATETIME and within TIME.
 */
int64_t datetime_pack(const struct datetime *t);

/* The inverse of datetime_pack for the given kind; no validation (use the decoders for untrusted
 * bytes). */
void datetime_unpack(int64_t packed, enum datetime_kind kind, struct datetime *t);

/*
 * -1, 0 or 1 as a <, =, > b. DATE and DATETIME compare together (a DATE is
 * its midnight); TIME compares with TIME. A TIME against a date must first
 * be put on the current date with datetime_time_to_datetime(), as MySQL
 * does; given mixed kinds this compares their packed ints, which is wrong.
 */
int datetime_cmp(const struct datetime *a, const struct datetime *b);

/* ---- Printing ------------------------------------------------------------ */

/*
 * Writes t as MySQL prints its kind: 'YYYY-MM-DD', 'YYYY-MM-DD hh:mm:ss', or
 * '[-]hh:mm:ss' (hours may have 3 digits), with fsp (0..6) fractional digits
 * after a '.' for DATETIME and TIME. buf has DATETIME_STR_MAX bytes; the text
 * is NUL-terminated; returns its length.
 */
size_t datetime_to_str(const struct datetime *t, int fsp, char *buf);

/* Writes a YEAR as MySQL prints it ('0000', '2024'); buf has 8 bytes; returns 4. */
size_t datetime_year_to_str(int year, char *buf);

/*
 * DATE_FORMAT(t, fmt) (time_format 0) and TIME_FORMAT(t, fmt) (time_format
 * 1, with t a TIME) with every specifier MySQL knows, English names:
 *   %a Sun..Sat  %b Jan..Dec  %c month 0..12  %D 1st 2nd 3rd 4th..
 *   %d day 00..31  %e day 0..31  %f microseconds 000000..999999
 *   %H hour 00..838  %h %I hour 01..12  %i minutes  %j day of year 001..366
 *   %k hour 0..838  %l hour 1..12  %M January..  %m month 00..12
 *   %p AM/PM  %r hh:mm:ss AM  %S %s seconds  %T hh:mm:ss
 *   %U week 00..53 (Sunday first)  %u week 00..53 (Monday first)
 *   %V %v weeks 01..53 for %X %x  %W Sunday..  %w 0=Sunday..6
 *   %X %x year of %V %v  %Y year 4 digits  %y 2 digits  %% a '%'
 * any other %c is c. A negative TIME puts '-' first. Writes at most
 * DATETIME_FORMAT_MAX(fmt_len) bytes to out (not NUL-terminated) and sets
 * *out_len. Returns 0, or DATETIME_NULL where MySQL returns NULL: an empty
 * format, %M/%b with month 0, %W/%a/%w with year and month 0, and
 * TIME_FORMAT with a date specifier (%a %D %j %U %u %V %v %W %w %X %x;
 * TIME_FORMAT prints the other date specifiers as zeros, as MySQL does,
 * where MariaDB returns NULL). Week numbers of odd dates (year 0, zero
 * parts) come out of MySQL's unsigned arithmetic, e.g. %x of 0000-01-01 is
 * 4294967295, as MySQL prints it.
 */
int datetime_format(const struct datetime *t, int time_format, const char *fmt, size_t fmt_len,
                    char *out, size_t *out_len);

/*
 * STR_TO_DATE(s, fmt) with the specifiers of datetime_format (except %%,
 * which MySQL's STR_TO_DATE refuses) plus %. (punctuation run), %@ (letters)
 * and %# (digits); names match case-insensitively and by unique prefix
 * ('SEPTEMB'). The result kind is what MySQL derives from the format (see
 * datetime_str_to_date_type): DATETIME, DATE or TIME (days folded into
 * hours). Returns 0, DATETIME_TRUNCATED (trailing characters: MySQL warning
 * 1292), or DATETIME_INVALID (no match, out-of-range fields, a zero part
 * refused by the flags; MySQL's warning 1411, message set) with *out zero.
 * With DATETIME_NO_ZERO_DATE any zero year, month or day of a non-TIME result
 * is refused (MySQL's date_should_be_null).
 */
int datetime_str_to_date(const char *s, size_t len, const char *fmt, size_t fmt_len, unsigned flags,
                         struct datetime *out);

/*
 * The result type MySQL derives from a constant STR_TO_DATE format: kind
 * DATETIME, DATE or TIME, and fsp 6 when %f is used, else 0. (A format that
 * is not constant makes the type DATETIME(6).)
 */
void datetime_str_to_date_type(const char *fmt, size_t fmt_len, enum datetime_kind *kind, int *fsp);

/* ---- Intervals and arithmetic ------------------------------------------- */

/* INTERVAL units, in MySQL's order. */
enum datetime_unit {
    DATETIME_UNIT_YEAR,
    DATETIME_UNIT_QUARTER,
    DATETIME_UNIT_MONTH,
    DATETIME_UNIT_WEEK,
    DATETIME_UNIT_DAY,
    DATETIME_UNIT_HOUR,
    DATETIME_UNIT_MINUTE,
    DATETIME_UNIT_SECOND,
    DATETIME_UNIT_MICROSECOND,
    DATETIME_UNIT_YEAR_MONTH,
    DATETIME_UNIT_DAY_HOUR,
    DATETIME_UNIT_DAY_MINUTE,
    DATETIME_UNIT_DAY_SECOND,
    DATETIME_UNIT_HOUR_MINUTE,
    DATETIME_UNIT_HOUR_SECOND,
    DATETIME_UNIT_MINUTE_SECOND,
    DATETIME_UNIT_DAY_MICROSECOND,
    DATETIME_UNIT_HOUR_MICROSECOND,
    DATETIME_UNIT_MINUTE_MICROSECOND,
    DATETIME_UNIT_SECOND_MICROSECOND,
};

/* An interval: magnitudes of each part and one sign. */
struct datetime_interval {
    uint64_t year;   /* Years. */
    uint64_t month;  /* Months (QUARTER is 3 each). */
    uint64_t day;    /* Days (WEEK is 7 each). */
    uint64_t hour;   /* Hours. */
    uint64_t minute; /* Minutes. */
    uint64_t second; /* Seconds. */
    uint64_t usec;   /* Microseconds. */
    uint8_t neg;     /* 1 to subtract. */
};

/*
 * The unit named s[0..len), case-insensitive ("day_hour"; also the ODBC
 * names SQL_TSI_YEAR .. SQL_TSI_SECOND of TIMESTAMPADD/TIMESTAMPDIFF;
 * FRAC_SECOND was removed in MySQL 5.5). Returns 0 or ERR_INVALID.
 */
int datetime_unit_from_name(const char *s, size_t len, enum datetime_unit *u);

/* The unit's name in MySQL's lower case ("day_hour"). */
const char *datetime_unit_name(enum datetime_unit u);

/* 1 if the unit has a date part (YEAR..DAY, YEAR_MONTH, DAY_*). */
int datetime_unit_has_date(enum datetime_unit u);

/*
 * An interval from an integer: the sign gives neg. For a compound unit the
 * number is read as its text, as MySQL does (INTERVAL 5 HOUR_MINUTE is 5
 * minutes). Returns 0, DATETIME_OVERFLOW (INT64_MIN, or QUARTER/WEEK counts
 * of 2^32/3 resp. 2^32/7 or more), which MySQL reports as 1441 and NULL,
 * or ERR_INVALID (bad unit).
 */
int datetime_interval_from_int(enum datetime_unit u, int64_t v, struct datetime_interval *iv);

/*
 * INTERVAL 1.5 SECOND: seconds with a fraction in nanoseconds (cut to
 * microseconds, as MySQL does). Returns 0.
 */
int datetime_interval_from_seconds(int neg, uint64_t sec, uint32_t frac_ns,
                                   struct datetime_interval *iv);

/*
 * An interval from text as MySQL's get_interval_value: for a compound unit
 * the digit groups of s ('1:30' HOUR_MINUTE, '1 2:03:04.5' DAY_MICROSECOND,
 * any non-digits between groups, a leading '-'); missing groups are taken
 * off the high end ('30' HOUR_MINUTE is 30 minutes); the microsecond group
 * is scaled by its digits ('1.5' is 500000 us). For a simple unit the text's
 * leading integer (what MySQL's string-to-integer conversion gives); SECOND
 * takes a fraction ('1.5'). Returns 0, DATETIME_TRUNCATED (a simple unit's
 * text had trailing characters: MySQL warns 1292 "Truncated incorrect
 * INTEGER value"), or DATETIME_OVERFLOW (more groups than the unit has, a
 * number beyond int64: MySQL's NULL with 1441).
 */
int datetime_interval_from_str(enum datetime_unit u, const char *s, size_t len,
                               struct datetime_interval *iv);

/*
 * DATE_ADD(t, INTERVAL ...) / DATE_SUB (flip iv->neg) in place, with the
 * result kind MySQL gives: a DATE stays a DATE for YEAR..DAY and YEAR_MONTH
 * units and becomes a DATETIME for the others; a DATETIME stays one; a TIME
 * stays a TIME (MySQL 8's rule for a TIME-typed argument: TIME'10:00' +
 * INTERVAL 1 DAY is 34:00:00; a nonzero YEAR, QUARTER, MONTH or YEAR_MONTH
 * is DATETIME_OVERFLOW). A string argument is a date or datetime: parse it
 * with datetime_from_str. Month arithmetic clips to the month's last day
 * (2024-01-31 + 1 MONTH is 2024-02-29). MySQL's calendar maps day numbers
 * up to 365 to the zero date, so results in year 0 come out as 0000-00-00
 * ('0001-01-01' - INTERVAL 1 DAY is 0000-00-00, as in MySQL; MariaDB gives
 * NULL). Returns 0, DATETIME_OVERFLOW (result after 9999-12-31 or before
 * day 0, or a TIME outside +-838:59:59: MySQL's NULL with 1441),
 * DATETIME_INVALID (t is a zero date, has zero parts or a day beyond its
 * month: NULL with 1292), or ERR_INVALID (bad unit). *t is unchanged on
 * errors.
 */
int datetime_add_interval(struct datetime *t, enum datetime_unit u,
                          const struct datetime_interval *iv);

/* TO_DAYS: days since year 0 (0000-01-01 is 1). Returns 0 or DATETIME_INVALID (zero date or parts).
 */
int datetime_to_days(const struct datetime *t, int64_t *days);

/*
 * FROM_DAYS(n): n <= 365 and n >= 3652500 give 0000-00-00 (MySQL's
 * calendar; the caller applies NO_ZERO_DATE when the context has
 * TIME_NO_ZERO_DATE). Returns 0 or DATETIME_OVERFLOW (3652425..3652499,
 * which would be year 10000: NULL with 1441 in MySQL 8; MariaDB gives the
 * zero date).
 */
int datetime_from_days(int64_t n, struct datetime *out);

/* DATEDIFF(a, b) = TO_DAYS(a) - TO_DAYS(b). Returns 0 or DATETIME_INVALID. */
int datetime_datediff(const struct datetime *a, const struct datetime *b, int64_t *days);

/*
 * TIMEDIFF(a, b): a TIME. Both TIME, or both DATE/DATETIME of the same kind
 * (MySQL returns NULL for a DATE against a DATETIME). Returns 0,
 * DATETIME_CLIPPED (beyond 838:59:59), or DATETIME_NULL (kinds differ).
 */
int datetime_timediff(const struct datetime *a, const struct datetime *b, struct datetime *out);

/*
 * TIMESTAMPDIFF(unit, a, b) for simple units (YEAR .. MICROSECOND): b - a,
 * whole units, months counted as MySQL does (2004-02-29 to 2005-02-28 is 11
 * months). a and b are DATE or DATETIME. Returns 0, DATETIME_INVALID (zero
 * date or parts), or ERR_INVALID (compound unit).
 */
int datetime_timestampdiff(enum datetime_unit u, const struct datetime *a, const struct datetime *b,
                           int64_t *out);

/*
 * ADDTIME(a, b) (sign 1) and SUBTIME(a, b) (sign -1); also TIMESTAMP(a, b)
 * with a a DATE/DATETIME. b must be a TIME (MySQL: NULL if it is a
 * DATETIME). A TIME a gives a TIME (clipped: DATETIME_CLIPPED); a
 * DATE/DATETIME a gives a DATETIME. Note that MySQL's ADDTIME reads a
 * DATE-typed first argument as a TIME (00:00:00): pass it through
 * datetime_to_time() for ADDTIME, as is for TIMESTAMP(date, time). Returns
 * 0, DATETIME_CLIPPED, DATETIME_NULL (b not a TIME, or a datetime result
 * before 0001-01-01), or DATETIME_OVERFLOW (after 9999-12-31: 1441).
 */
int datetime_addtime(const struct datetime *a, const struct datetime *b, int sign,
                     struct datetime *out);

/* ---- Parts of a value ---------------------------------------------------- */

/* DAYOFWEEK: 1 = Sunday .. 7. Returns 0 or DATETIME_INVALID (zero date or parts). */
int datetime_dayofweek(const struct datetime *t, int *out);

/* WEEKDAY: 0 = Monday .. 6. Returns 0 or DATETIME_INVALID. */
int datetime_weekday(const struct datetime *t, int *out);

/* DAYOFYEAR: 1..366. Returns 0 or DATETIME_INVALID. */
int datetime_dayofyear(const struct datetime *t, int *out);

/* DAYNAME: "Monday".. Returns NULL for a zero date or parts. */
const char *datetime_dayname(const struct datetime *t);

/* MONTHNAME: "January".. Returns NULL for month 0. */
const char *datetime_monthname(const struct datetime *t);

/* QUARTER: (month + 2) / 3, 0 for month 0. */
int datetime_quarter(const struct datetime *t);

/*
 * WEEK(t, mode) for mode 0..7 (other values use mode & 7), MySQL's table:
 * mode 0 Sunday first, 0..53; 1 Monday first, 0..53, week 1 has 4+ days;
 * 2 Sunday, 1..53; 3 Monday, 1..53 ISO 8601; 4 Sunday, 0..53, 4+ days;
 * 5 Monday, 0..53; 6 Sunday, 1..53, 4+ days; 7 Monday, 1..53.
 * Returns 0 or DATETIME_INVALID (zero date or parts).
 */
int datetime_week(const struct datetime *t, int mode, int *out);

/* YEARWEEK(t, mode): year * 100 + week, the week's own year. Returns 0 or DATETIME_INVALID. */
int datetime_yearweek(const struct datetime *t, int mode, int *out);

/* LAST_DAY: the month's last day as a DATE. Returns 0 or DATETIME_INVALID (month 0: 1292, NULL). */
int datetime_last_day(const struct datetime *t, struct datetime *out);

/*
 * EXTRACT(unit FROM t) as MySQL computes it from the fields (DAY_HOUR of a
 * DATETIME is day*100+hour, of a TIME '35:00:00' it is 35, and HOUR of
 * '838:00:00' is 838, where MariaDB folds hours into days; a negative TIME
 * makes time units negative; a DATE has no time, so its DAY_HOUR is 0).
 * WEEK uses mode week_mode (@@default_week_format). Returns 0,
 * DATETIME_INVALID for WEEK of a date with zero parts (MySQL computes a
 * number from its unsigned arithmetic there, or NULL under NO_ZERO_DATE),
 * or ERR_INVALID for a date unit (YEAR..DAY, YEAR_MONTH) of a TIME, which
 * must first be put on the current date (datetime_time_to_datetime).
 */
int datetime_extract(enum datetime_unit u, const struct datetime *t, int week_mode, int64_t *out);

/* ---- Constructors --------------------------------------------------------- */

/*
 * MAKEDATE(year, dayofyear): years 0..99 are two-digit years. Returns 0, or
 * DATETIME_NULL (year outside 0..9999, dayofyear <= 0, or past 9999-12-31).
 */
int datetime_makedate(int64_t year, int64_t dayofyear, struct datetime *out);

/*
 * MAKETIME(hour, minute, second.frac): frac_ns in nanoseconds, rounded to
 * fsp (the item's precision: the argument's fractional digits, at most 6).
 * Returns 0, DATETIME_CLIPPED (beyond 838:59:59, including 838:59:59.5:
 * *out is the limit), or DATETIME_NULL (minute or second outside 0..59, a
 * bad frac_ns or fsp).
 */
int datetime_maketime(int64_t hour, int64_t minute, int64_t second, uint32_t frac_ns, int fsp,
                      struct datetime *out);

/*
 * SEC_TO_TIME(sec.frac): frac_ns rounded to fsp. Returns 0 or
 * DATETIME_CLIPPED (beyond 838:59:59 either way).
 */
int datetime_sec_to_time(int neg, uint64_t sec, uint32_t frac_ns, int fsp, struct datetime *out);

/* TIME_TO_SEC(t): whole seconds of a TIME (or of a DATETIME's time), negative for a negative TIME.
 */
int64_t datetime_time_to_sec(const struct datetime *t);

/*
 * PERIOD_ADD(period, months) and PERIOD_DIFF(p1, p2), periods YYMM or
 * YYYYMM. Return 0 or DATETIME_BAD_ARG (a period <= 0 or with month 0 or >
 * 12: MySQL's error 1210).
 */
int datetime_period_add(int64_t period, int64_t months, int64_t *out);
int datetime_period_diff(int64_t p1, int64_t p2, int64_t *out);

/* ---- Time zones, TIMESTAMP, the clock ------------------------------------ */

/*
 * Parses a time_zone value: 'SYSTEM', 'UTC' (case-insensitive), or an offset
 * '[+-]H:MM' / '[+-]HH:MM' from -13:59 to +14:00 (MySQL 8.0.19+). Named
 * zones are not supported. Returns 0 or DATETIME_UNKNOWN_TZ with MySQL's
 * message "Unknown or incorrect time zone: 'x'".
 */
int datetime_tz_parse(const char *s, size_t len, struct datetime_tz *tz);

/* Sets *tz to UTC. */
void datetime_tz_utc(struct datetime_tz *tz);

/*
 * A UTC instant (microseconds since 1970-01-01 00:00:00 UTC, may be
 * negative) as a local DATETIME in tz. Returns 0 or DATETIME_OUT_OF_RANGE
 * (the local time falls outside 0001-01-01..9999-12-31; MySQL's calendar
 * has no day numbers for year 0).
 */
int datetime_tz_from_utc(const struct datetime_tz *tz, int64_t unix_us, struct datetime *out);

/*
 * A local DATETIME (or DATE, at midnight) in tz as a UTC instant. For SYSTEM,
 * a local time that happens twice (DST ends) is its first occurrence and one
 * that does not exist (DST starts) is the first instant after the gap,
 * MySQL's rules. Returns 0 or DATETIME_INVALID (zero date or zero parts).
 */
int datetime_tz_to_utc(const struct datetime_tz *tz, const struct datetime *local,
                       int64_t *unix_us);

/*
 * Storing into a TIMESTAMP(fsp) column: the local value (rounded to fsp
 * first by the caller, e.g. with datetime_fit) as a TIMESTAMP value: UTC
 * microseconds, where 0 is the zero timestamp '0000-00-00 00:00:00'.
 * Returns 0, DATETIME_OUT_OF_RANGE (outside 1970-01-01 00:00:01 ..
 * 2038-01-19 03:14:07.999999 UTC; *ts = 0, MySQL's non-strict value), or
 * DATETIME_INVALID (zero parts other than the zero date).
 */
int datetime_ts_from_local(const struct datetime_tz *tz, const struct datetime *local, int64_t *ts);

/* A TIMESTAMP value (0 = zero timestamp) as a local DATETIME in tz. */
void datetime_ts_to_local(const struct datetime_tz *tz, int64_t ts, struct datetime *out);

/*
 * NOW(fsp) / CURRENT_TIMESTAMP / LOCALTIME / SYSDATE from the statement's
 * start time now_us (UTC microseconds; SYSDATE passes the current time):
 * a DATETIME in tz, cut to fsp digits (MySQL truncates, it does not round).
 * For CURDATE() apply datetime_to_date, for CURTIME(fsp) datetime_to_time;
 * for UTC_TIMESTAMP/UTC_DATE/UTC_TIME pass a UTC zone.
 */
void datetime_now(const struct datetime_tz *tz, int64_t now_us, int fsp, struct datetime *out);

/*
 * UNIX_TIMESTAMP(t): t (DATE or DATETIME) read in tz, as seconds and
 * microseconds. Out of range ('1969-12-31', past 3001-01-18 23:59:59.999999 UTC,
 * zero dates) gives 0 and 0, as MySQL returns 0 (MariaDB: NULL); the return value is then
 * DATETIME_OUT_OF_RANGE so the caller can tell, else 0.
 */
int datetime_unix_timestamp(const struct datetime_tz *tz, const struct datetime *t, int64_t *sec,
                            uint32_t *usec);

/*
 * FROM_UNIXTIME(sec.frac) with fsp digits (frac_ns rounded): a DATETIME in
 * tz. Returns 0 or DATETIME_NULL (negative, after 3001-01-18 23:59:59.999999
 * UTC, or rounded past it: MySQL's NULL), or ERR_INVALID (bad fsp or frac_ns).
 */
int datetime_from_unixtime(const struct datetime_tz *tz, int neg, uint64_t sec, uint32_t frac_ns,
                           int fsp, struct datetime *out);

/* ---- Encodings ------------------------------------------------------------ */
/*
 * Values travel as one int64 v per type: the packed int (datetime_pack) for
 * DATE, DATETIME and TIME; the TIMESTAMP value (UTC microseconds, 0 = zero)
 * for TIMESTAMP; the year (0 or 1901..2155) for YEAR. Sizes depend on the
 * type and fsp only: DATE 3, DATETIME 5 + (fsp+1)/2, TIMESTAMP 4 +
 * (fsp+1)/2, TIME 3 + (fsp+1)/2, YEAR 1 bytes.
 *
 * The storage encoding (bin) is MySQL's on-disk format byte for byte
 * (DATE's 3-byte little-endian, DATETIME2, TIMESTAMP2, TIME2, YEAR), so row
 * images can be exchanged with MySQL tools. The key encoding is memcmp-
 * ordered: it is the storage encoding for every type but DATE (MySQL's
 * DATETIME2/TIMESTAMP2/TIME2 are already big-endian with the sign bit
 * flipped), and DATE's 3 bytes big-endian. Byte tables: README.datetime.md.
 *
 * Encoders take a valid value already rounded to fsp and return 0 or
 * ERR_INVALID (bad type or fsp, digits beyond fsp, a value out of the type's
 * range). Decoders read [p, p + len), need len >= the size, and return 0,
 * ERR_CORRUPT (short input, or bytes no encoder writes: month 13, minute 60,
 * fraction digits beyond fsp, ...) or ERR_INVALID (bad type or fsp).
 */
size_t datetime_bin_size(enum datetime_type type, int fsp);
int datetime_bin_put(enum datetime_type type, int fsp, int64_t v, uint8_t *out);
int datetime_bin_get(enum datetime_type type, int fsp, const uint8_t *p, size_t len, int64_t *v);

size_t datetime_key_size(enum datetime_type type, int fsp);
int datetime_key_put(enum datetime_type type, int fsp, int64_t v, uint8_t *out);
int datetime_key_get(enum datetime_type type, int fsp, const uint8_t *p, size_t len, int64_t *v);

/* Name of a return value: "DATETIME_INVALID", ..., or err_name() for others. */
const char *datetime_status_str(int rc);

#endif
