/*
 * decimal.c: exact DECIMAL arithmetic with MySQL's semantics.
 *
 * A value is a 256-bit binary coefficient, a scale and a sign (decimal.h).
 * Every operation first tries a fast path in native 64/128-bit integers,
 * which covers values below about 1.8e19 (coefficient digits, whatever the
 * scale): adding, comparing and multiplying those is a handful of
 * instructions. Everything else goes through "big" numbers: up to ten 64-bit
 * limbs on the stack, enough for a product of two 77-digit coefficients or a
 * dividend shifted by 10^78, with schoolbook multiplication and Knuth's
 * algorithm D for division (TAOCP vol. 2, 4.3.1), as MySQL's decimal.cc does
 * in base 10^9. Results pass through finish(), which applies the limits of a
 * value (77 digits, 39 fractional digits) by cutting fractional digits, as
 * MySQL cuts when its buffer is full, and reports an integer part that does
 * not fit as DECIMAL_OVERFLOW.
 *
 * Rounding (ROUND, CAST, storing into a column, printing at a declared
 * scale) is half away from zero, MySQL's HALF_UP for exact values. Quotients
 * are cut, not rounded, after MySQL's word-based number of fractional digits
 * (div_frac()); printing at the declared scale then rounds, which is exactly
 * what MySQL shows, hidden digits included.
 *
 * Tables of powers of ten are built once at load time by a constructor.
 */
#include "sql/decimal.h"

#include "base/err.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef unsigned __int128 u128;

/* ---- Big numbers -------------------------------------------------------- */

#define BIG_N   10  /* Limbs of an intermediate: 640 bits, 192 digits. */
#define POW10_N 160 /* Powers of ten kept as big numbers: 10^0 .. 10^159. */

/* A magnitude of up to BIG_N limbs. Limbs at n and above are zero. */
struct big {
    uint64_t w[BIG_N]; /* Little-endian base-2^64 limbs. */
    int n;             /* Limbs in use; w[n-1] != 0, or n == 0 for zero. */
};

static const uint64_t p10[20] = {
    1ull,
    10ull,
    100ull,
    1000ull,
    10000ull,
    100000ull,
    1000000ull,
    10000000ull,
    100000000ull,
    1000000000ull,
    10000000000ull,
    100000000000ull,
    1000000000000ull,
    10000000000000ull,
    100000000000000ull,
    1000000000000000ull,
    10000000000000000ull,
    100000000000000000ull,
    1000000000000000000ull,
    10000000000000000000ull,
};

static const double p10_dbl[23] = {
    1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
    1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
};

static struct big pow10_big[POW10_N];                /* 10^i; built by tables_init(). */
static struct big max_value;                         /* 10^DECIMAL_MAX_DIGITS - 1. */
static uint8_t key_bytes[DECIMAL_MAX_PRECISION + 1]; /* decimal_key_size() by precision. */

/* Bytes of a group of 0..9 digits in MySQL's binary format. */
static const uint8_t dig2bytes[10] = {0, 1, 1, 2, 2, 3, 3, 4, 4, 4};

enum round_mode {
    RND_TRUNC,   /* Toward zero. */
    RND_HALF_UP, /* Half away from zero. */
    RND_FLOOR,   /* Toward minus infinity. */
    RND_CEIL,    /* Toward plus infinity. */
};

static void big_zero(struct big *b)
{
    memset(b, 0, sizeof *b);
}

static void big_trim(struct big *b)
{
    while (b->n > 0 && b->w[b->n - 1] == 0)
        b->n--;
}

static void big_from_u64(struct big *b, uint64_t v)
{
    big_zero(b);
    b->w[0] = v;
    b->n = v != 0;
}

static void big_from_dec(struct big *b, const struct decimal *d)
{
    big_zero(b);
    memcpy(b->w, d->coef, sizeof d->coef);
    b->n = 4;
    big_trim(b);
}

static int big_cmp(const struct big *a, const struct big *b)
{
    if (a->n != b->n)
        return a->n < b->n ? -1 : 1;
    for (int i = a->n - 1; i >= 0; i--)
        if (a->w[i] != b->w[i])
            return a->w[i] < b->w[i] ? -1 : 1;
    return 0;
}

/* b *= m. */
static void big_mul_small(struct big *b, uint64_t m)
{
    uint64_t carry = 0;
    for (int i = 0; i < b->n; i++) {
        u128 t = (u128)b->w[i] * m + carry;
        b->w[i] = (uint64_t)t;
        carry = (uint64_t)(t >> 64);
    }
    if (carry) {
        assert(b->n < BIG_N);
        b->w[b->n++] = carry;
    }
    big_trim(b); /* m == 0 */
}

/* b += x. */
static void big_add_small(struct big *b, uint64_t x)
{
    for (int i = 0; x && i < BIG_N; i++) {
        uint64_t s = b->w[i] + x;
        x = s < x;
        b->w[i] = s;
        if (i >= b->n)
            b->n = i + 1;
    }
    assert(x == 0);
}

/* b *= 10^k. */
static void big_mul_pow10(struct big *b, int k)
{
    if (b->n == 0)
        return;
    while (k >= 19) {
        big_mul_small(b, p10[19]);
        k -= 19;
    }
    if (k > 0)
        big_mul_small(b, p10[k]);
}

/* (hi:lo) / d for hi < d; the remainder goes to *rem. */
static inline uint64_t div128(uint64_t hi, uint64_t lo, uint64_t d, uint64_t *rem)
{
#if defined(__x86_64__)
    uint64_t q, r;
    __asm__("divq %4" : "=a"(q), "=d"(r) : "a"(lo), "d"(hi), "rm"(d));
    *rem = r;
    return q;
#else
    u128 n = (u128)hi << 64 | lo;
    *rem = (uint64_t)(n % d);
    return (uint64_t)(n / d);
#endif
}

/* b /= d (d != 0); returns the remainder. */
static uint64_t big_div_small(struct big *b, uint64_t d)
{
    uint64_t rem = 0;
    for (int i = b->n - 1; i >= 0; i--)
        b->w[i] = div128(rem, b->w[i], d, &rem);
    big_trim(b);
    return rem;
}

/* r = a + b; r may alias either. */
static void big_add(struct big *r, const struct big *a, const struct big *b)
{
    int n = a->n > b->n ? a->n : b->n;
    uint64_t carry = 0;
    for (int i = 0; i < n; i++) {
        u128 t = (u128)a->w[i] + b->w[i] + carry;
        r->w[i] = (uint64_t)t;
        carry = (uint64_t)(t >> 64);
    }
    for (int i = n; i < BIG_N; i++)
        r->w[i] = 0;
    r->n = n;
    if (carry) {
        assert(n < BIG_N);
        r->w[r->n++] = carry;
    }
}

/* r = a - b for a >= b; r may alias either. */
static void big_sub(struct big *r, const struct big *a, const struct big *b)
{
    uint64_t borrow = 0;
    int n = a->n;
    for (int i = 0; i < n; i++) {
        uint64_t x = a->w[i], y = b->w[i];
        uint64_t d = x - y - borrow;
        borrow = (x < y) || (x - y < borrow);
        r->w[i] = d;
    }
    assert(borrow == 0);
    for (int i = n; i < BIG_N; i++)
        r->w[i] = 0;
    r->n = n;
    big_trim(r);
}

/* r = a * b; r must not alias a or b. */
static void big_mul(struct big *r, const struct big *a, const struct big *b)
{
    big_zero(r);
    if (a->n == 0 || b->n == 0)
        return;
    assert(a->n + b->n <= BIG_N);
    for (int i = 0; i < a->n; i++) {
        uint64_t carry = 0;
        for (int j = 0; j < b->n; j++) {
            u128 t = (u128)a->w[i] * b->w[j] + r->w[i + j] + carry;
            r->w[i + j] = (uint64_t)t;
            carry = (uint64_t)(t >> 64);
        }
        r->w[i + b->n] = carry;
    }
    r->n = a->n + b->n;
    big_trim(r);
}

/*
 * q = a / b and r = a % b for b != 0 (either output may be NULL; neither may
 * alias an input). Knuth's algorithm D with 64-bit digits: normalise so the
 * divisor's top bit is set, estimate each quotient digit from the top two
 * dividend digits, correct it at most twice, multiply and subtract, and add
 * back in the rare case the estimate was still one too large.
 */
static void big_divmod(struct big *q, struct big *r, const struct big *a, const struct big *b)
{
    assert(b->n > 0);
    if (big_cmp(a, b) < 0) {
        if (r)
            *r = *a;
        if (q)
            big_zero(q);
        return;
    }
    if (b->n == 1) {
        struct big t = *a;
        uint64_t rem = big_div_small(&t, b->w[0]);
        if (q)
            *q = t;
        if (r)
            big_from_u64(r, rem);
        return;
    }
    int n = b->n, m = a->n - n;
    int sh = __builtin_clzll(b->w[n - 1]);
    uint64_t vn[BIG_N], un[BIG_N + 1], qw[BIG_N];
    for (int i = n - 1; i > 0; i--)
        vn[i] = b->w[i] << sh | (sh ? b->w[i - 1] >> (64 - sh) : 0);
    vn[0] = b->w[0] << sh;
    un[a->n] = sh ? a->w[a->n - 1] >> (64 - sh) : 0;
    for (int i = a->n - 1; i > 0; i--)
        un[i] = a->w[i] << sh | (sh ? a->w[i - 1] >> (64 - sh) : 0);
    un[0] = a->w[0] << sh;

    for (int j = m; j >= 0; j--) {
        u128 num = (u128)un[j + n] << 64 | un[j + n - 1];
        u128 qhat = num / vn[n - 1];
        u128 rhat = num - qhat * vn[n - 1];
        while ((qhat >> 64) != 0 || qhat * vn[n - 2] > (rhat << 64 | un[j + n - 2])) {
            qhat--;
            rhat += vn[n - 1];
            if ((rhat >> 64) != 0)
                break;
        }
        /* Multiply and subtract; k carries the borrow, which can reach 2^64. */
        __int128 k = 0, t;
        for (int i = 0; i < n; i++) {
            u128 p = qhat * vn[i];
            t = (__int128)un[i + j] - k - (__int128)(uint64_t)p;
            un[i + j] = (uint64_t)t;
            k = (__int128)(uint64_t)(p >> 64) - (t >> 64);
        }
        t = (__int128)un[j + n] - k;
        un[j + n] = (uint64_t)t;
        qw[j] = (uint64_t)qhat;
        if (t < 0) {
            qw[j]--;
            u128 c = 0;
            for (int i = 0; i < n; i++) {
                c += (u128)un[i + j] + vn[i];
                un[i + j] = (uint64_t)c;
                c >>= 64;
            }
            un[j + n] += (uint64_t)c;
        }
    }
    if (q) {
        big_zero(q);
        for (int i = 0; i <= m; i++)
            q->w[i] = qw[i];
        q->n = m + 1;
        big_trim(q);
    }
    if (r) {
        big_zero(r);
        for (int i = 0; i < n; i++)
            r->w[i] = un[i] >> sh | (sh ? un[i + 1] << (64 - sh) : 0);
        r->n = n;
        big_trim(r);
    }
}

/* Decimal digits of b (0 for zero). */
static int big_ndigits(const struct big *b)
{
    if (b->n == 0)
        return 0;
    int bits = 64 * b->n - __builtin_clzll(b->w[b->n - 1]);
    /* 1233/4096 is just below log10(2), so this never overshoots. */
    int d = (bits * 1233) >> 12;
    while (d < POW10_N && big_cmp(b, &pow10_big[d]) >= 0)
        d++;
    return d;
}

static int u64_ndigits(uint64_t v)
{
    if (v == 0)
        return 0;
    int bits = 64 - __builtin_clzll(v);
    int d = (bits * 1233) >> 12;
    while (d < 20 && v >= p10[d])
        d++;
    return d;
}

__attribute__((constructor)) static void tables_init(void)
{
    big_from_u64(&pow10_big[0], 1);
    for (int i = 1; i < POW10_N; i++) {
        pow10_big[i] = pow10_big[i - 1];
        big_mul_small(&pow10_big[i], 10);
    }
    struct big one;
    big_from_u64(&one, 1);
    big_sub(&max_value, &pow10_big[DECIMAL_MAX_DIGITS], &one);
    for (int m = 1; m <= DECIMAL_MAX_PRECISION; m++) {
        /* Bits of 10^m - 1 (the same as of 10^m), one sign bit, rounded up to bytes. */
        const struct big *p = &pow10_big[m];
        int bits = 64 * p->n - __builtin_clzll(p->w[p->n - 1]);
        key_bytes[m] = (uint8_t)(bits / 8 + 1);
    }
}

/* ---- Values ------------------------------------------------------------- */

static inline int fits64(const struct decimal *d)
{
    return (d->coef[1] | d->coef[2] | d->coef[3]) == 0;
}

static inline int fits128(const struct decimal *d)
{
    return (d->coef[2] | d->coef[3]) == 0;
}

static inline u128 get128(const struct decimal *d)
{
    return (u128)d->coef[1] << 64 | d->coef[0];
}

static inline void put128(struct decimal *d, u128 v, int scale, int neg)
{
    d->coef[0] = (uint64_t)v;
    d->coef[1] = (uint64_t)(v >> 64);
    d->coef[2] = 0;
    d->coef[3] = 0;
    d->scale = (uint8_t)scale;
    d->neg = (uint8_t)(neg && v != 0);
}

/*
 * The magnitude of d times 10^k in 128 bits, when that surely fits
 * (d < 2^64 and k <= 19, or k == 0 and d < 2^128). Returns 0 otherwise.
 */
static inline int scaled128(const struct decimal *d, int k, u128 *x)
{
    if (k == 0) {
        *x = get128(d);
        return 1;
    }
    if (d->coef[1] != 0 || k > 19)
        return 0;
    *x = (u128)d->coef[0] * p10[k];
    return 1;
}

/* Stores a magnitude that fits the limits. */
static void store(struct decimal *out, const struct big *mag, int scale, int neg)
{
    assert(mag->n <= 4);
    assert(big_cmp(mag, &max_value) <= 0);
    assert(scale >= 0 && scale <= DECIMAL_MAX_FRAC);
    memcpy(out->coef, mag->w, sizeof out->coef);
    out->scale = (uint8_t)scale;
    out->neg = (uint8_t)(neg && mag->n != 0);
}

/* Sets *out to the largest value of the sign and returns DECIMAL_OVERFLOW. */
static int overflow(struct decimal *out, int neg)
{
    store(out, &max_value, 0, neg);
    return err_set(DECIMAL_OVERFLOW, "decimal value out of range: more than %d integer digits",
                   DECIMAL_MAX_DIGITS);
}

/*
 * mag /= 10^k, rounding per mode (neg is the sign of the value, for FLOOR and
 * CEIL). Returns 1 when nonzero digits were dropped.
 */
static int drop_digits(struct big *mag, int k, enum round_mode mode, int neg)
{
    if (k <= 0 || mag->n == 0)
        return 0;
    int inexact, half;
    if (k <= 19) {
        uint64_t r = big_div_small(mag, p10[k]);
        inexact = r != 0;
        half = r >= p10[k] / 2;
    } else if (k >= POW10_N) {
        /* Every digit goes; mag < 10^159 / 2, so it is below the half. */
        big_zero(mag);
        inexact = 1;
        half = 0;
    } else {
        struct big q, r, r2;
        big_divmod(&q, &r, mag, &pow10_big[k]);
        inexact = r.n != 0;
        big_add(&r2, &r, &r);
        half = big_cmp(&r2, &pow10_big[k]) >= 0;
        *mag = q;
    }
    int up = 0;
    switch (mode) {
    case RND_TRUNC:
        break;
    case RND_HALF_UP:
        up = half;
        break;
    case RND_FLOOR:
        up = inexact && neg;
        break;
    case RND_CEIL:
        up = inexact && !neg;
        break;
    }
    if (up)
        big_add_small(mag, 1);
    return inexact;
}

/*
 * Stores mag / 10^scale with sign neg, cutting fractional digits beyond
 * max_frac or beyond DECIMAL_MAX_DIGITS in all. Returns 0, DECIMAL_TRUNCATED
 * (nonzero digits cut), or DECIMAL_OVERFLOW (the integer part is too long).
 */
static int finish(struct decimal *out, struct big *mag, int scale, int max_frac, int neg)
{
    int nd = big_ndigits(mag);
    int intg = nd - scale;
    if (intg > DECIMAL_MAX_DIGITS)
        return overflow(out, neg);
    int target = scale < max_frac ? scale : max_frac;
    if (intg > 0 && target > DECIMAL_MAX_DIGITS - intg)
        target = DECIMAL_MAX_DIGITS - intg;
    int rc = 0;
    if (target < scale) {
        if (drop_digits(mag, scale - target, RND_TRUNC, neg))
            rc = DECIMAL_TRUNCATED;
        scale = target;
    }
    store(out, mag, scale, neg);
    return rc;
}

void decimal_set_zero(struct decimal *d, int scale)
{
    memset(d->coef, 0, sizeof d->coef);
    d->scale = (uint8_t)(scale < 0 ? 0 : scale > DECIMAL_MAX_FRAC ? DECIMAL_MAX_FRAC : scale);
    d->neg = 0;
}

void decimal_from_uint64(struct decimal *d, uint64_t v)
{
    put128(d, v, 0, 0);
}

void decimal_from_int64(struct decimal *d, int64_t v)
{
    uint64_t m = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
    put128(d, m, 0, v < 0);
}

int decimal_intg_digits(const struct decimal *d)
{
    int nd;
    if (fits64(d)) {
        nd = u64_ndigits(d->coef[0]);
    } else {
        struct big b;
        big_from_dec(&b, d);
        nd = big_ndigits(&b);
    }
    return nd > d->scale ? nd - d->scale : 0;
}

/* ---- Text --------------------------------------------------------------- */

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* The digit string int_part ++ frac_part, read by index. */
struct digits {
    const char *a; /* Integer-part digits. */
    int64_t a_len; /* Their count. */
    const char *b; /* Fraction digits. */
};

static inline int digit_at(const struct digits *s, int64_t i)
{
    return (i < s->a_len ? s->a[i] : s->b[i - s->a_len]) - '0';
}

int decimal_from_str(struct decimal *d, const char *s, size_t len, unsigned flags)
{
    const char *p = s, *end = s + len;
    while (p < end && is_space(*p))
        p++;
    int neg = 0;
    if (p < end && (*p == '-' || *p == '+'))
        neg = *p++ == '-';
    const char *int_start = p;
    while (p < end && is_digit(*p))
        p++;
    int64_t n_int = p - int_start;
    const char *frac_start = p;
    int64_t n_frac = 0;
    if (p < end && *p == '.') {
        frac_start = ++p;
        while (p < end && is_digit(*p))
            p++;
        n_frac = p - frac_start;
    }
    if (n_int + n_frac == 0) {
        decimal_set_zero(d, 0);
        return err_set(DECIMAL_BAD_NUM, "not a decimal number: '%.*s'", len > 64 ? 64 : (int)len,
                       s);
    }
    int64_t exp = 0;
    if ((flags & DECIMAL_PARSE_EXP) && p < end && (*p == 'e' || *p == 'E')) {
        const char *q = p + 1;
        int eneg = 0;
        if (q < end && (*q == '-' || *q == '+'))
            eneg = *q++ == '-';
        if (q < end && is_digit(*q)) {
            /* Saturate: any exponent past a million overflows or underflows anyway. */
            while (q < end && is_digit(*q)) {
                if (exp < 1000000)
                    exp = exp * 10 + (*q - '0');
                q++;
            }
            if (eneg)
                exp = -exp;
            p = q;
        }
    }
    int notes = 0;
    while (p < end && is_space(*p))
        p++;
    if (p < end)
        notes |= DECIMAL_TRAILING;

    /*
     * The number is the integer seq (all digits) / 10^f. Skip leading zeros,
     * pick the scale that fits the limits, and read the digits that stay.
     */
    struct digits seq = {int_start, n_int, frac_start};
    int64_t total = n_int + n_frac, z = 0;
    while (z < total && digit_at(&seq, z) == 0)
        z++;
    int64_t n = total - z, f = n_frac - exp;
    if (n == 0) {
        decimal_set_zero(d, f < 0 ? 0 : (int)(f > DECIMAL_MAX_FRAC ? DECIMAL_MAX_FRAC : f));
        return notes;
    }
    int64_t intg = n - f;
    if (intg > DECIMAL_MAX_DIGITS)
        return overflow(d, neg);
    int64_t scale = f < 0 ? 0 : f > DECIMAL_MAX_FRAC ? DECIMAL_MAX_FRAC : f;
    if (intg > 0 && scale > DECIMAL_MAX_DIGITS - intg)
        scale = DECIMAL_MAX_DIGITS - intg;
    int64_t keep = f >= scale ? n - (f - scale) : n;
    struct big mag;
    big_zero(&mag);
    uint64_t chunk = 0;
    int in_chunk = 0;
    for (int64_t i = 0; i < keep; i++) {
        chunk = chunk * 10 + (uint64_t)digit_at(&seq, z + i);
        if (++in_chunk == 19) {
            big_mul_small(&mag, p10[19]);
            big_add_small(&mag, chunk);
            chunk = 0;
            in_chunk = 0;
        }
    }
    if (in_chunk) {
        big_mul_small(&mag, p10[in_chunk]);
        big_add_small(&mag, chunk);
    }
    for (int64_t i = keep < 0 ? 0 : keep; i < n; i++) {
        if (digit_at(&seq, z + i) != 0) {
            notes |= DECIMAL_TRUNCATED; /* Cut, as MySQL cuts when its buffer is full. */
            break;
        }
    }
    if (f < 0)
        big_mul_pow10(&mag, (int)-f);
    store(d, &mag, (int)scale, neg);
    return notes;
}

/* Writes the digits of v (none for 0) to out; returns their count. */
static int u64_to_digits(uint64_t v, char *out)
{
    char tmp[20];
    int n = 0;
    while (v) {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    }
    for (int i = 0; i < n; i++)
        out[i] = tmp[n - 1 - i];
    return n;
}

/* Writes the digits of the coefficient (none for 0); returns their count (<= 77). */
static int coef_to_digits(const struct decimal *d, char *out)
{
    if (fits64(d))
        return u64_to_digits(d->coef[0], out);
    struct big b;
    big_from_dec(&b, d);
    uint64_t chunk[5];
    int nc = 0;
    while (b.n > 0)
        chunk[nc++] = big_div_small(&b, p10[19]);
    int n = u64_to_digits(chunk[nc - 1], out);
    for (int c = nc - 2; c >= 0; c--) {
        uint64_t v = chunk[c];
        for (int i = 18; i >= 0; i--) {
            out[n + i] = (char)('0' + v % 10);
            v /= 10;
        }
        n += 19;
    }
    return n;
}

/* Prints d with its own scale plus pad zeros. */
static size_t print(const struct decimal *d, int pad, char *buf)
{
    char dig[DECIMAL_MAX_DIGITS + 1];
    int nd = coef_to_digits(d, dig), s = d->scale;
    char *p = buf;
    if (d->neg)
        *p++ = '-';
    if (nd <= s) {
        *p++ = '0';
        if (s + pad > 0)
            *p++ = '.';
        memset(p, '0', (size_t)(s - nd));
        p += s - nd;
        memcpy(p, dig, (size_t)nd);
        p += nd;
    } else {
        memcpy(p, dig, (size_t)(nd - s));
        p += nd - s;
        if (s + pad > 0)
            *p++ = '.';
        memcpy(p, dig + nd - s, (size_t)s);
        p += s;
    }
    memset(p, '0', (size_t)pad);
    p += pad;
    *p = '\0';
    return (size_t)(p - buf);
}

/* Forward: rounds to exactly d digits after the point (d may be negative). */
static int rescale(struct decimal *out, const struct decimal *x, int d, enum round_mode mode);

size_t decimal_to_str(const struct decimal *d, char *buf)
{
    return print(d, 0, buf);
}

size_t decimal_to_str_scale(const struct decimal *d, int scale, char *buf)
{
    if (scale < 0)
        scale = 0;
    if (scale > DECIMAL_MAX_FRAC)
        scale = DECIMAL_MAX_FRAC;
    if (scale >= d->scale)
        return print(d, scale - d->scale, buf);
    struct decimal t;
    /* Rounding a fraction away cannot overflow: the value had a digit to spare. */
    (void)rescale(&t, d, scale, RND_HALF_UP);
    return print(&t, 0, buf);
}

/* ---- Conversions ---------------------------------------------------------- */

/* The magnitude of d rounded half up to an integer, as a big. */
static void round_int(const struct decimal *d, struct big *v)
{
    big_from_dec(v, d);
    drop_digits(v, d->scale, RND_HALF_UP, d->neg);
}

int decimal_to_int64(const struct decimal *d, int64_t *out)
{
    uint64_t m;
    if (fits64(d) && d->scale <= 19) {
        m = d->coef[0] / p10[d->scale];
        if (d->scale > 0 && d->coef[0] % p10[d->scale] >= p10[d->scale] / 2)
            m++; /* Cannot wrap: the quotient is at most UINT64_MAX / 10. */
    } else {
        struct big v;
        round_int(d, &v);
        if (v.n > 1)
            goto out_of_range;
        m = v.w[0];
    }
    if (d->neg) {
        if (m > (uint64_t)INT64_MAX + 1)
            goto out_of_range;
        *out = m == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)m;
    } else {
        if (m > (uint64_t)INT64_MAX)
            goto out_of_range;
        *out = (int64_t)m;
    }
    return 0;
out_of_range:
    *out = d->neg ? INT64_MIN : INT64_MAX;
    return err_set(DECIMAL_OVERFLOW, "decimal value out of BIGINT range");
}

int decimal_to_uint64(const struct decimal *d, uint64_t *out)
{
    struct big v;
    round_int(d, &v);
    if (v.n == 0) {
        *out = 0;
        return 0;
    }
    if (d->neg) {
        *out = 0;
        return err_set(DECIMAL_OVERFLOW, "negative decimal value out of BIGINT UNSIGNED range");
    }
    if (v.n > 1) {
        *out = UINT64_MAX;
        return err_set(DECIMAL_OVERFLOW, "decimal value out of BIGINT UNSIGNED range");
    }
    *out = v.w[0];
    return 0;
}

double decimal_to_double(const struct decimal *d)
{
    if (fits64(d) && d->coef[0] <= (1ull << 53) && d->scale <= 22) {
        /* Both operands are exact doubles, so one division rounds correctly. */
        double x = (double)d->coef[0] / p10_dbl[d->scale];
        return d->neg ? -x : x;
    }
    char buf[DECIMAL_STR_MAX];
    decimal_to_str(d, buf);
    return strtod(buf, NULL);
}

int decimal_from_double(struct decimal *d, double v)
{
    if (isnan(v)) {
        decimal_set_zero(d, 0);
        return err_set(DECIMAL_BAD_NUM, "NaN is not a decimal number");
    }
    if (isinf(v))
        return overflow(d, v < 0);
    /*
     * The shortest text that reads back as v. If 15 significant digits do,
     * %.15g is already the shortest once %g drops trailing zeros: 15-digit
     * decimals are further apart than two doubles, so the shortest one,
     * padded, is the nearest 15-digit one.
     */
    char buf[40];
    int n = snprintf(buf, sizeof buf, "%.15g", v);
    if (strtod(buf, NULL) != v) {
        n = snprintf(buf, sizeof buf, "%.16g", v);
        if (strtod(buf, NULL) != v)
            n = snprintf(buf, sizeof buf, "%.17g", v);
    }
    return decimal_from_str(d, buf, (size_t)n, DECIMAL_PARSE_EXP);
}

/* ---- Comparison and arithmetic ---------------------------------------- */

/* Big magnitudes of a and b, both scaled to the larger scale s. */
static int align(const struct decimal *a, const struct decimal *b, struct big *x, struct big *y)
{
    int s = a->scale > b->scale ? a->scale : b->scale;
    big_from_dec(x, a);
    big_mul_pow10(x, s - a->scale);
    big_from_dec(y, b);
    big_mul_pow10(y, s - b->scale);
    return s;
}

int decimal_cmp(const struct decimal *a, const struct decimal *b)
{
    if (a->neg != b->neg)
        return a->neg ? -1 : 1;
    int c;
    u128 x, y;
    int s = a->scale > b->scale ? a->scale : b->scale;
    if (fits128(a) && fits128(b) && scaled128(a, s - a->scale, &x) &&
        scaled128(b, s - b->scale, &y)) {
        c = (x > y) - (x < y);
    } else {
        struct big bx, by;
        align(a, b, &bx, &by);
        c = big_cmp(&bx, &by);
    }
    return a->neg ? -c : c;
}

/* out = a + (-1)^bneg * |b|. */
static int add_signed(struct decimal *out, const struct decimal *a, const struct decimal *b,
                      int bneg)
{
    int s = a->scale > b->scale ? a->scale : b->scale;
    int aneg = a->neg;
    u128 x, y;
    if (fits128(a) && fits128(b) && scaled128(a, s - a->scale, &x) &&
        scaled128(b, s - b->scale, &y)) {
        if (aneg == bneg) {
            u128 r = x + y;
            if (r >= x) {
                put128(out, r, s, aneg);
                return 0;
            }
            /* Carried out of 128 bits: take the long way. */
        } else if (x >= y) {
            put128(out, x - y, s, aneg);
            return 0;
        } else {
            put128(out, y - x, s, bneg);
            return 0;
        }
    }
    struct big bx, by, r;
    align(a, b, &bx, &by);
    int neg;
    if (aneg == bneg) {
        big_add(&r, &bx, &by);
        neg = aneg;
    } else if (big_cmp(&bx, &by) >= 0) {
        big_sub(&r, &bx, &by);
        neg = aneg;
    } else {
        big_sub(&r, &by, &bx);
        neg = bneg;
    }
    return finish(out, &r, s, DECIMAL_MAX_FRAC, neg);
}

int decimal_add(struct decimal *out, const struct decimal *a, const struct decimal *b)
{
    return add_signed(out, a, b, b->neg);
}

int decimal_sub(struct decimal *out, const struct decimal *a, const struct decimal *b)
{
    return add_signed(out, a, b, !b->neg);
}

int decimal_mul(struct decimal *out, const struct decimal *a, const struct decimal *b)
{
    int s = a->scale + b->scale, neg = a->neg ^ b->neg;
    if (fits64(a) && fits64(b) && s <= DECIMAL_MUL_FRAC) {
        put128(out, (u128)a->coef[0] * b->coef[0], s, neg);
        return 0;
    }
    struct big x, y, p;
    big_from_dec(&x, a);
    big_from_dec(&y, b);
    big_mul(&p, &x, &y);
    return finish(out, &p, s, DECIMAL_MUL_FRAC, neg);
}

/*
 * Fractional digits of MySQL's quotient (do_div_mod): the operands' scales
 * count in whole 9-digit words, the padding they gain is taken out of the
 * increment, and the result is a whole number of words again.
 */
static int div_frac(int sa, int sb, int incr)
{
    int f1 = (sa + 8) / 9 * 9, f2 = (sb + 8) / 9 * 9;
    int i = incr - (f1 - sa) - (f2 - sb);
    if (i < 0)
        i = 0;
    int f = (f1 + f2 + i + 8) / 9 * 9;
    return f > DECIMAL_MAX_FRAC ? DECIMAL_MAX_FRAC : f;
}

int decimal_div(struct decimal *out, const struct decimal *a, const struct decimal *b, int incr)
{
    if (decimal_is_zero(b))
        return err_set(DECIMAL_DIV_ZERO, "division by zero");
    if (incr < 0)
        incr = 0;
    if (incr > DECIMAL_MAX_SCALE)
        incr = DECIMAL_MAX_SCALE;
    int f = div_frac(a->scale, b->scale, incr);
    int neg = a->neg ^ b->neg;
    /* |a| * 10^e / |b| is the quotient with f fractional digits; e >= 0 as f >= a.scale. */
    int e = f - a->scale + b->scale;
    if (fits64(a) && fits64(b) && e <= 19) {
        u128 num = (u128)a->coef[0] * p10[e];
        put128(out, num / b->coef[0], f, neg);
        return 0;
    }
    struct big x, y, q;
    big_from_dec(&x, a);
    big_mul_pow10(&x, e);
    big_from_dec(&y, b);
    big_divmod(&q, NULL, &x, &y);
    return finish(out, &q, f, DECIMAL_MAX_FRAC, neg);
}

int decimal_mod(struct decimal *out, const struct decimal *a, const struct decimal *b)
{
    if (decimal_is_zero(b))
        return err_set(DECIMAL_DIV_ZERO, "division by zero");
    int s = a->scale > b->scale ? a->scale : b->scale;
    int neg = a->neg;
    u128 x, y;
    if (fits128(a) && fits128(b) && scaled128(a, s - a->scale, &x) &&
        scaled128(b, s - b->scale, &y)) {
        put128(out, x % y, s, neg);
        return 0;
    }
    struct big bx, by, r;
    align(a, b, &bx, &by);
    big_divmod(NULL, &r, &bx, &by);
    /* |r| < |b| and |r| <= |a| at scale s, so it fits wherever a or b did. */
    return finish(out, &r, s, DECIMAL_MAX_FRAC, neg);
}

int decimal_div_int(struct decimal *out, const struct decimal *a, const struct decimal *b)
{
    if (decimal_is_zero(b))
        return err_set(DECIMAL_DIV_ZERO, "division by zero");
    int s = a->scale > b->scale ? a->scale : b->scale;
    int neg = a->neg ^ b->neg;
    u128 x, y;
    if (fits128(a) && fits128(b) && scaled128(a, s - a->scale, &x) &&
        scaled128(b, s - b->scale, &y)) {
        put128(out, x / y, 0, neg);
        return 0;
    }
    struct big bx, by, q;
    align(a, b, &bx, &by);
    big_divmod(&q, NULL, &bx, &by);
    return finish(out, &q, 0, DECIMAL_MAX_FRAC, neg);
}

void decimal_neg(struct decimal *out, const struct decimal *a)
{
    *out = *a;
    out->neg = (uint8_t)(!a->neg && !decimal_is_zero(a));
}

void decimal_abs(struct decimal *out, const struct decimal *a)
{
    *out = *a;
    out->neg = 0;
}

static int rescale(struct decimal *out, const struct decimal *x, int d, enum round_mode mode)
{
    int s = x->scale, neg = x->neg;
    struct big v;
    big_from_dec(&v, x);
    if (d >= s) {
        /* Padding; finish() takes zeros back off if 77 digits would not hold them. */
        big_mul_pow10(&v, d - s);
        int rc = finish(out, &v, d, DECIMAL_MAX_FRAC, neg);
        return rc < 0 ? rc : 0;
    }
    drop_digits(&v, s - d, mode, neg);
    int rs = d;
    if (d < 0) {
        big_mul_pow10(&v, -d);
        rs = 0;
    }
    /* A carry (99.9 -> 100) can add a digit; finish() reports 78. */
    int rc = finish(out, &v, rs, DECIMAL_MAX_FRAC, neg);
    return rc < 0 ? rc : 0;
}

/* ROUND/TRUNCATE's place argument, clamped: below -80 everything rounds to 0 anyway. */
static int clamp_places(int d)
{
    return d > DECIMAL_MAX_SCALE ? DECIMAL_MAX_SCALE : d < -80 ? -80 : d;
}

int decimal_round(struct decimal *out, const struct decimal *a, int d)
{
    return rescale(out, a, clamp_places(d), RND_HALF_UP);
}

int decimal_truncate(struct decimal *out, const struct decimal *a, int d)
{
    return rescale(out, a, clamp_places(d), RND_TRUNC);
}

int decimal_floor(struct decimal *out, const struct decimal *a)
{
    return rescale(out, a, 0, RND_FLOOR);
}

int decimal_ceil(struct decimal *out, const struct decimal *a)
{
    return rescale(out, a, 0, RND_CEIL);
}

static int valid_type(int precision, int scale)
{
    return precision >= 1 && precision <= DECIMAL_MAX_PRECISION && scale >= 0 &&
           scale <= DECIMAL_MAX_SCALE && scale <= precision;
}

static int bad_type(int precision, int scale)
{
    return err_set(ERR_INVALID, "bad type DECIMAL(%d,%d)", precision, scale);
}

int decimal_fit(struct decimal *d, int precision, int scale)
{
    if (!valid_type(precision, scale))
        return bad_type(precision, scale);
    struct big v;
    big_from_dec(&v, d);
    int rc = 0, neg = d->neg;
    if (d->scale <= scale)
        big_mul_pow10(&v, scale - d->scale);
    else if (drop_digits(&v, d->scale - scale, RND_HALF_UP, neg))
        rc = DECIMAL_TRUNCATED;
    if (big_cmp(&v, &pow10_big[precision]) >= 0) {
        struct big one;
        big_from_u64(&one, 1);
        big_sub(&v, &pow10_big[precision], &one);
        rc = err_set(DECIMAL_OVERFLOW, "value out of range for DECIMAL(%d,%d)", precision, scale);
    }
    store(d, &v, scale, neg);
    return rc;
}

/* ---- Declared types ----------------------------------------------------- */

static struct decimal_type make_type(int precision, int scale)
{
    if (scale < 0)
        scale = 0;
    if (scale > DECIMAL_MAX_SCALE)
        scale = DECIMAL_MAX_SCALE;
    if (precision > DECIMAL_MAX_PRECISION)
        precision = DECIMAL_MAX_PRECISION;
    if (precision < scale)
        precision = scale;
    if (precision < 1)
        precision = 1;
    return (struct decimal_type){(uint8_t)precision, (uint8_t)scale};
}

struct decimal_type decimal_type_add(struct decimal_type a, struct decimal_type b)
{
    int s = a.scale > b.scale ? a.scale : b.scale;
    int ia = a.precision - a.scale, ib = b.precision - b.scale;
    return make_type((ia > ib ? ia : ib) + s + 1, s);
}

struct decimal_type decimal_type_mul(struct decimal_type a, struct decimal_type b)
{
    return make_type(a.precision + b.precision, a.scale + b.scale);
}

struct decimal_type decimal_type_div(struct decimal_type a, struct decimal_type b, int incr)
{
    return make_type(a.precision + b.scale + incr, a.scale + incr);
}

struct decimal_type decimal_type_mod(struct decimal_type a, struct decimal_type b)
{
    int s = a.scale > b.scale ? a.scale : b.scale;
    int la = a.precision + (a.scale > 0), lb = b.precision + (b.scale > 0);
    return make_type((la > lb ? la : lb) - (s > 0), s);
}

struct decimal_type decimal_type_sum(struct decimal_type a)
{
    return make_type(a.precision + DECIMAL_LONGLONG_DIGITS, a.scale);
}

struct decimal_type decimal_type_avg(struct decimal_type a, int incr)
{
    return make_type(a.precision + incr, a.scale + incr);
}

struct decimal_type decimal_type_round(struct decimal_type a, int d, int truncate)
{
    int s = d < 0 ? 0 : d > DECIMAL_MAX_SCALE ? DECIMAL_MAX_SCALE : d;
    int delta = a.scale - s;
    int p = a.precision - delta + (delta > 0 && !truncate ? 1 : 0);
    return make_type(p, s);
}

struct decimal_type decimal_type_of(const struct decimal *d)
{
    int intg = decimal_intg_digits(d);
    int s = d->scale > DECIMAL_MAX_SCALE ? DECIMAL_MAX_SCALE : d->scale;
    return make_type((intg > 0 ? intg : 1) + s, s);
}

/* ---- Encodings ------------------------------------------------------------ */

/*
 * The magnitude of d as an integer at the given scale, checked to fit
 * DECIMAL(precision, scale) exactly.
 */
static int scaled_exact(const struct decimal *d, int precision, int scale, struct big *v)
{
    if (!valid_type(precision, scale))
        return bad_type(precision, scale);
    big_from_dec(v, d);
    if (d->scale <= scale)
        big_mul_pow10(v, scale - d->scale);
    else if (drop_digits(v, d->scale - scale, RND_TRUNC, 0))
        return err_set(ERR_INVALID, "value has more than %d decimals: fit it first", scale);
    if (big_cmp(v, &pow10_big[precision]) >= 0)
        return err_set(DECIMAL_OVERFLOW, "value out of range for DECIMAL(%d,%d)", precision, scale);
    return 0;
}

size_t decimal_bin_size(int precision, int scale)
{
    if (!valid_type(precision, scale))
        return 0;
    int intg = precision - scale;
    return (size_t)((intg / 9) * 4 + dig2bytes[intg % 9] + (scale / 9) * 4 + dig2bytes[scale % 9]);
}

/* Writes the group of k digits at dig[*pos] big-endian in dig2bytes[k] bytes. */
static void put_group(uint8_t **o, const char *dig, int *pos, int k)
{
    uint32_t x = 0;
    for (int i = 0; i < k; i++)
        x = x * 10 + (uint32_t)(dig[*pos + i] - '0');
    *pos += k;
    for (int i = dig2bytes[k] - 1; i >= 0; i--)
        *(*o)++ = (uint8_t)(x >> (8 * i));
}

int decimal_bin_put(const struct decimal *d, int precision, int scale, uint8_t *out)
{
    struct big v;
    int rc = scaled_exact(d, precision, scale, &v);
    if (rc)
        return rc;
    /* All precision digits, zero-padded on the left. */
    struct decimal t;
    store(&t, &v, 0, 0);
    char raw[DECIMAL_MAX_DIGITS], dig[DECIMAL_MAX_PRECISION];
    int nd = coef_to_digits(&t, raw);
    memset(dig, '0', (size_t)(precision - nd));
    memcpy(dig + precision - nd, raw, (size_t)nd);

    int intg = precision - scale, pos = 0;
    uint8_t *o = out;
    put_group(&o, dig, &pos, intg % 9);
    for (int i = 0; i < intg / 9; i++)
        put_group(&o, dig, &pos, 9);
    for (int i = 0; i < scale / 9; i++)
        put_group(&o, dig, &pos, 9);
    put_group(&o, dig, &pos, scale % 9);
    size_t size = (size_t)(o - out);
    if (d->neg)
        for (size_t i = 0; i < size; i++)
            out[i] = (uint8_t)~out[i];
    out[0] ^= 0x80;
    return 0;
}

/* Reads a group of k digits; returns 0, or -1 when it is not k decimal digits. */
static int get_group(const uint8_t **p, int k, struct big *v)
{
    if (k == 0)
        return 0;
    uint32_t x = 0;
    for (int i = 0; i < dig2bytes[k]; i++)
        x = x << 8 | *(*p)++;
    if (x >= p10[k])
        return -1;
    big_mul_small(v, p10[k]);
    big_add_small(v, x);
    return 0;
}

int decimal_bin_get(struct decimal *d, int precision, int scale, const uint8_t *p, size_t len)
{
    size_t size = decimal_bin_size(precision, scale);
    if (size == 0)
        return bad_type(precision, scale);
    if (len < size)
        return err_set(ERR_CORRUPT, "decimal: %zu bytes, DECIMAL(%d,%d) needs %zu", len, precision,
                       scale, size);
    uint8_t b[DECIMAL_BIN_MAX];
    memcpy(b, p, size);
    int neg = !(b[0] & 0x80);
    b[0] ^= 0x80;
    if (neg)
        for (size_t i = 0; i < size; i++)
            b[i] = (uint8_t)~b[i];
    struct big v;
    big_zero(&v);
    const uint8_t *q = b;
    int intg = precision - scale, bad = get_group(&q, intg % 9, &v);
    for (int i = 0; i < intg / 9; i++)
        bad |= get_group(&q, 9, &v);
    for (int i = 0; i < scale / 9; i++)
        bad |= get_group(&q, 9, &v);
    bad |= get_group(&q, scale % 9, &v);
    if (bad)
        return err_set(ERR_CORRUPT, "decimal: digit group out of range for DECIMAL(%d,%d)",
                       precision, scale);
    if (neg && v.n == 0)
        return err_set(ERR_CORRUPT, "decimal: negative zero");
    store(d, &v, scale, neg);
    return 0;
}

size_t decimal_key_size(int precision)
{
    if (precision < 1 || precision > DECIMAL_MAX_PRECISION)
        return 0;
    return key_bytes[precision];
}

/* Two's-complement negation of n big-endian bytes. */
static void negate_bytes(uint8_t *b, size_t n)
{
    unsigned carry = 1;
    for (size_t i = n; i-- > 0;) {
        unsigned x = (uint8_t)~b[i] + carry;
        b[i] = (uint8_t)x;
        carry = x >> 8;
    }
}

int decimal_key_put(const struct decimal *d, int precision, int scale, uint8_t *out)
{
    struct big v;
    int rc = scaled_exact(d, precision, scale, &v);
    if (rc)
        return rc;
    size_t n = key_bytes[precision];
    for (size_t i = 0; i < n; i++)
        out[n - 1 - i] = (uint8_t)(v.w[i / 8] >> (8 * (i % 8)));
    if (d->neg)
        negate_bytes(out, n);
    out[0] ^= 0x80;
    return 0;
}

int decimal_key_get(struct decimal *d, int precision, int scale, const uint8_t *p, size_t len)
{
    if (!valid_type(precision, scale))
        return bad_type(precision, scale);
    size_t n = key_bytes[precision];
    if (len < n)
        return err_set(ERR_CORRUPT, "decimal key: %zu bytes, DECIMAL(%d,%d) needs %zu", len,
                       precision, scale, n);
    uint8_t b[DECIMAL_KEY_MAX];
    memcpy(b, p, n);
    b[0] ^= 0x80;
    int neg = b[0] >> 7;
    if (neg)
        negate_bytes(b, n);
    struct big v;
    big_zero(&v);
    for (size_t i = 0; i < n; i++)
        v.w[i / 8] |= (uint64_t)b[n - 1 - i] << (8 * (i % 8));
    v.n = BIG_N;
    big_trim(&v);
    if (big_cmp(&v, &pow10_big[precision]) >= 0)
        return err_set(ERR_CORRUPT, "decimal key: value out of range for DECIMAL(%d,%d)", precision,
                       scale);
    store(d, &v, scale, neg);
    return 0;
}

const char *decimal_status_str(int rc)
{
    switch (rc) {
    case DECIMAL_TRUNCATED:
        return "DECIMAL_TRUNCATED";
    case DECIMAL_TRAILING:
        return "DECIMAL_TRAILING";
    case DECIMAL_TRUNCATED | DECIMAL_TRAILING:
        return "DECIMAL_TRUNCATED|DECIMAL_TRAILING";
    case DECIMAL_OVERFLOW:
        return "DECIMAL_OVERFLOW";
    case DECIMAL_DIV_ZERO:
        return "DECIMAL_DIV_ZERO";
    case DECIMAL_BAD_NUM:
        return "DECIMAL_BAD_NUM";
    default:
        return err_name(rc);
    }
}
