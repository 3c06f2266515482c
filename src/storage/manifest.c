/*
 * manifest.c: encode, decode and atomically replace a tablet's MANIFEST.
 * Little-endian fixed-width fields followed by a masked CRC-32C of everything
 * before it; see storage/README.md for the table.
 */
#include "storage/manifest.h"

#include "base/coding.h"
#include "base/crc32c.h"
#include "base/err.h"
#include "base/mem.h"

#include <stdio.h>

#define MANIFEST_MAGIC 0x464d5441u /* "ATMF" little-endian. */
#define MANIFEST_VERSION 1u
#define MANIFEST_FIXED 48u /* Bytes before the delta list. */

int manifest_encode(const struct manifest *m, uint8_t **out, size_t *out_len)
{
    size_t len = MANIFEST_FIXED + 8u * m->n_deltas + 4u;
    uint8_t *p = mem_alloc(len);
    if (!p)
        return err_set(ERR_NOMEM, "manifest: out of memory");
    le32_put(p, MANIFEST_MAGIC);
    le32_put(p + 4, MANIFEST_VERSION);
    le64_put(p + 8, m->tablet_id);
    le64_put(p + 16, m->flushed_lsn);
    le64_put(p + 24, m->next_file);
    le64_put(p + 32, m->baseline);
    le32_put(p + 40, m->n_deltas);
    le32_put(p + 44, 0);
    for (uint32_t i = 0; i < m->n_deltas; i++)
        le64_put(p + MANIFEST_FIXED + 8u * i, m->deltas[i]);
    le32_put(p + len - 4, crc32c_mask(crc32c(0, p, len - 4)));
    *out = p;
    *out_len = len;
    return 0;
}

int manifest_decode(const uint8_t *p, size_t len, struct manifest *m)
{
    if (len < MANIFEST_FIXED + 4)
        return err_set(ERR_CORRUPT, "manifest: %zu bytes is too short", len);
    if (le32_get(p) != MANIFEST_MAGIC)
        return err_set(ERR_CORRUPT, "manifest: bad magic");
    if (le32_get(p + len - 4) != crc32c_mask(crc32c(0, p, len - 4)))
        return err_set(ERR_CORRUPT, "manifest: checksum mismatch");
    if (le32_get(p + 4) != MANIFEST_VERSION)
        return err_set(ERR_CORRUPT, "manifest: unknown format version %u", le32_get(p + 4));
    uint32_t n = le32_get(p + 40);
    if (n > MANIFEST_MAX_DELTAS || len != MANIFEST_FIXED + 8u * n + 4u)
        return err_set(ERR_CORRUPT, "manifest: bad delta count %u for %zu bytes", n, len);
    m->tablet_id = le64_get(p + 8);
    m->flushed_lsn = le64_get(p + 16);
    m->next_file = le64_get(p + 24);
    m->baseline = le64_get(p + 32);
    m->n_deltas = n;
    m->deltas = mem_alloc(8u * (n ? n : 1));
    if (!m->deltas)
        return err_set(ERR_NOMEM, "manifest: out of memory");
    for (uint32_t i = 0; i < n; i++)
        m->deltas[i] = le64_get(p + MANIFEST_FIXED + 8u * i);
    return 0;
}

int manifest_write(const struct os_vfs *vfs, const char *dir, const struct manifest *m)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/MANIFEST", dir);
    uint8_t *p;
    size_t len;
    int rc = manifest_encode(m, &p, &len);
    if (rc)
        return rc;
    rc = os_write_file_atomic(vfs, path, p, len);
    mem_free(p);
    return rc ? err_prefix(rc, "write manifest of tablet %llu", (unsigned long long)m->tablet_id) : 0;
}

int manifest_read(const struct os_vfs *vfs, const char *dir, struct manifest *m)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/MANIFEST", dir);
    uint8_t *p;
    size_t len;
    int rc = os_read_file(vfs, path, &p, &len);
    if (rc)
        return rc;
    rc = manifest_decode(p, len, m);
    mem_free(p);
    return rc ? err_prefix(rc, "%s", path) : 0;
}

void manifest_deinit(struct manifest *m)
{
    mem_free(m->deltas);
    m->deltas = NULL;
    m->n_deltas = 0;
}
