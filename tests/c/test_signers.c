/*
 * test_signers: the signers and the Dfns cryptography of include/dfns_bridge.h ("Signers and Dfns
 * cryptography (since 0.2)").
 *
 * 1. Every new function against NULL, empty, malformed and wrong-type arguments: a defined failure
 *    status, a message in dfns_last_error(), outputs left NULL; random mutations of a challenge, a
 *    private key, an envelope and a webhook body give defined statuses.
 * 2. Key signers for Ed25519, P-256, secp256k1 and RSA from generated PEM and DER keys: each signs a
 *    user-action challenge (and a delegated request's challenge), and the firstFactor's
 *    clientData/signature verify with the library's own dfns_public_key_verify. The Ed25519 result
 *    is compared with the reference vector of ../shared/vectors/dfns/reference.json.
 * 3. External signers over OpenSSL (the HSM/KMS stand-in): success for each kind, and a callback
 *    that fails, reports too many bytes, returns garbage, nothing, or a signature by another key;
 *    free_user is called once, and not when the constructor fails.
 * 4. The software authenticator as a Fido2 signer: the assertion verifies with
 *    dfns_assertion_verify under a policy.
 * 5. Password-protected and recovery keys: the reference envelope opens, a wrong password or code
 *    gives DFNS_ERR_WRONG_PASSWORD; envelopes and credentials made here open and sign.
 * 6. Webhooks: the reference delivery, good / tampered / stale / future / missing header.
 * 7. Returned signatures: secp256k1 by recovery (and directly), P-256 and Ed25519, good and bad.
 * 8. 8 threads sharing one Key signer and one external signer (iterations: argv[1], else
 *    $DFNS_TEST_THREAD_ITERATIONS, else 200).
 */
#include "test_support.h"

#include <pthread.h>
#include <stdatomic.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>

#define THREADS 8

/* ----------------------------------------------------------------------------------------------
 * Small helpers: wiping, base64url, hex, a JSON string-member reader for the library's outputs.
 * ------------------------------------------------------------------------------------------- */

/* Wipes a secret C string the library returned, then releases it. */
static void secret_free(char **p) {
    if (*p) {
        volatile char *v = *p;
        while (*v) *v++ = 0;
        dfns_free(*p);
        *p = NULL;
    }
}

/* Decodes base64 or base64url (padding optional); returns the length, or -1. */
static long b64_decode(const char *s, size_t n, uint8_t *out, size_t cap) {
    uint32_t acc = 0;
    int bits = 0;
    size_t len = 0;
    for (size_t i = 0; i < n; i++) {
        int v;
        char c = s[i];
        if (c >= 'A' && c <= 'Z') v = c - 'A';
        else if (c >= 'a' && c <= 'z') v = c - 'a' + 26;
        else if (c >= '0' && c <= '9') v = c - '0' + 52;
        else if (c == '+' || c == '-') v = 62;
        else if (c == '/' || c == '_') v = 63;
        else if (c == '=') break;
        else return -1;
        acc = (acc << 6) | (uint32_t)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            if (len == cap) return -1;
            out[len++] = (uint8_t)(acc >> bits);
        }
    }
    return (long)len;
}

/* base64url without padding. */
static void b64url_encode(const uint8_t *p, size_t n, char *out) {
    static const char abc[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    size_t o = 0;
    for (size_t i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t)p[i] << 16 | (i + 1 < n ? (uint32_t)p[i + 1] << 8 : 0) | (i + 2 < n ? p[i + 2] : 0);
        out[o++] = abc[(v >> 18) & 63];
        out[o++] = abc[(v >> 12) & 63];
        if (i + 1 < n) out[o++] = abc[(v >> 6) & 63];
        if (i + 2 < n) out[o++] = abc[v & 63];
    }
    out[o] = 0;
}

static void hex_encode(const uint8_t *p, size_t n, char *out) {
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[p[i] >> 4];
        out[2 * i + 1] = digits[p[i] & 15];
    }
    out[2 * n] = 0;
}

/* The string member `name` of a JSON document the library wrote (compact, names unique), with
 * the escapes \" \\ \/ \n unescaped. Returns 0 when found. */
static int json_string(const char *json, const char *name, char *out, size_t cap) {
    char pattern[128];
    snprintf(pattern, sizeof pattern, "\"%s\":\"", name);
    const char *p = json ? strstr(json, pattern) : NULL;
    size_t n = 0;
    if (!p) return -1;
    for (p += strlen(pattern); *p && *p != '"'; p++) {
        char c = *p;
        if (c == '\\') {
            p++;
            if (*p == 'n') c = '\n';
            else if (*p == '"' || *p == '\\' || *p == '/') c = *p;
            else return -1;
        }
        if (n + 1 >= cap) return -1;
        out[n++] = c;
    }
    if (*p != '"') return -1;
    out[n] = 0;
    return 0;
}

/* Decodes the base64url member `name` of `json`; returns the length, or -1. */
static long json_b64(const char *json, const char *name, uint8_t *out, size_t cap) {
    char text[8192];
    if (json_string(json, name, text, sizeof text) != 0) return -1;
    return b64_decode(text, strlen(text), out, cap);
}

/* ----------------------------------------------------------------------------------------------
 * OpenSSL: keys from the library's PEM, signing as a host's HSM would.
 * ------------------------------------------------------------------------------------------- */

static EVP_PKEY *openssl_private_key(const char *pem) {
    BIO *bio = BIO_new_mem_buf(pem, -1);
    EVP_PKEY *key = bio ? PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL) : NULL;
    BIO_free(bio);
    return key;
}

/* Signs `msg` the way Dfns wants for `kind`; returns 0 and the length in *sig_len. */
static int openssl_sign(EVP_PKEY *key, int kind, const uint8_t *msg, size_t len, uint8_t *sig, size_t *sig_len) {
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    int ok = ctx != NULL &&
             EVP_DigestSignInit(ctx, NULL, kind == DFNS_KEY_ED25519 ? NULL : EVP_sha256(), NULL, key) == 1 &&
             EVP_DigestSign(ctx, sig, sig_len, msg, len) == 1;
    EVP_MD_CTX_free(ctx);
    return ok ? 0 : -1;
}

/* A PEM private key of a type no Key credential can have (P-384), for the refusals. */
static char *p384_private_pem(void) {
    EVP_PKEY *key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-384");
    BIO *bio = BIO_new(BIO_s_mem());
    char *out = NULL;
    if (key && bio && PEM_write_bio_PrivateKey(bio, key, NULL, NULL, 0, NULL, NULL) == 1) {
        char *data = NULL;
        long n = BIO_get_mem_data(bio, &data);
        out = malloc((size_t)n + 1);
        if (out) {
            memcpy(out, data, (size_t)n);
            out[n] = 0;
        }
    }
    BIO_free(bio);
    EVP_PKEY_free(key);
    return out;
}

/* The same key's public PEM. */
static char *public_pem_of(EVP_PKEY *key) {
    BIO *bio = BIO_new(BIO_s_mem());
    char *out = NULL;
    if (bio && PEM_write_bio_PUBKEY(bio, key) == 1) {
        char *data = NULL;
        long n = BIO_get_mem_data(bio, &data);
        out = malloc((size_t)n + 1);
        if (out) {
            memcpy(out, data, (size_t)n);
            out[n] = 0;
        }
    }
    BIO_free(bio);
    return out;
}

/* ----------------------------------------------------------------------------------------------
 * Fixtures
 * ------------------------------------------------------------------------------------------- */

static const int KINDS[4] = { DFNS_KEY_ED25519, DFNS_KEY_P256, DFNS_KEY_SECP256K1, DFNS_KEY_RSA };

static const char *kind_name(int kind) {
    switch (kind) {
    case DFNS_KEY_ED25519: return "Ed25519";
    case DFNS_KEY_P256: return "P-256";
    case DFNS_KEY_SECP256K1: return "secp256k1";
    case DFNS_KEY_RSA: return "RSA";
    default: return "?";
    }
}

static int32_t kind_alg(int kind) {
    switch (kind) {
    case DFNS_KEY_ED25519: return DFNS_COSE_EDDSA;
    case DFNS_KEY_P256: return DFNS_COSE_ES256;
    case DFNS_KEY_SECP256K1: return DFNS_COSE_ES256K;
    default: return DFNS_COSE_RS256;
    }
}

/* A generated key: PEMs and credential id from dfns_key_generate. */
typedef struct {
    int kind;
    char *private_pem, *public_pem, *credential_id;
    dfns_public_key_t *verifier;    /* the public key, for dfns_public_key_verify */
    EVP_PKEY *openssl;              /* the private key in OpenSSL, for external signing */
} test_key_t;

static int test_key_make(test_key_t *k, int kind) {
    memset(k, 0, sizeof *k);
    k->kind = kind;
    int s = dfns_key_generate(kind, 0, &k->private_pem, &k->public_pem, &k->credential_id);
    CHECK(s == DFNS_OK, "dfns_key_generate(%s) -> %s: %s", kind_name(kind), dfns_status_name(s), dfns_last_error());
    if (s != DFNS_OK) return -1;
    CHECK(strncmp(k->private_pem, "-----BEGIN PRIVATE KEY-----\n", 28) == 0, "%s private key is not PKCS#8 PEM", kind_name(kind));
    CHECK(strncmp(k->public_pem, "-----BEGIN PUBLIC KEY-----\n", 27) == 0, "%s public key is not SPKI PEM", kind_name(kind));
    CHECK(strlen(k->credential_id) == 43, "%s credential id \"%s\" is not base64url of 32 bytes", kind_name(kind), k->credential_id);
    s = dfns_public_key_parse_spki((const uint8_t *)k->public_pem, strlen(k->public_pem), kind_alg(kind), &k->verifier);
    CHECK(s == DFNS_OK, "dfns_public_key_parse_spki(%s) -> %s: %s", kind_name(kind), dfns_status_name(s), dfns_last_error());
    k->openssl = openssl_private_key(k->private_pem);
    CHECK(k->openssl != NULL, "OpenSSL cannot read the %s private key PEM", kind_name(kind));
    return s == DFNS_OK && k->openssl ? 0 : -1;
}

static void test_key_free(test_key_t *k) {
    secret_free(&k->private_pem);
    dfns_free(k->public_pem);
    dfns_free(k->credential_id);
    dfns_public_key_free(&k->verifier);
    EVP_PKEY_free(k->openssl);
    memset(k, 0, sizeof *k);
}

/* A user-action challenge document; allow_kind is "key", "webauthn", "passwordProtectedKey" or
 * NULL (no allowCredentials), allowed_id the one id listed. */
static void challenge_json(char *out, size_t cap, const char *challenge, const char *allow_kind, const char *allowed_id) {
    if (allow_kind && strcmp(allow_kind, "passwordProtectedKey") == 0)
        snprintf(out, cap,
                 "{\"challenge\":\"%s\",\"challengeIdentifier\":\"eyJhbGciOi.test\",\"userVerification\":\"required\","
                 "\"allowCredentials\":{\"key\":[],\"webauthn\":[],\"passwordProtectedKey\":[{\"type\":\"public-key\","
                 "\"id\":\"%s\",\"encryptedPrivateKey\":\"e30=\"}]},\"supportedCredentialKinds\":[{\"kind\":"
                 "\"PasswordProtectedKey\",\"factor\":\"first\",\"requiresSecondFactor\":false}]}",
                 challenge, allowed_id);
    else if (allow_kind)
        snprintf(out, cap,
                 "{\"challenge\":\"%s\",\"challengeIdentifier\":\"eyJhbGciOi.test\",\"userVerification\":\"required\","
                 "\"allowCredentials\":{\"%s\":[{\"type\":\"public-key\",\"id\":\"%s\"}]}}",
                 challenge, allow_kind, allowed_id);
    else
        snprintf(out, cap, "{\"challenge\":\"%s\",\"challengeIdentifier\":\"eyJhbGciOi.test\"}", challenge);
}

/* Checks a Key-style firstFactor: kind, credId, the key.get clientData over `challenge`, and the
 * signature with `verifier`. Returns 0 when every check passed. */
static int check_key_first_factor(const char *what, const char *first_factor, const char *kind, const char *cred_id,
                                  const char *challenge, const dfns_public_key_t *verifier) {
    char text[512], expected[512];
    uint8_t client_data[1024], signature[1024];
    int failures = g_failures;
    CHECK(first_factor != NULL, "%s: no firstFactor", what);
    if (!first_factor) return -1;
    CHECK(json_string(first_factor, "kind", text, sizeof text) == 0 && strcmp(text, kind) == 0,
          "%s: kind is not %s: %s", what, kind, first_factor);
    CHECK(json_string(first_factor, "credId", text, sizeof text) == 0 && strcmp(text, cred_id) == 0,
          "%s: credId is not %s: %s", what, cred_id, first_factor);
    long cd = json_b64(first_factor, "clientData", client_data, sizeof client_data - 1);
    long sg = json_b64(first_factor, "signature", signature, sizeof signature);
    CHECK(cd > 0 && sg > 0, "%s: clientData or signature missing: %s", what, first_factor);
    if (cd <= 0 || sg <= 0) return -1;
    client_data[cd] = 0;
    snprintf(expected, sizeof expected, "{\"type\":\"key.get\",\"challenge\":\"%s\"}", challenge);
    CHECK(strcmp((const char *)client_data, expected) == 0, "%s: clientData is %s, expected %s", what, client_data, expected);
    int s = dfns_public_key_verify(verifier, client_data, (size_t)cd, signature, (size_t)sg);
    CHECK(s == DFNS_OK, "%s: the signature does not verify: %s %s", what, dfns_status_name(s), dfns_last_error());
    return g_failures == failures ? 0 : -1;
}

/* Signs `json` with `signer`; returns the firstFactor (dfns_free it) or NULL after a failed check. */
static char *sign_ok(const char *what, const dfns_signer_t *signer, const char *json) {
    char *ff = NULL;
    int s = dfns_signer_sign_challenge(signer, json, &ff);
    CHECK(s == DFNS_OK && ff != NULL, "%s: dfns_signer_sign_challenge -> %s: %s", what, dfns_status_name(s), dfns_last_error());
    return s == DFNS_OK ? ff : NULL;
}

/* ----------------------------------------------------------------------------------------------
 * The external signing callback
 * ------------------------------------------------------------------------------------------- */

enum { EXT_OK, EXT_FAIL, EXT_TOO_LONG, EXT_GARBAGE, EXT_EMPTY, EXT_ED25519_65 };

typedef struct {
    EVP_PKEY *key;          /* the key it signs with (another key than the credential's: a wrong signature) */
    int kind;               /* the kind it expects to be asked for */
    int mode;
    atomic_int calls;
    atomic_int freed;
    atomic_int wrong_kind;
} ext_user_t;

static int ext_sign(void *user, int key_kind, const uint8_t *message, size_t message_len, uint8_t *signature,
                    size_t capacity, size_t *signature_len) {
    ext_user_t *u = user;
    atomic_fetch_add(&u->calls, 1);
    if (key_kind != u->kind || *signature_len != 0 || capacity != DFNS_SIGNATURE_CAPACITY) atomic_fetch_add(&u->wrong_kind, 1);
    switch (u->mode) {
    case EXT_FAIL:
        return 7;
    case EXT_TOO_LONG:
        memset(signature, 0x5a, capacity);
        *signature_len = capacity + 1;
        return 0;
    case EXT_GARBAGE:
        memset(signature, 0x30, 10);
        *signature_len = 10;
        return 0;
    case EXT_EMPTY:
        *signature_len = 0;
        return 0;
    default:
        break;
    }
    size_t n = capacity;
    if (openssl_sign(u->key, key_kind, message, message_len, signature, &n) != 0) return -1;
    if (u->mode == EXT_ED25519_65) {
        signature[n] = 0;   /* one byte too many for an Ed25519 signature */
        n++;
    }
    *signature_len = n;
    return 0;
}

static void ext_free(void *user) {
    atomic_fetch_add(&((ext_user_t *)user)->freed, 1);
}

/* ----------------------------------------------------------------------------------------------
 * Reference material (../shared/vectors/dfns/reference.json; public test keys)
 * ------------------------------------------------------------------------------------------- */

static const char REF_ED25519_PRIVATE_PEM[] =
    "-----BEGIN PRIVATE KEY-----\n"
    "MC4CAQAwBQYDK2VwBCIEIJ1hsZ3v/VpguoRK9JLsLMREScVpezJpGXA7rAMcrn9g\n"
    "-----END PRIVATE KEY-----\n";
static const char REF_P256_PRIVATE_PEM[] =
    "-----BEGIN PRIVATE KEY-----\n"
    "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgya+p2EW6dRZrXCFX\n"
    "Z7HWk05Qw9s26JsSe4piKxIPZyGhRANCAARg/tS6JVqdMclh63TGNW1owEm4kjth\n"
    "+mzmaWIuYPKftnkD/hAIuLyZpBrp6VYovGTy8bIMLX6fUXejwpTURiKZ\n"
    "-----END PRIVATE KEY-----\n";
static const char REF_P256_CRED_ID[] = "Wnp4zKSg9CDZvGK7Zpw8J1njn3I9OuENy-DwgVoH7NQ";
static const char REF_CHALLENGE[] = "Y2gtNzloaHQtbXJlb2stOGFwOHFtMmVpZWZ0amxhZw";
static const char REF_CLIENT_DATA_B64URL[] =
    "eyJ0eXBlIjoia2V5LmdldCIsImNoYWxsZW5nZSI6IlkyZ3ROemxvYUhRdGJYSmxiMnN0T0dGd09IRnRNbVZwWldaMGFteGhadyJ9";
static const char REF_ED25519_SIGNATURE_B64URL[] =
    "m9CjL0SW5CXyns1ULwwtNuZsjpQmDvk9QoL5h1cQYvKWfrH0angAmyQ_CHXYd276Y8HvIS0O0N3v9FqoQBbWDQ";
static const char REF_WRAP_USERNAME[] = "  Alice@Example.com ";
static const char REF_WRAP_PASSWORD[] = "D1-ABCDEF-GHJKL-MNPQR-STUVW-XYZ23-456789";
static const char REF_WRAP_ENVELOPE[] =
    "eyJpdiI6IkFBRUNBd1FGQmdjSUNRb0xEQTBPRHc9PSIsImtleSI6IlNWQnp6ajVkb0s2VWc3RG9PM2g2eWhyR1FFc2tYL3JlVkkyanY4NTZPRTB4"
    "QmVWdTdxWlk4ZVhDYWZzci9hS09DSUI0UzEzY2JzcGZGNWlLNE1MeCtlaHZRdGdnTTdTNFZCUUtvZkY3OGtVNSt1MlZMejRVY1VtWXM5QlpaSHdp"
    "OWw5OHI3eEZxQTliUk5oTm9wSXR6TTJiRjV0YnFiREFyNm1kZE9jMmZNTmpjZHhSYitlNnZJY2tqN3lvNCtvSzJjY3VMdXVJWTdQNkVBPT0ifQ==";
static const char REF_WEBHOOK_SECRET[] = "whs-example-secret";
static const char REF_WEBHOOK_BODY[] =
    "{\"id\":\"whe-1\",\"kind\":\"wallet.created\",\"date\":\"2024-01-01T00:00:00.000Z\",\"data\":{\"wallet\":{\"id\":"
    "\"wa-1\"}},\"timestampSent\":1704067200}";
static const char REF_WEBHOOK_HEADER[] = "sha256=d99fda8cc2b0fd18e1f67c505115afd91f5e8f1bc1b15c0bb6f2748a2a13aeea";
static const int64_t REF_WEBHOOK_TIME = 1704067200;

/* ----------------------------------------------------------------------------------------------
 * 1. NULL and bad arguments
 * ------------------------------------------------------------------------------------------- */

static dfns_signer_t *const SENTINEL = (dfns_signer_t *)(uintptr_t)0x10;

static void test_arguments(const test_key_t *p256, const test_key_t *ed25519) {
    dfns_signer_t *out = SENTINEL;
    char *text = (char *)(uintptr_t)0x10;
    const uint8_t *pem = (const uint8_t *)p256->private_pem;
    size_t pem_len = strlen(p256->private_pem);
    const uint8_t *pub = (const uint8_t *)p256->public_pem;
    size_t pub_len = strlen(p256->public_pem);
    static const uint8_t garbage[] = "not a key at all, neither PEM nor DER";
    ext_user_t user = { p256->openssl, DFNS_KEY_P256, EXT_OK, 0, 0, 0 };
    dfns_authenticator_t *auth = NULL;
    dfns_signer_t *signer = NULL;
    const char *borrowed = NULL;

    CHECK_OK(dfns_authenticator_new(&auth));
    CHECK_OK(dfns_signer_new_key(pem, pem_len, NULL, &signer));

    /* dfns_signer_new_key */
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_signer_new_key(NULL, 0, NULL, &out));
    CHECK(out == NULL, "out not set to NULL on failure");
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_signer_new_key(NULL, 10, NULL, &out));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_signer_new_key(pem, pem_len, NULL, NULL));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_signer_new_key(pem, pem_len, "", &out));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_signer_new_key(pem, (size_t)-1, NULL, &out));
    EXPECT_FAIL(DFNS_ERR_MALFORMED_ENCODING, dfns_signer_new_key(garbage, sizeof garbage - 1, NULL, &out));
    EXPECT_FAIL(DFNS_ERR_MALFORMED_ENCODING, dfns_signer_new_key(pem, pem_len / 2, NULL, &out));
    EXPECT_FAIL(DFNS_ERR_MALFORMED_ENCODING, dfns_signer_new_key(pub, pub_len, NULL, &out)); /* a public key */
    {
        char *p384 = p384_private_pem();
        CHECK(p384 != NULL, "cannot make a P-384 key");
        if (p384) {
            EXPECT_FAIL(DFNS_ERR_UNSUPPORTED_ALGORITHM, dfns_signer_new_key((const uint8_t *)p384, strlen(p384), NULL, &out));
            EVP_PKEY *k = openssl_private_key(p384);
            char *p384_pub = k ? public_pem_of(k) : NULL;
            if (p384_pub)
                EXPECT_FAIL(DFNS_ERR_UNSUPPORTED_ALGORITHM,
                            dfns_signer_new_external("cred", (const uint8_t *)p384_pub, strlen(p384_pub), ext_sign, &user, ext_free, &out));
            free(p384_pub);
            EVP_PKEY_free(k);
            free(p384);
        }
    }
    CHECK(out == NULL, "out not NULL after failures");

    /* dfns_signer_new_external */
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_signer_new_external(NULL, pub, pub_len, ext_sign, &user, ext_free, &out));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_signer_new_external("", pub, pub_len, ext_sign, &user, ext_free, &out));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_signer_new_external("cred", NULL, 0, ext_sign, &user, ext_free, &out));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_signer_new_external("cred", pub, pub_len, NULL, &user, ext_free, &out));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_signer_new_external("cred", pub, pub_len, ext_sign, &user, ext_free, NULL));
    EXPECT_FAIL(0, dfns_signer_new_external("cred", garbage, sizeof garbage - 1, ext_sign, &user, ext_free, &out));
    EXPECT_FAIL(0, dfns_signer_new_external("cred", pem, pem_len, ext_sign, &user, ext_free, &out)); /* a private key */
    CHECK(out == NULL, "out not NULL after failures");
    CHECK(atomic_load(&user.freed) == 0 && atomic_load(&user.calls) == 0,
          "a failed dfns_signer_new_external released or called user (%d, %d)", atomic_load(&user.freed), atomic_load(&user.calls));

    /* dfns_signer_new_webauthn */
    static const uint8_t cred[] = { 1, 2, 3, 4 };
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_signer_new_webauthn(NULL, TEST_RP_ID, TEST_ORIGIN, cred, sizeof cred, 1, &out));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_signer_new_webauthn(auth, NULL, TEST_ORIGIN, cred, sizeof cred, 1, &out));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_signer_new_webauthn(auth, TEST_RP_ID, NULL, cred, sizeof cred, 1, &out));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_signer_new_webauthn(auth, TEST_RP_ID, "", cred, sizeof cred, 1, &out));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_signer_new_webauthn(auth, TEST_RP_ID, TEST_ORIGIN, NULL, 0, 1, &out));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_signer_new_webauthn(auth, TEST_RP_ID, TEST_ORIGIN, cred, sizeof cred, 1, NULL));
    EXPECT_FAIL(DFNS_ERR_NOT_FOUND, dfns_signer_new_webauthn(auth, TEST_RP_ID, TEST_ORIGIN, cred, sizeof cred, 1, &out));
    /* A handle of another kind. */
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT,
                dfns_signer_new_webauthn((const dfns_authenticator_t *)signer, TEST_RP_ID, TEST_ORIGIN, cred, sizeof cred, 1, &out));

    /* dfns_signer_new_password_protected_key */
    const uint8_t *pw = (const uint8_t *)REF_WRAP_PASSWORD;
    size_t pw_len = strlen(REF_WRAP_PASSWORD);
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_signer_new_password_protected_key(NULL, pw, pw_len, REF_WRAP_USERNAME, NULL, &out));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_signer_new_password_protected_key(REF_WRAP_ENVELOPE, NULL, 0, REF_WRAP_USERNAME, NULL, &out));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_signer_new_password_protected_key(REF_WRAP_ENVELOPE, NULL, 8, REF_WRAP_USERNAME, NULL, &out));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_signer_new_password_protected_key(REF_WRAP_ENVELOPE, pw, pw_len, NULL, NULL, &out));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_signer_new_password_protected_key(REF_WRAP_ENVELOPE, pw, pw_len, "   ", NULL, &out));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_signer_new_password_protected_key(REF_WRAP_ENVELOPE, pw, pw_len, REF_WRAP_USERNAME, "", &out));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_signer_new_password_protected_key(REF_WRAP_ENVELOPE, pw, pw_len, REF_WRAP_USERNAME, NULL, NULL));
    EXPECT_FAIL(DFNS_ERR_MALFORMED_ENCODING, dfns_signer_new_password_protected_key("!!not base64!!", pw, pw_len, REF_WRAP_USERNAME, NULL, &out));
    EXPECT_FAIL(DFNS_ERR_MALFORMED_ENCODING, dfns_signer_new_password_protected_key("e30=", pw, pw_len, REF_WRAP_USERNAME, NULL, &out)); /* {} */

    /* dfns_signer_new_recovery_key */
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_signer_new_recovery_key(NULL, pw, pw_len, REF_WRAP_USERNAME, NULL, &out));
    EXPECT_FAIL(DFNS_ERR_WRONG_PASSWORD, dfns_signer_new_recovery_key(REF_WRAP_ENVELOPE, NULL, 0, REF_WRAP_USERNAME, NULL, &out));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_signer_new_recovery_key(REF_WRAP_ENVELOPE, pw, pw_len, NULL, NULL, &out));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_signer_new_recovery_key(REF_WRAP_ENVELOPE, pw, pw_len, REF_WRAP_USERNAME, NULL, NULL));
    EXPECT_FAIL(DFNS_ERR_WRONG_PASSWORD, dfns_signer_new_recovery_key(REF_WRAP_ENVELOPE, (const uint8_t *)"D1-ABC", 6, REF_WRAP_USERNAME, NULL, &out));
    EXPECT_FAIL(DFNS_ERR_WRONG_PASSWORD, /* I and O are not in the alphabet */
                dfns_signer_new_recovery_key(REF_WRAP_ENVELOPE, (const uint8_t *)"D1-IBCDEF-GHJKL-MNPQR-STUVW-XYZ23-456789", 40,
                                             REF_WRAP_USERNAME, NULL, &out));
    EXPECT_FAIL(DFNS_ERR_MALFORMED_ENCODING, dfns_signer_new_recovery_key("e30=", pw, pw_len, REF_WRAP_USERNAME, NULL, &out));
    CHECK(out == NULL, "out not NULL after failures");

    /* dfns_signer_free accepts NULL and a pointer to NULL. */
    dfns_signer_free(NULL);
    out = NULL;
    dfns_signer_free(&out);

    /* dfns_signer_credential_id */
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_signer_credential_id(NULL, &borrowed));
    CHECK(borrowed == NULL, "credential id output not NULL on failure");
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_signer_credential_id(signer, NULL));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_signer_credential_id((const dfns_signer_t *)auth, &borrowed));

    /* dfns_signer_sign_challenge */
    char json[1024];
    challenge_json(json, sizeof json, "Y2gtYXJn", NULL, NULL);
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_signer_sign_challenge(NULL, json, &text));
    CHECK(text == NULL, "first_factor_json not NULL on failure");
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_signer_sign_challenge(signer, NULL, &text));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_signer_sign_challenge(signer, json, NULL));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_signer_sign_challenge((const dfns_signer_t *)auth, json, &text));
    static const char *const bad_json[] = {
        "", "not json", "[]", "\"Y2gt\"", "{", "{\"challenge\":5,\"challengeIdentifier\":\"x\"}",
        "{\"challengeIdentifier\":\"x\"}", "{\"challenge\":\"Y2gt\"}",                      /* no identifier */
        "{\"challenge\":\"\",\"challengeIdentifier\":\"x\"}",                                /* empty challenge */
        "{\"challenge\":\"Y2gt\",\"challengeIdentifier\":\"x\",\"challenge\":\"Y2gt\"}",     /* duplicate member */
        "{\"challenge\":\"Y2gt\",\"challengeIdentifier\":\"x\",\"allowCredentials\":{\"key\":[{\"id\":5}]}}",
        "{\"method\":\"POST\",\"path\":\"/wallets\",\"body\":\"\",\"challenge\":{\"challenge\":\"Y2gt\"}}",
        "{\"challenge\":\"Y2gt\",\"challengeIdentifier\":\"x\"} trailing",
        "{\"challenge\":\"\xff\xfe\",\"challengeIdentifier\":\"x\"}",                        /* not UTF-8 */
    };
    for (size_t i = 0; i < sizeof bad_json / sizeof bad_json[0]; i++)
        EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_signer_sign_challenge(signer, bad_json[i], &text));
    {
        /* Deeply nested and very long documents are refused without trouble. */
        size_t n = 100000;
        char *deep = malloc(2 * n + 64);
        if (deep) {
            size_t o = 0;
            o += (size_t)sprintf(deep, "{\"challenge\":\"Y2gt\",\"challengeIdentifier\":\"x\",\"rp\":");
            for (size_t i = 0; i < n; i++) deep[o++] = '[';
            for (size_t i = 0; i < n; i++) deep[o++] = ']';
            deep[o++] = '}';
            deep[o] = 0;
            EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_signer_sign_challenge(signer, deep, &text));
            free(deep);
        }
        char *big = malloc((2u << 20) + 1);
        if (big) {
            memset(big, ' ', 2u << 20);
            big[2u << 20] = 0;
            EXPECT_FAIL(DFNS_ERR_INPUT_TOO_LARGE, dfns_signer_sign_challenge(signer, big, &text));
            free(big);
        }
    }
    CHECK(text == NULL, "first_factor_json not NULL after failures");

    /* dfns_webhook_verify */
    const uint8_t *secret = (const uint8_t *)REF_WEBHOOK_SECRET;
    size_t secret_len = strlen(REF_WEBHOOK_SECRET);
    const uint8_t *body = (const uint8_t *)REF_WEBHOOK_BODY;
    size_t body_len = strlen(REF_WEBHOOK_BODY);
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_webhook_verify(NULL, 4, body, body_len, REF_WEBHOOK_HEADER, REF_WEBHOOK_TIME, 300, 60, &text));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_webhook_verify(secret, secret_len, NULL, 4, REF_WEBHOOK_HEADER, REF_WEBHOOK_TIME, 300, 60, &text));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_webhook_verify(secret, (size_t)-1, body, body_len, REF_WEBHOOK_HEADER, REF_WEBHOOK_TIME, 300, 60, &text));
    EXPECT_FAIL(DFNS_ERR_WEBHOOK_INVALID, dfns_webhook_verify(NULL, 0, body, body_len, REF_WEBHOOK_HEADER, REF_WEBHOOK_TIME, 300, 60, &text));
    EXPECT_FAIL(DFNS_ERR_WEBHOOK_INVALID, dfns_webhook_verify(secret, secret_len, NULL, 0, REF_WEBHOOK_HEADER, REF_WEBHOOK_TIME, 300, 60, &text));
    CHECK(text == NULL, "event_json not NULL after failures");

    /* dfns_returned_signature_verify */
    static const char *const pk = "0x02" "79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798";
    static const uint8_t digest[32] = { 1 };
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_returned_signature_verify(0, pk, digest, 32, "0x01", "0x01", -1, NULL, 0));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_returned_signature_verify(99, pk, digest, 32, "0x01", "0x01", -1, NULL, 0));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_returned_signature_verify(DFNS_KEY_SECP256K1, NULL, digest, 32, "0x01", "0x01", -1, NULL, 0));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_returned_signature_verify(DFNS_KEY_SECP256K1, pk, NULL, 32, "0x01", "0x01", -1, NULL, 0));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_returned_signature_verify(DFNS_KEY_SECP256K1, pk, digest, 32, NULL, "0x01", -1, NULL, 0));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_returned_signature_verify(DFNS_KEY_SECP256K1, pk, digest, 32, "0x01", NULL, -1, NULL, 0));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_returned_signature_verify(DFNS_KEY_SECP256K1, pk, digest, 32, "0x01", "0x01", -2, NULL, 0));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_returned_signature_verify(DFNS_KEY_SECP256K1, pk, digest, 32, "0x01", "0x01", -1, "", 0));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_returned_signature_verify(DFNS_KEY_SECP256K1, pk, digest, 32, "0x01", "0x01", -1, NULL, 6));
    EXPECT_FAIL(DFNS_ERR_UNSUPPORTED, dfns_returned_signature_verify(DFNS_KEY_RSA, pk, digest, 32, "0x01", "0x01", -1, NULL, 0));
    EXPECT_FAIL(DFNS_ERR_INVALID_PUBLIC_KEY, dfns_returned_signature_verify(DFNS_KEY_SECP256K1, "0xzz", digest, 32, "0x01", "0x01", -1, NULL, 0));
    EXPECT_FAIL(DFNS_ERR_INVALID_PUBLIC_KEY, dfns_returned_signature_verify(DFNS_KEY_SECP256K1, "0x0201", digest, 32, "0x01", "0x01", -1, NULL, 0));
    EXPECT_FAIL(DFNS_ERR_RETURNED_SIGNATURE_INVALID, dfns_returned_signature_verify(DFNS_KEY_SECP256K1, pk, digest, 31, "0x01", "0x01", -1, NULL, 0));
    EXPECT_FAIL(DFNS_ERR_RETURNED_SIGNATURE_INVALID, dfns_returned_signature_verify(DFNS_KEY_SECP256K1, pk, digest, 32, "0xqq", "0x01", -1, NULL, 0));
    EXPECT_FAIL(DFNS_ERR_RETURNED_SIGNATURE_INVALID, dfns_returned_signature_verify(DFNS_KEY_SECP256K1, pk, digest, 32, "0x01", "0x01", 4, NULL, 0));
    EXPECT_FAIL(DFNS_ERR_RETURNED_SIGNATURE_INVALID, dfns_returned_signature_verify(DFNS_KEY_ED25519, pk + 4, digest, 32, "0x01", "0x01", -1, NULL, 0));

    /* dfns_key_generate */
    char *a = NULL, *b = NULL, *c = NULL;
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_key_generate(0, 0, &a, &b, &c));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_key_generate(99, 0, &a, &b, &c));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_key_generate(DFNS_KEY_P256, 0, NULL, &b, &c));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_key_generate(DFNS_KEY_RSA, 1024, &a, &b, &c));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_key_generate(DFNS_KEY_RSA, -1, &a, &b, &c));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_key_generate(DFNS_KEY_RSA, 20000, &a, &b, &c));
    CHECK(a == NULL && b == NULL && c == NULL, "dfns_key_generate outputs not NULL on failure");
    CHECK_OK(dfns_key_generate(DFNS_KEY_P256, 0, &a, NULL, NULL)); /* optional outputs */
    CHECK(a != NULL, "no private key");
    secret_free(&a);
    CHECK_OK(dfns_key_generate(DFNS_KEY_ED25519, -1, &a, NULL, NULL)); /* rsa_bits is ignored for other kinds */
    CHECK(a != NULL, "no private key");
    secret_free(&a);

    /* dfns_password_protected_key_wrap / _unwrap / _create */
    const uint8_t *edpem = (const uint8_t *)ed25519->private_pem;
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_password_protected_key_wrap(NULL, 0, pw, pw_len, "alice", &text));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_password_protected_key_wrap(pem, pem_len, NULL, 0, "alice", &text));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_password_protected_key_wrap(pem, pem_len, pw, pw_len, NULL, &text));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_password_protected_key_wrap(pem, pem_len, pw, pw_len, "alice", NULL));
    EXPECT_FAIL(DFNS_ERR_MALFORMED_ENCODING, dfns_password_protected_key_wrap(garbage, sizeof garbage - 1, pw, pw_len, "alice", &text));
    EXPECT_FAIL(DFNS_ERR_UNSUPPORTED_ALGORITHM, dfns_password_protected_key_wrap(edpem, strlen(ed25519->private_pem), pw, pw_len, "alice", &text));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_password_protected_key_unwrap(NULL, pw, pw_len, REF_WRAP_USERNAME, &text));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_password_protected_key_unwrap(REF_WRAP_ENVELOPE, NULL, 0, REF_WRAP_USERNAME, &text));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_password_protected_key_unwrap(REF_WRAP_ENVELOPE, pw, pw_len, NULL, &text));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_password_protected_key_unwrap(REF_WRAP_ENVELOPE, pw, pw_len, REF_WRAP_USERNAME, NULL));
    EXPECT_FAIL(DFNS_ERR_MALFORMED_ENCODING, dfns_password_protected_key_unwrap("AAAA", pw, pw_len, REF_WRAP_USERNAME, &text));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_password_protected_key_create(NULL, pw, pw_len, "alice", NULL, &text));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_password_protected_key_create("Y2gt", NULL, 0, "alice", NULL, &text));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_password_protected_key_create("Y2gt", pw, pw_len, NULL, NULL, &text));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_password_protected_key_create("Y2gt", pw, pw_len, "alice", "", &text));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_password_protected_key_create("Y2gt", pw, pw_len, "alice", NULL, NULL));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_password_protected_key_create("", pw, pw_len, "alice", NULL, &text));

    /* dfns_recovery_code_generate / dfns_recovery_key_create */
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_recovery_code_generate(NULL));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_recovery_key_create(NULL, pw, pw_len, "alice", NULL, &text));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_recovery_key_create("Y2gt", pw, pw_len, NULL, NULL, &text));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_recovery_key_create("Y2gt", pw, pw_len, "alice", NULL, NULL));
    EXPECT_FAIL(DFNS_ERR_WRONG_PASSWORD, dfns_recovery_key_create("Y2gt", NULL, 0, "alice", NULL, &text));
    EXPECT_FAIL(DFNS_ERR_WRONG_PASSWORD, dfns_recovery_key_create("Y2gt", (const uint8_t *)"password", 8, "alice", NULL, &text));
    CHECK(text == NULL, "text output not NULL after failures");

    /* Hostile input: random mutations of a good challenge, of a key, of an envelope and of a
     * webhook body give defined statuses (the process would die on a trap). */
    {
        char good[512], mutated[512];
        uint8_t key_bytes[1024];
        int undefined = 0;
        challenge_json(good, sizeof good, "Y2gtbXV0YXRl", "key", "cr-mutate");
        size_t good_len = strlen(good);
        for (int round = 0; round < 1500; round++) {
            memcpy(mutated, good, good_len + 1);
            int edits = 1 + (int)(rng_next() % 4);
            for (int e = 0; e < edits; e++) {
                size_t at = (size_t)(rng_next() % good_len);
                mutated[at] = (char)(1 + rng_next() % 255); /* never NUL */
            }
            char *ff = NULL;
            int s = dfns_signer_sign_challenge(signer, mutated, &ff);
            if (s != DFNS_OK && !status_is_defined(s)) undefined++;
            if (s != DFNS_OK && ff != NULL) undefined++;
            dfns_free(ff);

            size_t n = pem_len < sizeof key_bytes ? pem_len : sizeof key_bytes;
            memcpy(key_bytes, pem, n);
            key_bytes[rng_next() % n] ^= (uint8_t)(1 + rng_next() % 255);
            dfns_signer_t *k = NULL;
            s = dfns_signer_new_key(key_bytes, round % 2 ? n : (size_t)(rng_next() % n), NULL, &k);
            if (s != DFNS_OK && (!status_is_defined(s) || k != NULL)) undefined++;
            dfns_signer_free(&k);

            if (round % 50 == 0) { /* PBKDF2 runs for each: fewer rounds */
                char envelope[sizeof REF_WRAP_ENVELOPE];
                memcpy(envelope, REF_WRAP_ENVELOPE, sizeof envelope);
                envelope[rng_next() % (sizeof envelope - 1)] = (char)(1 + rng_next() % 255);
                s = dfns_signer_new_password_protected_key(envelope, pw, pw_len, REF_WRAP_USERNAME, NULL, &k);
                if (s != DFNS_OK && (!status_is_defined(s) || k != NULL)) undefined++;
                dfns_signer_free(&k);
            }

            char body_copy[sizeof REF_WEBHOOK_BODY];
            memcpy(body_copy, REF_WEBHOOK_BODY, sizeof body_copy);
            body_copy[rng_next() % (sizeof body_copy - 1)] ^= (char)(1 + rng_next() % 127);
            s = dfns_webhook_verify(secret, secret_len, (const uint8_t *)body_copy, sizeof body_copy - 1, REF_WEBHOOK_HEADER,
                                    REF_WEBHOOK_TIME, 300, 60, NULL);
            if (s != DFNS_ERR_WEBHOOK_INVALID) undefined++;
        }
        CHECK(undefined == 0, "%d hostile inputs gave an undefined status, an output on failure, or were accepted", undefined);
    }

    dfns_signer_free(&signer);
    CHECK(signer == NULL, "dfns_signer_free did not set the pointer to NULL");
    dfns_authenticator_free(&auth);
}

/* ----------------------------------------------------------------------------------------------
 * 2. Key signers
 * ------------------------------------------------------------------------------------------- */

static void test_key_signers(test_key_t keys[4]) {
    char json[2048], delegated[2048];
    for (int i = 0; i < 4; i++) {
        test_key_t *k = &keys[i];
        const char *name = kind_name(k->kind);
        dfns_signer_t *pem_signer = NULL, *der_signer = NULL;
        const char *id = NULL;

        /* PEM, credential id derived. */
        CHECK_OK(dfns_signer_new_key((const uint8_t *)k->private_pem, strlen(k->private_pem), NULL, &pem_signer));
        CHECK_OK(dfns_signer_credential_id(pem_signer, &id));
        CHECK(id != NULL && strcmp(id, k->credential_id) == 0, "%s: derived credential id %s, dfns_key_generate said %s",
              name, id ? id : "(null)", k->credential_id);

        /* DER, credential id given. */
        uint8_t der[4096];
        size_t der_len = pem_to_der(k->private_pem, der, sizeof der);
        CHECK(der_len > 0, "%s: cannot decode the PEM", name);
        CHECK_OK(dfns_signer_new_key(der, der_len, "cr-der-credential", &der_signer));
        id = NULL;
        CHECK_OK(dfns_signer_credential_id(der_signer, &id));
        CHECK(id != NULL && strcmp(id, "cr-der-credential") == 0, "%s: credential id %s", name, id ? id : "(null)");
        memset(der, 0, sizeof der);

        /* The same key as traditional PEM (SEC1 "EC PRIVATE KEY", PKCS#1 "RSA PRIVATE KEY"), as
         * CRLF PKCS#8 PEM with text after the block, and as a PKCS#8 block whose body is broken. */
        {
            char crlf[8192];
            size_t o = 0;
            for (const char *p = k->private_pem; *p && o + 3 < sizeof crlf; p++) {
                if (*p == '\n') crlf[o++] = '\r';
                crlf[o++] = *p;
            }
            o += (size_t)snprintf(crlf + o, sizeof crlf - o, "trailing comment\r\n");
            dfns_signer_t *variant = NULL;
            CHECK_OK(dfns_signer_new_key((const uint8_t *)crlf, o, NULL, &variant));
            id = NULL;
            if (variant) CHECK_OK(dfns_signer_credential_id(variant, &id));
            CHECK(id && strcmp(id, k->credential_id) == 0, "%s: CRLF PEM gave another key", name);
            dfns_signer_free(&variant);
            memset(crlf, 0, sizeof crlf);

            char broken[8192];
            snprintf(broken, sizeof broken, "%s", k->private_pem);
            broken[40] = '*';
            EXPECT_FAIL(DFNS_ERR_MALFORMED_ENCODING, dfns_signer_new_key((const uint8_t *)broken, strlen(broken), NULL, &variant));
            memset(broken, 0, sizeof broken);

            if (k->kind != DFNS_KEY_ED25519) {
                BIO *bio = BIO_new(BIO_s_mem());
                char *data = NULL;
                long n = 0;
                if (bio && PEM_write_bio_PrivateKey_traditional(bio, k->openssl, NULL, NULL, 0, NULL, NULL) == 1)
                    n = BIO_get_mem_data(bio, &data);
                CHECK(n > 0 && strstr(data, k->kind == DFNS_KEY_RSA ? "RSA PRIVATE KEY" : "EC PRIVATE KEY") != NULL,
                      "%s: OpenSSL wrote no traditional PEM", name);
                if (n > 0) {
                    CHECK_OK(dfns_signer_new_key((const uint8_t *)data, (size_t)n, NULL, &variant));
                    id = NULL;
                    if (variant) CHECK_OK(dfns_signer_credential_id(variant, &id));
                    CHECK(id && strcmp(id, k->credential_id) == 0, "%s: traditional PEM gave another key", name);
                    dfns_signer_free(&variant);
                    uint8_t trad_der[4096];
                    size_t trad_len = pem_bytes_to_der(data, (size_t)n, trad_der, sizeof trad_der);
                    CHECK_OK(dfns_signer_new_key(trad_der, trad_len, NULL, &variant));
                    id = NULL;
                    if (variant) CHECK_OK(dfns_signer_credential_id(variant, &id));
                    CHECK(id && strcmp(id, k->credential_id) == 0, "%s: traditional DER gave another key", name);
                    dfns_signer_free(&variant);
                    memset(trad_der, 0, sizeof trad_der);
                }
                BIO_free(bio);
            }
        }

        /* Signs with allowCredentials.key naming it; the assertion verifies. */
        challenge_json(json, sizeof json, "Y2gtMTExMS0yMjIy", "key", k->credential_id);
        char *ff = sign_ok(name, pem_signer, json);
        check_key_first_factor(name, ff, "Key", k->credential_id, "Y2gtMTExMS0yMjIy", k->verifier);
        if (k->kind == DFNS_KEY_RSA)
            CHECK(ff && strstr(ff, "\"algorithm\":\"RSA-SHA256\"") != NULL, "RSA assertion without algorithm: %s", ff);
        else
            CHECK(ff && strstr(ff, "\"algorithm\"") == NULL, "%s assertion with an algorithm: %s", name, ff);
        dfns_free(ff);

        /* No allowCredentials: signs. A delegated request's challenge: signs. */
        challenge_json(json, sizeof json, "Y2gtMzMzMw", NULL, NULL);
        ff = sign_ok(name, der_signer, json);
        check_key_first_factor(name, ff, "Key", "cr-der-credential", "Y2gtMzMzMw", k->verifier);
        dfns_free(ff);
        snprintf(delegated, sizeof delegated,
                 "{\"method\":\"POST\",\"path\":\"/wallets\",\"body\":\"{\\\"network\\\":\\\"EthereumSepolia\\\"}\","
                 "\"challenge\":{\"challenge\":\"Y2gtNDQ0NA\",\"challengeIdentifier\":\"jwt\","
                 "\"allowCredentials\":{\"key\":[{\"type\":\"public-key\",\"id\":\"cr-der-credential\"}],\"webauthn\":[]}}}");
        ff = sign_ok(name, der_signer, delegated);
        check_key_first_factor(name, ff, "Key", "cr-der-credential", "Y2gtNDQ0NA", k->verifier);
        dfns_free(ff);

        /* A challenge that lists other credentials only: nothing is signed. */
        challenge_json(json, sizeof json, "Y2gtNTU1NQ", "key", "cr-someone-else");
        char *none = NULL;
        EXPECT_FAIL(DFNS_ERR_SIGNER, dfns_signer_sign_challenge(pem_signer, json, &none));
        CHECK(none == NULL, "output written on failure");

        dfns_signer_free(&pem_signer);
        dfns_signer_free(&der_signer);
    }

    /* The reference Ed25519 vector: deterministic, so the exact bytes are known. */
    dfns_signer_t *ref = NULL;
    CHECK_OK(dfns_signer_new_key((const uint8_t *)REF_ED25519_PRIVATE_PEM, strlen(REF_ED25519_PRIVATE_PEM), "cr-example", &ref));
    challenge_json(json, sizeof json, REF_CHALLENGE, NULL, NULL);
    char *ff = sign_ok("reference Ed25519", ref, json);
    char value[512];
    CHECK(ff && json_string(ff, "clientData", value, sizeof value) == 0 && strcmp(value, REF_CLIENT_DATA_B64URL) == 0,
          "reference clientData differs: %s", ff);
    CHECK(ff && json_string(ff, "signature", value, sizeof value) == 0 && strcmp(value, REF_ED25519_SIGNATURE_B64URL) == 0,
          "reference Ed25519 signature differs: %s", ff);
    dfns_free(ff);
    dfns_signer_free(&ref);

    /* The reference P-256 key: its derived credential id is the reference's. */
    CHECK_OK(dfns_signer_new_key((const uint8_t *)REF_P256_PRIVATE_PEM, strlen(REF_P256_PRIVATE_PEM), NULL, &ref));
    const char *id = NULL;
    CHECK_OK(dfns_signer_credential_id(ref, &id));
    CHECK(id && strcmp(id, REF_P256_CRED_ID) == 0, "reference P-256 credential id %s", id ? id : "(null)");
    dfns_signer_free(&ref);
}

/* ----------------------------------------------------------------------------------------------
 * 3. External signers
 * ------------------------------------------------------------------------------------------- */

static void test_external_signers(test_key_t keys[4]) {
    char json[1024];
    for (int i = 0; i < 4; i++) {
        test_key_t *k = &keys[i];
        test_key_t *other = &keys[(i + 1) % 4];
        const char *name = kind_name(k->kind);
        ext_user_t user = { k->openssl, k->kind, EXT_OK, 0, 0, 0 };
        dfns_signer_t *signer = NULL;

        /* PEM public key for even kinds, DER for odd ones. */
        if (i % 2 == 0) {
            CHECK_OK(dfns_signer_new_external("cr-external", (const uint8_t *)k->public_pem, strlen(k->public_pem), ext_sign, &user,
                                              ext_free, &signer));
        } else {
            uint8_t der[2048];
            size_t n = pem_to_der(k->public_pem, der, sizeof der);
            CHECK_OK(dfns_signer_new_external("cr-external", der, n, ext_sign, &user, ext_free, &signer));
        }
        if (!signer) continue;
        challenge_json(json, sizeof json, "Y2gtZXh0ZXJuYWw", "key", "cr-external");
        char *ff = sign_ok(name, signer, json);
        check_key_first_factor(name, ff, "Key", "cr-external", "Y2gtZXh0ZXJuYWw", k->verifier);
        dfns_free(ff);
        CHECK(atomic_load(&user.calls) == 1, "%s: callback called %d times", name, atomic_load(&user.calls));

        /* Not in allowCredentials: the callback is not even asked. */
        challenge_json(json, sizeof json, "Y2gtZXh0ZXJuYWw", "key", "cr-other");
        EXPECT_FAIL(DFNS_ERR_SIGNER, dfns_signer_sign_challenge(signer, json, &ff));
        CHECK(atomic_load(&user.calls) == 1, "%s: callback called for a refused challenge", name);

        /* Every way a callback can fail. */
        static const int modes[] = { EXT_FAIL, EXT_TOO_LONG, EXT_GARBAGE, EXT_EMPTY };
        challenge_json(json, sizeof json, "Y2gtZmFpbA", NULL, NULL);
        for (size_t m = 0; m < sizeof modes / sizeof modes[0]; m++) {
            user.mode = modes[m];
            ff = NULL;
            EXPECT_FAIL(DFNS_ERR_SIGNER_CALLBACK, dfns_signer_sign_challenge(signer, json, &ff));
            CHECK(ff == NULL, "%s: output written after a callback failure", name);
        }
        user.mode = EXT_FAIL;
        int s = dfns_signer_sign_challenge(signer, json, &ff);
        CHECK(s == DFNS_ERR_SIGNER_CALLBACK && strstr(dfns_last_error(), "returned 7") != NULL,
              "%s: the callback's status is not named: %s", name, dfns_last_error());
        if (k->kind == DFNS_KEY_ED25519) {
            user.mode = EXT_ED25519_65;
            EXPECT_FAIL(DFNS_ERR_SIGNER_CALLBACK, dfns_signer_sign_challenge(signer, json, &ff));
        }
        /* A real signature by another key of the same kind... and of another kind. */
        test_key_t same;
        if (test_key_make(&same, k->kind) == 0) {
            user.mode = EXT_OK;
            user.key = same.openssl;
            EXPECT_FAIL(DFNS_ERR_SIGNER_CALLBACK, dfns_signer_sign_challenge(signer, json, &ff));
            s = dfns_signer_sign_challenge(signer, json, &ff);
            CHECK(s == DFNS_ERR_SIGNER_CALLBACK && strstr(dfns_last_error(), "does not verify") != NULL,
                  "%s: wrong-key signature: %s %s", name, dfns_status_name(s), dfns_last_error());
        }
        user.key = other->openssl;
        EXPECT_FAIL(DFNS_ERR_SIGNER_CALLBACK, dfns_signer_sign_challenge(signer, json, &ff));
        CHECK(ff == NULL, "%s: output written after a callback failure", name);

        /* Back to a good key: signs again. */
        user.key = k->openssl;
        user.mode = EXT_OK;
        ff = sign_ok(name, signer, json);
        check_key_first_factor(name, ff, "Key", "cr-external", "Y2gtZmFpbA", k->verifier);
        dfns_free(ff);
        CHECK(atomic_load(&user.wrong_kind) == 0, "%s: the callback got a wrong kind, capacity or initial length", name);

        CHECK(atomic_load(&user.freed) == 0, "%s: user released while the signer lives", name);
        dfns_signer_free(&signer);
        CHECK(atomic_load(&user.freed) == 1, "%s: free_user called %d times after dfns_signer_free", name, atomic_load(&user.freed));
        test_key_free(&same);
    }

    /* No free_user: fine. */
    ext_user_t user = { keys[1].openssl, keys[1].kind, EXT_OK, 0, 0, 0 };
    dfns_signer_t *signer = NULL;
    CHECK_OK(dfns_signer_new_external("cr-x", (const uint8_t *)keys[1].public_pem, strlen(keys[1].public_pem), ext_sign, &user, NULL, &signer));
    dfns_signer_free(&signer);
    CHECK(atomic_load(&user.freed) == 0, "free_user called though none was given");
}

/* ----------------------------------------------------------------------------------------------
 * 4. The software authenticator as a Fido2 signer
 * ------------------------------------------------------------------------------------------- */

static void test_webauthn_signer(void) {
    dfns_policy_t *policy = test_policy();
    dfns_authenticator_t *auth = NULL;
    CHECK_OK(dfns_authenticator_new(&auth));
    static const int32_t algs[] = { DFNS_COSE_ES256, DFNS_COSE_EDDSA };
    for (size_t a = 0; a < sizeof algs / sizeof algs[0]; a++) {
        fixture_t f;
        if (fixture_make(&f, auth, policy, algs[a], DFNS_ATTESTATION_NONE) != 0) {
            fixture_free(&f);
            continue;
        }
        char cred_b64[256], json[1024], challenge[64];
        uint8_t challenge_bytes[32];
        b64url_encode(f.credential_id.ptr, f.credential_id.len, cred_b64);
        rng_fill(challenge_bytes, sizeof challenge_bytes);
        b64url_encode(challenge_bytes, sizeof challenge_bytes, challenge);

        dfns_signer_t *signer = NULL;
        CHECK_OK(dfns_signer_new_webauthn(auth, TEST_RP_ID, TEST_ORIGIN, f.credential_id.ptr, f.credential_id.len, 1, &signer));
        const char *id = NULL;
        CHECK_OK(dfns_signer_credential_id(signer, &id));
        CHECK(id && strcmp(id, cred_b64) == 0, "passkey credential id %s, expected %s", id ? id : "(null)", cred_b64);

        /* The passkey belongs to example.org only. */
        dfns_signer_t *other = NULL;
        EXPECT_FAIL(DFNS_ERR_NOT_FOUND,
                    dfns_signer_new_webauthn(auth, "other.example", TEST_ORIGIN, f.credential_id.ptr, f.credential_id.len, 1, &other));

        challenge_json(json, sizeof json, challenge, "webauthn", cred_b64);
        char *ff = sign_ok("Fido2", signer, json);
        if (ff) {
            char text[256];
            uint8_t client_data[1024], auth_data[512], sig[512];
            CHECK(json_string(ff, "kind", text, sizeof text) == 0 && strcmp(text, "Fido2") == 0, "kind is not Fido2: %s", ff);
            CHECK(json_string(ff, "credId", text, sizeof text) == 0 && strcmp(text, cred_b64) == 0, "credId differs: %s", ff);
            long cd = json_b64(ff, "clientData", client_data, sizeof client_data - 1);
            long ad = json_b64(ff, "authenticatorData", auth_data, sizeof auth_data);
            long sg = json_b64(ff, "signature", sig, sizeof sig);
            CHECK(cd > 0 && ad >= 37 && sg > 0, "Fido2 assertion members missing: %s", ff);
            if (cd > 0 && ad >= 37 && sg > 0) {
                client_data[cd] = 0;
                CHECK(strstr((const char *)client_data, challenge) != NULL, "clientDataJSON does not carry the challenge verbatim");
                const dfns_stored_credential stored = { f.key, 1, -1 };
                dfns_assertion_t *as = NULL;
                int s = dfns_assertion_verify(policy, &stored, client_data, (size_t)cd, auth_data, (size_t)ad, sig, (size_t)sg,
                                              challenge_bytes, sizeof challenge_bytes, &as);
                CHECK(s == DFNS_OK, "Fido2 assertion (alg %d) does not verify: %s %s", algs[a], dfns_status_name(s), dfns_last_error());
                uint8_t flags = 0;
                CHECK(as && dfns_assertion_flags(as, &flags) == DFNS_OK && (flags & 0x05) == 0x05, "UP/UV not set: 0x%02x", flags);
                dfns_assertion_free(&as);
            }
        }
        dfns_free(ff);

        /* Another passkey listed: refused. A challenge that is not base64url: refused. */
        challenge_json(json, sizeof json, challenge, "webauthn", "AAAA");
        EXPECT_FAIL(DFNS_ERR_SIGNER, dfns_signer_sign_challenge(signer, json, &ff));
        challenge_json(json, sizeof json, "not*base64url", NULL, NULL);
        EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_signer_sign_challenge(signer, json, &ff));

        /* The signer keeps the authenticator alive. */
        if (a == 0) {
            dfns_authenticator_t *second = NULL;
            CHECK_OK(dfns_authenticator_new(&second));
            fixture_t g;
            if (fixture_make(&g, second, policy, DFNS_COSE_ES256, DFNS_ATTESTATION_NONE) == 0) {
                dfns_signer_t *kept = NULL;
                CHECK_OK(dfns_signer_new_webauthn(second, TEST_RP_ID, TEST_ORIGIN, g.credential_id.ptr, g.credential_id.len, 1, &kept));
                dfns_authenticator_free(&second);
                challenge_json(json, sizeof json, challenge, NULL, NULL);
                ff = sign_ok("Fido2 after dfns_authenticator_free", kept, json);
                dfns_free(ff);
                dfns_signer_free(&kept);
            }
            dfns_authenticator_free(&second);
            fixture_free(&g);
        }
        dfns_signer_free(&signer);
        fixture_free(&f);
    }
    dfns_authenticator_free(&auth);
    dfns_policy_free(&policy);
}

/* ----------------------------------------------------------------------------------------------
 * 5. Password-protected and recovery keys
 * ------------------------------------------------------------------------------------------- */

/* The public key of an envelope, opened with `password`, as a dfns_public_key_t (NULL on failure). */
static dfns_public_key_t *envelope_public_key(const char *envelope, const char *password, const char *username) {
    char *pem = NULL;
    dfns_public_key_t *key = NULL;
    int s = dfns_password_protected_key_unwrap(envelope, (const uint8_t *)password, strlen(password), username, &pem);
    CHECK(s == DFNS_OK, "dfns_password_protected_key_unwrap -> %s: %s", dfns_status_name(s), dfns_last_error());
    if (s != DFNS_OK) return NULL;
    EVP_PKEY *k = openssl_private_key(pem);
    char *pub = k ? public_pem_of(k) : NULL;
    CHECK(pub != NULL, "OpenSSL cannot read the unwrapped key");
    if (pub) CHECK_OK(dfns_public_key_parse_spki((const uint8_t *)pub, strlen(pub), DFNS_COSE_ES256, &key));
    free(pub);
    EVP_PKEY_free(k);
    secret_free(&pem);
    return key;
}

static void test_password_and_recovery(const test_key_t *p256) {
    char json[4096];
    const uint8_t *pw = (const uint8_t *)REF_WRAP_PASSWORD;
    size_t pw_len = strlen(REF_WRAP_PASSWORD);
    dfns_signer_t *signer = NULL, *ref_key = NULL;
    const char *id = NULL, *ref_id = NULL;

    /* The reference envelope (TypeScript SDK layout) opens to the reference P-256 key. */
    CHECK_OK(dfns_signer_new_password_protected_key(REF_WRAP_ENVELOPE, pw, pw_len, REF_WRAP_USERNAME, NULL, &signer));
    CHECK_OK(dfns_signer_new_key((const uint8_t *)REF_P256_PRIVATE_PEM, strlen(REF_P256_PRIVATE_PEM), NULL, &ref_key));
    CHECK_OK(dfns_signer_credential_id(signer, &id));
    CHECK_OK(dfns_signer_credential_id(ref_key, &ref_id));
    CHECK(id && ref_id && strcmp(id, ref_id) == 0, "the reference envelope holds another key (%s, %s)", id ? id : "-", ref_id ? ref_id : "-");
    dfns_public_key_t *ref_pub = envelope_public_key(REF_WRAP_ENVELOPE, REF_WRAP_PASSWORD, "alice@example.com");
    if (signer && ref_pub) {
        challenge_json(json, sizeof json, "Y2gtcHBr", "passwordProtectedKey", id);
        char *ff = sign_ok("PasswordProtectedKey", signer, json);
        check_key_first_factor("PasswordProtectedKey", ff, "PasswordProtectedKey", id, "Y2gtcHBr", ref_pub);
        dfns_free(ff);
        challenge_json(json, sizeof json, "Y2gtcHBr", "key", id); /* listed under key: accepted too */
        ff = sign_ok("PasswordProtectedKey under key", signer, json);
        dfns_free(ff);
        challenge_json(json, sizeof json, "Y2gtcHBr", "passwordProtectedKey", "cr-other");
        EXPECT_FAIL(DFNS_ERR_SIGNER, dfns_signer_sign_challenge(signer, json, &ff));
    }
    dfns_signer_free(&signer);
    dfns_signer_free(&ref_key);

    /* The same envelope as a recovery key (the reference password is a recovery code). */
    CHECK_OK(dfns_signer_new_recovery_key(REF_WRAP_ENVELOPE, pw, pw_len, "ALICE@example.com", "cr-recovery", &signer));
    if (signer && ref_pub) {
        challenge_json(json, sizeof json, "eyJuZXdDcmVkZW50aWFscyI6e319", "key", "cr-not-this-one"); /* never checked */
        char *ff = sign_ok("RecoveryKey", signer, json);
        check_key_first_factor("RecoveryKey", ff, "RecoveryKey", "cr-recovery", "eyJuZXdDcmVkZW50aWFscyI6e319", ref_pub);
        dfns_free(ff);
    }
    dfns_signer_free(&signer);
    dfns_public_key_free(&ref_pub);

    /* Wrong password, wrong username, wrong code, altered envelope. */
    static const char wrong_pw[] = "D1-ABCDEF-GHJKL-MNPQR-STUVW-XYZ23-456788";
    EXPECT_FAIL(DFNS_ERR_WRONG_PASSWORD,
                dfns_signer_new_password_protected_key(REF_WRAP_ENVELOPE, (const uint8_t *)wrong_pw, strlen(wrong_pw), REF_WRAP_USERNAME, NULL, &signer));
    EXPECT_FAIL(DFNS_ERR_WRONG_PASSWORD,
                dfns_signer_new_password_protected_key(REF_WRAP_ENVELOPE, pw, pw_len, "bob@example.com", NULL, &signer));
    EXPECT_FAIL(DFNS_ERR_WRONG_PASSWORD,
                dfns_signer_new_recovery_key(REF_WRAP_ENVELOPE, (const uint8_t *)wrong_pw, strlen(wrong_pw), REF_WRAP_USERNAME, NULL, &signer));
    char *pem = NULL;
    EXPECT_FAIL(DFNS_ERR_WRONG_PASSWORD,
                dfns_password_protected_key_unwrap(REF_WRAP_ENVELOPE, (const uint8_t *)wrong_pw, strlen(wrong_pw), REF_WRAP_USERNAME, &pem));
    CHECK(pem == NULL, "private key written after a wrong password");
    CHECK(signer == NULL, "signer written after a wrong password");
    {
        /* Flip one bit of the wrapped key: base64 of {"iv":"…","key":"…"} re-encoded. */
        uint8_t raw[1024];
        long n = b64_decode(REF_WRAP_ENVELOPE, strlen(REF_WRAP_ENVELOPE), raw, sizeof raw - 1);
        CHECK(n > 0, "cannot decode the reference envelope");
        if (n > 0) {
            raw[n] = 0;
            char *key = strstr((char *)raw, "\"key\":\"");
            if (key) key[10] = key[10] == 'A' ? 'B' : 'A';
            static const char abc[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
            char altered[1400];
            size_t o = 0;
            for (long i = 0; i < n; i += 3) {
                uint32_t v = (uint32_t)raw[i] << 16 | (i + 1 < n ? (uint32_t)raw[i + 1] << 8 : 0) | (i + 2 < n ? raw[i + 2] : 0);
                altered[o++] = abc[(v >> 18) & 63];
                altered[o++] = abc[(v >> 12) & 63];
                altered[o++] = i + 1 < n ? abc[(v >> 6) & 63] : '=';
                altered[o++] = i + 2 < n ? abc[v & 63] : '=';
            }
            altered[o] = 0;
            EXPECT_FAIL(DFNS_ERR_WRONG_PASSWORD,
                        dfns_signer_new_password_protected_key(altered, pw, pw_len, REF_WRAP_USERNAME, NULL, &signer));
        }
    }

    /* Wrap a generated key, open it again: same key. */
    static const char password[] = "correct horse battery staple";
    char *envelope = NULL;
    CHECK_OK(dfns_password_protected_key_wrap((const uint8_t *)p256->private_pem, strlen(p256->private_pem),
                                              (const uint8_t *)password, strlen(password), "Carol", &envelope));
    if (envelope) {
        CHECK_OK(dfns_signer_new_password_protected_key(envelope, (const uint8_t *)password, strlen(password), " carol ", NULL, &signer));
        id = NULL;
        if (signer) CHECK_OK(dfns_signer_credential_id(signer, &id));
        CHECK(id && strcmp(id, p256->credential_id) == 0, "the wrapped key came back as another (%s)", id ? id : "-");
        if (signer) {
            challenge_json(json, sizeof json, "Y2gtd3JhcA", NULL, NULL);
            char *ff = sign_ok("wrapped", signer, json);
            check_key_first_factor("wrapped", ff, "PasswordProtectedKey", p256->credential_id, "Y2gtd3JhcA", p256->verifier);
            dfns_free(ff);
        }
        dfns_signer_free(&signer);
        CHECK_OK(dfns_password_protected_key_unwrap(envelope, (const uint8_t *)password, strlen(password), "CAROL", &pem));
        CHECK(pem && strcmp(pem, p256->private_pem) == 0, "the unwrapped PEM differs from the wrapped one");
        secret_free(&pem);
        EXPECT_FAIL(DFNS_ERR_WRONG_PASSWORD,
                    dfns_password_protected_key_unwrap(envelope, (const uint8_t *)"correct horse", 13, "carol", &pem));
        dfns_free(envelope);
    }

    /* A new PasswordProtectedKey credential: its envelope opens with the password. */
    char *credential = NULL;
    CHECK_OK(dfns_password_protected_key_create("Y2gtcmVnaXN0ZXI", (const uint8_t *)password, strlen(password), "dave",
                                                "laptop", &credential));
    if (credential) {
        char kind[64], env[2048], cred_id[128];
        CHECK(json_string(credential, "credentialKind", kind, sizeof kind) == 0 && strcmp(kind, "PasswordProtectedKey") == 0,
              "credentialKind: %s", credential);
        CHECK(json_string(credential, "credentialName", kind, sizeof kind) == 0 && strcmp(kind, "laptop") == 0, "credentialName: %s", credential);
        CHECK(json_string(credential, "encryptedPrivateKey", env, sizeof env) == 0, "no encryptedPrivateKey: %s", credential);
        CHECK(json_string(credential, "credId", cred_id, sizeof cred_id) == 0, "no credId: %s", credential);
        uint8_t client_data[256];
        long cd = json_b64(credential, "clientData", client_data, sizeof client_data - 1);
        if (cd > 0) client_data[cd] = 0;
        CHECK(cd > 0 && strcmp((const char *)client_data, "{\"challenge\":\"Y2gtcmVnaXN0ZXI\",\"type\":\"key.create\"}") == 0,
              "attestation clientData: %s", cd > 0 ? (const char *)client_data : "-");
        CHECK_OK(dfns_signer_new_password_protected_key(env, (const uint8_t *)password, strlen(password), "Dave", NULL, &signer));
        id = NULL;
        if (signer) CHECK_OK(dfns_signer_credential_id(signer, &id));
        CHECK(id && strcmp(id, cred_id) == 0, "created credential id %s, signer says %s", cred_id, id ? id : "-");
        dfns_signer_free(&signer);
        dfns_free(credential);
    }

    /* Recovery codes: format, uniqueness; a recovery credential made with one opens with it only. */
    char *code = NULL, *code2 = NULL;
    CHECK_OK(dfns_recovery_code_generate(&code));
    CHECK_OK(dfns_recovery_code_generate(&code2));
    if (code && code2) {
        static const int groups[] = { 6, 5, 5, 5, 5, 6 };
        int well_formed = strlen(code) == 40 && strncmp(code, "D1", 2) == 0;
        size_t o = 2;
        for (int g = 0; g < 6 && well_formed; g++) {
            if (code[o++] != '-') well_formed = 0;
            for (int c = 0; c < groups[g] && well_formed; c++, o++)
                if (!strchr("ABCDEFGHJKLMNPQRSTUVWXYZ23456789", code[o]) || code[o] == 0) well_formed = 0;
        }
        CHECK(well_formed, "a generated recovery code is not D1-XXXXXX-XXXXX-XXXXX-XXXXX-XXXXX-XXXXXX");
        CHECK(strcmp(code, code2) != 0, "two generated recovery codes are equal");

        CHECK_OK(dfns_recovery_key_create("Y2gtcmVjb3Zlcnk", (const uint8_t *)code, strlen(code), "erin", NULL, &credential));
        if (credential) {
            char kind[64], env[2048], cred_id[128];
            CHECK(json_string(credential, "credentialKind", kind, sizeof kind) == 0 && strcmp(kind, "RecoveryKey") == 0,
                  "credentialKind: %s", credential);
            CHECK(strstr(credential, "credentialName") == NULL, "credentialName present though none was given");
            CHECK(json_string(credential, "encryptedPrivateKey", env, sizeof env) == 0, "no encryptedPrivateKey");
            CHECK(json_string(credential, "credId", cred_id, sizeof cred_id) == 0, "no credId");
            CHECK_OK(dfns_signer_new_recovery_key(env, (const uint8_t *)code, strlen(code), "erin", NULL, &signer));
            id = NULL;
            if (signer) CHECK_OK(dfns_signer_credential_id(signer, &id));
            CHECK(id && strcmp(id, cred_id) == 0, "recovery credential id %s, signer says %s", cred_id, id ? id : "-");
            dfns_public_key_t *pub = envelope_public_key(env, code, "erin");
            if (signer && pub) {
                challenge_json(json, sizeof json, "eyJmaXJzdEZhY3RvckNyZWRlbnRpYWwiOnt9fQ", NULL, NULL);
                char *ff = sign_ok("RecoveryKey (created)", signer, json);
                check_key_first_factor("RecoveryKey (created)", ff, "RecoveryKey", cred_id, "eyJmaXJzdEZhY3RvckNyZWRlbnRpYWwiOnt9fQ", pub);
                dfns_free(ff);
            }
            dfns_public_key_free(&pub);
            dfns_signer_free(&signer);
            EXPECT_FAIL(DFNS_ERR_WRONG_PASSWORD, dfns_signer_new_recovery_key(env, (const uint8_t *)code2, strlen(code2), "erin", NULL, &signer));
            dfns_free(credential);
        }
    }
    secret_free(&code);
    secret_free(&code2);
}

/* dfns_fido2_credential_create and dfns_signer_sign_recovery: the device's side of registration and
 * recovery (since 0.3). */
static void test_credential_creation(void) {
    dfns_policy_t *policy = test_policy();
    dfns_authenticator_t *auth = NULL;
    CHECK_OK(dfns_authenticator_new(&auth));
    uint8_t challenge_bytes[32];
    char challenge[64], json[1024];
    rng_fill(challenge_bytes, sizeof challenge_bytes);
    b64url_encode(challenge_bytes, sizeof challenge_bytes, challenge);
    /* An algorithm the authenticator lacks comes first: the first supported one (EdDSA) is taken;
     * the deprecated rp is ignored (the caller's rp_id is used). */
    snprintf(json, sizeof json,
             "{\"challenge\":\"%s\",\"user\":{\"id\":\"us-1\",\"name\":\"alice@example.org\",\"displayName\":\"Alice\"},"
             "\"pubKeyCredParams\":[{\"type\":\"public-key\",\"alg\":-35},{\"type\":\"public-key\",\"alg\":-8},"
             "{\"type\":\"public-key\",\"alg\":-7}],\"attestation\":\"direct\",\"rp\":{\"id\":\"ignored.example\",\"name\":\"x\"}}",
             challenge);
    char *credential = NULL;
    dfns_signer_t *signer = NULL;
    CHECK_OK(dfns_fido2_credential_create(auth, TEST_RP_ID, TEST_ORIGIN, json, "laptop", &credential, &signer));
    if (credential && signer) {
        char text[256];
        uint8_t client_data[1024], attestation[2048];
        CHECK(json_string(credential, "credentialKind", text, sizeof text) == 0 && strcmp(text, "Fido2") == 0, "kind: %s", credential);
        CHECK(json_string(credential, "credentialName", text, sizeof text) == 0 && strcmp(text, "laptop") == 0, "name: %s", credential);
        long cd = json_b64(credential, "clientData", client_data, sizeof client_data);
        long ad = json_b64(credential, "attestationData", attestation, sizeof attestation);
        CHECK(cd > 0 && ad > 0, "clientData / attestationData missing: %s", credential);
        dfns_registration_t *reg = NULL;
        if (cd > 0 && ad > 0)
            CHECK_OK(dfns_registration_verify(policy, client_data, (size_t)cd, attestation, (size_t)ad, challenge_bytes,
                                              sizeof challenge_bytes, &reg));
        if (reg) {
            const char *fmt = NULL;
            dfns_public_key_t *key = NULL;
            CHECK_OK(dfns_registration_format(reg, &fmt));
            CHECK(fmt && strcmp(fmt, "packed") == 0, "attestation \"direct\" gives packed, got %s", fmt ? fmt : "-");
            CHECK_OK(dfns_registration_public_key(reg, &key));
            CHECK(dfns_public_key_alg(key) == DFNS_COSE_EDDSA, "algorithm %d, expected EdDSA", (int)dfns_public_key_alg(key));
            dfns_public_key_free(&key);
            dfns_registration_free(&reg);
        }
        /* The signer is the new passkey's. */
        const char *id = NULL;
        CHECK_OK(dfns_signer_credential_id(signer, &id));
        CHECK(id && json_string(credential, "credId", text, sizeof text) == 0 && strcmp(id, text) == 0, "signer id %s", id ? id : "-");
        challenge_json(json, sizeof json, "Y2gtZmlkbzI", "webauthn", text);
        char *ff = sign_ok("Fido2 (created)", signer, json);
        dfns_free(ff);
    }
    dfns_free(credential);
    dfns_signer_free(&signer);

    /* No signer wanted; attestation absent: a none statement, ES256 when pubKeyCredParams is empty. */
    snprintf(json, sizeof json, "{\"challenge\":\"%s\",\"user\":{\"id\":\"us-2\",\"name\":\"bob\"},\"pubKeyCredParams\":[]}", challenge);
    CHECK_OK(dfns_fido2_credential_create(auth, TEST_RP_ID, TEST_ORIGIN, json, NULL, &credential, NULL));
    CHECK(credential && strstr(credential, "credentialName") == NULL, "no name given: %s", credential ? credential : "-");
    dfns_free(credential);
    credential = NULL;

    /* Refusals: nothing is written. */
    static const char *const bad[] = {
        "[1]", "{\"user\":{\"id\":\"u\",\"name\":\"n\"}}", "{\"challenge\":\"Y2g\"}",
        "{\"challenge\":\"Y2g\",\"user\":{\"id\":\"\",\"name\":\"n\"}}", "{\"challenge\":\"Y2g\",\"user\":{\"id\":\"u\"}}",
        "{\"challenge\":\"Y2g\",\"user\":{\"id\":\"u\",\"name\":\"n\"},\"pubKeyCredParams\":[{\"type\":\"public-key\",\"alg\":\"-7\"}]}",
        "{\"challenge\":\"not base64url!\",\"user\":{\"id\":\"u\",\"name\":\"n\"}}", "{\"challenge\":",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        signer = (dfns_signer_t *)&i;
        int st = dfns_fido2_credential_create(auth, TEST_RP_ID, TEST_ORIGIN, bad[i], NULL, &credential, &signer);
        CHECK(st == DFNS_ERR_INVALID_ARGUMENT && credential == NULL && signer == NULL, "challenge %s: %s, outputs %p %p", bad[i],
              dfns_status_name(st), (void *)credential, (void *)signer);
    }
    snprintf(json, sizeof json, "{\"challenge\":\"%s\",\"user\":{\"id\":\"u\",\"name\":\"n\"},"
             "\"pubKeyCredParams\":[{\"type\":\"public-key\",\"alg\":-35}]}", challenge);
    EXPECT_FAIL(DFNS_ERR_UNSUPPORTED_ALGORITHM, dfns_fido2_credential_create(auth, TEST_RP_ID, TEST_ORIGIN, json, NULL, &credential, NULL));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_fido2_credential_create(NULL, TEST_RP_ID, TEST_ORIGIN, json, NULL, &credential, NULL));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_fido2_credential_create(auth, NULL, TEST_ORIGIN, json, NULL, &credential, NULL));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_fido2_credential_create(auth, TEST_RP_ID, "", json, NULL, &credential, NULL));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_fido2_credential_create(auth, TEST_RP_ID, TEST_ORIGIN, NULL, NULL, &credential, NULL));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_fido2_credential_create(auth, TEST_RP_ID, TEST_ORIGIN, json, NULL, NULL, NULL));

    /* Recovery: the assertion is over base64url of the compact JSON of the new credentials,
     * written from the parsed value (the spacing of the text given does not matter). */
    const uint8_t *pw = (const uint8_t *)REF_WRAP_PASSWORD;
    CHECK_OK(dfns_signer_new_recovery_key(REF_WRAP_ENVELOPE, pw, strlen(REF_WRAP_PASSWORD), REF_WRAP_USERNAME, "cr-recovery", &signer));
    dfns_public_key_t *ref_pub = envelope_public_key(REF_WRAP_ENVELOPE, REF_WRAP_PASSWORD, "alice@example.com");
    char *recovery = NULL;
    if (signer && ref_pub) {
        CHECK_OK(dfns_signer_sign_recovery(signer, "{ \"firstFactorCredential\" : {\"a\": \"x/y\"},\n \"n\": [1, 2.5] }", &recovery));
        check_key_first_factor("recovery", recovery, "RecoveryKey", "cr-recovery",
                               "eyJmaXJzdEZhY3RvckNyZWRlbnRpYWwiOnsiYSI6IngveSJ9LCJuIjpbMSwyLjVdfQ", ref_pub);
        dfns_free(recovery);
        recovery = NULL;
        EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_signer_sign_recovery(signer, "[]", &recovery));
        EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_signer_sign_recovery(signer, "{\"a\":1,\"a\":2}", &recovery));
        EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_signer_sign_recovery(signer, NULL, &recovery));
        EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_signer_sign_recovery(signer, "{}", NULL));
    }
    dfns_public_key_free(&ref_pub);
    dfns_signer_free(&signer);
    /* Only a recovery key signs a recovery. */
    CHECK_OK(dfns_signer_new_password_protected_key(REF_WRAP_ENVELOPE, pw, strlen(REF_WRAP_PASSWORD), REF_WRAP_USERNAME, NULL, &signer));
    EXPECT_FAIL(DFNS_ERR_UNSUPPORTED, dfns_signer_sign_recovery(signer, "{}", &recovery));
    dfns_signer_free(&signer);
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_signer_sign_recovery(NULL, "{}", &recovery));
    dfns_authenticator_free(&auth);
    dfns_policy_free(&policy);
}

/* ----------------------------------------------------------------------------------------------
 * 6. Webhooks
 * ------------------------------------------------------------------------------------------- */

static void webhook_header(const char *secret, const char *body, char *out) {
    uint8_t mac[32];
    unsigned int n = 0;
    HMAC(EVP_sha256(), secret, (int)strlen(secret), (const uint8_t *)body, strlen(body), mac, &n);
    strcpy(out, "sha256=");
    hex_encode(mac, n, out + 7);
}

/* The call fails with DFNS_ERR_WEBHOOK_INVALID and the reason `reason`. */
static void expect_webhook_refusal(const char *what, const char *secret, const char *body, const char *header, int64_t now,
                                   const char *reason) {
    char *event = NULL;
    int s = dfns_webhook_verify((const uint8_t *)secret, strlen(secret), (const uint8_t *)body, strlen(body), header, now, 300, 60, &event);
    char expected[128];
    snprintf(expected, sizeof expected, "dfns_webhook_verify: %s: ", reason);
    CHECK(s == DFNS_ERR_WEBHOOK_INVALID && strncmp(dfns_last_error(), expected, strlen(expected)) == 0,
          "%s: %s \"%s\", expected DFNS_ERR_WEBHOOK_INVALID \"%s…\"", what, dfns_status_name(s), dfns_last_error(), expected);
    CHECK(event == NULL, "%s: event written on failure", what);
    dfns_free(event);
}

static void test_webhooks(void) {
    char *event = NULL;
    /* The reference delivery. */
    CHECK_OK(dfns_webhook_verify((const uint8_t *)REF_WEBHOOK_SECRET, strlen(REF_WEBHOOK_SECRET), (const uint8_t *)REF_WEBHOOK_BODY,
                                 strlen(REF_WEBHOOK_BODY), REF_WEBHOOK_HEADER, REF_WEBHOOK_TIME + 5, 300, 60, &event));
    char text[128];
    CHECK(event && json_string(event, "id", text, sizeof text) == 0 && strcmp(text, "whe-1") == 0, "event: %s", event ? event : "-");
    CHECK(event && json_string(event, "kind", text, sizeof text) == 0 && strcmp(text, "wallet.created") == 0, "event: %s", event ? event : "-");
    dfns_free(event);
    /* Without the event output. */
    CHECK_OK(dfns_webhook_verify((const uint8_t *)REF_WEBHOOK_SECRET, strlen(REF_WEBHOOK_SECRET), (const uint8_t *)REF_WEBHOOK_BODY,
                                 strlen(REF_WEBHOOK_BODY), REF_WEBHOOK_HEADER, REF_WEBHOOK_TIME, 300, 60, NULL));

    /* A delivery signed here with OpenSSL's HMAC. */
    static const char secret[] = "whs-2g7k9-test";
    static const char body[] =
        "{\"id\":\"whe-42\",\"kind\":\"wallet.signature.signed\",\"date\":\"2026-12-02T10:00:00.000Z\",\"status\":\"Pending\","
        "\"data\":{\"signature\":{\"id\":\"sig-1\"}},\"timestampSent\":1796205600,\"deliveryAttempt\":2,\"retryOf\":\"whe-41\"}";
    const int64_t sent = 1796205600;
    char header[80], upper[80];
    webhook_header(secret, body, header);
    CHECK_OK(dfns_webhook_verify((const uint8_t *)secret, strlen(secret), (const uint8_t *)body, strlen(body), header, sent + 299, 300, 60, NULL));
    CHECK_OK(dfns_webhook_verify((const uint8_t *)secret, strlen(secret), (const uint8_t *)body, strlen(body), header, sent - 60, 300, 60, NULL));
    for (size_t i = 0; header[i]; i++) upper[i] = (char)(i >= 7 && header[i] >= 'a' && header[i] <= 'f' ? header[i] - 32 : header[i]);
    upper[strlen(header)] = 0;
    CHECK_OK(dfns_webhook_verify((const uint8_t *)secret, strlen(secret), (const uint8_t *)body, strlen(body), upper, sent, 300, 60, NULL));

    /* Tampered body, wrong secret, stale, future, header problems. */
    char tampered[sizeof body];
    memcpy(tampered, body, sizeof body);
    tampered[10] = tampered[10] == '4' ? '5' : '4';
    expect_webhook_refusal("tampered body", secret, tampered, header, sent, "signature_mismatch");
    expect_webhook_refusal("wrong secret", "whs-other", body, header, sent, "signature_mismatch");
    expect_webhook_refusal("empty secret", "", body, header, sent, "signature_mismatch");
    expect_webhook_refusal("stale", secret, body, header, sent + 301, "too_old");
    expect_webhook_refusal("reference, stale", REF_WEBHOOK_SECRET, REF_WEBHOOK_BODY, REF_WEBHOOK_HEADER, sent, "too_old");
    expect_webhook_refusal("future", secret, body, header, sent - 61, "from_the_future");
    expect_webhook_refusal("missing header", secret, body, NULL, sent, "missing_signature_header");
    expect_webhook_refusal("empty header", secret, body, "  ", sent, "missing_signature_header");
    expect_webhook_refusal("no scheme", secret, body, header + 7, sent, "malformed_signature_header");
    expect_webhook_refusal("two entries", secret, body, "sha256=00,sha256=11", sent, "malformed_signature_header");
    {
        char shortened[80];
        snprintf(shortened, sizeof shortened, "%.*s", (int)strlen(header) - 2, header);
        expect_webhook_refusal("short MAC", secret, body, shortened, sent, "malformed_signature_header");
    }
    static const char not_json[] = "not json";
    char h2[80];
    webhook_header(secret, not_json, h2);
    expect_webhook_refusal("body not JSON", secret, not_json, h2, sent, "body_not_json");
    static const char no_id[] = "{\"kind\":\"wallet.created\",\"date\":\"x\",\"data\":{},\"timestampSent\":1796205600}";
    webhook_header(secret, no_id, h2);
    expect_webhook_refusal("no id", secret, no_id, h2, sent, "invalid_event");
}

/* ----------------------------------------------------------------------------------------------
 * 7. Returned signatures
 * ------------------------------------------------------------------------------------------- */

/* The raw public key (the last `n` bytes of the SPKI DER: the EC point, or the Ed25519 key) as hex. */
static void raw_public_hex(const test_key_t *k, size_t n, char *out) {
    uint8_t der[256];
    size_t len = pem_to_der(k->public_pem, der, sizeof der);
    strcpy(out, "0x");
    if (len >= n) hex_encode(der + len - n, n, out + 2);
}

/* ECDSA over a 32-byte digest with OpenSSL; r and s as 0x-hex of 32 bytes, s made low; der_hex the
 * DER of the (normalised) signature. Returns 0 on success. */
static int ecdsa_sign_digest(EVP_PKEY *key, const uint8_t digest[32], const char *order_hex, char r_hex[70], char s_hex[70],
                             char high_s_hex[70], char der_hex[200]) {
    uint8_t sig[128];
    size_t sig_len = sizeof sig;
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new(key, NULL);
    int ok = ctx && EVP_PKEY_sign_init(ctx) == 1 && EVP_PKEY_sign(ctx, sig, &sig_len, digest, 32) == 1;
    EVP_PKEY_CTX_free(ctx);
    if (!ok) return -1;
    const uint8_t *p = sig;
    ECDSA_SIG *es = d2i_ECDSA_SIG(NULL, &p, (long)sig_len);
    if (!es) return -1;
    const BIGNUM *r = NULL, *s = NULL;
    ECDSA_SIG_get0(es, &r, &s);
    BIGNUM *n = NULL, *half = BN_new(), *low = BN_dup(s), *high = BN_new();
    BN_hex2bn(&n, order_hex);
    BN_rshift1(half, n);
    if (BN_cmp(low, half) > 0) BN_sub(low, n, low);
    BN_sub(high, n, low);
    uint8_t buf[32];
    strcpy(r_hex, "0x");
    BN_bn2binpad(r, buf, 32);
    hex_encode(buf, 32, r_hex + 2);
    strcpy(s_hex, "0x");
    BN_bn2binpad(low, buf, 32);
    hex_encode(buf, 32, s_hex + 2);
    strcpy(high_s_hex, "0x");
    BN_bn2binpad(high, buf, 32);
    hex_encode(buf, 32, high_s_hex + 2);
    /* DER of (r, low s). */
    ECDSA_SIG *normal = ECDSA_SIG_new();
    ECDSA_SIG_set0(normal, BN_dup(r), BN_dup(low));
    uint8_t *der = NULL;
    int der_len = i2d_ECDSA_SIG(normal, &der);
    strcpy(der_hex, "0x");
    if (der_len > 0) hex_encode(der, (size_t)der_len, der_hex + 2);
    OPENSSL_free(der);
    ECDSA_SIG_free(normal);
    BN_free(n);
    BN_free(half);
    BN_free(low);
    BN_free(high);
    ECDSA_SIG_free(es);
    return der_len > 0 ? 0 : -1;
}

static void test_returned_signatures(test_key_t keys[4]) {
    static const char SECP256K1_N[] = "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141";
    static const char P256_N[] = "FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551";
    const test_key_t *k1 = &keys[2], *p256 = &keys[1], *ed = &keys[0];
    uint8_t digest[32], other[32];
    char r[70], s[70], high[70], der[200], pub[140], pub_compressed[80], other_pub[140];
    rng_fill(digest, sizeof digest);
    memcpy(other, digest, sizeof other);
    other[0] ^= 1;

    /* secp256k1: exactly one of recid 0 and 1 recovers the key; without recid it verifies. */
    if (ecdsa_sign_digest(k1->openssl, digest, SECP256K1_N, r, s, high, der) == 0) {
        raw_public_hex(k1, 65, pub);
        pub_compressed[0] = 0;
        snprintf(pub_compressed, sizeof pub_compressed, "0x%02x%.64s", 0, pub + 4);
        /* The compressed prefix: 02 for an even y, 03 for an odd one (y's last hex digit). */
        {
            char last = pub[strlen(pub) - 1];
            int odd = (last >= '0' && last <= '9' ? last - '0' : last - 'a' + 10) & 1;
            pub_compressed[3] = odd ? '3' : '2';
        }
        int ok0 = dfns_returned_signature_verify(DFNS_KEY_SECP256K1, pub, digest, 32, r, s, 0, NULL, 0);
        int ok1 = dfns_returned_signature_verify(DFNS_KEY_SECP256K1, pub, digest, 32, r, s, 1, NULL, 0);
        CHECK((ok0 == DFNS_OK) != (ok1 == DFNS_OK), "recid 0 -> %s, recid 1 -> %s: exactly one must recover the key",
              dfns_status_name(ok0), dfns_status_name(ok1));
        int recid = ok0 == DFNS_OK ? 0 : 1;
        CHECK((ok0 == DFNS_OK ? ok1 : ok0) == DFNS_ERR_RETURNED_SIGNATURE_INVALID, "the wrong recid gives %s",
              dfns_status_name(ok0 == DFNS_OK ? ok1 : ok0));
        CHECK_OK(dfns_returned_signature_verify(DFNS_KEY_SECP256K1, pub, digest, 32, r, s, -1, NULL, 0));
        CHECK_OK(dfns_returned_signature_verify(DFNS_KEY_SECP256K1, pub_compressed, digest, 32, r, s, recid, NULL, 0));
        CHECK_OK(dfns_returned_signature_verify(DFNS_KEY_SECP256K1, pub + 2, digest, 32, r + 2, s + 2, recid, NULL, 0)); /* no 0x */
        CHECK_OK(dfns_returned_signature_verify(DFNS_KEY_SECP256K1, pub, digest, 32, r, s, recid, der, 0));
        char rsv[200];
        snprintf(rsv, sizeof rsv, "%s%s%02x", r, s + 2, 27 + recid);
        CHECK_OK(dfns_returned_signature_verify(DFNS_KEY_SECP256K1, pub, digest, 32, r, s, recid, rsv, 0));
        /* Wrong digest, wrong key, high S, mismatched encoded. */
        EXPECT_FAIL(DFNS_ERR_RETURNED_SIGNATURE_INVALID, dfns_returned_signature_verify(DFNS_KEY_SECP256K1, pub, other, 32, r, s, recid, NULL, 0));
        EXPECT_FAIL(DFNS_ERR_RETURNED_SIGNATURE_INVALID, dfns_returned_signature_verify(DFNS_KEY_SECP256K1, pub, other, 32, r, s, -1, NULL, 0));
        test_key_t stranger;
        if (test_key_make(&stranger, DFNS_KEY_SECP256K1) == 0) {
            raw_public_hex(&stranger, 65, other_pub);
            EXPECT_FAIL(DFNS_ERR_RETURNED_SIGNATURE_INVALID,
                        dfns_returned_signature_verify(DFNS_KEY_SECP256K1, other_pub, digest, 32, r, s, recid, NULL, 0));
            EXPECT_FAIL(DFNS_ERR_RETURNED_SIGNATURE_INVALID,
                        dfns_returned_signature_verify(DFNS_KEY_SECP256K1, other_pub, digest, 32, r, s, -1, NULL, 0));
        }
        test_key_free(&stranger);
        EXPECT_FAIL(DFNS_ERR_RETURNED_SIGNATURE_INVALID, dfns_returned_signature_verify(DFNS_KEY_SECP256K1, pub, digest, 32, r, high, -1, NULL, 0));
        CHECK_OK(dfns_returned_signature_verify(DFNS_KEY_SECP256K1, pub, digest, 32, r, high, -1, NULL, DFNS_RETURNED_SIGNATURE_ALLOW_HIGH_S));
        CHECK_OK(dfns_returned_signature_verify(DFNS_KEY_SECP256K1, pub, digest, 32, r, high, 1 - recid, NULL, DFNS_RETURNED_SIGNATURE_ALLOW_HIGH_S));
        snprintf(rsv, sizeof rsv, "%s%s%02x", r, s + 2, 27 + (1 - recid));
        EXPECT_FAIL(DFNS_ERR_RETURNED_SIGNATURE_INVALID, dfns_returned_signature_verify(DFNS_KEY_SECP256K1, pub, digest, 32, r, s, recid, rsv, 0));
        EXPECT_FAIL(DFNS_ERR_RETURNED_SIGNATURE_INVALID, dfns_returned_signature_verify(DFNS_KEY_SECP256K1, pub, digest, 32, r, s, recid, "0x3000", 0));
    } else {
        CHECK(0, "OpenSSL cannot sign with the secp256k1 key");
    }

    /* P-256: verified directly. */
    if (ecdsa_sign_digest(p256->openssl, digest, P256_N, r, s, high, der) == 0) {
        raw_public_hex(p256, 65, pub);
        CHECK_OK(dfns_returned_signature_verify(DFNS_KEY_P256, pub, digest, 32, r, s, -1, NULL, 0));
        CHECK_OK(dfns_returned_signature_verify(DFNS_KEY_P256, pub, digest, 32, r, s, 0, der, 0)); /* recid ignored */
        EXPECT_FAIL(DFNS_ERR_RETURNED_SIGNATURE_INVALID, dfns_returned_signature_verify(DFNS_KEY_P256, pub, other, 32, r, s, -1, NULL, 0));
        EXPECT_FAIL(DFNS_ERR_INVALID_PUBLIC_KEY, dfns_returned_signature_verify(DFNS_KEY_P256, "0x04", digest, 32, r, s, -1, NULL, 0));
    } else {
        CHECK(0, "OpenSSL cannot sign with the P-256 key");
    }

    /* Ed25519: r || s over the message itself. */
    static const uint8_t message[] = "a message Dfns signed with an Ed25519 key";
    uint8_t sig[64];
    size_t sig_len = sizeof sig;
    if (openssl_sign(ed->openssl, DFNS_KEY_ED25519, message, sizeof message - 1, sig, &sig_len) == 0 && sig_len == 64) {
        char er[70] = "0x", es[70] = "0x", enc[140] = "0x";
        hex_encode(sig, 32, er + 2);
        hex_encode(sig + 32, 32, es + 2);
        hex_encode(sig, 64, enc + 2);
        raw_public_hex(ed, 32, pub);
        CHECK_OK(dfns_returned_signature_verify(DFNS_KEY_ED25519, pub, message, sizeof message - 1, er, es, -1, NULL, 0));
        CHECK_OK(dfns_returned_signature_verify(DFNS_KEY_ED25519, pub, message, sizeof message - 1, er, es, -1, enc, 0));
        EXPECT_FAIL(DFNS_ERR_RETURNED_SIGNATURE_INVALID,
                    dfns_returned_signature_verify(DFNS_KEY_ED25519, pub, message, sizeof message - 2, er, es, -1, NULL, 0));
        es[5] = es[5] == '0' ? '1' : '0';
        EXPECT_FAIL(DFNS_ERR_RETURNED_SIGNATURE_INVALID,
                    dfns_returned_signature_verify(DFNS_KEY_ED25519, pub, message, sizeof message - 1, er, es, -1, NULL, 0));
    } else {
        CHECK(0, "OpenSSL cannot sign with the Ed25519 key");
    }
}

/* ----------------------------------------------------------------------------------------------
 * 8. Threads
 * ------------------------------------------------------------------------------------------- */

static int g_iterations = 200;
static const dfns_signer_t *g_key_signer, *g_external_signer;
static const test_key_t *g_key_key, *g_external_key;
static atomic_int g_thread_failures;
static pthread_barrier_t g_barrier;

static int thread_check(const dfns_signer_t *signer, const test_key_t *key, const char *cred, int t, int i, int with_list) {
    char challenge[64], json[512], expected[256], text[256];
    uint8_t client_data[256], sig[1024];
    snprintf(challenge, sizeof challenge, "Y2gt-thread-%d-%d", t, i);
    challenge_json(json, sizeof json, challenge, with_list ? "key" : NULL, cred);
    char *ff = NULL;
    int s = dfns_signer_sign_challenge(signer, json, &ff);
    int ok = s == DFNS_OK && json_string(ff, "credId", text, sizeof text) == 0 && strcmp(text, cred) == 0;
    long cd = ok ? json_b64(ff, "clientData", client_data, sizeof client_data - 1) : -1;
    long sg = ok ? json_b64(ff, "signature", sig, sizeof sig) : -1;
    if (cd > 0) client_data[cd] = 0;
    snprintf(expected, sizeof expected, "{\"type\":\"key.get\",\"challenge\":\"%s\"}", challenge);
    ok = ok && cd > 0 && sg > 0 && strcmp((const char *)client_data, expected) == 0 &&
         dfns_public_key_verify(key->verifier, client_data, (size_t)cd, sig, (size_t)sg) == DFNS_OK;
    dfns_free(ff);
    /* A refused challenge on the same thread: its own status and message. */
    if (ok && i % 8 == 0) {
        challenge_json(json, sizeof json, challenge, "key", "cr-nobody");
        ff = NULL;
        s = dfns_signer_sign_challenge(signer, json, &ff);
        ok = s == DFNS_ERR_SIGNER && ff == NULL && strstr(dfns_last_error(), "cr-nobody") == NULL &&
             strstr(dfns_last_error(), cred) != NULL;
    }
    return ok;
}

static void *thread_worker(void *arg) {
    int t = (int)(intptr_t)arg;
    pthread_barrier_wait(&g_barrier);
    for (int i = 0; i < g_iterations; i++) {
        if (!thread_check(g_key_signer, g_key_key, g_key_key->credential_id, t, i, i & 1))
            if (atomic_fetch_add(&g_thread_failures, 1) < 5) fprintf(stderr, "thread %d: Key signer iteration %d failed: %s\n", t, i, dfns_last_error());
        if (!thread_check(g_external_signer, g_external_key, "cr-shared-external", t, i, !(i & 1)))
            if (atomic_fetch_add(&g_thread_failures, 1) < 5) fprintf(stderr, "thread %d: external iteration %d failed: %s\n", t, i, dfns_last_error());
    }
    return NULL;
}

static void test_threads(test_key_t keys[4]) {
    dfns_signer_t *key_signer = NULL, *external = NULL;
    ext_user_t user = { keys[0].openssl, keys[0].kind, EXT_OK, 0, 0, 0 };
    CHECK_OK(dfns_signer_new_key((const uint8_t *)keys[1].private_pem, strlen(keys[1].private_pem), NULL, &key_signer));
    CHECK_OK(dfns_signer_new_external("cr-shared-external", (const uint8_t *)keys[0].public_pem, strlen(keys[0].public_pem), ext_sign,
                                      &user, ext_free, &external));
    if (!key_signer || !external) {
        dfns_signer_free(&key_signer);
        dfns_signer_free(&external);
        return;
    }
    g_key_signer = key_signer;
    g_key_key = &keys[1];
    g_external_signer = external;
    g_external_key = &keys[0];
    pthread_t threads[THREADS];
    pthread_barrier_init(&g_barrier, NULL, THREADS);
    for (int t = 0; t < THREADS; t++) CHECK(pthread_create(&threads[t], NULL, thread_worker, (void *)(intptr_t)t) == 0, "pthread_create");
    for (int t = 0; t < THREADS; t++) pthread_join(threads[t], NULL);
    pthread_barrier_destroy(&g_barrier);
    CHECK(atomic_load(&g_thread_failures) == 0, "%d of %d threaded signatures failed", atomic_load(&g_thread_failures),
          2 * THREADS * g_iterations);
    CHECK(atomic_load(&user.calls) == THREADS * g_iterations, "the shared callback ran %d times, expected %d",
          atomic_load(&user.calls), THREADS * g_iterations);
    /* Freed while another reference... there is none: free_user runs now, once. */
    dfns_signer_free(&external);
    CHECK(atomic_load(&user.freed) == 1, "free_user ran %d times", atomic_load(&user.freed));
    dfns_signer_free(&key_signer);
    printf("test_signers: %d threads x %d x 2 shared-signer signatures\n", THREADS, g_iterations);
}

/* ---------------------------------------------------------------------------------------------- */

int main(int argc, char **argv) {
    const char *env = getenv("DFNS_TEST_THREAD_ITERATIONS");
    if (argc > 1) g_iterations = atoi(argv[1]);
    else if (env && *env) g_iterations = atoi(env);
    if (g_iterations < 1) g_iterations = 1;
    if (!primers_init()) return test_summary("test_signers");

    test_key_t keys[4];
    int ready = 1;
    for (int i = 0; i < 4; i++)
        if (test_key_make(&keys[i], KINDS[i]) != 0) ready = 0;
    if (ready) {
        test_arguments(&keys[1], &keys[0]);
        test_key_signers(keys);
        test_external_signers(keys);
        test_webauthn_signer();
        test_password_and_recovery(&keys[1]);
        test_credential_creation();
        test_webhooks();
        test_returned_signatures(keys);
        test_threads(keys);
    }
    for (int i = 0; i < 4; i++) test_key_free(&keys[i]);
    return test_summary("test_signers");
}
