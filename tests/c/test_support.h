/*
 * Helpers shared by the C tests of dfns_bridge.h: checks that count failures and keep going,
 * "this call failed and said why" checks, SHA-256 and PEM decoding from libcrypto (every C test
 * that includes this header links OpenSSL::Crypto), a deterministic PRNG, and fixtures built with
 * the library's software authenticator.
 *
 * Each test is one executable; it prints one line per failed check and a summary, and exits 1
 * when any check failed.
 */
#ifndef DFNS_TEST_SUPPORT_H
#define DFNS_TEST_SUPPORT_H

#include "dfns_bridge.h"

#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

static int g_checks = 0;
static int g_failures = 0;

static void test_fail(const char *file, int line, const char *fmt, ...) {
    va_list ap;
    g_failures++;
    fprintf(stderr, "%s:%d: FAIL: ", file, line);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

#define CHECK(cond, ...) \
    do { g_checks++; if (!(cond)) test_fail(__FILE__, __LINE__, __VA_ARGS__); } while (0)

/* A call that must succeed. */
#define CHECK_OK(call) \
    do { \
        int s_ = (call); \
        g_checks++; \
        if (s_ != DFNS_OK) \
            test_fail(__FILE__, __LINE__, "%s -> %d %s: %s", #call, s_, dfns_status_name(s_), dfns_last_error()); \
    } while (0)

/* A call that must return exactly `expected`. */
#define CHECK_STATUS(expected, call) \
    do { \
        int s_ = (call); \
        g_checks++; \
        if (s_ != (expected)) \
            test_fail(__FILE__, __LINE__, "%s -> %d %s (%s), expected %s", #call, s_, dfns_status_name(s_), \
                      dfns_last_error(), dfns_status_name(expected)); \
    } while (0)

static int test_summary(const char *name) {
    if (g_failures == 0) {
        printf("%s: %d checks passed\n", name, g_checks);
        return 0;
    }
    printf("%s: %d of %d checks FAILED\n", name, g_failures, g_checks);
    return 1;
}

/* ----------------------------------------------------------------------------------------------
 * "Failed, and said why": dfns_last_error() is not cleared by calls that succeed, so a stale
 * message could hide a failure that sets none. Before the call under test, a "primer" failure
 * sets a known message; afterwards the message must be non-empty and differ from the primer's.
 * Two primers with different messages are used in turn, so a call whose own message happens to
 * equal one primer's is still checked against the other.
 * ------------------------------------------------------------------------------------------- */

static char g_primer_msg[2][512];

static void primer_run(int which) {
    if (which == 0) {
        dfns_policy_t *p = NULL;
        int s = dfns_policy_new("", &p); /* empty RP ID */
        dfns_policy_free(&p);
        (void)s;
    } else {
        static const uint8_t junk[] = { '{', '"', 't' };
        char *out = NULL;
        int s = dfns_inspect(junk, sizeof junk, DFNS_INSPECT_CLIENT_DATA, DFNS_INSPECT_TEXT, &out);
        dfns_free(out);
        (void)s;
    }
}

/* Records the two primer messages; returns 0 when they are unusable (empty or equal). */
static int primers_init(void) {
    for (int i = 0; i < 2; i++) {
        primer_run(i);
        snprintf(g_primer_msg[i], sizeof g_primer_msg[i], "%s", dfns_last_error());
    }
    CHECK(g_primer_msg[0][0] != 0 && g_primer_msg[1][0] != 0 && strcmp(g_primer_msg[0], g_primer_msg[1]) != 0,
          "primer messages unusable: \"%s\" / \"%s\"", g_primer_msg[0], g_primer_msg[1]);
    return g_primer_msg[0][0] != 0 && strcmp(g_primer_msg[0], g_primer_msg[1]) != 0;
}

/* A status the header defines (not "DFNS_ERR_UNKNOWN"). */
static int status_is_defined(int s) {
    return strcmp(dfns_status_name(s), "DFNS_ERR_UNKNOWN") != 0;
}

/* Checks a status that must be a failure (`expected` == 0: any defined negative code) and that
 * dfns_last_error() is non-empty. */
static void check_failed(const char *file, int line, const char *what, int s, int expected) {
    const char *msg = dfns_last_error();
    g_checks++;
    if (s >= 0)
        test_fail(file, line, "%s -> %d %s: expected a failure%s%s", what, s, dfns_status_name(s),
                  expected ? ": " : "", expected ? dfns_status_name(expected) : "");
    else if (expected != 0 && s != expected)
        test_fail(file, line, "%s -> %s (%s), expected %s", what, dfns_status_name(s), msg, dfns_status_name(expected));
    else if (!status_is_defined(s))
        test_fail(file, line, "%s -> %d: not a status the header defines", what, s);
    else if (msg == NULL || msg[0] == 0)
        test_fail(file, line, "%s -> %s with an empty dfns_last_error()", what, dfns_status_name(s));
}

/* EXPECT_FAIL(expected, call): the call fails (with `expected` when non-zero) and sets a message. */
#define EXPECT_FAIL(expected, call) \
    do { \
        int done_ = 0; \
        for (int pr_ = 0; pr_ < 2 && !done_; pr_++) { \
            primer_run(pr_); \
            int s_ = (call); \
            if (s_ < 0 && strcmp(dfns_last_error(), g_primer_msg[pr_]) == 0) { \
                if (pr_ == 1) { \
                    g_checks++; \
                    test_fail(__FILE__, __LINE__, "%s -> %s but did not set dfns_last_error()", #call, \
                              dfns_status_name(s_)); \
                } \
                continue; \
            } \
            check_failed(__FILE__, __LINE__, #call, s_, (expected)); \
            done_ = 1; \
        } \
    } while (0)

/* ----------------------------------------------------------------------------------------------
 * SHA-256 for clientDataHash and the signed message (libcrypto).
 * ------------------------------------------------------------------------------------------- */

/* SHA-256 of data[0..len) into out; a libcrypto failure ends the test (exit 2). */
static void sha256(const uint8_t *data, size_t len, uint8_t out[32]) {
    unsigned int n = 0;
    if (EVP_Digest(data, len, out, &n, EVP_sha256(), NULL) != 1 || n != 32) {
        fprintf(stderr, "EVP_Digest(SHA-256) failed\n");
        exit(2);
    }
}

/* ----------------------------------------------------------------------------------------------
 * Deterministic PRNG (xorshift64*), so a failing random input can be reproduced.
 * ------------------------------------------------------------------------------------------- */

static uint64_t g_rng = 0x9E3779B97F4A7C15ull;

static uint64_t rng_next(void) {
    g_rng ^= g_rng >> 12;
    g_rng ^= g_rng << 25;
    g_rng ^= g_rng >> 27;
    return g_rng * 0x2545F4914F6CDD1Dull;
}

static void rng_fill(uint8_t *p, size_t n) {
    for (size_t i = 0; i < n; i++) p[i] = (uint8_t)(rng_next() >> 56);
}

/* ----------------------------------------------------------------------------------------------
 * Byte buffers and fixtures
 * ------------------------------------------------------------------------------------------- */

typedef struct {
    uint8_t *ptr;
    size_t len;
} bytes_t;

static bytes_t bytes_copy(const uint8_t *p, size_t n) {
    bytes_t b;
    b.len = n;
    b.ptr = malloc(n ? n : 1);
    if (!b.ptr) { fprintf(stderr, "out of memory\n"); exit(2); }
    if (n) memcpy(b.ptr, p, n);
    return b;
}

/* n uninitialized bytes in a buffer of exactly n bytes. */
static bytes_t bytes_alloc(size_t n) {
    bytes_t b;
    b.len = n;
    b.ptr = malloc(n ? n : 1);
    if (!b.ptr) { fprintf(stderr, "out of memory\n"); exit(2); }
    return b;
}

static void bytes_free(bytes_t *b) {
    free(b->ptr);
    b->ptr = NULL;
    b->len = 0;
}

/* A copy of one response field (empty when the call fails, which is reported). */
static bytes_t response_field(const dfns_response_t *r, int field) {
    const uint8_t *p = NULL;
    size_t n = 0;
    int s = dfns_response_get(r, field, &p, &n);
    CHECK(s == DFNS_OK, "dfns_response_get(field %d) -> %s: %s", field, dfns_status_name(s), dfns_last_error());
    return bytes_copy(s == DFNS_OK ? p : NULL, s == DFNS_OK ? n : 0);
}

/* A real root certificate (Apple WebAuthn Root CA, P-384, valid 2020-2045), from
   ../shared/roots/apple-webauthn-root-ca.pem. */
static const char APPLE_ROOT_PEM[] =
    "-----BEGIN CERTIFICATE-----\n"
    "MIICEjCCAZmgAwIBAgIQaB0BbHo84wIlpQGUKEdXcTAKBggqhkjOPQQDAzBLMR8w\n"
    "HQYDVQQDDBZBcHBsZSBXZWJBdXRobiBSb290IENBMRMwEQYDVQQKDApBcHBsZSBJ\n"
    "bmMuMRMwEQYDVQQIDApDYWxpZm9ybmlhMB4XDTIwMDMxODE4MjEzMloXDTQ1MDMx\n"
    "NTAwMDAwMFowSzEfMB0GA1UEAwwWQXBwbGUgV2ViQXV0aG4gUm9vdCBDQTETMBEG\n"
    "A1UECgwKQXBwbGUgSW5jLjETMBEGA1UECAwKQ2FsaWZvcm5pYTB2MBAGByqGSM49\n"
    "AgEGBSuBBAAiA2IABCJCQ2pTVhzjl4Wo6IhHtMSAzO2cv+H9DQKev3//fG59G11k\n"
    "xu9eI0/7o6V5uShBpe1u6l6mS19S1FEh6yGljnZAJ+2GNP1mi/YK2kSXIuTHjxA/\n"
    "pcoRf7XkOtO4o1qlcaNCMEAwDwYDVR0TAQH/BAUwAwEB/zAdBgNVHQ4EFgQUJtdk\n"
    "2cV4wlpn0afeaxLQG2PxxtcwDgYDVR0PAQH/BAQDAgEGMAoGCCqGSM49BAMDA2cA\n"
    "MGQCMFrZ+9DsJ1PW9hfNdBywZDsWDbWFp28it1d/5w2RPkRX3Bbn/UbDTNLx7Jr3\n"
    "jAGGiQIwHFj+dJZYUJR786osByBelJYsVZd2GbHQu209b5RCmGQ21gpSAk9QZW4B\n"
    "1bWeT0vT\n"
    "-----END CERTIFICATE-----\n";

/* The DER of the first PEM block in the pem_len bytes at pem (libcrypto's PEM reader; the text
   need not be NUL-terminated); returns the DER length, 0 when there is no block or it does not fit
   in cap bytes. */
static size_t pem_bytes_to_der(const char *pem, size_t pem_len, uint8_t *out, size_t cap) {
    BIO *bio = pem_len <= INT_MAX ? BIO_new_mem_buf(pem, (int)pem_len) : NULL;
    char *name = NULL, *header = NULL;
    unsigned char *data = NULL;
    long len = 0;
    size_t n = 0;
    if (bio && PEM_read_bio(bio, &name, &header, &data, &len) == 1 && len > 0 && (size_t)len <= cap) {
        memcpy(out, data, (size_t)len);
        n = (size_t)len;
    }
    OPENSSL_free(name);
    OPENSSL_free(header);
    OPENSSL_free(data);
    BIO_free(bio);
    ERR_clear_error();
    return n;
}

/* pem_bytes_to_der of a NUL-terminated PEM string. */
static size_t pem_to_der(const char *pem, uint8_t *out, size_t cap) {
    return pem_bytes_to_der(pem, strlen(pem), out, cap);
}

static const char *const TEST_RP_ID = "example.org";
static const char *const TEST_ORIGIN = "https://example.org";

/* A policy for example.org accepting https://example.org; exits when it cannot be built. */
static dfns_policy_t *test_policy(void) {
    dfns_policy_t *p = NULL;
    if (dfns_policy_new(TEST_RP_ID, &p) != DFNS_OK || dfns_policy_add_origin(p, TEST_ORIGIN) != DFNS_OK) {
        fprintf(stderr, "cannot build the test policy: %s\n", dfns_last_error());
        exit(2);
    }
    return p;
}

/* A registration and one assertion made by a software authenticator, verified. */
typedef struct {
    int32_t alg;
    bytes_t credential_id;
    bytes_t reg_client_data, attestation_object;
    bytes_t client_data, authenticator_data, signature; /* the assertion */
    uint8_t reg_challenge[32], challenge[32];
    dfns_public_key_t *key;
} fixture_t;

/* Builds a fixture; returns 0 on success (failures are reported as check failures). */
static int fixture_make(fixture_t *f, dfns_authenticator_t *auth, const dfns_policy_t *policy, int32_t alg, int attestation) {
    dfns_response_t *reg = NULL, *as = NULL;
    dfns_registration_t *verified = NULL;
    int s;
    memset(f, 0, sizeof *f);
    f->alg = alg;
    rng_fill(f->reg_challenge, sizeof f->reg_challenge);
    rng_fill(f->challenge, sizeof f->challenge);
    s = dfns_authenticator_register(auth, TEST_RP_ID, TEST_ORIGIN, f->reg_challenge, sizeof f->reg_challenge, alg,
                                    attestation, (const uint8_t *)"user-1", 6, 1, &reg);
    CHECK(s == DFNS_OK, "dfns_authenticator_register(alg %d) -> %s: %s", alg, dfns_status_name(s), dfns_last_error());
    if (s != DFNS_OK) return -1;
    f->credential_id = response_field(reg, DFNS_RESPONSE_CREDENTIAL_ID);
    f->reg_client_data = response_field(reg, DFNS_RESPONSE_CLIENT_DATA_JSON);
    f->attestation_object = response_field(reg, DFNS_RESPONSE_ATTESTATION_OBJECT);
    dfns_response_free(&reg);
    s = dfns_registration_verify(policy, f->reg_client_data.ptr, f->reg_client_data.len, f->attestation_object.ptr,
                                 f->attestation_object.len, f->reg_challenge, sizeof f->reg_challenge, &verified);
    CHECK(s == DFNS_OK, "dfns_registration_verify(alg %d) -> %s: %s", alg, dfns_status_name(s), dfns_last_error());
    if (s != DFNS_OK) return -1;
    s = dfns_registration_public_key(verified, &f->key);
    CHECK(s == DFNS_OK && f->key != NULL, "dfns_registration_public_key -> %s", dfns_status_name(s));
    dfns_registration_free(&verified);
    if (s != DFNS_OK) return -1;
    s = dfns_authenticator_authenticate(auth, TEST_RP_ID, TEST_ORIGIN, f->challenge, sizeof f->challenge,
                                        f->credential_id.ptr, f->credential_id.len, 1, &as);
    CHECK(s == DFNS_OK, "dfns_authenticator_authenticate(alg %d) -> %s: %s", alg, dfns_status_name(s), dfns_last_error());
    if (s != DFNS_OK) return -1;
    f->client_data = response_field(as, DFNS_RESPONSE_CLIENT_DATA_JSON);
    f->authenticator_data = response_field(as, DFNS_RESPONSE_AUTHENTICATOR_DATA);
    f->signature = response_field(as, DFNS_RESPONSE_SIGNATURE);
    dfns_response_free(&as);
    return 0;
}

static void fixture_free(fixture_t *f) {
    bytes_free(&f->credential_id);
    bytes_free(&f->reg_client_data);
    bytes_free(&f->attestation_object);
    bytes_free(&f->client_data);
    bytes_free(&f->authenticator_data);
    bytes_free(&f->signature);
    dfns_public_key_free(&f->key);
}

#endif /* DFNS_TEST_SUPPORT_H */
