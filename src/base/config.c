/* config.c: value parsers and the key = value file reader (see config.h). */
#include "base/config.h"

#include "base/err.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int config_parse_uint(const char *s, uint64_t max, uint64_t *out)
{
    if (!s || !isdigit((unsigned char)*s))
        return err_set(ERR_INVALID, "'%s' is not a number", s ? s : "");
    errno = 0;
    char *end;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end != '\0' || v > max)
        return err_set(ERR_INVALID, "'%s' is not a number up to %llu", s,
                       (unsigned long long)max);
    *out = v;
    return 0;
}

int config_parse_size(const char *s, uint64_t *out)
{
    if (!s || !isdigit((unsigned char)*s))
        return err_set(ERR_INVALID, "'%s' is not a size", s ? s : "");
    errno = 0;
    char *end;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno)
        return err_set(ERR_INVALID, "'%s' is not a size", s);
    uint64_t mult = 1;
    switch (toupper((unsigned char)*end)) {
    case 'K': mult = 1ULL << 10; end++; break;
    case 'M': mult = 1ULL << 20; end++; break;
    case 'G': mult = 1ULL << 30; end++; break;
    case 'T': mult = 1ULL << 40; end++; break;
    default: break;
    }
    if (mult > 1 && (*end == 'i' || *end == 'I'))
        end++;
    if (*end == 'b' || *end == 'B')
        end++;
    if (*end != '\0' || (v && mult > UINT64_MAX / v))
        return err_set(ERR_INVALID, "'%s' is not a size (use e.g. 512M or 2G)", s);
    *out = v * mult;
    return 0;
}

int config_parse_bool(const char *s, int *out)
{
    static const char *yes[] = {"1", "on", "true", "yes"};
    static const char *no[] = {"0", "off", "false", "no"};
    for (int i = 0; i < 4; i++) {
        if (!strcasecmp(s, yes[i])) {
            *out = 1;
            return 0;
        }
        if (!strcasecmp(s, no[i])) {
            *out = 0;
            return 0;
        }
    }
    return err_set(ERR_INVALID, "'%s' is not on or off", s);
}

int config_parse_window(const char *s, int *start_min, int *end_min)
{
    int h1, m1, h2, m2;
    char tail;
    if (sscanf(s, "%d:%d-%d:%d%c", &h1, &m1, &h2, &m2, &tail) != 4 || h1 < 0 ||
        h1 > 23 || h2 < 0 || h2 > 24 || m1 < 0 || m1 > 59 || m2 < 0 || m2 > 59)
        return err_set(ERR_INVALID, "'%s' is not a time window like 02:00-04:00", s);
    *start_min = h1 * 60 + m1;
    *end_min = h2 * 60 + m2;
    return 0;
}

static char *trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    char *e = s + strlen(s);
    while (e > s && isspace((unsigned char)e[-1]))
        *--e = '\0';
    return s;
}

int config_load_file(const char *path, config_kv_cb cb, void *arg)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return err_set(err_from_errno(errno), "config file %s: %s", path, strerror(errno));
    char line[4096];
    int lineno = 0, rc = 0;
    while (fgets(line, sizeof line, f)) {
        lineno++;
        char *hash = strchr(line, '#');
        if (hash)
            *hash = '\0';
        char *s = trim(line);
        if (*s == '\0')
            continue;
        char *eq = strchr(s, '=');
        if (!eq) {
            rc = err_set(ERR_INVALID, "config file %s line %d: expected key = value", path, lineno);
            break;
        }
        *eq = '\0';
        char *key = trim(s), *val = trim(eq + 1);
        if ((rc = cb(key, val, lineno, arg)) != 0)
            break;
    }
    fclose(f);
    return rc;
}
