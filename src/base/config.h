/*
 * config.h: parsing of configuration values and files.
 *
 * A config file has one "key = value" per line; '#' starts a comment; keys use
 * the same names as the command-line flags without the leading dashes
 * (data-dir, port, memory, ...). Values are parsed by the owner of each key.
 */
#ifndef ATOLL_BASE_CONFIG_H
#define ATOLL_BASE_CONFIG_H

#include <stdint.h>

/* Parses "123", "64K", "16M", "2G", "1T" (binary units, optional trailing B/iB). Returns 0 or ERR_INVALID. */
int config_parse_size(const char *s, uint64_t *out);

/* Parses a non-negative decimal integer up to max. Returns 0 or ERR_INVALID. */
int config_parse_uint(const char *s, uint64_t max, uint64_t *out);

/* Parses on/off, true/false, yes/no, 1/0. Returns 0 or ERR_INVALID. */
int config_parse_bool(const char *s, int *out);

/* Parses "HH:MM-HH:MM" into minutes after midnight. Returns 0 or ERR_INVALID. */
int config_parse_window(const char *s, int *start_min, int *end_min);

/* Called for each key/value of a file; return non-zero to stop (that value is returned). */
typedef int (*config_kv_cb)(const char *key, const char *value, int line, void *arg);

/* Reads path and calls cb for each pair. Returns 0, the callback's non-zero
 * value, or an ERR_* code (ERR_NOT_FOUND, ERR_INVALID with the line in err_msg()). */
int config_load_file(const char *path, config_kv_cb cb, void *arg);

#endif
