/*
 * auth.h: the cryptography of MySQL authentication: scrambles, the two
 * password plugins' proofs, stored hashes, and the RSA key pair that lets
 * caching_sha2_password send a password without TLS.
 *
 * mysql_native_password: the client sends SHA1(p) XOR SHA1(scramble +
 * SHA1(SHA1(p))); the server stores SHA1(SHA1(p)) (MySQL's "*HEX" hash) and
 * checks SHA1(response XOR SHA1(scramble + stored)) == stored.
 *
 * caching_sha2_password, fast path: the client sends SHA256(p) XOR
 * SHA256(SHA256(SHA256(p)) + scramble); the server keeps SHA256(SHA256(p)) and
 * checks the same way. Full path: the client sends the password itself, RSA
 * encrypted (OAEP) after XOR with the scramble; the server decrypts and
 * compares SHA256(SHA256(password)).
 *
 * All functions are thread-safe. A server_rsa is read-only after creation.
 */
#ifndef ATOLL_SERVER_AUTH_H
#define ATOLL_SERVER_AUTH_H

#include <stddef.h>
#include <stdint.h>

#define SERVER_AUTH_NATIVE_NAME "mysql_native_password"
#define SERVER_AUTH_SHA2_NAME   "caching_sha2_password"

/* Fills out with 20 random bytes in 1..127, never '$' (clients may read it as a C string). */
void server_auth_scramble(uint8_t out[20]);

/* Stored forms: SHA1(SHA1(pw)) and SHA256(SHA256(pw)). */
void server_auth_native_hash(const char *pw, size_t len, uint8_t out[20]);
void server_auth_sha2_hash(const char *pw, size_t len, uint8_t out[32]);

/* MySQL's text form of a native hash: '*' and 40 upper-case hex digits (out: 42 bytes). */
void server_auth_native_to_text(const uint8_t hash[20], char out[42]);
/* Parses that form. Returns 0 or ERR_INVALID. */
int server_auth_native_from_text(const char *s, uint8_t out[20]);

/* What a client sends for password pw (tests and tools). */
void server_auth_native_proof(const char *pw, size_t len, const uint8_t scramble[20],
                              uint8_t out[20]);
void server_auth_sha2_proof(const char *pw, size_t len, const uint8_t scramble[20],
                            uint8_t out[32]);

/* Checks a client's proof against a stored hash. 1: matches, 0: does not. Constant time. */
int server_auth_native_check(const uint8_t scramble[20], const uint8_t *proof, size_t len,
                             const uint8_t hash[20]);
int server_auth_sha2_check(const uint8_t scramble[20], const uint8_t *proof, size_t len,
                           const uint8_t hash[32]);

struct server_rsa;

/* Generates an RSA 2048 key pair (about 0.1 s). Returns 0 or ERR_INTERNAL / ERR_NOMEM. */
int server_rsa_create(struct server_rsa **out);
void server_rsa_destroy(struct server_rsa *k);

/* The public key as PEM (SubjectPublicKeyInfo), as MySQL sends it. Valid while k lives. */
const char *server_rsa_pem(const struct server_rsa *k, size_t *len);

/*
 * Decrypts an RSA-OAEP ciphertext from the client into out (cap bytes).
 * Returns 0 with *out_len set, or ERR_PROTOCOL when it does not decrypt.
 */
int server_rsa_decrypt(const struct server_rsa *k, const uint8_t *in, size_t len, uint8_t *out,
                       size_t cap, size_t *out_len);

#endif
