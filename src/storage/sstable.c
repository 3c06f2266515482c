/*
 * sstable.c: writing and reading SSTables (see sstable.h, and the byte format
 * in storage/README.sstable.md and sstable_int.h).
 *
 * The file follows LevelDB's table format in spirit: data blocks of
 * prefix-compressed entries with restart points, an index with one entry per
 * data block, a bloom filter, a properties block and a fixed footer. Entries
 * are versions (key, ts, kind, value) in internal order; a key's versions may
 * span blocks. Each block is stored compressed (LZ4 or zstd) when that saves
 * at least an eighth, and carries a type byte and a masked CRC-32C.
 *
 * The file is in three parts:
 *  - pure encoders and decoders of the format (footer, properties, block
 *    trailer, block entries and cursor, index), which take bytes and lengths
 *    and never touch files; every check of untrusted bytes lives here, so the
 *    fuzzers exercise exactly what the reader runs;
 *  - the writer, which buffers one data block, appends each finished block to
 *    the file with pwrite, and writes the index, bloom, properties and footer
 *    at the end;
 *  - the reader, which loads the footer, index, bloom filter and properties
 *    at open and reads data blocks through the block cache, checking each
 *    block's CRC when it comes from disk.
 */
#include "storage/sstable.h"

#include "base/coding.h"
#include "base/crc32c.h"
#include "base/err.h"
#include "base/log.h"
#include "base/mem.h"
#include "storage/bloom.h"
#include "storage/compress.h"
#include "storage/sstable_int.h"

#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

/* ---- Footer and properties ---------------------------------------------- */

void sst__footer_encode(const struct sst_footer *f, uint8_t *out)
{
    le64_put(out + 0, f->index.offset);
    le64_put(out + 8, f->index.size);
    le64_put(out + 16, f->bloom.offset);
    le64_put(out + 24, f->bloom.size);
    le64_put(out + 32, f->props.offset);
    le64_put(out + 40, f->props.size);
    le32_put(out + 48, f->version);
    le32_put(out + 52, crc32c_mask(crc32c(0, out, 52)));
    le64_put(out + 56, SST_MAGIC);
}

/* Checks that handle h starts at *pos and fits before limit, then moves *pos past it. */
static int check_handle(const struct sst_handle *h, const char *what, uint64_t *pos,
                        uint64_t limit)
{
    if (h->offset != *pos)
        return err_set(ERR_CORRUPT, "%s block at offset %llu, expected %llu", what,
                       (unsigned long long)h->offset, (unsigned long long)*pos);
    if (h->size < SST_TRAILER_SIZE || h->size > limit - *pos)
        return err_set(ERR_CORRUPT, "%s block of %llu bytes at offset %llu does not fit", what,
                       (unsigned long long)h->size, (unsigned long long)h->offset);
    *pos += h->size;
    return 0;
}

int sst__footer_decode(const uint8_t *p, size_t len, uint64_t file_size, struct sst_footer *out)
{
    if (len != SST_FOOTER_SIZE)
        return err_set(ERR_CORRUPT, "footer of %zu bytes, expected %d", len, SST_FOOTER_SIZE);
    if (le64_get(p + 56) != SST_MAGIC)
        return err_set(ERR_CORRUPT, "bad magic number (not an SSTable)");
    if (crc32c_mask(crc32c(0, p, 52)) != le32_get(p + 52))
        return err_set(ERR_CORRUPT, "footer checksum mismatch");
    struct sst_footer f;
    f.index.offset = le64_get(p + 0);
    f.index.size = le64_get(p + 8);
    f.bloom.offset = le64_get(p + 16);
    f.bloom.size = le64_get(p + 24);
    f.props.offset = le64_get(p + 32);
    f.props.size = le64_get(p + 40);
    f.version = le32_get(p + 48);
    if (f.version != SST_FORMAT_VERSION)
        return err_set(ERR_UNSUPPORTED, "format version %u (this build reads %u)", f.version,
                       SST_FORMAT_VERSION);
    if (file_size < SST_FOOTER_SIZE)
        return err_set(ERR_CORRUPT, "file of %llu bytes is shorter than a footer",
                       (unsigned long long)file_size);
    uint64_t limit = file_size - SST_FOOTER_SIZE;
    if (f.index.offset > limit)
        return err_set(ERR_CORRUPT, "index block offset %llu is beyond the end %llu",
                       (unsigned long long)f.index.offset, (unsigned long long)limit);
    uint64_t pos = f.index.offset;
    int rc;
    if ((rc = check_handle(&f.index, "index", &pos, limit)) != 0 ||
        (rc = check_handle(&f.bloom, "bloom", &pos, limit)) != 0 ||
        (rc = check_handle(&f.props, "properties", &pos, limit)) != 0)
        return rc;
    if (pos != limit)
        return err_set(ERR_CORRUPT, "properties block ends at %llu, footer starts at %llu",
                       (unsigned long long)pos, (unsigned long long)limit);
    *out = f;
    return 0;
}

void sst__props_encode(const struct sstable_meta *m, uint8_t *out)
{
    le64_put(out + 0, m->file_id);
    le64_put(out + 8, m->n_entries);
    le64_put(out + 16, m->n_deletes);
    le64_put(out + 24, m->min_ts);
    le64_put(out + 32, m->max_ts);
    le64_put(out + 40, m->raw_bytes);
}

int sst__props_decode(const uint8_t *p, size_t len, struct sstable_meta *out)
{
    if (len != SST_PROPS_SIZE)
        return err_set(ERR_CORRUPT, "properties of %zu bytes, expected %d", len, SST_PROPS_SIZE);
    struct sstable_meta m;
    m.file_id = le64_get(p + 0);
    m.file_size = 0;
    m.n_entries = le64_get(p + 8);
    m.n_deletes = le64_get(p + 16);
    m.min_ts = le64_get(p + 24);
    m.max_ts = le64_get(p + 32);
    m.raw_bytes = le64_get(p + 40);
    if (m.n_deletes > m.n_entries)
        return err_set(ERR_CORRUPT, "properties: %llu tombstones among %llu versions",
                       (unsigned long long)m.n_deletes, (unsigned long long)m.n_entries);
    if (m.n_entries == 0 && (m.min_ts || m.max_ts || m.raw_bytes))
        return err_set(ERR_CORRUPT, "properties: no versions but timestamps or bytes");
    if (m.min_ts > m.max_ts)
        return err_set(ERR_CORRUPT, "properties: smallest timestamp %llu above largest %llu",
                       (unsigned long long)m.min_ts, (unsigned long long)m.max_ts);
    *out = m;
    return 0;
}

/* ---- Block trailer: compression and checksum ---------------------------- */

int sst__block_wrap(struct compress_ctx *ctx, int type, const uint8_t *raw, size_t len,
                    struct buf *out)
{
    size_t start = out->len;
    int used = COMPRESS_NONE;
    int rc;
    if (type != COMPRESS_NONE) {
        if ((rc = compress_encode(ctx, type, raw, len, out)) != 0)
            return rc;
        /* Compression must pay for the decompression on every read. */
        if (out->len - start <= len - len / 8)
            used = type;
        else
            out->len = start;
    }
    if (used == COMPRESS_NONE && (rc = buf_append(out, raw, len)) != 0)
        goto nomem;
    if ((rc = buf_put_u8(out, (uint8_t)used)) != 0)
        goto nomem;
    uint32_t crc = crc32c_mask(crc32c(0, out->data + start, out->len - start));
    if ((rc = buf_put_u32le(out, crc)) != 0)
        goto nomem;
    return 0;
nomem:
    out->len = start;
    return err_set(ERR_NOMEM, "block of %zu bytes: out of memory", len);
}

int sst__block_unwrap(const uint8_t *p, size_t len, size_t max_len, const uint8_t **raw,
                      size_t *raw_len, uint8_t **alloc)
{
    if (len < SST_TRAILER_SIZE)
        return err_set(ERR_CORRUPT, "block of %zu bytes is shorter than its trailer", len);
    size_t plen = len - SST_TRAILER_SIZE;
    if (crc32c_mask(crc32c(0, p, plen + 1)) != le32_get(p + plen + 1))
        return err_set(ERR_CORRUPT, "checksum mismatch");
    int type = p[plen];
    if (type == COMPRESS_NONE) {
        if (plen > max_len)
            return err_set(ERR_CORRUPT, "block of %zu bytes is beyond the limit %zu", plen,
                           max_len);
        *raw = p;
        *raw_len = plen;
        *alloc = NULL;
        return 0;
    }
    if (type != COMPRESS_LZ4 && type != COMPRESS_ZSTD)
        return err_set(ERR_CORRUPT, "unknown compression type %d", type);
    uint8_t *out;
    size_t out_len;
    int rc = compress_decode(type, p, plen, max_len, &out, &out_len);
    if (rc)
        return rc;
    *raw = out;
    *raw_len = out_len;
    *alloc = out;
    return 0;
}

/* ---- Raw blocks: entries, restart points, cursor ------------------------ */

static uint32_t restart_at(const struct sst_block *b, uint32_t i)
{
    return le32_get(b->restarts + 4 * (size_t)i);
}

int sst__block_parse(const uint8_t *p, size_t len, struct sst_block *out)
{
    if (len < 4)
        return err_set(ERR_CORRUPT, "block of %zu bytes has no restart count", len);
    uint32_t n = le32_get(p + len - 4);
    if (n > (len - 4) / 4)
        return err_set(ERR_CORRUPT, "restart count %u does not fit a block of %zu bytes", n,
                       len);
    struct sst_block b;
    b.data = p;
    b.data_len = len - 4 - 4 * (size_t)n;
    b.restarts = p + b.data_len;
    b.n_restarts = n;
    if (n == 0 && b.data_len != 0)
        return err_set(ERR_CORRUPT, "block has %zu bytes of entries but no restart point",
                       b.data_len);
    uint32_t prev = 0;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t r = restart_at(&b, i);
        if ((i == 0 && r != 0) || (i > 0 && r <= prev) || r >= b.data_len)
            return err_set(ERR_CORRUPT, "restart point %u at offset %u is out of place", i, r);
        prev = r;
    }
    *out = b;
    return 0;
}

int sst__entry_decode(const struct sst_block *b, size_t off, size_t prev_key_len,
                      int at_restart, struct sst_entry *e)
{
    if (off >= b->data_len)
        return err_set(ERR_CORRUPT, "entry offset %zu is beyond the entries (%zu bytes)", off,
                       b->data_len);
    const uint8_t *p = b->data + off, *end = b->data + b->data_len;
    uint64_t shared, unshared, vlen;
    size_t n;
    if ((n = varint_get(p, end, &shared)) == 0)
        return err_set(ERR_CORRUPT, "entry at offset %zu: bad shared length", off);
    p += n;
    if ((n = varint_get(p, end, &unshared)) == 0)
        return err_set(ERR_CORRUPT, "entry at offset %zu: bad key length", off);
    p += n;
    if ((n = varint_get(p, end, &vlen)) == 0)
        return err_set(ERR_CORRUPT, "entry at offset %zu: bad value length", off);
    p += n;
    if (at_restart && shared != 0)
        return err_set(ERR_CORRUPT, "entry at restart offset %zu shares %llu key bytes", off,
                       (unsigned long long)shared);
    if (shared > prev_key_len || shared > KV_KEY_MAX)
        return err_set(ERR_CORRUPT, "entry at offset %zu shares %llu bytes of a %zu-byte key",
                       off, (unsigned long long)shared, prev_key_len);
    if (unshared > KV_KEY_MAX - shared)
        return err_set(ERR_CORRUPT, "entry at offset %zu: key of %llu bytes is too long", off,
                       (unsigned long long)(shared + unshared));
    if (vlen > KV_VALUE_MAX)
        return err_set(ERR_CORRUPT, "entry at offset %zu: value of %llu bytes is too long", off,
                       (unsigned long long)vlen);
    size_t room = (size_t)(end - p);
    if (unshared > room || room - unshared < SST_ENTRY_FIXED ||
        vlen > room - unshared - SST_ENTRY_FIXED)
        return err_set(ERR_CORRUPT, "entry at offset %zu runs past the end of the entries", off);
    e->shared = (size_t)shared;
    e->unshared = (size_t)unshared;
    e->key_tail = p;
    p += unshared;
    e->ts = le64_get(p);
    e->kind = p[8];
    p += SST_ENTRY_FIXED;
    if (e->kind != KV_PUT && e->kind != KV_DELETE)
        return err_set(ERR_CORRUPT, "entry at offset %zu: unknown kind %u", off, e->kind);
    if (e->kind == KV_DELETE && vlen != 0)
        return err_set(ERR_CORRUPT, "entry at offset %zu: tombstone with a value", off);
    e->value = p;
    e->value_len = (size_t)vlen;
    e->next = (size_t)(p + vlen - b->data);
    return 0;
}

void sst__cursor_init(struct sst_cursor *c, const struct sst_block *b)
{
    c->blk = *b;
    c->valid = 0;
    c->off = c->next = 0;
    c->restart = 0;
    c->key_len = 0;
}

/* Decodes the entry at off into the cursor, rebuilding its key from the current one. */
static int cursor_load(struct sst_cursor *c, size_t off, int at_restart)
{
    struct sst_entry e;
    int rc = sst__entry_decode(&c->blk, off, at_restart ? 0 : c->key_len, at_restart, &e);
    if (rc) {
        c->valid = 0;
        return rc;
    }
    memcpy(c->key + e.shared, e.key_tail, e.unshared);
    c->key_len = e.shared + e.unshared;
    c->ts = e.ts;
    c->kind = e.kind;
    c->value = e.value;
    c->value_len = e.value_len;
    c->off = off;
    c->next = e.next;
    c->valid = 1;
    return 0;
}

int sst__cursor_seek_first(struct sst_cursor *c)
{
    c->valid = 0;
    if (c->blk.n_restarts == 0)
        return 0;
    c->restart = 0;
    return cursor_load(c, 0, 1);
}

int sst__cursor_next(struct sst_cursor *c)
{
    if (!c->valid)
        return 0;
    size_t off = c->next;
    if (off >= c->blk.data_len) {
        c->valid = 0;
        return 0;
    }
    int at = 0;
    if (c->restart + 1 < c->blk.n_restarts) {
        uint32_t r = restart_at(&c->blk, c->restart + 1);
        if (off == r) {
            c->restart++;
            at = 1;
        } else if (off > r) {
            c->valid = 0;
            return err_set(ERR_CORRUPT, "entry at offset %zu runs over restart point %u at %u",
                           c->off, c->restart + 1, r);
        }
    }
    return cursor_load(c, off, at);
}

int sst__cursor_seek_last(struct sst_cursor *c)
{
    c->valid = 0;
    if (c->blk.n_restarts == 0)
        return 0;
    c->restart = c->blk.n_restarts - 1;
    int rc = cursor_load(c, restart_at(&c->blk, c->restart), 1);
    while (rc == 0 && c->next < c->blk.data_len)
        rc = cursor_load(c, c->next, 0);
    return rc;
}

int sst__cursor_prev(struct sst_cursor *c)
{
    if (!c->valid)
        return 0;
    size_t target = c->off;
    if (target == 0) {
        c->valid = 0;
        return 0;
    }
    /* The previous entry is in the current restart run, or the run before
     * when the current entry opens its run; walk that run from its start. */
    uint32_t r = c->restart;
    if (restart_at(&c->blk, r) == target)
        r--;
    c->restart = r;
    int rc = cursor_load(c, restart_at(&c->blk, r), 1);
    while (rc == 0 && c->next < target)
        rc = cursor_load(c, c->next, 0);
    if (rc == 0 && c->next != target) {
        c->valid = 0;
        return err_set(ERR_CORRUPT, "entry at offset %zu overlaps the entry at %zu", c->off,
                       target);
    }
    return rc;
}

int sst__cursor_seek(struct sst_cursor *c, const uint8_t *key, size_t key_len, uint64_t ts)
{
    c->valid = 0;
    if (c->blk.n_restarts == 0)
        return 0;
    /* Binary search for the last restart point whose key is < the target:
     * keys at restart points are whole, so they decode without context. */
    uint32_t left = 0, right = c->blk.n_restarts - 1;
    while (left < right) {
        uint32_t mid = left + (right - left + 1) / 2;
        struct sst_entry e;
        int rc = sst__entry_decode(&c->blk, restart_at(&c->blk, mid), 0, 1, &e);
        if (rc)
            return rc;
        if (kv_internal_cmp(e.key_tail, e.unshared, e.ts, key, key_len, ts) < 0)
            left = mid;
        else
            right = mid - 1;
    }
    c->restart = left;
    int rc = cursor_load(c, restart_at(&c->blk, left), 1);
    while (rc == 0 && c->valid &&
           kv_internal_cmp(c->key, c->key_len, c->ts, key, key_len, ts) < 0)
        rc = sst__cursor_next(c);
    return rc;
}

/* ---- Index -------------------------------------------------------------- */

int sst__index_decode(const uint8_t *p, size_t len, uint64_t data_end, struct sst_index *out)
{
    struct sst_block b;
    int rc = sst__block_parse(p, len, &b);
    if (rc)
        return rc;
    out->e = NULL;
    out->n = 0;
    if (b.n_restarts > 0) {
        out->e = mem_alloc(b.n_restarts * sizeof *out->e);
        if (!out->e)
            return err_set(ERR_NOMEM, "index of %u blocks: out of memory", b.n_restarts);
    }
    size_t off = 0;
    uint64_t expect = 0;
    for (uint32_t i = 0; i < b.n_restarts; i++) {
        struct sst_entry e;
        if (restart_at(&b, i) != off) {
            rc = err_set(ERR_CORRUPT, "index entry %u is not at its restart point", i);
            goto fail;
        }
        if ((rc = sst__entry_decode(&b, off, 0, 1, &e)) != 0)
            goto fail;
        if (e.kind != KV_PUT) {
            rc = err_set(ERR_CORRUPT, "index entry %u has kind %u", i, e.kind);
            goto fail;
        }
        struct sst_handle h;
        const uint8_t *v = e.value, *vend = e.value + e.value_len;
        size_t n1 = varint_get(v, vend, &h.offset);
        size_t n2 = n1 ? varint_get(v + n1, vend, &h.size) : 0;
        if (!n1 || !n2 || n1 + n2 != e.value_len) {
            rc = err_set(ERR_CORRUPT, "index entry %u: bad block handle", i);
            goto fail;
        }
        /* expect <= data_end holds: each size was checked against the rest. */
        if (h.offset != expect || h.size < SST_TRAILER_SIZE || h.size > data_end - expect) {
            rc = err_set(ERR_CORRUPT,
                         "index entry %u: block of %llu bytes at offset %llu, expected one at "
                         "%llu ending by %llu",
                         i, (unsigned long long)h.size, (unsigned long long)h.offset,
                         (unsigned long long)expect, (unsigned long long)data_end);
            goto fail;
        }
        expect += h.size;
        struct sst_index_entry *x = &out->e[i];
        x->key = e.key_tail;
        x->key_len = e.unshared;
        x->ts = e.ts;
        x->handle = h;
        if (i > 0 && kv_internal_cmp(x[-1].key, x[-1].key_len, x[-1].ts, x->key, x->key_len,
                                     x->ts) >= 0) {
            rc = err_set(ERR_CORRUPT, "index entry %u is out of order", i);
            goto fail;
        }
        off = e.next;
    }
    if (off != b.data_len) {
        rc = err_set(ERR_CORRUPT, "index has %zu bytes after its last entry", b.data_len - off);
        goto fail;
    }
    if (expect != data_end) {
        rc = err_set(ERR_CORRUPT, "data blocks end at %llu but the index starts at %llu",
                     (unsigned long long)expect, (unsigned long long)data_end);
        goto fail;
    }
    out->n = b.n_restarts;
    return 0;
fail:
    sst__index_free(out);
    return rc;
}

void sst__index_free(struct sst_index *ix)
{
    mem_free(ix->e);
    ix->e = NULL;
    ix->n = 0;
}

size_t sst__index_seek(const struct sst_index *ix, const uint8_t *key, size_t key_len, uint64_t ts)
{
    size_t lo = 0, hi = ix->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const struct sst_index_entry *x = &ix->e[mid];
        if (kv_internal_cmp(x->key, x->key_len, x->ts, key, key_len, ts) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* ---- Block builder ------------------------------------------------------ */

void sst__builder_init(struct sst_builder *b, uint32_t interval)
{
    buf_init(&b->buf);
    buf_init(&b->restarts);
    buf_init(&b->last_key);
    b->interval = interval ? interval : 1;
    b->counter = b->interval;
    b->n_entries = 0;
}

void sst__builder_deinit(struct sst_builder *b)
{
    buf_deinit(&b->buf);
    buf_deinit(&b->restarts);
    buf_deinit(&b->last_key);
}

void sst__builder_reset(struct sst_builder *b)
{
    buf_reset(&b->buf);
    buf_reset(&b->restarts);
    buf_reset(&b->last_key);
    b->counter = b->interval;
    b->n_entries = 0;
}

int sst__builder_add(struct sst_builder *b, const uint8_t *key, size_t key_len, uint64_t ts,
                     uint8_t kind, const uint8_t *value, size_t value_len)
{
    size_t shared = 0;
    int rc;
    if (b->counter >= b->interval) {
        /* The first entry of a run stores its whole key. */
        if ((rc = buf_put_u32le(&b->restarts, (uint32_t)b->buf.len)) != 0)
            return rc;
        b->counter = 0;
    } else {
        size_t n = b->last_key.len < key_len ? b->last_key.len : key_len;
        while (shared < n && b->last_key.data[shared] == key[shared])
            shared++;
    }
    uint8_t fixed[SST_ENTRY_FIXED];
    le64_put(fixed, ts);
    fixed[8] = kind;
    /* The empty key may come as NULL: no arithmetic on it. */
    const uint8_t *tail = key_len ? key + shared : key;
    if ((rc = buf_put_varint(&b->buf, shared)) != 0 ||
        (rc = buf_put_varint(&b->buf, key_len - shared)) != 0 ||
        (rc = buf_put_varint(&b->buf, value_len)) != 0 ||
        (rc = buf_append(&b->buf, tail, key_len - shared)) != 0 ||
        (rc = buf_append(&b->buf, fixed, sizeof fixed)) != 0 ||
        (rc = buf_append(&b->buf, value, value_len)) != 0)
        return rc;
    b->last_key.len = shared;
    if ((rc = buf_append(&b->last_key, tail, key_len - shared)) != 0)
        return rc;
    b->counter++;
    b->n_entries++;
    return 0;
}

size_t sst__builder_size(const struct sst_builder *b)
{
    return b->buf.len + b->restarts.len + 4;
}

int sst__builder_finish(struct sst_builder *b)
{
    int rc = buf_append(&b->buf, b->restarts.data, b->restarts.len);
    if (!rc)
        rc = buf_put_u32le(&b->buf, (uint32_t)(b->restarts.len / 4));
    return rc;
}

/* ---- Writer ------------------------------------------------------------- */

struct sstable_writer {
    const struct os_vfs *vfs;    /* File system. */
    struct os_file *f;           /* The file; NULL once closed. */
    char *path;                  /* For messages and removal. */
    size_t block_size;           /* Target raw data block size. */
    int compression;             /* enum sstable_compression of data and index blocks. */
    int bloom_bits;              /* Bloom bits per key. */
    void (*on_write)(void *arg, size_t bytes); /* Progress hook, or NULL. */
    void *on_write_arg;          /* Its argument. */
    struct compress_ctx cctx;    /* Compression state. */
    struct sst_builder data;     /* The data block being filled. */
    struct sst_builder index;    /* The index block, one entry per data block. */
    struct buf out;              /* On-disk bytes of the block being written. */
    struct buf last_key;         /* Key of the last version added. */
    uint64_t last_ts;            /* Its timestamp. */
    uint64_t *hashes;            /* Bloom hash of each distinct user key. */
    size_t n_hashes;             /* Hashes held. */
    size_t hashes_cap;           /* Room for hashes. */
    uint64_t offset;             /* Bytes written to the file. */
    struct sstable_meta meta;    /* Counters so far. */
    int failed;                  /* First fatal error; the file is gone. */
};

/* Closes and removes the file after a fatal error, keeping the error's message. */
static int writer_fail(struct sstable_writer *w, int rc)
{
    char msg[1024];
    snprintf(msg, sizeof msg, "%s", err_msg());
    if (w->f) {
        os_close(w->f);
        w->f = NULL;
        w->vfs->unlink(w->vfs, w->path);
    }
    w->failed = rc;
    return err_set(rc, "write sstable %s: %s", w->path, msg);
}

static void writer_free(struct sstable_writer *w)
{
    compress_ctx_deinit(&w->cctx);
    sst__builder_deinit(&w->data);
    sst__builder_deinit(&w->index);
    buf_deinit(&w->out);
    buf_deinit(&w->last_key);
    mem_free(w->hashes);
    mem_free(w->path);
    mem_free(w);
}

int sstable_writer_open(const struct os_vfs *vfs, const char *path, uint64_t file_id,
                        const struct sstable_opts *opts, struct sstable_writer **out)
{
    static const struct sstable_opts defaults = {0, SST_COMPRESS_LZ4, 0, 0, NULL, NULL};
    if (!opts)
        opts = &defaults;
    if (opts->compression < SST_COMPRESS_NONE || opts->compression > SST_COMPRESS_ZSTD)
        return err_set(ERR_INVALID, "sstable %s: unknown compression %d", path,
                       opts->compression);
    if (opts->bloom_bits_per_key < 0 || opts->bloom_bits_per_key > 64)
        return err_set(ERR_INVALID, "sstable %s: bloom bits per key %d out of range 0..64", path,
                       opts->bloom_bits_per_key);
    struct sstable_writer *w = mem_calloc(1, sizeof *w);
    if (!w || !(w->path = mem_strdup(path))) {
        mem_free(w);
        return err_set(ERR_NOMEM, "sstable %s: out of memory", path);
    }
    w->vfs = vfs;
    size_t bs = opts->block_size ? opts->block_size : SST_BLOCK_SIZE_DEFAULT;
    w->block_size = bs < SST_BLOCK_SIZE_MIN ? SST_BLOCK_SIZE_MIN
                    : bs > SST_BLOCK_SIZE_MAX ? SST_BLOCK_SIZE_MAX
                                              : bs;
    w->compression = opts->compression;
    w->bloom_bits = opts->bloom_bits_per_key ? opts->bloom_bits_per_key : SST_BLOOM_BITS_DEFAULT;
    w->on_write = opts->on_write;
    w->on_write_arg = opts->on_write_arg;
    compress_ctx_init(&w->cctx, opts->zstd_level ? opts->zstd_level : SST_ZSTD_LEVEL_DEFAULT);
    sst__builder_init(&w->data, SST_RESTART_INTERVAL);
    /* Every index entry is a restart point: its key is whole in the block, so
     * the decoded index points into the block instead of copying keys. */
    sst__builder_init(&w->index, 1);
    buf_init(&w->out);
    buf_init(&w->last_key);
    w->meta.file_id = file_id;
    int rc = vfs->open(vfs, path, OS_RDWR | OS_CREATE | OS_EXCL, &w->f);
    if (rc) {
        w->f = NULL;
        rc = err_prefix(rc, "create sstable %s", path);
        writer_free(w);
        return rc;
    }
    *out = w;
    return 0;
}

/* Appends w->out to the file. */
static int write_out(struct sstable_writer *w, struct sst_handle *h)
{
    int rc = os_pwrite(w->f, w->out.data, w->out.len, w->offset);
    if (rc)
        return rc;
    if (h) {
        h->offset = w->offset;
        h->size = w->out.len;
    }
    w->offset += w->out.len;
    if (w->on_write)
        w->on_write(w->on_write_arg, w->out.len);
    return 0;
}

/* Writes a raw block compressed as asked; its handle goes to *h. */
static int write_block(struct sstable_writer *w, const uint8_t *raw, size_t len, int type,
                       struct sst_handle *h)
{
    buf_reset(&w->out);
    int rc = sst__block_wrap(&w->cctx, type, raw, len, &w->out);
    return rc ? rc : write_out(w, h);
}

static int flush_data_block(struct sstable_writer *w)
{
    struct sst_handle h;
    int rc = sst__builder_finish(&w->data);
    if (!rc)
        rc = write_block(w, w->data.buf.data, w->data.buf.len, w->compression, &h);
    if (rc)
        return rc;
    uint8_t v[2 * VARINT_MAX];
    size_t n = varint_put(v, h.offset);
    n += varint_put(v + n, h.size);
    /* The index key is the block's last version: the first block whose last
     * version is >= a target is the one that holds the target if any does. */
    if ((rc = sst__builder_add(&w->index, w->last_key.data, w->last_key.len, w->last_ts, KV_PUT,
                               v, n)) != 0)
        return rc;
    sst__builder_reset(&w->data);
    return 0;
}

int sstable_writer_add(struct sstable_writer *w, const struct kv_entry *e)
{
    if (w->failed)
        return err_set(w->failed, "sstable %s: the writer failed earlier", w->path);
    if (e->key_len > KV_KEY_MAX || e->value_len > KV_VALUE_MAX)
        return err_set(ERR_TOO_BIG, "sstable %s: key of %zu or value of %zu bytes is too long",
                       w->path, e->key_len, e->value_len);
    if ((e->kind != KV_PUT && e->kind != KV_DELETE) || (e->kind == KV_DELETE && e->value_len))
        return err_set(ERR_INVALID, "sstable %s: bad version kind %u with %zu value bytes",
                       w->path, e->kind, e->value_len);
    int new_key = 1;
    if (w->meta.n_entries > 0) {
        int c = kv_key_cmp(w->last_key.data, w->last_key.len, e->key, e->key_len);
        if (c > 0 || (c == 0 && e->ts >= w->last_ts))
            return err_set(ERR_INVALID, "sstable %s: versions added out of internal order",
                           w->path);
        new_key = c != 0;
    }
    int rc;
    if (new_key) {
        if (w->n_hashes == w->hashes_cap) {
            size_t cap = w->hashes_cap ? w->hashes_cap * 2 : 1024;
            uint64_t *h = mem_realloc(w->hashes, cap * sizeof *h);
            if (!h)
                return writer_fail(w, err_set(ERR_NOMEM, "out of memory"));
            w->hashes = h;
            w->hashes_cap = cap;
        }
        w->hashes[w->n_hashes++] = bloom_hash(e->key, e->key_len);
    }
    buf_reset(&w->last_key);
    if ((rc = buf_append(&w->last_key, e->key, e->key_len)) != 0 ||
        (rc = sst__builder_add(&w->data, e->key, e->key_len, e->ts, e->kind, e->value,
                               e->value_len)) != 0) {
        err_set(rc, "out of memory");
        return writer_fail(w, rc);
    }
    w->last_ts = e->ts;
    if (w->meta.n_entries == 0 || e->ts < w->meta.min_ts)
        w->meta.min_ts = e->ts;
    if (w->meta.n_entries == 0 || e->ts > w->meta.max_ts)
        w->meta.max_ts = e->ts;
    w->meta.n_entries++;
    w->meta.n_deletes += e->kind == KV_DELETE;
    w->meta.raw_bytes += e->key_len + e->value_len;
    if (sst__builder_size(&w->data) >= w->block_size && (rc = flush_data_block(w)) != 0)
        return writer_fail(w, rc);
    return 0;
}

uint64_t sstable_writer_bytes(const struct sstable_writer *w)
{
    return w->offset;
}

int sstable_writer_finish(struct sstable_writer *w, struct sstable_meta *meta)
{
    int rc = w->failed;
    if (rc) {
        rc = err_set(rc, "sstable %s: the writer failed earlier", w->path);
        writer_free(w);
        return rc;
    }
    struct sst_footer ft;
    uint8_t tail[SST_FOOTER_SIZE > SST_PROPS_SIZE ? SST_FOOTER_SIZE : SST_PROPS_SIZE];
    struct buf bloom;
    buf_init(&bloom);
    if (w->data.n_entries > 0 && (rc = flush_data_block(w)) != 0)
        goto fail;
    if ((rc = sst__builder_finish(&w->index)) != 0 ||
        (rc = write_block(w, w->index.buf.data, w->index.buf.len, w->compression, &ft.index)) !=
            0)
        goto fail;
    /* Filter bits look random: compressing them would not pay. */
    if ((rc = bloom_build(w->hashes, w->n_hashes, w->bloom_bits, &bloom)) != 0 ||
        (rc = write_block(w, bloom.data, bloom.len, COMPRESS_NONE, &ft.bloom)) != 0)
        goto fail;
    sst__props_encode(&w->meta, tail);
    if ((rc = write_block(w, tail, SST_PROPS_SIZE, COMPRESS_NONE, &ft.props)) != 0)
        goto fail;
    ft.version = SST_FORMAT_VERSION;
    sst__footer_encode(&ft, tail);
    buf_reset(&w->out);
    if ((rc = buf_append(&w->out, tail, SST_FOOTER_SIZE)) != 0 || (rc = write_out(w, NULL)) != 0)
        goto fail;
    if ((rc = os_sync(w->f)) != 0)
        goto fail;
    rc = os_close(w->f);
    w->f = NULL;
    if (rc) {
        /* A close error after sync still means the data's fate is unknown. */
        char msg[1024];
        snprintf(msg, sizeof msg, "%s", err_msg());
        w->vfs->unlink(w->vfs, w->path);
        rc = err_set(rc, "write sstable %s: %s", w->path, msg);
        goto out;
    }
    if (meta) {
        *meta = w->meta;
        meta->file_size = w->offset;
    }
    goto out;
fail:
    rc = writer_fail(w, rc);
out:
    buf_deinit(&bloom);
    writer_free(w);
    return rc;
}

void sstable_writer_abort(struct sstable_writer *w)
{
    if (!w)
        return;
    if (w->f) {
        os_close(w->f);
        w->vfs->unlink(w->vfs, w->path);
    }
    writer_free(w);
}

/* ---- Reader ------------------------------------------------------------- */

struct sstable {
    const struct os_vfs *vfs;   /* File system. */
    struct os_file *f;          /* The open file. */
    char *path;                 /* For messages and removal. */
    struct block_cache *cache;  /* Where data blocks are kept. */
    _Atomic int refs;           /* References; the last one closes. */
    atomic_int obsolete;        /* Remove the file at the last unref. */
    struct sstable_meta meta;   /* Properties, with file_id and file_size of this file. */
    struct sst_index index;     /* Decoded index; keys point into index_mem. */
    uint8_t *index_mem;         /* Holds the raw index block. */
    uint8_t *bloom_mem;         /* Allocation holding a copy of the bloom filter. */
    const uint8_t *bloom;       /* The filter inside bloom_mem, 64-byte aligned. */
    size_t bloom_len;           /* Its length. */
};

/*
 * Reads the block at h and unwraps it. *raw points into *mem, which the
 * caller frees. Errors name the file and the part.
 */
static int read_block(struct sstable *t, const struct sst_handle *h, size_t max_len,
                      const char *what, const uint8_t **raw, size_t *raw_len, uint8_t **mem)
{
    uint8_t *buf = mem_alloc((size_t)h->size);
    if (!buf)
        return err_set(ERR_NOMEM, "sstable %s: %s block of %llu bytes: out of memory", t->path,
                       what, (unsigned long long)h->size);
    uint8_t *alloc = NULL;
    int rc = os_pread_full(t->f, buf, (size_t)h->size, h->offset, t->path);
    if (!rc)
        rc = sst__block_unwrap(buf, (size_t)h->size, max_len, raw, raw_len, &alloc);
    if (rc) {
        mem_free(buf);
        return err_prefix(rc, "sstable %s: %s block at offset %llu", t->path, what,
                          (unsigned long long)h->offset);
    }
    if (alloc) {
        mem_free(buf);
        *mem = alloc;
    } else {
        *mem = buf;
    }
    return 0;
}

static void table_free(struct sstable *t)
{
    if (t->f)
        os_close(t->f);
    sst__index_free(&t->index);
    mem_free(t->index_mem);
    mem_free(t->bloom_mem);
    mem_free(t->path);
    mem_free(t);
}

int sstable_open(const struct os_vfs *vfs, const char *path, uint64_t file_id,
                 struct block_cache *cache, struct sstable **out)
{
    struct sstable *t = mem_calloc(1, sizeof *t);
    if (!t || !(t->path = mem_strdup(path))) {
        mem_free(t);
        return err_set(ERR_NOMEM, "open sstable %s: out of memory", path);
    }
    t->vfs = vfs;
    t->cache = cache;
    int rc = vfs->open(vfs, path, OS_RDONLY, &t->f);
    if (rc) {
        t->f = NULL;
        rc = err_prefix(rc, "open sstable %s", path);
        goto fail;
    }
    uint64_t size;
    if ((rc = os_size(t->f, &size)) != 0) {
        rc = err_prefix(rc, "open sstable %s", path);
        goto fail;
    }
    if (size < SST_FOOTER_SIZE) {
        rc = err_set(ERR_CORRUPT, "sstable %s: footer: file of %llu bytes is too short", path,
                     (unsigned long long)size);
        goto fail;
    }
    uint8_t fb[SST_FOOTER_SIZE];
    struct sst_footer ft;
    if ((rc = os_pread_full(t->f, fb, SST_FOOTER_SIZE, size - SST_FOOTER_SIZE, path)) != 0 ||
        (rc = sst__footer_decode(fb, SST_FOOTER_SIZE, size, &ft)) != 0) {
        rc = err_prefix(rc, "sstable %s: footer", path);
        goto fail;
    }

    const uint8_t *raw;
    size_t raw_len;
    if ((rc = read_block(t, &ft.index, SST_META_BLOCK_MAX, "index", &raw, &raw_len,
                         &t->index_mem)) != 0)
        goto fail;
    if ((rc = sst__index_decode(raw, raw_len, ft.index.offset, &t->index)) != 0) {
        rc = err_prefix(rc, "sstable %s: index block", path);
        goto fail;
    }

    /* The filter is copied to a 64-byte boundary, so that each of its blocks
     * is one cache line and a probe touches one line (see bloom.h). */
    uint8_t *bloom_raw_mem;
    if ((rc = read_block(t, &ft.bloom, SST_META_BLOCK_MAX, "bloom", &raw, &raw_len,
                         &bloom_raw_mem)) != 0)
        goto fail;
    if ((rc = bloom_check(raw, raw_len)) == 0)
        rc = bloom_copy_aligned(raw, raw_len, &t->bloom_mem, &t->bloom);
    mem_free(bloom_raw_mem);
    if (rc) {
        rc = err_prefix(rc, "sstable %s: bloom block", path);
        goto fail;
    }
    t->bloom_len = raw_len;

    uint8_t *props_mem;
    if ((rc = read_block(t, &ft.props, SST_META_BLOCK_MAX, "properties", &raw, &raw_len,
                         &props_mem)) != 0)
        goto fail;
    rc = sst__props_decode(raw, raw_len, &t->meta);
    mem_free(props_mem);
    if (rc) {
        rc = err_prefix(rc, "sstable %s: properties block", path);
        goto fail;
    }
    if ((t->meta.n_entries == 0) != (t->index.n == 0) || t->index.n > t->meta.n_entries) {
        rc = err_set(ERR_CORRUPT, "sstable %s: properties count %llu versions in %zu blocks",
                     path, (unsigned long long)t->meta.n_entries, t->index.n);
        goto fail;
    }
    /* The number the writer recorded is informational: a file may be copied
     * under another number, and the caller's number is the cache key. */
    t->meta.file_id = file_id;
    t->meta.file_size = size;
    atomic_init(&t->refs, 1);
    atomic_init(&t->obsolete, 0);
    *out = t;
    return 0;
fail:
    table_free(t);
    return rc;
}

void sstable_ref(struct sstable *t)
{
    atomic_fetch_add_explicit(&t->refs, 1, memory_order_relaxed);
}

void sstable_unref(struct sstable *t)
{
    if (!t || atomic_fetch_sub_explicit(&t->refs, 1, memory_order_acq_rel) != 1)
        return;
    os_close(t->f);
    t->f = NULL;
    if (atomic_load(&t->obsolete)) {
        int rc = t->vfs->unlink(t->vfs, t->path);
        if (rc)
            log_warn("sstable %s: cannot remove obsolete file: %s", t->path, err_msg());
        block_cache_erase_file(t->cache, t->meta.file_id);
    }
    table_free(t);
}

void sstable_mark_obsolete(struct sstable *t)
{
    atomic_store(&t->obsolete, 1);
}

const struct sstable_meta *sstable_meta(const struct sstable *t)
{
    return &t->meta;
}

int sstable_may_contain(const struct sstable *t, const uint8_t *key, size_t key_len)
{
    return bloom_may_contain(t->bloom, t->bloom_len, bloom_hash(key, key_len));
}

/* Pins data block i (from the cache or the file) and parses it. */
static int load_block(struct sstable *t, size_t i, struct cached_block **out,
                      struct sst_block *blk)
{
    const struct sst_handle *h = &t->index.e[i].handle;
    struct cached_block *cb = block_cache_lookup(t->cache, t->meta.file_id, h->offset);
    int rc;
    if (!cb) {
        uint8_t *buf = mem_alloc((size_t)h->size);
        if (!buf)
            return err_set(ERR_NOMEM, "sstable %s: block %zu: out of memory", t->path, i);
        const uint8_t *raw;
        size_t raw_len = 0;
        uint8_t *alloc = NULL;
        rc = os_pread_full(t->f, buf, (size_t)h->size, h->offset, t->path);
        if (!rc)
            rc = sst__block_unwrap(buf, (size_t)h->size, SST_DATA_BLOCK_MAX, &raw, &raw_len,
                                   &alloc);
        if (rc) {
            mem_free(buf);
            goto fail;
        }
        if (alloc)
            mem_free(buf);
        else
            alloc = buf; /* Uncompressed: the payload is the head of what was read. */
        cb = block_cache_insert(t->cache, t->meta.file_id, h->offset, alloc, raw_len);
        if (!cb)
            return err_set(ERR_NOMEM, "sstable %s: block %zu: out of memory", t->path, i);
    }
    if ((rc = sst__block_parse(cb->data, cb->len, blk)) == 0 && blk->n_restarts == 0)
        rc = err_set(ERR_CORRUPT, "data block has no entries");
    if (rc) {
        block_cache_release(t->cache, cb);
        goto fail;
    }
    *out = cb;
    return 0;
fail:
    return err_prefix(rc, "sstable %s: block %zu at offset %llu", t->path, i,
                      (unsigned long long)h->offset);
}

static int block_error(struct sstable *t, size_t i, int rc)
{
    return err_prefix(rc, "sstable %s: block %zu at offset %llu", t->path, i,
                      (unsigned long long)t->index.e[i].handle.offset);
}

int sstable_get(struct sstable *t, const uint8_t *key, size_t key_len, uint64_t snap_ts,
                struct kv_entry *out, struct buf *value)
{
    if (!bloom_may_contain(t->bloom, t->bloom_len, bloom_hash(key, key_len)))
        return ERR_NOT_FOUND;
    /* About 16 KiB for the key buffer: lookups need no allocation. */
    struct sst_cursor c;
    for (size_t i = sst__index_seek(&t->index, key, key_len, snap_ts); i < t->index.n; i++) {
        struct cached_block *cb;
        struct sst_block blk;
        int rc = load_block(t, i, &cb, &blk);
        if (rc)
            return rc;
        sst__cursor_init(&c, &blk);
        rc = sst__cursor_seek(&c, key, key_len, snap_ts);
        if (rc) {
            block_cache_release(t->cache, cb);
            return block_error(t, i, rc);
        }
        if (!c.valid) {
            /* The index promised a version >= the target here; look on in
             * the next block rather than trust it. */
            block_cache_release(t->cache, cb);
            continue;
        }
        if (kv_key_cmp(c.key, c.key_len, key, key_len) != 0) {
            block_cache_release(t->cache, cb);
            return ERR_NOT_FOUND;
        }
        buf_reset(value);
        rc = buf_append(value, c.value, c.value_len);
        block_cache_release(t->cache, cb);
        if (rc)
            return err_set(ERR_NOMEM, "sstable %s: value of %zu bytes: out of memory", t->path,
                           c.value_len);
        out->key = key;
        out->key_len = key_len;
        out->ts = c.ts;
        out->kind = c.kind;
        out->value = c.kind == KV_DELETE ? NULL : value->data;
        out->value_len = c.value_len;
        return 0;
    }
    return ERR_NOT_FOUND;
}

/* ---- Iterator ----------------------------------------------------------- */

struct sst_iter {
    struct kv_iter base;     /* Must be first. */
    struct sstable *t;       /* Referenced until destroy. */
    size_t block;            /* Index of the pinned block. */
    struct cached_block *cb; /* The pinned block, or NULL (then not valid). */
    struct sst_cursor cur;   /* Position inside it. */
};

static void iter_unpin(struct sst_iter *it)
{
    if (it->cb)
        block_cache_release(it->t->cache, it->cb);
    it->cb = NULL;
    it->cur.valid = 0;
}

/* Pins block i and binds the cursor to it, not positioned. */
static int iter_load(struct sst_iter *it, size_t i)
{
    struct sst_block blk;
    iter_unpin(it);
    int rc = load_block(it->t, i, &it->cb, &blk);
    if (rc) {
        it->cb = NULL;
        return rc;
    }
    it->block = i;
    sst__cursor_init(&it->cur, &blk);
    return 0;
}

/* Ends a move: on error unpins and names the block. */
static int iter_done(struct sst_iter *it, int rc)
{
    if (rc) {
        size_t i = it->block;
        int had = it->cb != NULL;
        iter_unpin(it);
        return had ? block_error(it->t, i, rc) : rc;
    }
    return 0;
}

/* After the cursor ran off the end of its block, goes to the first entry of the next one. */
static int iter_skip_forward(struct sst_iter *it)
{
    while (it->cb && !it->cur.valid) {
        if (it->block + 1 >= it->t->index.n) {
            iter_unpin(it);
            return 0;
        }
        int rc = iter_load(it, it->block + 1);
        if (rc)
            return rc;
        if ((rc = sst__cursor_seek_first(&it->cur)) != 0)
            return iter_done(it, rc);
    }
    return 0;
}

/* After the cursor ran off the start of its block, goes to the last entry of the previous one. */
static int iter_skip_backward(struct sst_iter *it)
{
    while (it->cb && !it->cur.valid) {
        if (it->block == 0) {
            iter_unpin(it);
            return 0;
        }
        int rc = iter_load(it, it->block - 1);
        if (rc)
            return rc;
        if ((rc = sst__cursor_seek_last(&it->cur)) != 0)
            return iter_done(it, rc);
    }
    return 0;
}

static int it_seek(struct kv_iter *base, const uint8_t *key, size_t key_len, uint64_t ts)
{
    struct sst_iter *it = (struct sst_iter *)base;
    size_t i = sst__index_seek(&it->t->index, key, key_len, ts);
    if (i >= it->t->index.n) {
        iter_unpin(it);
        return 0;
    }
    int rc = iter_load(it, i);
    if (rc)
        return rc;
    if ((rc = sst__cursor_seek(&it->cur, key, key_len, ts)) != 0)
        return iter_done(it, rc);
    return iter_skip_forward(it);
}

static int it_seek_first(struct kv_iter *base)
{
    struct sst_iter *it = (struct sst_iter *)base;
    if (it->t->index.n == 0) {
        iter_unpin(it);
        return 0;
    }
    int rc = iter_load(it, 0);
    if (rc)
        return rc;
    if ((rc = sst__cursor_seek_first(&it->cur)) != 0)
        return iter_done(it, rc);
    return iter_skip_forward(it);
}

static int it_seek_last(struct kv_iter *base)
{
    struct sst_iter *it = (struct sst_iter *)base;
    if (it->t->index.n == 0) {
        iter_unpin(it);
        return 0;
    }
    int rc = iter_load(it, it->t->index.n - 1);
    if (rc)
        return rc;
    if ((rc = sst__cursor_seek_last(&it->cur)) != 0)
        return iter_done(it, rc);
    return iter_skip_backward(it);
}

static int it_next(struct kv_iter *base)
{
    struct sst_iter *it = (struct sst_iter *)base;
    if (!it->cb || !it->cur.valid)
        return 0;
    int rc = sst__cursor_next(&it->cur);
    if (rc)
        return iter_done(it, rc);
    return iter_skip_forward(it);
}

static int it_prev(struct kv_iter *base)
{
    struct sst_iter *it = (struct sst_iter *)base;
    if (!it->cb || !it->cur.valid)
        return 0;
    int rc = sst__cursor_prev(&it->cur);
    if (rc)
        return iter_done(it, rc);
    return iter_skip_backward(it);
}

static int it_valid(const struct kv_iter *base)
{
    const struct sst_iter *it = (const struct sst_iter *)base;
    return it->cb && it->cur.valid;
}

static void it_entry(const struct kv_iter *base, struct kv_entry *out)
{
    const struct sst_iter *it = (const struct sst_iter *)base;
    out->key = it->cur.key;
    out->key_len = it->cur.key_len;
    out->ts = it->cur.ts;
    out->kind = it->cur.kind;
    out->value = it->cur.kind == KV_DELETE ? NULL : it->cur.value;
    out->value_len = it->cur.value_len;
}

static void it_destroy(struct kv_iter *base)
{
    struct sst_iter *it = (struct sst_iter *)base;
    iter_unpin(it);
    sstable_unref(it->t);
    mem_free(it);
}

static const struct kv_iter_ops sst_iter_ops = {
    it_seek, it_seek_first, it_seek_last, it_next, it_prev, it_valid, it_entry, it_destroy,
};

int sstable_iter_create(struct sstable *t, struct kv_iter **out)
{
    struct sst_iter *it = mem_alloc(sizeof *it);
    if (!it)
        return err_set(ERR_NOMEM, "sstable %s: iterator: out of memory", t->path);
    it->base.ops = &sst_iter_ops;
    it->t = t;
    it->block = 0;
    it->cb = NULL;
    it->cur.valid = 0;
    sstable_ref(t);
    *out = &it->base;
    return 0;
}
