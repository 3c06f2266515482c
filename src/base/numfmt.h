/*
 * numfmt.h: numbers as MySQL prints them in text, shared by the protocol
 * server (values handed to it) and the SQL layer (CAST to text, CONCAT ...).
 */
#ifndef ATOLL_BASE_NUMFMT_H
#define ATOLL_BASE_NUMFMT_H

#include <stddef.h>

#define NUMFMT_DOUBLE_MAX 400 /* Room for any numfmt_double() result, NUL included. */
#define NUMFMT_NOT_FIXED 31   /* decimals at or above this (or < 0): shortest form. */

/*
 * Writes d as MySQL does into out (NUMFMT_DOUBLE_MAX bytes) and returns the
 * length: with decimals in 0..30 as "%.*f"; otherwise the shortest digits
 * that read back as d (FLOAT: at most 6 significant digits) in MySQL's
 * notation: 0.1, 1e20, 1.5e-7, 123456789, -0.
 */
size_t numfmt_double(double d, int is_float, int decimals, char *out);

#endif
