/* numfmt.c: MySQL's text forms of numbers (see numfmt.h). */
#include "base/numfmt.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * A double as MySQL prints it (my_gcvt with a wide field, or my_fcvt with
 * decimals < 31). The digits are the shortest that read back as d: for a
 * normal double, when rounding to 15 significant digits reads back, at most
 * one 15-digit number lies within half an ulp of d (15-digit spacing is
 * wider than an ulp), so the shortest string is that one without its
 * trailing zeros; else 16 digits, else 17 always do. Subnormals, with fewer
 * bits, are searched from one digit up. A FLOAT gets at
 * most 6 (FLT_DIG) digits. The notation is MySQL's: positional when the
 * decimal point position decpt (d = 0.DIGITS * 10^decpt) is in -14..15 or
 * inside the digits, else "DeX" / "D.DDDeX" with a bare exponent.
 */
size_t numfmt_double(double d, int is_float, int decimals, char *out)
{
    if (isnan(d))
        return (size_t)snprintf(out, NUMFMT_DOUBLE_MAX, "nan");
    if (isinf(d))
        return (size_t)snprintf(out, NUMFMT_DOUBLE_MAX, d < 0 ? "-inf" : "inf");
    if (decimals >= 0 && decimals < NUMFMT_NOT_FIXED)
        return (size_t)snprintf(out, NUMFMT_DOUBLE_MAX, "%.*f", decimals, d);

    char e[48], dig[24];
    int len = 0, decpt = 1;
    int neg = signbit(d) != 0;
    if (d == 0) {
        dig[len++] = '0';
    } else {
        if (is_float) {
            snprintf(e, sizeof e, "%.5e", d);
        } else {
            /* Subnormals have fewer bits: their shortest text may be far shorter. */
            for (int prec = fabs(d) < DBL_MIN ? 0 : 14; prec <= 16; prec++) {
                snprintf(e, sizeof e, "%.*e", prec, d);
                if (prec == 16 || strtod(e, NULL) == d)
                    break;
            }
        }
        /* e is "[-]D.DDDDe[+-]XX". */
        const char *p = e + (e[0] == '-');
        for (; *p && *p != 'e'; p++)
            if (*p >= '0' && *p <= '9' && len < (int)sizeof dig)
                dig[len++] = *p;
        decpt = (*p == 'e' ? atoi(p + 1) : 0) + 1;
        while (len > 1 && dig[len - 1] == '0')
            len--;
    }

    char *o = out;
    if (neg)
        *o++ = '-';
    if (decpt >= -14 && (decpt <= 15 || len > decpt)) {
        if (decpt <= 0) {
            *o++ = '0';
            *o++ = '.';
            for (int i = decpt; i < 0; i++)
                *o++ = '0';
            memcpy(o, dig, (size_t)len);
            o += len;
        } else if (decpt < len) {
            memcpy(o, dig, (size_t)decpt);
            o += decpt;
            *o++ = '.';
            memcpy(o, dig + decpt, (size_t)(len - decpt));
            o += len - decpt;
        } else {
            memcpy(o, dig, (size_t)len);
            o += len;
            for (int i = len; i < decpt; i++)
                *o++ = '0';
        }
    } else {
        *o++ = dig[0];
        if (len > 1) {
            *o++ = '.';
            memcpy(o, dig + 1, (size_t)(len - 1));
            o += len - 1;
        }
        o += sprintf(o, "e%d", decpt - 1);
    }
    *o = 0;
    return (size_t)(o - out);
}
