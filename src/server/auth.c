/*
 * auth.c: scrambles, password proofs and RSA for MySQL authentication (see
 * auth.h), on OpenSSL's libcrypto. Proof checks recover the client's
 * SHA(password) stage from the proof and the stored hash, hash it once more
 * and compare with CRYPTO_memcmp, so no stored secret is enough to log in
 * without knowing the password's first hash stage, exactly as in MySQL.
 */
#include "server/auth.h"

#include "base/err.h"
#include "base/mem.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/sha.h>
#include <string.h>

void server_auth_scramble(uint8_t out[20])
{
    if (RAND_bytes(out, 20) != 1) {
        /* The CSPRNG failing is not expected; fall back to something unpredictable enough. */
        for (int i = 0; i < 20; i++)
            out[i] = (uint8_t)(rand() >> 3);
    }
    for (int i = 0; i < 20; i++) {
        out[i] &= 0x7f;
        if (out[i] == 0 || out[i] == '$')
            out[i]++;
    }
}

void server_auth_native_hash(const char *pw, size_t len, uint8_t out[20])
{
    uint8_t s1[20];
    SHA1((const unsigned char *)pw, len, s1);
    SHA1(s1, 20, out);
}

void server_auth_sha2_hash(const char *pw, size_t len, uint8_t out[32])
{
    uint8_t s1[32];
    SHA256((const unsigned char *)pw, len, s1);
    SHA256(s1, 32, out);
}

void server_auth_native_to_text(const uint8_t hash[20], char out[42])
{
    static const char hex[] = "0123456789ABCDEF";
    out[0] = '*';
    for (int i = 0; i < 20; i++) {
        out[1 + 2 * i] = hex[hash[i] >> 4];
        out[2 + 2 * i] = hex[hash[i] & 15];
    }
    out[41] = 0;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

int server_auth_native_from_text(const char *s, uint8_t out[20])
{
    if (!s || s[0] != '*' || strlen(s) != 41)
        return err_set(ERR_INVALID, "native password hash must be '*' and 40 hex digits");
    for (int i = 0; i < 20; i++) {
        int h = hexval(s[1 + 2 * i]), l = hexval(s[2 + 2 * i]);
        if (h < 0 || l < 0)
            return err_set(ERR_INVALID, "native password hash has a non-hex digit");
        out[i] = (uint8_t)(h << 4 | l);
    }
    return 0;
}

/* SHA1(a || b) and SHA256(a || b), for inputs of at most 32 bytes each. */
static void sha1_2(const uint8_t *a, size_t al, const uint8_t *b, size_t bl, uint8_t out[20])
{
    uint8_t t[64];
    memcpy(t, a, al);
    memcpy(t + al, b, bl);
    SHA1(t, al + bl, out);
}

static void sha256_2(const uint8_t *a, size_t al, const uint8_t *b, size_t bl, uint8_t out[32])
{
    uint8_t t[64];
    memcpy(t, a, al);
    memcpy(t + al, b, bl);
    SHA256(t, al + bl, out);
}

void server_auth_native_proof(const char *pw, size_t len, const uint8_t scramble[20],
                              uint8_t out[20])
{
    uint8_t s1[20], s2[20], x[20];
    SHA1((const unsigned char *)pw, len, s1);
    SHA1(s1, 20, s2);
    sha1_2(scramble, 20, s2, 20, x);
    for (int i = 0; i < 20; i++)
        out[i] = s1[i] ^ x[i];
}

void server_auth_sha2_proof(const char *pw, size_t len, const uint8_t scramble[20], uint8_t out[32])
{
    uint8_t s1[32], s2[32], x[32];
    SHA256((const unsigned char *)pw, len, s1);
    SHA256(s1, 32, s2);
    sha256_2(s2, 32, scramble, 20, x);
    for (int i = 0; i < 32; i++)
        out[i] = s1[i] ^ x[i];
}

int server_auth_native_check(const uint8_t scramble[20], const uint8_t *proof, size_t len,
                             const uint8_t hash[20])
{
    if (len != 20)
        return 0;
    uint8_t x[20], s1[20], s2[20];
    sha1_2(scramble, 20, hash, 20, x);
    for (int i = 0; i < 20; i++)
        s1[i] = proof[i] ^ x[i];
    SHA1(s1, 20, s2);
    return CRYPTO_memcmp(s2, hash, 20) == 0;
}

int server_auth_sha2_check(const uint8_t scramble[20], const uint8_t *proof, size_t len,
                           const uint8_t hash[32])
{
    if (len != 32)
        return 0;
    uint8_t x[32], s1[32], s2[32];
    sha256_2(hash, 32, scramble, 20, x);
    for (int i = 0; i < 32; i++)
        s1[i] = proof[i] ^ x[i];
    SHA256(s1, 32, s2);
    return CRYPTO_memcmp(s2, hash, 32) == 0;
}

struct server_rsa {
    EVP_PKEY *key;  /* The key pair. */
    char *pem;      /* Public key, PEM, NUL-terminated. */
    size_t pem_len; /* Its length. */
};

int server_rsa_create(struct server_rsa **out)
{
    struct server_rsa *k = mem_calloc(1, sizeof *k);
    if (!k)
        return ERR_NOMEM;
    BIO *bio = NULL;
    k->key = EVP_RSA_gen(2048);
    if (!k->key)
        goto fail;
    bio = BIO_new(BIO_s_mem());
    if (!bio || PEM_write_bio_PUBKEY(bio, k->key) != 1)
        goto fail;
    char *data;
    long n = BIO_get_mem_data(bio, &data);
    if (n <= 0)
        goto fail;
    k->pem = mem_strndup(data, (size_t)n);
    if (!k->pem)
        goto fail;
    k->pem_len = (size_t)n;
    BIO_free(bio);
    *out = k;
    return 0;
fail:
    BIO_free(bio);
    server_rsa_destroy(k);
    return err_set(ERR_INTERNAL, "RSA key generation failed");
}

void server_rsa_destroy(struct server_rsa *k)
{
    if (!k)
        return;
    EVP_PKEY_free(k->key);
    mem_free(k->pem);
    mem_free(k);
}

const char *server_rsa_pem(const struct server_rsa *k, size_t *len)
{
    *len = k->pem_len;
    return k->pem;
}

int server_rsa_decrypt(const struct server_rsa *k, const uint8_t *in, size_t len, uint8_t *out,
                       size_t cap, size_t *out_len)
{
    int rc = ERR_PROTOCOL;
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new(k->key, NULL);
    if (!ctx)
        return ERR_NOMEM;
    size_t n = cap;
    if (EVP_PKEY_decrypt_init(ctx) == 1 &&
        EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_OAEP_PADDING) == 1 &&
        EVP_PKEY_decrypt(ctx, out, &n, in, len) == 1) {
        *out_len = n;
        rc = 0;
    }
    EVP_PKEY_CTX_free(ctx);
    return rc ? err_set(rc, "RSA decryption of the password failed") : 0;
}
