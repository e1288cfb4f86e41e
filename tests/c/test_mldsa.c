/*
 * test_mldsa: ML-DSA-65 and ML-DSA-87 (COSE -49, -50; AKP keys) through the C ABI, since 0.4.
 *
 * The py_webauthn ML-DSA assertion vectors are read at run time from the shared vectors folder
 * (argv[1], else $DFNS_SHARED_DIR/vectors/webauthn): each key is imported with
 * dfns_public_key_parse_cose and its assertion signature (over authenticatorData ‖
 * SHA-256(clientDataJSON), hashed with libcrypto) checked with dfns_public_key_verify; then
 * tampered signatures, messages and keys must fail with the documented statuses, and ML-DSA-44,
 * which the library does not offer, must be DFNS_ERR_UNSUPPORTED_ALGORITHM.
 *
 * The vector files are JSON objects whose members used here are plain base64url strings; a
 * minimal reader finds "name": "value" and nothing more.
 */
#include "test_support.h"

#include <openssl/evp.h>
#include <openssl/sha.h>

/* The whole file as a NUL-terminated string, or NULL. */
static char *read_file(const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    if (fseek(f, 0, SEEK_END) != 0) { fclose(f); return NULL; }
    long size = ftell(f);
    if (size < 0 || fseek(f, 0, SEEK_SET) != 0) { fclose(f); return NULL; }
    char *text = malloc((size_t)size + 1);
    if (!text) { fclose(f); return NULL; }
    size_t got = fread(text, 1, (size_t)size, f);
    fclose(f);
    if (got != (size_t)size) { free(text); return NULL; }
    text[size] = '\0';
    return text;
}

/* The string value of member `name` (a copy to free), or NULL. Enough for these files: the
 * members read are base64url strings, which contain no escapes. */
static char *json_string(const char *json, const char *name) {
    char key[128];
    snprintf(key, sizeof key, "\"%s\"", name);
    const char *at = strstr(json, key);
    if (!at) return NULL;
    at += strlen(key);
    while (*at == ' ' || *at == '\n' || *at == '\t' || *at == '\r') at++;
    if (*at != ':') return NULL;
    at++;
    while (*at == ' ' || *at == '\n' || *at == '\t' || *at == '\r') at++;
    if (*at != '"') return NULL;
    at++;
    const char *end = strchr(at, '"');
    if (!end) return NULL;
    size_t n = (size_t)(end - at);
    char *value = malloc(n + 1);
    if (!value) return NULL;
    memcpy(value, at, n);
    value[n] = '\0';
    return value;
}

/* Decodes unpadded base64url with libcrypto's EVP_DecodeBlock (after mapping to the standard
 * alphabet and padding). Returns a buffer to free and its length, or NULL. */
static uint8_t *b64url_decode(const char *text, size_t *out_len) {
    size_t n = strlen(text);
    size_t padded = (n + 3) / 4 * 4;
    char *std = malloc(padded + 1);
    uint8_t *out = malloc(padded / 4 * 3 + 1);
    if (!std || !out) { free(std); free(out); return NULL; }
    for (size_t i = 0; i < n; i++) std[i] = text[i] == '-' ? '+' : text[i] == '_' ? '/' : text[i];
    for (size_t i = n; i < padded; i++) std[i] = '=';
    std[padded] = '\0';
    int decoded = EVP_DecodeBlock(out, (const unsigned char *)std, (int)padded);
    free(std);
    if (decoded < 0) { free(out); return NULL; }
    *out_len = (size_t)decoded - (padded - n); /* EVP_DecodeBlock counts the padding as zero bytes */
    return out;
}

/* One vector, decoded: the COSE key and the signed message with its signature. */
typedef struct {
    uint8_t *cose; size_t cose_len;
    uint8_t *message; size_t message_len;
    uint8_t *signature; size_t signature_len;
} vector_t;

static void vector_free(vector_t *v) {
    free(v->cose); free(v->message); free(v->signature);
    memset(v, 0, sizeof *v);
}

static int vector_load(const char *dir, int level, vector_t *v) {
    memset(v, 0, sizeof *v);
    char path[4096];
    snprintf(path, sizeof path, "%s/pywebauthn-auth-verify-ml-dsa-%d-response.json", dir, level);
    char *json = read_file(path);
    if (!json) { fprintf(stderr, "cannot read %s\n", path); return 0; }
    char *cose = json_string(json, "credentialPublicKey_b64url");
    char *auth = json_string(json, "authenticatorData_b64url");
    char *cdj = json_string(json, "clientDataJSON_b64url");
    char *sig = json_string(json, "signature_b64url");
    free(json);
    int ok = 0;
    uint8_t *auth_bytes = NULL, *cdj_bytes = NULL;
    size_t auth_len = 0, cdj_len = 0;
    if (cose && auth && cdj && sig) {
        v->cose = b64url_decode(cose, &v->cose_len);
        v->signature = b64url_decode(sig, &v->signature_len);
        auth_bytes = b64url_decode(auth, &auth_len);
        cdj_bytes = b64url_decode(cdj, &cdj_len);
        if (v->cose && v->signature && auth_bytes && cdj_bytes) {
            v->message_len = auth_len + SHA256_DIGEST_LENGTH;
            v->message = malloc(v->message_len);
            if (v->message) {
                memcpy(v->message, auth_bytes, auth_len);
                SHA256(cdj_bytes, cdj_len, v->message + auth_len);
                ok = 1;
            }
        }
    }
    free(cose); free(auth); free(cdj); free(sig); free(auth_bytes); free(cdj_bytes);
    if (!ok) { fprintf(stderr, "cannot decode %s\n", path); vector_free(v); }
    return ok;
}

static void test_level(const char *dir, int level, int32_t expected_alg, size_t pub_len, size_t sig_len) {
    vector_t v;
    CHECK(vector_load(dir, level, &v), "ML-DSA-%d vector loads", level);
    if (!v.cose) return;
    CHECK(v.signature_len == sig_len, "ML-DSA-%d signature is %zu bytes, found %zu", level, sig_len, v.signature_len);

    dfns_public_key_t *key = NULL;
    CHECK_OK(dfns_public_key_parse_cose(v.cose, v.cose_len, &key));
    int32_t alg = 0;
    CHECK_OK(dfns_public_key_algorithm(key, &alg));
    CHECK(alg == expected_alg, "ML-DSA-%d key algorithm %d, expected %d", level, alg, expected_alg);

    /* The COSE form round-trips byte for byte (the vector's key is canonical). */
    const uint8_t *cose = NULL;
    size_t cose_len = 0;
    CHECK_OK(dfns_public_key_cose(key, &cose, &cose_len));
    CHECK(cose_len == v.cose_len && cose && memcmp(cose, v.cose, cose_len) == 0, "ML-DSA-%d COSE round trip", level);

    /* The SPKI is RFC 9881's: SEQUENCE { SEQUENCE { OID 2.16.840.1.101.3.4.3.(17 + level/22) }, BIT STRING pub }. */
    const uint8_t *spki = NULL;
    size_t spki_len = 0;
    CHECK_OK(dfns_public_key_spki(key, &spki, &spki_len));
    static const uint8_t oid_prefix[] = {0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x03};
    CHECK(spki_len == pub_len + 22, "ML-DSA-%d SPKI is %zu bytes, found %zu", level, pub_len + 22, spki_len);
    if (spki && spki_len == pub_len + 22) {
        CHECK(memcmp(spki + 6, oid_prefix, sizeof oid_prefix) == 0 && spki[16] == (level == 65 ? 0x12 : 0x13),
              "ML-DSA-%d SPKI carries id-ml-dsa-%d", level, level);
        CHECK(memcmp(spki + 22, v.cose + v.cose_len - pub_len, pub_len) == 0, "ML-DSA-%d SPKI carries the raw key", level);
        /* and imports again, paired with the same algorithm */
        dfns_public_key_t *again = NULL;
        CHECK_OK(dfns_public_key_parse_spki(spki, spki_len, expected_alg, &again));
        CHECK_OK(dfns_public_key_verify(again, v.message, v.message_len, v.signature, v.signature_len));
        dfns_public_key_free(&again);
        /* with the other ML-DSA algorithm it does not fit */
        CHECK_STATUS(DFNS_ERR_UNSUPPORTED_ALGORITHM,
                     dfns_public_key_parse_spki(spki, spki_len, expected_alg == -49 ? -50 : -49, &again));
        CHECK(again == NULL, "no key on failure");
    }
    const char *pem = NULL;
    CHECK_OK(dfns_public_key_pem(key, &pem));
    CHECK(pem && strncmp(pem, "-----BEGIN PUBLIC KEY-----\n", 27) == 0, "ML-DSA-%d PEM armour", level);

    /* The vector's assertion signature verifies. */
    CHECK_OK(dfns_public_key_verify(key, v.message, v.message_len, v.signature, v.signature_len));

    /* A flipped bit anywhere in the signature, a changed message, a short or long signature: no. */
    size_t positions[] = {0, v.signature_len / 2, v.signature_len - 1};
    for (size_t i = 0; i < sizeof positions / sizeof positions[0]; i++) {
        v.signature[positions[i]] ^= 0x01;
        CHECK_STATUS(DFNS_ERR_SIGNATURE_INVALID,
                     dfns_public_key_verify(key, v.message, v.message_len, v.signature, v.signature_len));
        v.signature[positions[i]] ^= 0x01;
    }
    v.message[v.message_len - 1] ^= 0x80;
    CHECK_STATUS(DFNS_ERR_SIGNATURE_INVALID,
                 dfns_public_key_verify(key, v.message, v.message_len, v.signature, v.signature_len));
    v.message[v.message_len - 1] ^= 0x80;
    CHECK_STATUS(DFNS_ERR_SIGNATURE_INVALID,
                 dfns_public_key_verify(key, v.message, v.message_len, v.signature, v.signature_len - 1));
    CHECK_STATUS(DFNS_ERR_SIGNATURE_INVALID, dfns_public_key_verify(key, v.message, v.message_len, v.signature, 1));
    CHECK_OK(dfns_public_key_verify(key, v.message, v.message_len, v.signature, v.signature_len));
    dfns_public_key_free(&key);
    CHECK(key == NULL, "freed");

    /* The key one byte short (the byte string's length header rewritten): an invalid public key. */
    uint8_t *shortened = malloc(v.cose_len);
    if (shortened) {
        memcpy(shortened, v.cose, v.cose_len - 1);
        /* a3 01 07 03 38 xx 20 59 HH LL <pub>: the 16-bit length at offset 8 */
        CHECK(v.cose[7] == 0x59, "ML-DSA-%d pub has a 2-byte length", level);
        shortened[8] = (uint8_t)((pub_len - 1) >> 8);
        shortened[9] = (uint8_t)((pub_len - 1) & 0xff);
        CHECK_STATUS(DFNS_ERR_INVALID_PUBLIC_KEY, dfns_public_key_parse_cose(shortened, v.cose_len - 1, &key));
        CHECK(key == NULL, "no key on failure");
        free(shortened);
    }
    /* The same key labelled with the other ML-DSA algorithm: its length does not fit. */
    uint8_t *relabelled = malloc(v.cose_len);
    if (relabelled) {
        memcpy(relabelled, v.cose, v.cose_len);
        CHECK(relabelled[4] == 0x38, "alg is a one-byte negative integer");
        relabelled[5] = level == 65 ? 0x31 : 0x30; /* -50 : -49 */
        CHECK_STATUS(DFNS_ERR_INVALID_PUBLIC_KEY, dfns_public_key_parse_cose(relabelled, v.cose_len, &key));
        /* and labelled with an algorithm that is not ML-DSA (ES256, -7 = 0x26) */
        relabelled[4] = 0x26;
        memmove(relabelled + 5, relabelled + 6, v.cose_len - 6);
        CHECK_STATUS(DFNS_ERR_INVALID_PUBLIC_KEY, dfns_public_key_parse_cose(relabelled, v.cose_len - 1, &key));
        CHECK(key == NULL, "no key on failure");
        free(relabelled);
    }
    vector_free(&v);
}

int main(int argc, char **argv) {
    char fallback[4096];
    const char *dir = argc > 1 ? argv[1] : NULL;
    if (!dir) {
        const char *shared = getenv("DFNS_SHARED_DIR");
        if (!shared) {
            fprintf(stderr, "usage: test_mldsa <vectors/webauthn folder> (or set DFNS_SHARED_DIR)\n");
            return 2;
        }
        snprintf(fallback, sizeof fallback, "%s/vectors/webauthn", shared);
        dir = fallback;
    }

    test_level(dir, 65, DFNS_COSE_ML_DSA_65, 1952, 3309);
    test_level(dir, 87, DFNS_COSE_ML_DSA_87, 2592, 4627);

    /* ML-DSA-44 is not offered by the library: the typed unsupported-algorithm status. */
    vector_t v44;
    CHECK(vector_load(dir, 44, &v44), "ML-DSA-44 vector loads");
    if (v44.cose) {
        dfns_public_key_t *key = NULL;
        CHECK_STATUS(DFNS_ERR_UNSUPPORTED_ALGORITHM, dfns_public_key_parse_cose(v44.cose, v44.cose_len, &key));
        CHECK(key == NULL, "no key on failure");
        CHECK(strstr(dfns_last_error(), "ML-DSA-44") != NULL, "the error names ML-DSA-44: %s", dfns_last_error());
        vector_free(&v44);
    }
    return test_summary("test_mldsa");
}
