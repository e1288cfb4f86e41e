/*
 * test_policy_options: the relying-party options of 0.4 through the C ABI, each off by default,
 * each tested positive and negative.
 *
 * Subdomain origins and any loopback port (dfns_policy_set_option), additional RP IDs
 * (dfns_policy_add_rp_id, dfns_assertion_rp_id), clientData type lists
 * (dfns_policy_set_client_data_types), the U2F AppID on assertions (dfns_policy_set_appid,
 * dfns_assertion_verify_ex with DFNS_ASSERTION_APPID_EXTENSION_USED), and on third-party vectors
 * read at run time from $DFNS_SHARED_DIR/vectors/webauthn (default ../shared): the TPM manufacturer
 * allowlist (dfns_policy_add_tpm_manufacturer) and DFNS_POLICY_SAFETYNET_REQUIRE_CTS_PROFILE_MATCH.
 * SHA-256 and base64 come from libcrypto.
 */
#include "test_support.h"

#include <openssl/evp.h>
#include <openssl/sha.h>

static const char *const APPID = "https://example.org/app-id.json";

/* ---------------------------------------------------------------------------------------------
 * A software-authenticator credential for any RP ID and origin, and its assertions
 * ------------------------------------------------------------------------------------------- */

typedef struct {
    dfns_public_key_t *key;
    bytes_t credential_id;
    bytes_t client_data, authenticator_data, signature; /* one assertion */
    uint8_t challenge[32];
} credential_t;

/* Registers a credential for `rp_id` (written into authenticator data) at `origin`, keeps its key
   (verified under a policy for exactly that RP ID and origin), then signs one assertion. */
static int credential_make(credential_t *c, dfns_authenticator_t *auth, const char *rp_id, const char *origin) {
    dfns_response_t *reg = NULL, *as = NULL;
    dfns_registration_t *verified = NULL;
    dfns_policy_t *own = NULL;
    bytes_t cdj, ao;
    uint8_t reg_challenge[32];
    int s;
    memset(c, 0, sizeof *c);
    rng_fill(reg_challenge, sizeof reg_challenge);
    rng_fill(c->challenge, sizeof c->challenge);
    s = dfns_authenticator_register(auth, rp_id, origin, reg_challenge, sizeof reg_challenge, DFNS_COSE_ES256,
                                    DFNS_ATTESTATION_NONE, (const uint8_t *)"u", 1, 1, &reg);
    CHECK(s == DFNS_OK, "register for %s -> %s: %s", rp_id, dfns_status_name(s), dfns_last_error());
    if (s != DFNS_OK) return -1;
    c->credential_id = response_field(reg, DFNS_RESPONSE_CREDENTIAL_ID);
    cdj = response_field(reg, DFNS_RESPONSE_CLIENT_DATA_JSON);
    ao = response_field(reg, DFNS_RESPONSE_ATTESTATION_OBJECT);
    dfns_response_free(&reg);
    CHECK_OK(dfns_policy_new(rp_id, &own));
    CHECK_OK(dfns_policy_add_origin(own, origin));
    s = dfns_registration_verify(own, cdj.ptr, cdj.len, ao.ptr, ao.len, reg_challenge, sizeof reg_challenge, &verified);
    CHECK(s == DFNS_OK, "registration for %s -> %s: %s", rp_id, dfns_status_name(s), dfns_last_error());
    if (s == DFNS_OK) {
        const char *matched = NULL;
        CHECK_OK(dfns_registration_public_key(verified, &c->key));
        CHECK_OK(dfns_registration_rp_id(verified, &matched));
        CHECK(matched != NULL && strcmp(matched, rp_id) == 0, "registration matched \"%s\", expected %s",
              matched ? matched : "(null)", rp_id);
    }
    dfns_registration_free(&verified);
    dfns_policy_free(&own);
    bytes_free(&cdj);
    bytes_free(&ao);
    if (c->key == NULL) return -1;
    s = dfns_authenticator_authenticate(auth, rp_id, origin, c->challenge, sizeof c->challenge,
                                        c->credential_id.ptr, c->credential_id.len, 1, &as);
    CHECK(s == DFNS_OK, "authenticate for %s -> %s: %s", rp_id, dfns_status_name(s), dfns_last_error());
    if (s != DFNS_OK) return -1;
    c->client_data = response_field(as, DFNS_RESPONSE_CLIENT_DATA_JSON);
    c->authenticator_data = response_field(as, DFNS_RESPONSE_AUTHENTICATOR_DATA);
    c->signature = response_field(as, DFNS_RESPONSE_SIGNATURE);
    dfns_response_free(&as);
    return 0;
}

static void credential_free(credential_t *c) {
    dfns_public_key_free(&c->key);
    bytes_free(&c->credential_id);
    bytes_free(&c->client_data);
    bytes_free(&c->authenticator_data);
    bytes_free(&c->signature);
}

/* Verifies the credential's assertion under `policy` with `flags` (dfns_assertion_verify_ex);
   on success copies the matched RP ID into rp_id (when not NULL). */
static int verify_with(const dfns_policy_t *policy, const credential_t *c, unsigned flags, char *rp_id, size_t rp_id_cap) {
    dfns_stored_credential stored = { c->key, 0, -1 };
    dfns_assertion_t *out = NULL;
    int s = dfns_assertion_verify_ex(policy, &stored, c->client_data.ptr, c->client_data.len, c->authenticator_data.ptr,
                                     c->authenticator_data.len, c->signature.ptr, c->signature.len, c->challenge,
                                     sizeof c->challenge, flags, &out);
    if (s == DFNS_OK && rp_id != NULL) {
        const char *matched = NULL;
        CHECK_OK(dfns_assertion_rp_id(out, &matched));
        snprintf(rp_id, rp_id_cap, "%s", matched ? matched : "");
    }
    dfns_assertion_free(&out);
    return s;
}

/* The plain entry point, for comparison with _ex and flags 0. */
static int verify_plain(const dfns_policy_t *policy, const credential_t *c) {
    dfns_stored_credential stored = { c->key, 0, -1 };
    dfns_assertion_t *out = NULL;
    int s = dfns_assertion_verify(policy, &stored, c->client_data.ptr, c->client_data.len, c->authenticator_data.ptr,
                                  c->authenticator_data.len, c->signature.ptr, c->signature.len, c->challenge,
                                  sizeof c->challenge, &out);
    dfns_assertion_free(&out);
    return s;
}

static dfns_policy_t *policy_for(const char *rp_id, const char *origin) {
    dfns_policy_t *p = NULL;
    if (dfns_policy_new(rp_id, &p) != DFNS_OK || dfns_policy_add_origin(p, origin) != DFNS_OK) {
        fprintf(stderr, "cannot build a policy for %s: %s\n", rp_id, dfns_last_error());
        exit(2);
    }
    return p;
}

/* ---------------------------------------------------------------------------------------------
 * Options
 * ------------------------------------------------------------------------------------------- */

static void test_defaults(void) {
    dfns_policy_t *p = test_policy();
    int on = -1;
    CHECK_OK(dfns_policy_get_option(p, DFNS_POLICY_ALLOW_SUBDOMAIN_ORIGINS, &on));
    CHECK(on == 0, "ALLOW_SUBDOMAIN_ORIGINS defaults to %d", on);
    CHECK_OK(dfns_policy_get_option(p, DFNS_POLICY_ALLOW_ANY_LOOPBACK_PORT, &on));
    CHECK(on == 0, "ALLOW_ANY_LOOPBACK_PORT defaults to %d", on);
    CHECK_OK(dfns_policy_get_option(p, DFNS_POLICY_SAFETYNET_REQUIRE_CTS_PROFILE_MATCH, &on));
    CHECK(on == 1, "SAFETYNET_REQUIRE_CTS_PROFILE_MATCH defaults to %d", on);
    dfns_policy_free(&p);
}

static void test_subdomains(dfns_authenticator_t *auth) {
    credential_t login, sibling;
    int made = credential_make(&login, auth, TEST_RP_ID, "https://login.example.org");
    made |= credential_make(&sibling, auth, TEST_RP_ID, "https://badexample.org");
    if (made == 0) {
        dfns_policy_t *p = test_policy();
        CHECK_STATUS(DFNS_ERR_ORIGIN_NOT_ALLOWED, verify_plain(p, &login));
        CHECK_OK(dfns_policy_set_option(p, DFNS_POLICY_ALLOW_SUBDOMAIN_ORIGINS, 1));
        CHECK_OK(verify_plain(p, &login));
        CHECK_STATUS(DFNS_ERR_ORIGIN_NOT_ALLOWED, verify_plain(p, &sibling));
        CHECK_OK(dfns_policy_set_option(p, DFNS_POLICY_ALLOW_SUBDOMAIN_ORIGINS, 0));
        CHECK_STATUS(DFNS_ERR_ORIGIN_NOT_ALLOWED, verify_plain(p, &login));
        dfns_policy_free(&p);
    }
    credential_free(&sibling);
    credential_free(&login);
}

static void test_loopback_port(dfns_authenticator_t *auth) {
    credential_t dev;
    if (credential_make(&dev, auth, "localhost", "http://localhost:5173") == 0) {
        dfns_policy_t *p = policy_for("localhost", "http://localhost");
        CHECK_STATUS(DFNS_ERR_ORIGIN_NOT_ALLOWED, verify_plain(p, &dev));
        CHECK_OK(dfns_policy_set_option(p, DFNS_POLICY_ALLOW_ANY_LOOPBACK_PORT, 1));
        CHECK_OK(verify_plain(p, &dev));
        dfns_policy_free(&p);
        /* 127.0.0.1 configured does not open localhost. */
        p = policy_for("localhost", "http://127.0.0.1");
        CHECK_OK(dfns_policy_set_option(p, DFNS_POLICY_ALLOW_ANY_LOOPBACK_PORT, 1));
        CHECK_STATUS(DFNS_ERR_ORIGIN_NOT_ALLOWED, verify_plain(p, &dev));
        dfns_policy_free(&p);
    }
    credential_free(&dev);
}

static void test_rp_ids(dfns_authenticator_t *auth) {
    credential_t other;
    char matched[128] = "";
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_policy_add_rp_id(NULL, "example.net"));
    if (credential_make(&other, auth, "example.net", "https://example.net") == 0) {
        dfns_policy_t *p = test_policy();
        CHECK_OK(dfns_policy_add_origin(p, "https://example.net"));
        EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_policy_add_rp_id(p, ""));
        EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_policy_add_rp_id(p, NULL));
        EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_policy_add_rp_id(p, "\xff"));
        CHECK_STATUS(DFNS_ERR_RP_ID_HASH_MISMATCH, verify_with(p, &other, 0, NULL, 0));
        CHECK_OK(dfns_policy_add_rp_id(p, "example.com"));
        CHECK_OK(dfns_policy_add_rp_id(p, "example.net"));
        CHECK_OK(dfns_policy_add_rp_id(p, "example.net")); /* again: no change */
        CHECK_OK(verify_with(p, &other, 0, matched, sizeof matched));
        CHECK(strcmp(matched, "example.net") == 0, "matched RP ID \"%s\", expected example.net", matched);
        /* The hash path reads the same accepted RP IDs. */
        uint8_t cdh[32];
        dfns_stored_credential stored = { other.key, 0, -1 };
        dfns_assertion_t *out = NULL;
        SHA256(other.client_data.ptr, other.client_data.len, cdh);
        CHECK_OK(dfns_assertion_verify_hash(p, &stored, cdh, sizeof cdh, other.authenticator_data.ptr, other.authenticator_data.len,
                                            other.signature.ptr, other.signature.len, &out));
        const char *rp = NULL;
        if (out) {
            CHECK_OK(dfns_assertion_rp_id(out, &rp));
            CHECK(rp != NULL && strcmp(rp, "example.net") == 0, "hash path matched \"%s\"", rp ? rp : "(null)");
        }
        dfns_assertion_free(&out);
        EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_assertion_rp_id(NULL, &rp));
        EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_registration_rp_id(NULL, &rp));
        /* A registration for the added RP ID, under the same policy, names it. */
        {
            dfns_response_t *reg = NULL;
            dfns_registration_t *verified = NULL;
            uint8_t reg_challenge[32];
            rng_fill(reg_challenge, sizeof reg_challenge);
            CHECK_OK(dfns_authenticator_register(auth, "example.net", "https://example.net", reg_challenge, sizeof reg_challenge,
                                                 DFNS_COSE_ES256, DFNS_ATTESTATION_NONE, (const uint8_t *)"v", 1, 1, &reg));
            if (reg) {
                bytes_t cdj = response_field(reg, DFNS_RESPONSE_CLIENT_DATA_JSON);
                bytes_t ao = response_field(reg, DFNS_RESPONSE_ATTESTATION_OBJECT);
                CHECK_OK(dfns_registration_verify(p, cdj.ptr, cdj.len, ao.ptr, ao.len, reg_challenge, sizeof reg_challenge, &verified));
                rp = NULL;
                if (verified) CHECK_OK(dfns_registration_rp_id(verified, &rp));
                CHECK(rp != NULL && strcmp(rp, "example.net") == 0, "registration matched \"%s\"", rp ? rp : "(null)");
                dfns_registration_free(&verified);
                bytes_free(&cdj);
                bytes_free(&ao);
            }
            dfns_response_free(&reg);
        }
        dfns_policy_free(&p);
    }
    credential_free(&other);
}

/* clientDataJSON for a 32-byte zero challenge ("AAAA…", 43 characters of base64url). */
static void client_data_with_type(char *out, size_t cap, const char *type) {
    snprintf(out, cap, "{\"type\":\"%s\",\"challenge\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\","
                       "\"origin\":\"https://example.org\",\"crossOrigin\":false}", type);
}

static void test_client_data_types(dfns_authenticator_t *auth) {
    static const uint8_t zero[32] = {0};
    dfns_response_t *reg = NULL;
    dfns_registration_t *out = NULL;
    char custom[256], create[256], get[256];
    client_data_with_type(custom, sizeof custom, "example.enroll");
    client_data_with_type(create, sizeof create, "webauthn.create");
    client_data_with_type(get, sizeof get, "webauthn.get");
    /* A "none" registration: its clientDataJSON is signed by nothing, so any type can be written. */
    CHECK_OK(dfns_authenticator_register(auth, TEST_RP_ID, TEST_ORIGIN, zero, sizeof zero, DFNS_COSE_ES256,
                                         DFNS_ATTESTATION_NONE, NULL, 0, 1, &reg));
    if (!reg) return;
    bytes_t ao = response_field(reg, DFNS_RESPONSE_ATTESTATION_OBJECT);
    dfns_response_free(&reg);
    dfns_policy_t *p = test_policy();
#define REGISTER(json) dfns_registration_verify(p, (const uint8_t *)(json), strlen(json), ao.ptr, ao.len, zero, sizeof zero, &out)
    CHECK_STATUS(DFNS_ERR_CLIENT_DATA_TYPE, REGISTER(custom));
    CHECK_OK(REGISTER(create));
    dfns_registration_free(&out);

    const char *both[] = { "webauthn.create", "example.enroll", "example.enroll" };
    const char *with_null[] = { "webauthn.create", NULL };
    const char *with_empty[] = { "" };
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_policy_set_client_data_types(NULL, DFNS_CEREMONY_REGISTRATION, both, 2));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_policy_set_client_data_types(p, 0, both, 2));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_policy_set_client_data_types(p, 3, both, 2));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_policy_set_client_data_types(p, DFNS_CEREMONY_REGISTRATION, NULL, 2));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_policy_set_client_data_types(p, DFNS_CEREMONY_REGISTRATION, both, 0));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_policy_set_client_data_types(p, DFNS_CEREMONY_REGISTRATION, both, 65));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_policy_set_client_data_types(p, DFNS_CEREMONY_REGISTRATION, with_null, 2));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_policy_set_client_data_types(p, DFNS_CEREMONY_REGISTRATION, with_empty, 1));
    /* A failed call changes nothing. */
    CHECK_STATUS(DFNS_ERR_CLIENT_DATA_TYPE, REGISTER(custom));
    CHECK_OK(REGISTER(create));
    dfns_registration_free(&out);

    /* The assertion list does not open registrations. */
    CHECK_OK(dfns_policy_set_client_data_types(p, DFNS_CEREMONY_ASSERTION, both + 1, 1));
    CHECK_STATUS(DFNS_ERR_CLIENT_DATA_TYPE, REGISTER(custom));
    CHECK_OK(dfns_policy_set_client_data_types(p, DFNS_CEREMONY_REGISTRATION, both, 3));
    CHECK_OK(REGISTER(custom));
    dfns_registration_free(&out);
    CHECK_OK(REGISTER(create));
    dfns_registration_free(&out);
    CHECK_STATUS(DFNS_ERR_CLIENT_DATA_TYPE, REGISTER(get));
    const char *only_custom[] = { "example.enroll" };
    CHECK_OK(dfns_policy_set_client_data_types(p, DFNS_CEREMONY_REGISTRATION, only_custom, 1));
    CHECK_STATUS(DFNS_ERR_CLIENT_DATA_TYPE, REGISTER(create));
#undef REGISTER
    dfns_policy_free(&p);
    bytes_free(&ao);

    /* Assertions: the default is exactly webauthn.get, so a webauthn.get assertion fails once the
       list no longer holds it. */
    credential_t c;
    if (credential_make(&c, auth, TEST_RP_ID, TEST_ORIGIN) == 0) {
        dfns_policy_t *q = test_policy();
        CHECK_OK(verify_plain(q, &c));
        const char *payment[] = { "payment.get" };
        CHECK_OK(dfns_policy_set_client_data_types(q, DFNS_CEREMONY_ASSERTION, payment, 1));
        CHECK_STATUS(DFNS_ERR_CLIENT_DATA_TYPE, verify_plain(q, &c));
        const char *both_get[] = { "payment.get", "webauthn.get" };
        CHECK_OK(dfns_policy_set_client_data_types(q, DFNS_CEREMONY_ASSERTION, both_get, 2));
        CHECK_OK(verify_plain(q, &c));
        dfns_policy_free(&q);
    }
    credential_free(&c);
}

static void test_appid(dfns_authenticator_t *auth) {
    credential_t u2f, plain;
    char matched[128] = "";
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_policy_set_appid(NULL, APPID));
    int made = credential_make(&u2f, auth, APPID, TEST_ORIGIN);
    made |= credential_make(&plain, auth, TEST_RP_ID, TEST_ORIGIN);
    if (made == 0) {
        dfns_policy_t *p = test_policy();
        EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_policy_set_appid(p, ""));
        /* Without an AppID the flag changes nothing. */
        CHECK_STATUS(DFNS_ERR_RP_ID_HASH_MISMATCH, verify_with(p, &u2f, DFNS_ASSERTION_APPID_EXTENSION_USED, NULL, 0));
        CHECK_OK(dfns_policy_set_appid(p, APPID));
        /* With the AppID but without the client's appid: true, the AppID hash is refused. */
        CHECK_STATUS(DFNS_ERR_RP_ID_HASH_MISMATCH, verify_plain(p, &u2f));
        CHECK_STATUS(DFNS_ERR_RP_ID_HASH_MISMATCH, verify_with(p, &u2f, 0, NULL, 0));
        CHECK(strstr(dfns_last_error(), "appid") != NULL, "the refusal names the appid extension: %s", dfns_last_error());
        CHECK_OK(verify_with(p, &u2f, DFNS_ASSERTION_APPID_EXTENSION_USED, matched, sizeof matched));
        CHECK(strcmp(matched, APPID) == 0, "matched \"%s\", expected the AppID", matched);
        /* The RP ID hash still verifies with the flag set. */
        CHECK_OK(verify_with(p, &plain, DFNS_ASSERTION_APPID_EXTENSION_USED, matched, sizeof matched));
        CHECK(strcmp(matched, TEST_RP_ID) == 0, "matched \"%s\", expected the RP ID", matched);
        /* Unknown flag bits are refused before anything is verified. */
        EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, verify_with(p, &u2f, 2u, NULL, 0));
        EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, verify_with(p, &u2f, 0x80000001u, NULL, 0));
        /* NULL removes the AppID. */
        CHECK_OK(dfns_policy_set_appid(p, NULL));
        CHECK_STATUS(DFNS_ERR_RP_ID_HASH_MISMATCH, verify_with(p, &u2f, DFNS_ASSERTION_APPID_EXTENSION_USED, NULL, 0));
        dfns_policy_free(&p);
    }
    credential_free(&plain);
    credential_free(&u2f);
}

/* ---------------------------------------------------------------------------------------------
 * Third-party vectors (read at run time)
 * ------------------------------------------------------------------------------------------- */

static char *read_vector(const char *name) {
    const char *shared = getenv("DFNS_SHARED_DIR");
    char path[1024];
    snprintf(path, sizeof path, "%s/vectors/webauthn/%s", shared ? shared : "../shared", name);
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *text = n > 0 ? malloc((size_t)n + 1) : NULL;
    if (text && fread(text, 1, (size_t)n, f) == (size_t)n) {
        text[n] = '\0';
    } else {
        free(text);
        text = NULL;
    }
    fclose(f);
    return text;
}

/* The string value of the top-level member `key` (the vectors hold each key once, as "key": "…"). */
static int json_string(const char *text, const char *key, char *out, size_t cap) {
    char needle[128];
    snprintf(needle, sizeof needle, "\"%s\": \"", key);
    const char *p = strstr(text, needle);
    if (!p) return -1;
    p += strlen(needle);
    const char *end = strchr(p, '"');
    if (!end || (size_t)(end - p) >= cap) return -1;
    memcpy(out, p, (size_t)(end - p));
    out[end - p] = '\0';
    return 0;
}

/* Unpadded base64url to bytes, through libcrypto's base64 decoder. */
static bytes_t b64url(const char *text) {
    size_t n = strlen(text);
    size_t padded = (n + 3) / 4 * 4;
    unsigned char *std = malloc(padded + 1);
    bytes_t out = bytes_alloc(padded / 4 * 3);
    for (size_t i = 0; i < padded; i++) {
        char c = i < n ? text[i] : '=';
        std[i] = (unsigned char)(c == '-' ? '+' : c == '_' ? '/' : c);
    }
    int len = EVP_DecodeBlock(out.ptr, std, (int)padded);
    free(std);
    if (len < 0) {
        out.len = 0;
        return out;
    }
    size_t pad = (n % 4 == 2) ? 2 : (n % 4 == 3) ? 1 : 0;
    out.len = (size_t)len - pad;
    return out;
}

/* "YYYY-MM-DDTHH:MM:SSZ" as Unix seconds (days from the civil date, proleptic Gregorian). */
static int64_t iso_seconds(const char *text) {
    int y, mo, d, h, mi, s;
    if (sscanf(text, "%4d-%2d-%2dT%2d:%2d:%2dZ", &y, &mo, &d, &h, &mi, &s) != 6) return -1;
    y -= mo <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    int64_t days = era * 146097 + doe - 719468;
    return days * 86400 + h * 3600 + mi * 60 + s;
}

typedef struct {
    char rp_id[256], origin[256];
    int64_t time;
    bytes_t client_data, attestation_object, challenge;
} reg_vector_t;

static int reg_vector_load(reg_vector_t *v, const char *name) {
    memset(v, 0, sizeof *v);
    char *text = read_vector(name);
    char *field = text ? malloc(strlen(text) + 1) : NULL;
    int ok = text && field && json_string(text, "rpId", v->rp_id, sizeof v->rp_id) == 0 &&
             json_string(text, "origin", v->origin, sizeof v->origin) == 0;
    if (ok && json_string(text, "clientDataJSON_b64url", field, strlen(text) + 1) == 0) v->client_data = b64url(field); else ok = 0;
    if (ok && json_string(text, "attestationObject_b64url", field, strlen(text) + 1) == 0) v->attestation_object = b64url(field); else ok = 0;
    if (ok && json_string(text, "challenge_b64url", field, strlen(text) + 1) == 0) v->challenge = b64url(field); else ok = 0;
    if (ok && json_string(text, "suggested_verification_time", field, strlen(text) + 1) == 0) v->time = iso_seconds(field); else ok = 0;
    free(field);
    free(text);
    CHECK(ok, "vector %s could not be read (set DFNS_SHARED_DIR to the shared folder)", name);
    return ok ? 0 : -1;
}

static void reg_vector_free(reg_vector_t *v) {
    bytes_free(&v->client_data);
    bytes_free(&v->attestation_object);
    bytes_free(&v->challenge);
}

static int reg_vector_verify(const reg_vector_t *v, const dfns_policy_t *p) {
    dfns_registration_t *out = NULL;
    int s = dfns_registration_verify(p, v->client_data.ptr, v->client_data.len, v->attestation_object.ptr, v->attestation_object.len,
                                     v->challenge.ptr, v->challenge.len, &out);
    dfns_registration_free(&out);
    return s;
}

/* A Windows Hello TPM from Nuvoton (tpmManufacturer id:4E544300), captured by py_webauthn. */
static void test_tpm_manufacturers(void) {
    reg_vector_t v;
    dfns_policy_t *p = NULL;
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_policy_add_tpm_manufacturer(NULL, "id:414D4400"));
    if (reg_vector_load(&v, "pywebauthn-reg-tpm-verify-attestation-dell-xps-13.json") != 0) return;
    p = policy_for(v.rp_id, v.origin);
    CHECK_OK(dfns_policy_set_verification_time(p, v.time));
    CHECK_OK(dfns_policy_set_option(p, DFNS_POLICY_ALLOW_SHA1, 1));
    static const char *const bad[] = { "", "AMD", "id:414D44", "id:414D440G", "414D4400", "id:414D44000" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_policy_add_tpm_manufacturer(p, bad[i]));
    }
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_policy_add_tpm_manufacturer(p, NULL));
    CHECK_OK(reg_vector_verify(&v, p)); /* empty list: any manufacturer */
    CHECK_OK(dfns_policy_add_tpm_manufacturer(p, "id:414D4400"));
    CHECK_OK(dfns_policy_add_tpm_manufacturer(p, "id:49465800"));
    CHECK_STATUS(DFNS_ERR_ATTESTATION_POLICY_VIOLATION, reg_vector_verify(&v, p));
    CHECK(strstr(dfns_last_error(), "id:4E544300") != NULL, "the refusal names the manufacturer: %s", dfns_last_error());
    CHECK_OK(dfns_policy_add_tpm_manufacturer(p, "id:4e544300")); /* hex case does not matter */
    CHECK_OK(reg_vector_verify(&v, p));
    dfns_policy_free(&p);
    reg_vector_free(&v);
}

/* Yubico's SafetyNet statement with ctsProfileMatch false, from its test CA (no trust evaluated). */
static void test_safetynet_cts(void) {
    reg_vector_t v;
    if (reg_vector_load(&v, "yubico-reg-testdata-androidsafetynet-falsectsprofilematch.json") != 0) return;
    dfns_policy_t *p = policy_for(v.rp_id, v.origin);
    CHECK_OK(dfns_policy_set_verification_time(p, v.time));
    CHECK_OK(dfns_policy_set_option(p, DFNS_POLICY_USE_BUILTIN_TRUST_ANCHORS, 0));
    CHECK_OK(dfns_policy_set_option(p, DFNS_POLICY_SAFETYNET_CHECK_TIMESTAMP, 0));
    CHECK_OK(dfns_policy_set_option(p, DFNS_POLICY_ALLOW_INDEFINITE_LENGTH_CBOR, 1)); /* Yubico's encoder */
    CHECK_STATUS(DFNS_ERR_ATTESTATION_POLICY_VIOLATION, reg_vector_verify(&v, p));
    CHECK(strstr(dfns_last_error(), "ctsProfileMatch") != NULL, "the refusal names ctsProfileMatch: %s", dfns_last_error());
    CHECK_OK(dfns_policy_set_option(p, DFNS_POLICY_SAFETYNET_REQUIRE_CTS_PROFILE_MATCH, 0));
    CHECK_OK(reg_vector_verify(&v, p));
    dfns_policy_free(&p);
    reg_vector_free(&v);
}

int main(void) {
    if (!primers_init()) return test_summary("test_policy_options");
    test_defaults();
    dfns_authenticator_t *auth = NULL;
    CHECK_OK(dfns_authenticator_new(&auth));
    if (auth) {
        test_subdomains(auth);
        test_loopback_port(auth);
        test_rp_ids(auth);
        test_client_data_types(auth);
        test_appid(auth);
    }
    dfns_authenticator_free(&auth);
    test_tpm_manufacturers();
    test_safetynet_cts();
    return test_summary("test_policy_options");
}
