/*
 * test_robustness: every function of dfns_bridge.h against bad input.
 *
 * NULL pointers, NULL with a non-zero length, zero lengths, lengths that do not fit a signed size,
 * every prefix of valid structures, single-byte mutations, random bytes, CBOR allocation and
 * nesting bombs, invalid enum values, invalid UTF-8. Every failure must be a negative status the
 * header defines, with a non-empty dfns_last_error() set by that call; out-handles must be NULL and
 * lengths 0 after a failure; nothing may crash (a Swift trap would kill this process). The free
 * functions accept NULL and pointers to NULL. Inputs live in malloc'ed buffers of exactly their
 * length, so valgrind (scripts/valgrind-c-tests.sh) sees any read past the end.
 */
#include "test_support.h"

#include <limits.h>

#define BOGUS_HANDLE(type) ((type *)(uintptr_t)0x10)
#define BOGUS_PTR ((const uint8_t *)(uintptr_t)0x20)

/* An input in a buffer of exactly `n` bytes (so over-reads are visible to valgrind). */
static bytes_t exact(const uint8_t *p, size_t n) { return bytes_copy(p, n); }

/* A call whose outcome is not fixed (random or mutated input): any status the header defines,
   and a message when it fails. */
#define EXPECT_DEFINED(call) \
    do { \
        int s2_ = (call); \
        g_checks++; \
        if (!status_is_defined(s2_)) \
            test_fail(__FILE__, __LINE__, "%s -> %d: not a status the header defines", #call, s2_); \
        else if (s2_ < 0 && dfns_last_error()[0] == 0) \
            test_fail(__FILE__, __LINE__, "%s -> %s with an empty dfns_last_error()", #call, dfns_status_name(s2_)); \
    } while (0)

/* ----------------------------------------------------------------------------------------------
 * Status names
 * ------------------------------------------------------------------------------------------- */

#define STATUS(x) { x, #x }
static const struct { int code; const char *name; } k_statuses[] = {
    STATUS(DFNS_OK), STATUS(DFNS_ERR_INVALID_ARGUMENT), STATUS(DFNS_ERR_BUFFER_TOO_SMALL),
    STATUS(DFNS_ERR_OUT_OF_MEMORY), STATUS(DFNS_ERR_NOT_FOUND), STATUS(DFNS_ERR_UNSUPPORTED),
    STATUS(DFNS_ERR_MALFORMED_CBOR), STATUS(DFNS_ERR_TRAILING_BYTES), STATUS(DFNS_ERR_MALFORMED_CLIENT_DATA),
    STATUS(DFNS_ERR_MALFORMED_ATTESTATION_OBJECT), STATUS(DFNS_ERR_MALFORMED_AUTHENTICATOR_DATA),
    STATUS(DFNS_ERR_MALFORMED_COSE_KEY), STATUS(DFNS_ERR_MALFORMED_ENCODING), STATUS(DFNS_ERR_INPUT_TOO_LARGE), STATUS(DFNS_ERR_MALFORMED_CREDENTIAL_JSON),
    STATUS(DFNS_ERR_CLIENT_DATA_TYPE), STATUS(DFNS_ERR_CHALLENGE_MISMATCH), STATUS(DFNS_ERR_ORIGIN_NOT_ALLOWED),
    STATUS(DFNS_ERR_CROSS_ORIGIN_NOT_ALLOWED), STATUS(DFNS_ERR_TOP_ORIGIN_NOT_ALLOWED),
    STATUS(DFNS_ERR_RP_ID_HASH_MISMATCH), STATUS(DFNS_ERR_USER_PRESENCE_MISSING),
    STATUS(DFNS_ERR_USER_VERIFICATION_MISSING), STATUS(DFNS_ERR_BACKUP_STATE_WITHOUT_ELIGIBILITY),
    STATUS(DFNS_ERR_BACKUP_ELIGIBILITY_CHANGED), STATUS(DFNS_ERR_ATTESTED_CREDENTIAL_DATA_MISSING),
    STATUS(DFNS_ERR_UNEXPECTED_ATTESTED_CREDENTIAL_DATA), STATUS(DFNS_ERR_CREDENTIAL_ID_TOO_LONG),
    STATUS(DFNS_ERR_SIGN_COUNT_NOT_INCREASED), STATUS(DFNS_ERR_CREDENTIAL_ID_MISMATCH),
    STATUS(DFNS_ERR_UNSUPPORTED_ALGORITHM), STATUS(DFNS_ERR_ALGORITHM_NOT_ALLOWED),
    STATUS(DFNS_ERR_INVALID_PUBLIC_KEY), STATUS(DFNS_ERR_SIGNATURE_INVALID),
    STATUS(DFNS_ERR_UNSUPPORTED_ATTESTATION_FORMAT), STATUS(DFNS_ERR_MALFORMED_ATTESTATION_STATEMENT),
    STATUS(DFNS_ERR_ATTESTATION_CERTIFICATE_INVALID), STATUS(DFNS_ERR_ATTESTATION_NOT_TRUSTED),
    STATUS(DFNS_ERR_AAGUID_MISMATCH), STATUS(DFNS_ERR_ATTESTED_KEY_MISMATCH),
    STATUS(DFNS_ERR_ATTESTATION_BINDING_MISMATCH), STATUS(DFNS_ERR_ATTESTATION_POLICY_VIOLATION),
    STATUS(DFNS_ERR_SHA1_NOT_ALLOWED), STATUS(DFNS_ERR_INVALID_POLICY), STATUS(DFNS_ERR_INTERNAL),
    STATUS(DFNS_ERR_TRANSPORT_CONNECT), STATUS(DFNS_ERR_TRANSPORT_TIMEOUT), STATUS(DFNS_ERR_TRANSPORT_TLS),
    STATUS(DFNS_ERR_TRANSPORT_MALFORMED_RESPONSE), STATUS(DFNS_ERR_TRANSPORT_RESPONSE_TOO_LARGE),
    STATUS(DFNS_ERR_TRANSPORT_CALLBACK), STATUS(DFNS_ERR_TRANSPORT), STATUS(DFNS_ERR_API),
    STATUS(DFNS_ERR_API_INVALID_RESPONSE), STATUS(DFNS_ERR_RETURNED_SIGNATURE_INVALID), STATUS(DFNS_ERR_SIGNER),
    STATUS(DFNS_ERR_SIGNER_REQUIRED), STATUS(DFNS_ERR_SIGNER_CALLBACK), STATUS(DFNS_ERR_WRONG_PASSWORD),
    STATUS(DFNS_ERR_WEBHOOK_INVALID),
};

static void test_status_names(void) {
    for (size_t i = 0; i < sizeof k_statuses / sizeof k_statuses[0]; i++) {
        const char *name = dfns_status_name(k_statuses[i].code);
        CHECK(name != NULL && strcmp(name, k_statuses[i].name) == 0, "dfns_status_name(%d) = \"%s\", expected \"%s\"",
              k_statuses[i].code, name ? name : "(null)", k_statuses[i].name);
    }
    static const int unknown[] = { 1, 2, 99, -6, -99, -109, -199, -205, -310, -404, -509, -606, -698, -703, -804, -811, -901, -998, -1000,
                                   12345, -12345, INT_MAX, INT_MIN };
    for (size_t i = 0; i < sizeof unknown / sizeof unknown[0]; i++) {
        const char *name = dfns_status_name(unknown[i]);
        CHECK(name != NULL && strcmp(name, "DFNS_ERR_UNKNOWN") == 0, "dfns_status_name(%d) = \"%s\"", unknown[i],
              name ? name : "(null)");
    }
    CHECK(dfns_version() != NULL && dfns_version()[0] != 0, "dfns_version() empty");
    CHECK(dfns_last_error() != NULL, "dfns_last_error() is NULL");
}

/* ----------------------------------------------------------------------------------------------
 * Free functions
 * ------------------------------------------------------------------------------------------- */

static void test_free_functions(void) {
    dfns_free(NULL);
    dfns_public_key_free(NULL);
    dfns_policy_free(NULL);
    dfns_registration_free(NULL);
    dfns_assertion_free(NULL);
    dfns_authenticator_free(NULL);
    dfns_response_free(NULL);
    dfns_public_key_t *k = NULL;
    dfns_policy_t *p = NULL;
    dfns_registration_t *r = NULL;
    dfns_assertion_t *a = NULL;
    dfns_authenticator_t *au = NULL;
    dfns_response_t *re = NULL;
    dfns_public_key_free(&k);
    dfns_policy_free(&p);
    dfns_registration_free(&r);
    dfns_assertion_free(&a);
    dfns_authenticator_free(&au);
    dfns_response_free(&re);
    CHECK(k == NULL && p == NULL && r == NULL && a == NULL && au == NULL && re == NULL, "free of NULL changed a pointer");

    /* A real handle: free sets the pointer to NULL, so a second free is a no-op. */
    CHECK_OK(dfns_policy_new(TEST_RP_ID, &p));
    dfns_policy_free(&p);
    CHECK(p == NULL, "dfns_policy_free did not set *policy to NULL");
    dfns_policy_free(&p);
    CHECK_OK(dfns_authenticator_new(&au));
    dfns_authenticator_free(&au);
    CHECK(au == NULL, "dfns_authenticator_free did not set *authenticator to NULL");
    dfns_authenticator_free(&au);
}

/* ----------------------------------------------------------------------------------------------
 * NULL handles and NULL outputs, for every function that takes them
 * ------------------------------------------------------------------------------------------- */

/* An info struct holding garbage, to see that a failure zeroes it. */
static void info_poison(dfns_assertion_info *info) {
    memset(info, 0xA5, sizeof *info);
    info->extensions = (uint8_t *)(uintptr_t)0x30;
}

static int info_is_zero(const dfns_assertion_info *info) {
    return info->sign_count == 0 && info->flags == 0 && info->sign_count_regressed == 0 && info->extensions == NULL &&
           info->extensions_len == 0;
}

/* dfns_assertion_verify_cose: NULL pointers, NULL with a length, lengths that do not fit, bad
   backup_eligible, empty challenge, a NULL info (allowed), and the zeroed info after each failure. */
static void test_verify_cose_arguments(const fixture_t *f, const dfns_policy_t *policy) {
    const uint8_t *cose = NULL;
    size_t cose_len = 0;
    dfns_assertion_info info;
    const uint8_t *cdj = f->client_data.ptr, *ad = f->authenticator_data.ptr, *sig = f->signature.ptr;
    const size_t cdj_len = f->client_data.len, ad_len = f->authenticator_data.len, sig_len = f->signature.len;
    CHECK_OK(dfns_public_key_cose(f->key, &cose, &cose_len));
    if (!cose) return;
    bytes_t key = exact(cose, cose_len); /* a copy of exactly its length (valgrind sees over-reads) */

#define VERIFY_COSE_FAILS(expected, ...) \
    do { \
        info_poison(&info); \
        EXPECT_FAIL(expected, dfns_assertion_verify_cose(__VA_ARGS__)); \
        CHECK(info_is_zero(&info), "dfns_assertion_verify_cose failure left *info non-zero"); \
    } while (0)

    VERIFY_COSE_FAILS(DFNS_ERR_INVALID_ARGUMENT, NULL, key.ptr, key.len, 0, -1, cdj, cdj_len, ad, ad_len, sig, sig_len,
                      f->challenge, 32, &info);
    /* A handle of another kind where the policy goes. */
    VERIFY_COSE_FAILS(DFNS_ERR_INVALID_ARGUMENT, (const dfns_policy_t *)(const void *)f->key, key.ptr, key.len, 0, -1, cdj,
                      cdj_len, ad, ad_len, sig, sig_len, f->challenge, 32, &info);
    VERIFY_COSE_FAILS(DFNS_ERR_INVALID_ARGUMENT, policy, NULL, key.len, 0, -1, cdj, cdj_len, ad, ad_len, sig, sig_len,
                      f->challenge, 32, &info);
    VERIFY_COSE_FAILS(0, policy, NULL, 0, 0, -1, cdj, cdj_len, ad, ad_len, sig, sig_len, f->challenge, 32, &info);
    VERIFY_COSE_FAILS(0, policy, key.ptr, 0, 0, -1, cdj, cdj_len, ad, ad_len, sig, sig_len, f->challenge, 32, &info);
    VERIFY_COSE_FAILS(DFNS_ERR_INVALID_ARGUMENT, policy, key.ptr, SIZE_MAX, 0, -1, cdj, cdj_len, ad, ad_len, sig, sig_len,
                      f->challenge, 32, &info);
    VERIFY_COSE_FAILS(DFNS_ERR_INVALID_ARGUMENT, policy, key.ptr, key.len, 0, -1, NULL, cdj_len, ad, ad_len, sig, sig_len,
                      f->challenge, 32, &info);
    VERIFY_COSE_FAILS(DFNS_ERR_INVALID_ARGUMENT, policy, key.ptr, key.len, 0, -1, cdj, cdj_len, NULL, ad_len, sig, sig_len,
                      f->challenge, 32, &info);
    VERIFY_COSE_FAILS(DFNS_ERR_INVALID_ARGUMENT, policy, key.ptr, key.len, 0, -1, cdj, cdj_len, ad, ad_len, NULL, sig_len,
                      f->challenge, 32, &info);
    VERIFY_COSE_FAILS(DFNS_ERR_INVALID_ARGUMENT, policy, key.ptr, key.len, 0, -1, cdj, cdj_len, ad, ad_len, sig, sig_len,
                      NULL, 32, &info);
    VERIFY_COSE_FAILS(0, policy, key.ptr, key.len, 0, -1, NULL, 0, ad, ad_len, sig, sig_len, f->challenge, 32, &info);
    VERIFY_COSE_FAILS(0, policy, key.ptr, key.len, 0, -1, cdj, cdj_len, NULL, 0, sig, sig_len, f->challenge, 32, &info);
    VERIFY_COSE_FAILS(0, policy, key.ptr, key.len, 0, -1, cdj, cdj_len, ad, ad_len, NULL, 0, f->challenge, 32, &info);
    VERIFY_COSE_FAILS(DFNS_ERR_INVALID_ARGUMENT, policy, key.ptr, key.len, 0, -1, cdj, cdj_len, ad, ad_len, sig, sig_len,
                      NULL, 0, &info);
    VERIFY_COSE_FAILS(DFNS_ERR_INVALID_ARGUMENT, policy, key.ptr, key.len, 0, -1, cdj, cdj_len, ad, ad_len, sig, sig_len,
                      f->challenge, 0, &info);
    VERIFY_COSE_FAILS(DFNS_ERR_INVALID_ARGUMENT, policy, key.ptr, key.len, 0, -1, cdj, SIZE_MAX, ad, ad_len, sig, sig_len,
                      f->challenge, 32, &info);
    VERIFY_COSE_FAILS(DFNS_ERR_INVALID_ARGUMENT, policy, key.ptr, key.len, 0, -1, cdj, cdj_len, ad, SIZE_MAX, sig, sig_len,
                      f->challenge, 32, &info);
    VERIFY_COSE_FAILS(DFNS_ERR_INVALID_ARGUMENT, policy, key.ptr, key.len, 0, -1, cdj, cdj_len, ad, ad_len, sig, SIZE_MAX,
                      f->challenge, 32, &info);
    VERIFY_COSE_FAILS(DFNS_ERR_INVALID_ARGUMENT, policy, key.ptr, key.len, 0, -1, cdj, cdj_len, ad, ad_len, sig, sig_len,
                      f->challenge, SIZE_MAX, &info);
    static const int bad_be[] = { 2, -2, 42, INT_MAX, INT_MIN };
    for (size_t i = 0; i < sizeof bad_be / sizeof bad_be[0]; i++)
        VERIFY_COSE_FAILS(DFNS_ERR_INVALID_ARGUMENT, policy, key.ptr, key.len, 0, bad_be[i], cdj, cdj_len, ad, ad_len, sig,
                          sig_len, f->challenge, 32, &info);
    /* A key that does not import fails with dfns_public_key_parse_cose's status, before anything else. */
    VERIFY_COSE_FAILS(DFNS_ERR_MALFORMED_CBOR, policy, key.ptr, 1, 0, -1, cdj, cdj_len, ad, ad_len, sig, sig_len,
                      f->challenge, 32, &info);
    EXPECT_FAIL(DFNS_ERR_MALFORMED_CBOR, dfns_assertion_verify_cose(NULL, key.ptr, 1, 0, 7, NULL, 3, NULL, 0, NULL, 0, NULL, 0, NULL));
#undef VERIFY_COSE_FAILS

    /* The valid call, with and without info; the counter semantics of dfns_assertion_verify. */
    CHECK_OK(dfns_assertion_verify_cose(policy, key.ptr, key.len, 0, -1, cdj, cdj_len, ad, ad_len, sig, sig_len,
                                        f->challenge, 32, NULL));
    info_poison(&info);
    CHECK_OK(dfns_assertion_verify_cose(policy, key.ptr, key.len, 0, 0, cdj, cdj_len, ad, ad_len, sig, sig_len,
                                        f->challenge, 32, &info));
    CHECK(info.sign_count > 0 && (info.flags & 0x01) && info.sign_count_regressed == 0 && info.extensions == NULL &&
              info.extensions_len == 0,
          "dfns_assertion_verify_cose info: count %u flags 0x%02x regressed %d extensions %p/%zu", info.sign_count,
          info.flags, info.sign_count_regressed, (void *)info.extensions, info.extensions_len);
    info_poison(&info);
    EXPECT_FAIL(DFNS_ERR_SIGN_COUNT_NOT_INCREASED,
                dfns_assertion_verify_cose(policy, key.ptr, key.len, UINT32_MAX, -1, cdj, cdj_len, ad, ad_len, sig, sig_len,
                                           f->challenge, 32, &info));
    CHECK(info_is_zero(&info), "dfns_assertion_verify_cose failure left *info non-zero");
    bytes_free(&key);
}

static void test_null_arguments(const fixture_t *f, const dfns_policy_t *policy, dfns_authenticator_t *auth) {
    const uint8_t *ptr;
    size_t len;
    const char *str;
    int flag;
    uint32_t u32;
    uint8_t u8;
    char *text;
    dfns_public_key_t *key;
    dfns_policy_t *pol;
    dfns_registration_t *reg;
    dfns_assertion_t *as;
    dfns_authenticator_t *au;
    dfns_response_t *resp;
    const dfns_stored_credential cred = { f->key, 0, 0 };
    const dfns_stored_credential null_key_cred = { NULL, 0, 0 };
    uint8_t hash[32];
    sha256(f->client_data.ptr, f->client_data.len, hash);
    const int32_t es256 = DFNS_COSE_ES256;
    const uint8_t one = 0;

    /* Public keys */
    key = BOGUS_HANDLE(dfns_public_key_t);
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_public_key_parse_cose(NULL, 10, &key));
    CHECK(key == NULL, "parse_cose failure left *out non-NULL"); key = NULL;
    EXPECT_FAIL(0, dfns_public_key_parse_cose(NULL, 0, &key));
    EXPECT_FAIL(0, dfns_public_key_parse_cose(&one, 0, &key));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_public_key_parse_cose(&one, 1, NULL));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_public_key_parse_cose(BOGUS_PTR, SIZE_MAX, &key));
    CHECK(key == NULL, "parse_cose failure set *out"); key = NULL;
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_public_key_parse_spki(NULL, 10, DFNS_COSE_ES256, &key));
    EXPECT_FAIL(0, dfns_public_key_parse_spki(NULL, 0, DFNS_COSE_ES256, &key));
    EXPECT_FAIL(0, dfns_public_key_parse_spki(&one, 0, DFNS_COSE_ES256, &key));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_public_key_parse_spki(&one, 1, DFNS_COSE_ES256, NULL));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_public_key_parse_spki(BOGUS_PTR, SIZE_MAX, DFNS_COSE_ES256, &key));
    CHECK(key == NULL, "parse_spki failure set *out"); key = NULL;
    CHECK(dfns_public_key_alg(NULL) == 0, "dfns_public_key_alg(NULL) != 0");
    {
        int32_t alg = 77;
        EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_public_key_algorithm(NULL, &alg));
        CHECK(alg == 0, "dfns_public_key_algorithm failure left alg %d", (int)alg);
        EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_public_key_algorithm(f->key, NULL));
        alg = 0;
        CHECK(dfns_public_key_algorithm(f->key, &alg) == DFNS_OK && alg == dfns_public_key_alg(f->key) && alg != 0,
              "dfns_public_key_algorithm gave %d, dfns_public_key_alg %d", (int)alg, (int)dfns_public_key_alg(f->key));
    }
    ptr = BOGUS_PTR; len = 7;
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_public_key_cose(NULL, &ptr, &len));
    CHECK(ptr == NULL && len == 0, "dfns_public_key_cose failure left outputs %p/%zu", (void *)ptr, len);
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_public_key_cose(f->key, NULL, &len));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_public_key_cose(f->key, &ptr, NULL));
    ptr = BOGUS_PTR; len = 7;
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_public_key_spki(NULL, &ptr, &len));
    CHECK(ptr == NULL && len == 0, "dfns_public_key_spki failure left outputs %p/%zu", (void *)ptr, len);
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_public_key_spki(f->key, NULL, &len));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_public_key_spki(f->key, &ptr, NULL));
    str = (const char *)BOGUS_PTR;
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_public_key_pem(NULL, &str));
    CHECK(str == NULL, "dfns_public_key_pem failure left *pem non-NULL");
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_public_key_pem(f->key, NULL));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_public_key_verify(NULL, hash, 32, f->signature.ptr, f->signature.len));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_public_key_verify(f->key, NULL, 32, f->signature.ptr, f->signature.len));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_public_key_verify(f->key, hash, 32, NULL, f->signature.len));
    EXPECT_FAIL(0, dfns_public_key_verify(f->key, hash, 32, NULL, 0));
    EXPECT_FAIL(0, dfns_public_key_verify(f->key, NULL, 0, f->signature.ptr, f->signature.len));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_public_key_verify(f->key, hash, SIZE_MAX, f->signature.ptr, f->signature.len));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_public_key_verify(f->key, hash, 32, f->signature.ptr, SIZE_MAX));

    /* Policies */
    pol = BOGUS_HANDLE(dfns_policy_t);
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_policy_new(NULL, &pol));
    CHECK(pol == NULL, "dfns_policy_new failure left *out non-NULL"); pol = NULL;
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_policy_new("", &pol));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_policy_new("\xff\xfe.example", &pol));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_policy_new("ex\xc3", &pol));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_policy_new(TEST_RP_ID, NULL));
    CHECK(pol == NULL, "failed dfns_policy_new set *out");
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_policy_add_origin(NULL, TEST_ORIGIN));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_policy_add_top_origin(NULL, TEST_ORIGIN));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_policy_set_option(NULL, DFNS_POLICY_ALLOW_SHA1, 1));
    flag = 42;
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_policy_get_option(NULL, DFNS_POLICY_ALLOW_SHA1, &flag));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_policy_get_option(policy, DFNS_POLICY_ALLOW_SHA1, NULL));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_policy_set_algorithms(NULL, &es256, 1));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_policy_set_verification_time(NULL, 0));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_policy_add_trust_anchor(NULL, "packed", &one, 1));

    /* A policy of its own for the calls that need a non-const one. */
    CHECK_OK(dfns_policy_new(TEST_RP_ID, &pol));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_policy_add_origin(pol, NULL));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_policy_add_top_origin(pol, NULL));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_policy_set_algorithms(pol, NULL, 1));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_policy_set_algorithms(pol, &es256, 0));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_policy_set_algorithms(pol, NULL, 0));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_policy_set_algorithms(pol, &es256, SIZE_MAX));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_policy_add_trust_anchor(pol, NULL, &one, 1));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_policy_add_trust_anchor(pol, "packed", NULL, 1));
    EXPECT_FAIL(0, dfns_policy_add_trust_anchor(pol, "packed", NULL, 0));
    EXPECT_FAIL(0, dfns_policy_add_trust_anchor(pol, "packed", &one, 0));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_policy_add_trust_anchor(pol, "packed", BOGUS_PTR, SIZE_MAX));
    dfns_policy_free(&pol);

    /* Registration */
    reg = BOGUS_HANDLE(dfns_registration_t);
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT,
                dfns_registration_verify(NULL, f->reg_client_data.ptr, f->reg_client_data.len, f->attestation_object.ptr,
                                         f->attestation_object.len, f->reg_challenge, 32, &reg));
    CHECK(reg == NULL, "dfns_registration_verify failure left *out non-NULL"); reg = NULL;
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT,
                dfns_registration_verify(policy, NULL, f->reg_client_data.len, f->attestation_object.ptr,
                                         f->attestation_object.len, f->reg_challenge, 32, &reg));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT,
                dfns_registration_verify(policy, f->reg_client_data.ptr, f->reg_client_data.len, NULL,
                                         f->attestation_object.len, f->reg_challenge, 32, &reg));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT,
                dfns_registration_verify(policy, f->reg_client_data.ptr, f->reg_client_data.len, f->attestation_object.ptr,
                                         f->attestation_object.len, NULL, 32, &reg));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT,
                dfns_registration_verify(policy, f->reg_client_data.ptr, f->reg_client_data.len, f->attestation_object.ptr,
                                         f->attestation_object.len, f->reg_challenge, 32, NULL));
    EXPECT_FAIL(0, dfns_registration_verify(policy, NULL, 0, f->attestation_object.ptr, f->attestation_object.len,
                                            f->reg_challenge, 32, &reg));
    EXPECT_FAIL(0, dfns_registration_verify(policy, f->reg_client_data.ptr, f->reg_client_data.len, NULL, 0,
                                            f->reg_challenge, 32, &reg));
    EXPECT_FAIL(0, dfns_registration_verify(policy, f->reg_client_data.ptr, f->reg_client_data.len,
                                            f->attestation_object.ptr, f->attestation_object.len, NULL, 0, &reg));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT,
                dfns_registration_verify(policy, f->reg_client_data.ptr, SIZE_MAX, f->attestation_object.ptr,
                                         f->attestation_object.len, f->reg_challenge, 32, &reg));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT,
                dfns_registration_verify(policy, f->reg_client_data.ptr, f->reg_client_data.len, f->attestation_object.ptr,
                                         SIZE_MAX, f->reg_challenge, 32, &reg));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT,
                dfns_registration_verify(policy, f->reg_client_data.ptr, f->reg_client_data.len, f->attestation_object.ptr,
                                         f->attestation_object.len, f->reg_challenge, SIZE_MAX, &reg));
    CHECK(reg == NULL, "dfns_registration_verify failure set *out"); reg = NULL;
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT,
                dfns_registration_verify_hash(NULL, hash, 32, f->attestation_object.ptr, f->attestation_object.len, &reg));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT,
                dfns_registration_verify_hash(policy, NULL, 32, f->attestation_object.ptr, f->attestation_object.len, &reg));
    EXPECT_FAIL(0, dfns_registration_verify_hash(policy, NULL, 0, f->attestation_object.ptr, f->attestation_object.len, &reg));
    EXPECT_FAIL(0, dfns_registration_verify_hash(policy, hash, 31, f->attestation_object.ptr, f->attestation_object.len, &reg));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_registration_verify_hash(policy, hash, 32, NULL, 5, &reg));
    EXPECT_FAIL(0, dfns_registration_verify_hash(policy, hash, 32, NULL, 0, &reg));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT,
                dfns_registration_verify_hash(policy, hash, 32, f->attestation_object.ptr, f->attestation_object.len, NULL));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT,
                dfns_registration_verify_hash(policy, hash, SIZE_MAX, f->attestation_object.ptr, f->attestation_object.len, &reg));
    CHECK(reg == NULL, "dfns_registration_verify_hash failure set *out"); reg = NULL;

    ptr = BOGUS_PTR; len = 9;
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_registration_credential_id(NULL, &ptr, &len));
    CHECK(ptr == NULL && len == 0, "dfns_registration_credential_id failure left outputs");
    ptr = BOGUS_PTR; len = 9;
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_registration_aaguid(NULL, &ptr, &len));
    CHECK(ptr == NULL && len == 0, "dfns_registration_aaguid failure left outputs");
    key = BOGUS_HANDLE(dfns_public_key_t);
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_registration_public_key(NULL, &key));
    CHECK(key == NULL, "dfns_registration_public_key failure left *key non-NULL"); key = NULL;
    str = (const char *)BOGUS_PTR;
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_registration_format(NULL, &str));
    CHECK(str == NULL, "dfns_registration_format failure left *fmt non-NULL");
    str = (const char *)BOGUS_PTR;
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_registration_attestation_type(NULL, &str));
    CHECK(str == NULL, "dfns_registration_attestation_type failure left *type non-NULL");
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_registration_attestation_trusted(NULL, &flag));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_registration_sign_count(NULL, &u32));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_registration_flags(NULL, &u8));
    ptr = BOGUS_PTR; len = 9;
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_registration_extensions(NULL, &ptr, &len));
    CHECK(ptr == NULL && len == 0, "dfns_registration_extensions failure left outputs");

    /* A real registration for the NULL-output cases. */
    CHECK_OK(dfns_registration_verify(policy, f->reg_client_data.ptr, f->reg_client_data.len, f->attestation_object.ptr,
                                      f->attestation_object.len, f->reg_challenge, 32, &reg));
    if (reg) {
        EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_registration_credential_id(reg, NULL, &len));
        EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_registration_credential_id(reg, &ptr, NULL));
        EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_registration_aaguid(reg, NULL, &len));
        EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_registration_aaguid(reg, &ptr, NULL));
        EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_registration_public_key(reg, NULL));
        EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_registration_format(reg, NULL));
        EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_registration_attestation_type(reg, NULL));
        EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_registration_attestation_trusted(reg, NULL));
        EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_registration_sign_count(reg, NULL));
        EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_registration_flags(reg, NULL));
        EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_registration_extensions(reg, NULL, &len));
        EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_registration_extensions(reg, &ptr, NULL));
    }
    dfns_registration_free(&reg);

    /* Assertion */
    as = BOGUS_HANDLE(dfns_assertion_t);
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT,
                dfns_assertion_verify(NULL, &cred, f->client_data.ptr, f->client_data.len, f->authenticator_data.ptr,
                                      f->authenticator_data.len, f->signature.ptr, f->signature.len, f->challenge, 32, &as));
    CHECK(as == NULL, "dfns_assertion_verify failure left *out non-NULL"); as = NULL;
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT,
                dfns_assertion_verify(policy, NULL, f->client_data.ptr, f->client_data.len, f->authenticator_data.ptr,
                                      f->authenticator_data.len, f->signature.ptr, f->signature.len, f->challenge, 32, &as));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT,
                dfns_assertion_verify(policy, &null_key_cred, f->client_data.ptr, f->client_data.len, f->authenticator_data.ptr,
                                      f->authenticator_data.len, f->signature.ptr, f->signature.len, f->challenge, 32, &as));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT,
                dfns_assertion_verify(policy, &cred, NULL, f->client_data.len, f->authenticator_data.ptr,
                                      f->authenticator_data.len, f->signature.ptr, f->signature.len, f->challenge, 32, &as));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT,
                dfns_assertion_verify(policy, &cred, f->client_data.ptr, f->client_data.len, NULL,
                                      f->authenticator_data.len, f->signature.ptr, f->signature.len, f->challenge, 32, &as));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT,
                dfns_assertion_verify(policy, &cred, f->client_data.ptr, f->client_data.len, f->authenticator_data.ptr,
                                      f->authenticator_data.len, NULL, f->signature.len, f->challenge, 32, &as));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT,
                dfns_assertion_verify(policy, &cred, f->client_data.ptr, f->client_data.len, f->authenticator_data.ptr,
                                      f->authenticator_data.len, f->signature.ptr, f->signature.len, NULL, 32, &as));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT,
                dfns_assertion_verify(policy, &cred, f->client_data.ptr, f->client_data.len, f->authenticator_data.ptr,
                                      f->authenticator_data.len, f->signature.ptr, f->signature.len, f->challenge, 32, NULL));
    EXPECT_FAIL(0, dfns_assertion_verify(policy, &cred, NULL, 0, f->authenticator_data.ptr, f->authenticator_data.len,
                                         f->signature.ptr, f->signature.len, f->challenge, 32, &as));
    EXPECT_FAIL(0, dfns_assertion_verify(policy, &cred, f->client_data.ptr, f->client_data.len, NULL, 0,
                                         f->signature.ptr, f->signature.len, f->challenge, 32, &as));
    EXPECT_FAIL(0, dfns_assertion_verify(policy, &cred, f->client_data.ptr, f->client_data.len, f->authenticator_data.ptr,
                                         f->authenticator_data.len, NULL, 0, f->challenge, 32, &as));
    EXPECT_FAIL(0, dfns_assertion_verify(policy, &cred, f->client_data.ptr, f->client_data.len, f->authenticator_data.ptr,
                                         f->authenticator_data.len, f->signature.ptr, f->signature.len, NULL, 0, &as));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT,
                dfns_assertion_verify(policy, &cred, f->client_data.ptr, SIZE_MAX, f->authenticator_data.ptr,
                                      f->authenticator_data.len, f->signature.ptr, f->signature.len, f->challenge, 32, &as));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT,
                dfns_assertion_verify(policy, &cred, f->client_data.ptr, f->client_data.len, f->authenticator_data.ptr,
                                      SIZE_MAX, f->signature.ptr, f->signature.len, f->challenge, 32, &as));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT,
                dfns_assertion_verify(policy, &cred, f->client_data.ptr, f->client_data.len, f->authenticator_data.ptr,
                                      f->authenticator_data.len, f->signature.ptr, SIZE_MAX, f->challenge, 32, &as));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT,
                dfns_assertion_verify(policy, &cred, f->client_data.ptr, f->client_data.len, f->authenticator_data.ptr,
                                      f->authenticator_data.len, f->signature.ptr, f->signature.len, f->challenge, SIZE_MAX, &as));
    CHECK(as == NULL, "dfns_assertion_verify failure set *out"); as = NULL;
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT,
                dfns_assertion_verify_hash(NULL, &cred, hash, 32, f->authenticator_data.ptr, f->authenticator_data.len,
                                           f->signature.ptr, f->signature.len, &as));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT,
                dfns_assertion_verify_hash(policy, NULL, hash, 32, f->authenticator_data.ptr, f->authenticator_data.len,
                                           f->signature.ptr, f->signature.len, &as));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT,
                dfns_assertion_verify_hash(policy, &null_key_cred, hash, 32, f->authenticator_data.ptr,
                                           f->authenticator_data.len, f->signature.ptr, f->signature.len, &as));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT,
                dfns_assertion_verify_hash(policy, &cred, NULL, 32, f->authenticator_data.ptr, f->authenticator_data.len,
                                           f->signature.ptr, f->signature.len, &as));
    EXPECT_FAIL(0, dfns_assertion_verify_hash(policy, &cred, hash, 31, f->authenticator_data.ptr, f->authenticator_data.len,
                                              f->signature.ptr, f->signature.len, &as));
    EXPECT_FAIL(0, dfns_assertion_verify_hash(policy, &cred, NULL, 0, f->authenticator_data.ptr, f->authenticator_data.len,
                                              f->signature.ptr, f->signature.len, &as));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT,
                dfns_assertion_verify_hash(policy, &cred, hash, 32, NULL, f->authenticator_data.len,
                                           f->signature.ptr, f->signature.len, &as));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT,
                dfns_assertion_verify_hash(policy, &cred, hash, 32, f->authenticator_data.ptr, f->authenticator_data.len,
                                           NULL, f->signature.len, &as));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT,
                dfns_assertion_verify_hash(policy, &cred, hash, 32, f->authenticator_data.ptr, f->authenticator_data.len,
                                           f->signature.ptr, f->signature.len, NULL));
    CHECK(as == NULL, "dfns_assertion_verify_hash failure set *out"); as = NULL;

    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_assertion_sign_count(NULL, &u32));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_assertion_flags(NULL, &u8));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_assertion_sign_count_regressed(NULL, &flag));
    ptr = BOGUS_PTR; len = 9;
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_assertion_extensions(NULL, &ptr, &len));
    CHECK(ptr == NULL && len == 0, "dfns_assertion_extensions failure left outputs");
    CHECK_OK(dfns_assertion_verify(policy, &cred, f->client_data.ptr, f->client_data.len, f->authenticator_data.ptr,
                                   f->authenticator_data.len, f->signature.ptr, f->signature.len, f->challenge, 32, &as));
    if (as) {
        EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_assertion_sign_count(as, NULL));
        EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_assertion_flags(as, NULL));
        EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_assertion_sign_count_regressed(as, NULL));
        EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_assertion_extensions(as, NULL, &len));
        EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_assertion_extensions(as, &ptr, NULL));
    }
    dfns_assertion_free(&as);

    test_verify_cose_arguments(f, policy);

    /* Software authenticator */
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_authenticator_new(NULL));
    resp = BOGUS_HANDLE(dfns_response_t);
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_authenticator_register(NULL, TEST_RP_ID, TEST_ORIGIN, hash, 32,
                                                                       DFNS_COSE_ES256, DFNS_ATTESTATION_NONE, NULL, 0, 1, &resp));
    CHECK(resp == NULL, "dfns_authenticator_register failure left *out non-NULL"); resp = NULL;
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_authenticator_register(auth, NULL, TEST_ORIGIN, hash, 32,
                                                                       DFNS_COSE_ES256, DFNS_ATTESTATION_NONE, NULL, 0, 1, &resp));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_authenticator_register(auth, TEST_RP_ID, NULL, hash, 32,
                                                                       DFNS_COSE_ES256, DFNS_ATTESTATION_NONE, NULL, 0, 1, &resp));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_authenticator_register(auth, TEST_RP_ID, TEST_ORIGIN, NULL, 32,
                                                                       DFNS_COSE_ES256, DFNS_ATTESTATION_NONE, NULL, 0, 1, &resp));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_authenticator_register(auth, TEST_RP_ID, TEST_ORIGIN, hash, 32,
                                                                       DFNS_COSE_ES256, DFNS_ATTESTATION_NONE, NULL, 4, 1, &resp));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_authenticator_register(auth, TEST_RP_ID, TEST_ORIGIN, hash, 32,
                                                                       DFNS_COSE_ES256, DFNS_ATTESTATION_NONE, NULL, 0, 1, NULL));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_authenticator_register(auth, TEST_RP_ID, TEST_ORIGIN, hash, SIZE_MAX,
                                                                       DFNS_COSE_ES256, DFNS_ATTESTATION_NONE, NULL, 0, 1, &resp));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_authenticator_register(auth, TEST_RP_ID, TEST_ORIGIN, hash, 32,
                                                                       DFNS_COSE_ES256, DFNS_ATTESTATION_NONE, hash, SIZE_MAX, 1, &resp));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_authenticator_register(auth, "\xff\xfe", TEST_ORIGIN, hash, 32,
                                                                       DFNS_COSE_ES256, DFNS_ATTESTATION_NONE, NULL, 0, 1, &resp));
    CHECK(resp == NULL, "dfns_authenticator_register failure set *out"); resp = NULL;
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_authenticator_authenticate(NULL, TEST_RP_ID, TEST_ORIGIN, hash, 32,
                                                                           f->credential_id.ptr, f->credential_id.len, 1, &resp));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_authenticator_authenticate(auth, NULL, TEST_ORIGIN, hash, 32,
                                                                           f->credential_id.ptr, f->credential_id.len, 1, &resp));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_authenticator_authenticate(auth, TEST_RP_ID, NULL, hash, 32,
                                                                           f->credential_id.ptr, f->credential_id.len, 1, &resp));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_authenticator_authenticate(auth, TEST_RP_ID, TEST_ORIGIN, NULL, 32,
                                                                           f->credential_id.ptr, f->credential_id.len, 1, &resp));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_authenticator_authenticate(auth, TEST_RP_ID, TEST_ORIGIN, hash, 32,
                                                                           NULL, f->credential_id.len, 1, &resp));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_authenticator_authenticate(auth, TEST_RP_ID, TEST_ORIGIN, hash, 32,
                                                                           f->credential_id.ptr, f->credential_id.len, 1, NULL));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_authenticator_authenticate(auth, TEST_RP_ID, TEST_ORIGIN, hash, 32,
                                                                           f->credential_id.ptr, SIZE_MAX, 1, &resp));
    EXPECT_FAIL(0, dfns_authenticator_authenticate(auth, TEST_RP_ID, TEST_ORIGIN, hash, 32, NULL, 0, 1, &resp));
    CHECK(resp == NULL, "dfns_authenticator_authenticate failure set *out"); resp = NULL;
    ptr = BOGUS_PTR; len = 9;
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_response_get(NULL, DFNS_RESPONSE_CREDENTIAL_ID, &ptr, &len));
    CHECK(ptr == NULL && len == 0, "dfns_response_get failure left outputs");
    CHECK_OK(dfns_authenticator_authenticate(auth, TEST_RP_ID, TEST_ORIGIN, hash, 32, f->credential_id.ptr,
                                             f->credential_id.len, 1, &resp));
    if (resp) {
        EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_response_get(resp, DFNS_RESPONSE_SIGNATURE, NULL, &len));
        EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_response_get(resp, DFNS_RESPONSE_SIGNATURE, &ptr, NULL));
    }
    dfns_response_free(&resp);

    /* Inspection */
    text = (char *)BOGUS_PTR;
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT,
                dfns_inspect(NULL, 5, DFNS_INSPECT_DETECT, DFNS_INSPECT_TEXT, &text));
    CHECK(text == NULL, "dfns_inspect failure left *out non-NULL"); text = NULL;
    EXPECT_FAIL(0, dfns_inspect(NULL, 0, DFNS_INSPECT_DETECT, DFNS_INSPECT_TEXT, &text));
    EXPECT_FAIL(0, dfns_inspect(f->attestation_object.ptr, 0, DFNS_INSPECT_DETECT, DFNS_INSPECT_JSON, &text));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_inspect(f->attestation_object.ptr, f->attestation_object.len,
                                                        DFNS_INSPECT_DETECT, DFNS_INSPECT_TEXT, NULL));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_inspect(f->attestation_object.ptr, SIZE_MAX,
                                                        DFNS_INSPECT_DETECT, DFNS_INSPECT_TEXT, &text));
    CHECK(text == NULL, "dfns_inspect failure set *out");
    (void)au;
}

/* ----------------------------------------------------------------------------------------------
 * Invalid enum values and option values
 * ------------------------------------------------------------------------------------------- */

static void test_invalid_enums(const fixture_t *f, dfns_authenticator_t *auth) {
    static const int32_t bad_algs[] = { 0, 1, -1, -6, -10, -40, -65534, 12345, INT32_MAX, INT32_MIN };
    dfns_policy_t *pol = NULL;
    dfns_public_key_t *key = NULL;
    dfns_response_t *resp = NULL;
    char *text = NULL;
    const uint8_t *ptr;
    size_t len;
    int flag;
    uint8_t challenge[32] = {0};

    CHECK_OK(dfns_policy_new(TEST_RP_ID, &pol));
    /* Options are numbered from 1 and only ever appended: the first value get_option refuses is the
       end of the enum (at least one past the options this test knows). */
    int end = 1;
    while (end < 1000 && dfns_policy_get_option(pol, end, &flag) == DFNS_OK) end++;
    CHECK(end > DFNS_POLICY_SAFETYNET_REQUIRE_CTS_PROFILE_MATCH && end < 1000, "policy options end at %d", end);
    const int bad_options[] = { 0, -1, end, end + 1, 1000, INT_MAX, INT_MIN };
    for (size_t i = 0; i < sizeof bad_options / sizeof bad_options[0]; i++) {
        EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_policy_set_option(pol, bad_options[i], 1));
        EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_policy_get_option(pol, bad_options[i], &flag));
    }
    /* Every defined option accepts any enabled value and reads back as 0 or 1. */
    for (int opt = DFNS_POLICY_ALLOW_CROSS_ORIGIN; opt < end; opt++) {
        int before = -1, after = -1;
        CHECK_OK(dfns_policy_get_option(pol, opt, &before));
        CHECK(before == 0 || before == 1, "option %d reads %d", opt, before);
        CHECK_OK(dfns_policy_set_option(pol, opt, 7));
        CHECK_OK(dfns_policy_get_option(pol, opt, &after));
        CHECK(after == 1, "option %d set to 7 reads %d, expected 1", opt, after);
        CHECK_OK(dfns_policy_set_option(pol, opt, before));
    }
    for (size_t i = 0; i < sizeof bad_algs / sizeof bad_algs[0]; i++) {
        const int32_t list[2] = { DFNS_COSE_ES256, bad_algs[i] };
        EXPECT_FAIL(DFNS_ERR_UNSUPPORTED_ALGORITHM, dfns_policy_set_algorithms(pol, list, 2));
        EXPECT_FAIL(0, dfns_public_key_parse_spki(f->attestation_object.ptr, f->attestation_object.len, bad_algs[i], &key));
        const uint8_t *spki = NULL;
        size_t spki_len = 0;
        if (dfns_public_key_spki(f->key, &spki, &spki_len) == DFNS_OK) {
            key = BOGUS_HANDLE(dfns_public_key_t);
            EXPECT_FAIL(0, dfns_public_key_parse_spki(spki, spki_len, bad_algs[i], &key));
            CHECK(key == NULL, "parse_spki(alg %d) failure left *out non-NULL", bad_algs[i]);
            key = NULL;
        }
        EXPECT_FAIL(0, dfns_authenticator_register(auth, TEST_RP_ID, TEST_ORIGIN, challenge, 32, bad_algs[i],
                                                   DFNS_ATTESTATION_NONE, NULL, 0, 1, &resp));
        CHECK(resp == NULL, "register failure set *out");
    }
    /* A P-256 key paired with the algorithms of other key types. */
    {
        const uint8_t *spki = NULL;
        size_t spki_len = 0;
        static const int32_t wrong[] = { DFNS_COSE_EDDSA, DFNS_COSE_ES256K, DFNS_COSE_RS256, DFNS_COSE_PS256, DFNS_COSE_ES384 };
        if (dfns_public_key_spki(f->key, &spki, &spki_len) == DFNS_OK)
            for (size_t i = 0; i < sizeof wrong / sizeof wrong[0]; i++)
                EXPECT_FAIL(DFNS_ERR_UNSUPPORTED_ALGORITHM, dfns_public_key_parse_spki(spki, spki_len, wrong[i], &key));
    }
    /* Algorithms the library verifies but the software authenticator does not create. */
    static const int32_t not_created[] = { DFNS_COSE_ES384, DFNS_COSE_ES512, DFNS_COSE_PS256, DFNS_COSE_ED448, DFNS_COSE_RS1 };
    for (size_t i = 0; i < sizeof not_created / sizeof not_created[0]; i++)
        EXPECT_FAIL(DFNS_ERR_UNSUPPORTED_ALGORITHM,
                    dfns_authenticator_register(auth, TEST_RP_ID, TEST_ORIGIN, challenge, 32, not_created[i],
                                                DFNS_ATTESTATION_NONE, NULL, 0, 1, &resp));
    static const int bad_attestation[] = { -1, 2, 3, 100, INT_MAX, INT_MIN };
    for (size_t i = 0; i < sizeof bad_attestation / sizeof bad_attestation[0]; i++)
        EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT,
                    dfns_authenticator_register(auth, TEST_RP_ID, TEST_ORIGIN, challenge, 32, DFNS_COSE_ES256,
                                                bad_attestation[i], NULL, 0, 1, &resp));
    CHECK(resp == NULL, "register failure set *out");

    /* Response fields */
    CHECK_OK(dfns_authenticator_register(auth, TEST_RP_ID, TEST_ORIGIN, challenge, 32, DFNS_COSE_ES256,
                                         DFNS_ATTESTATION_NONE, NULL, 0, 0, &resp));
    static const int bad_fields[] = { 0, 7, -1, 100, INT_MAX, INT_MIN };
    for (size_t i = 0; i < sizeof bad_fields / sizeof bad_fields[0]; i++) {
        ptr = BOGUS_PTR; len = 3;
        EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_response_get(resp, bad_fields[i], &ptr, &len));
        CHECK(ptr == NULL && len == 0, "dfns_response_get(field %d) failure left outputs", bad_fields[i]);
    }
    EXPECT_FAIL(DFNS_ERR_NOT_FOUND, dfns_response_get(resp, DFNS_RESPONSE_AUTHENTICATOR_DATA, &ptr, &len));
    EXPECT_FAIL(DFNS_ERR_NOT_FOUND, dfns_response_get(resp, DFNS_RESPONSE_SIGNATURE, &ptr, &len));
    EXPECT_FAIL(DFNS_ERR_NOT_FOUND, dfns_response_get(resp, DFNS_RESPONSE_USER_HANDLE, &ptr, &len));
    dfns_response_free(&resp);

    /* Unknown credentials and RP IDs */
    EXPECT_FAIL(DFNS_ERR_NOT_FOUND, dfns_authenticator_authenticate(auth, TEST_RP_ID, TEST_ORIGIN, challenge, 32,
                                                                    challenge, sizeof challenge, 1, &resp));
    EXPECT_FAIL(DFNS_ERR_NOT_FOUND, dfns_authenticator_authenticate(auth, "other.example", TEST_ORIGIN, challenge, 32,
                                                                    f->credential_id.ptr, f->credential_id.len, 1, &resp));
    CHECK(resp == NULL, "authenticate failure set *out");

    /* Inspect kinds and formats */
    static const int bad_kinds[] = { -1, 5, 6, 100, INT_MAX, INT_MIN };
    for (size_t i = 0; i < sizeof bad_kinds / sizeof bad_kinds[0]; i++)
        EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_inspect(f->attestation_object.ptr, f->attestation_object.len,
                                                            bad_kinds[i], DFNS_INSPECT_TEXT, &text));
    static const int bad_formats[] = { -1, 2, 3, 100, INT_MAX, INT_MIN };
    for (size_t i = 0; i < sizeof bad_formats / sizeof bad_formats[0]; i++)
        EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_inspect(f->attestation_object.ptr, f->attestation_object.len,
                                                            DFNS_INSPECT_ATTESTATION_OBJECT, bad_formats[i], &text));
    CHECK(text == NULL, "inspect failure set *out");

    /* Trust anchors: unknown formats (with a valid certificate), garbage certificates */
    static const uint8_t garbage[] = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
    const uint8_t *root = (const uint8_t *)APPLE_ROOT_PEM;
    const size_t root_len = sizeof APPLE_ROOT_PEM - 1;
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_policy_add_trust_anchor(pol, "", root, root_len));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_policy_add_trust_anchor(pol, "bogus-format", root, root_len));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_policy_add_trust_anchor(pol, "pack\xff" "ed", root, root_len));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_policy_add_trust_anchor(pol, "none", root, root_len));
    EXPECT_FAIL(DFNS_ERR_ATTESTATION_CERTIFICATE_INVALID,
                dfns_policy_add_trust_anchor(pol, "packed", garbage, sizeof garbage - 1));
    EXPECT_FAIL(DFNS_ERR_ATTESTATION_CERTIFICATE_INVALID,
                dfns_policy_add_trust_anchor(pol, "packed", f->attestation_object.ptr, f->attestation_object.len));
    const size_t root_body = (size_t)(strstr(APPLE_ROOT_PEM, "-----END") - APPLE_ROOT_PEM);
    for (size_t n = 0; n < root_body; n += 7) {
        bytes_t b = exact(root, n);
        EXPECT_FAIL(0, dfns_policy_add_trust_anchor(pol, "apple", b.ptr, b.len));
        bytes_free(&b);
    }
    {
        uint8_t der[2048];
        size_t der_len = pem_to_der(APPLE_ROOT_PEM, der, sizeof der);
        CHECK(der_len > 100, "the embedded root does not decode");
        for (size_t n = 0; n < der_len; n++) {
            bytes_t b = exact(der, n);
            EXPECT_FAIL(0, dfns_policy_add_trust_anchor(pol, "apple", b.ptr, b.len));
            bytes_free(&b);
        }
    }
    /* Verification time: any value is accepted (negative restores the default). */
    CHECK_OK(dfns_policy_set_verification_time(pol, INT64_MIN));
    EXPECT_DEFINED(dfns_policy_set_verification_time(pol, INT64_MAX));
    CHECK_OK(dfns_policy_set_verification_time(pol, -1));
    /* Origins that are not UTF-8: any defined status, never a crash. */
    EXPECT_DEFINED(dfns_policy_add_origin(pol, "https://\xff\xfe"));
    EXPECT_DEFINED(dfns_policy_add_top_origin(pol, "https://\xc3"));
    EXPECT_DEFINED(dfns_policy_add_origin(pol, ""));
    dfns_policy_free(&pol);

    /* A policy with no origin accepts no registration. */
    CHECK_OK(dfns_policy_new(TEST_RP_ID, &pol));
    {
        dfns_registration_t *reg = NULL;
        EXPECT_FAIL(0, dfns_registration_verify(pol, f->reg_client_data.ptr, f->reg_client_data.len,
                                                f->attestation_object.ptr, f->attestation_object.len,
                                                f->reg_challenge, 32, &reg));
        CHECK(reg == NULL, "registration under an origin-less policy");
        dfns_registration_free(&reg);
    }
    dfns_policy_free(&pol);
}

/* ----------------------------------------------------------------------------------------------
 * One status per error code, whatever the function (the table of Support/BridgeError.swift), and
 * keys and trust anchors in both DER and PEM
 * ------------------------------------------------------------------------------------------- */

/* The last error names `code` (the Swift error code's name, e.g. "unknown_credential"). */
static void expect_last_error_names(const char *code, const char *call) {
    CHECK(strstr(dfns_last_error(), code) != NULL, "%s: last error \"%s\" does not name %s", call, dfns_last_error(), code);
}

static void test_error_code_table(const fixture_t *f, dfns_authenticator_t *auth) {
    dfns_response_t *resp = NULL;
    dfns_registration_t *reg = NULL;
    dfns_assertion_t *as = NULL;
    dfns_policy_t *pol = NULL;
    uint8_t hash[33];

    /* unknown_credential (902) -> DFNS_ERR_NOT_FOUND */
    EXPECT_FAIL(DFNS_ERR_NOT_FOUND, dfns_authenticator_authenticate(auth, TEST_RP_ID, TEST_ORIGIN, f->challenge, 32,
                                                                    (const uint8_t *)"no-such-id", 10, 1, &resp));
    expect_last_error_names("unknown_credential", "dfns_authenticator_authenticate");
    CHECK(resp == NULL, "authenticate failure set *out");

    /* An empty RP ID never reaches a verifier through the C ABI: dfns_policy_new refuses it as a
       calling error. (A policy that cannot be used is DFNS_ERR_INVALID_POLICY, whichever
       verification finds it: Tests/DfnsBridgeCTests/BridgeErrorMappingTests.swift builds one.) */
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_policy_new("", &pol));
    CHECK(pol == NULL, "dfns_policy_new(\"\") set *out");

    /* A clientDataHash of the wrong length -> DFNS_ERR_INVALID_ARGUMENT, before anything is verified. */
    CHECK_OK(dfns_policy_new(TEST_RP_ID, &pol));
    sha256(f->reg_client_data.ptr, f->reg_client_data.len, hash);
    hash[32] = 0;
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_registration_verify_hash(pol, hash, 31, f->attestation_object.ptr,
                                                                         f->attestation_object.len, &reg));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_registration_verify_hash(pol, hash, 33, f->attestation_object.ptr,
                                                                         f->attestation_object.len, &reg));
    CHECK(reg == NULL, "registration with a bad hash length");
    CHECK_OK(dfns_registration_verify_hash(pol, hash, 32, f->attestation_object.ptr, f->attestation_object.len, &reg));
    dfns_registration_free(&reg);
    {
        dfns_stored_credential cred = { f->key, 0, -1 };
        sha256(f->client_data.ptr, f->client_data.len, hash);
        EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_assertion_verify_hash(pol, &cred, hash, 0, f->authenticator_data.ptr,
                                                                          f->authenticator_data.len, f->signature.ptr,
                                                                          f->signature.len, &as));
        EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_assertion_verify_hash(pol, &cred, hash, 33, f->authenticator_data.ptr,
                                                                          f->authenticator_data.len, f->signature.ptr,
                                                                          f->signature.len, &as));
        CHECK(as == NULL, "assertion with a bad hash length");
        CHECK_OK(dfns_assertion_verify_hash(pol, &cred, hash, 32, f->authenticator_data.ptr, f->authenticator_data.len,
                                            f->signature.ptr, f->signature.len, &as));
        dfns_assertion_free(&as);
    }

    /* Trust anchors in PEM (one block, or two in a row) and in DER, for every format that takes them. */
    {
        static const char *formats[] = { "packed", "tpm", "android-key", "android-safetynet", "fido-u2f", "apple" };
        uint8_t der[2048];
        const size_t der_len = pem_to_der(APPLE_ROOT_PEM, der, sizeof der);
        CHECK(der_len > 100, "the embedded root does not decode");
        size_t pem_len = sizeof APPLE_ROOT_PEM - 1;
        char *two = malloc(2 * pem_len);
        CHECK(two != NULL, "out of memory");
        if (two) {
            memcpy(two, APPLE_ROOT_PEM, pem_len);
            memcpy(two + pem_len, APPLE_ROOT_PEM, pem_len);
        }
        for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++) {
            CHECK_OK(dfns_policy_add_trust_anchor(pol, formats[i], (const uint8_t *)APPLE_ROOT_PEM, pem_len));
            CHECK_OK(dfns_policy_add_trust_anchor(pol, formats[i], der, der_len));
            if (two) CHECK_OK(dfns_policy_add_trust_anchor(pol, formats[i], (const uint8_t *)two, 2 * pem_len));
        }
        free(two);
        EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_policy_add_trust_anchor(pol, "compound", der, der_len));
        EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_policy_add_trust_anchor(pol, "Packed", der, der_len));
        /* A DER certificate with a byte after it, and PEM text that is not UTF-8. */
        {
            uint8_t longer[2049];
            memcpy(longer, der, der_len);
            longer[der_len] = 0;
            EXPECT_FAIL(DFNS_ERR_ATTESTATION_CERTIFICATE_INVALID, dfns_policy_add_trust_anchor(pol, "apple", longer, der_len + 1));
            static const uint8_t not_utf8[] = "-----BEGIN CERTIFICATE-----\n\xff\xfe\n-----END CERTIFICATE-----\n";
            EXPECT_FAIL(DFNS_ERR_ATTESTATION_CERTIFICATE_INVALID,
                        dfns_policy_add_trust_anchor(pol, "apple", not_utf8, sizeof not_utf8 - 1));
        }
    }
    dfns_policy_free(&pol);

    /* Public keys in PEM and in DER give the same key. */
    {
        const uint8_t *spki = NULL;
        size_t spki_len = 0;
        const char *pem = NULL;
        dfns_public_key_t *from_der = NULL, *from_pem = NULL;
        CHECK_OK(dfns_public_key_spki(f->key, &spki, &spki_len));
        CHECK_OK(dfns_public_key_pem(f->key, &pem));
        if (spki && pem) {
            CHECK_OK(dfns_public_key_parse_spki(spki, spki_len, f->alg, &from_der));
            CHECK_OK(dfns_public_key_parse_spki((const uint8_t *)pem, strlen(pem), f->alg, &from_pem));
            const uint8_t *a = NULL, *b = NULL;
            size_t a_len = 0, b_len = 0;
            if (from_der && from_pem) {
                CHECK_OK(dfns_public_key_spki(from_der, &a, &a_len));
                CHECK_OK(dfns_public_key_spki(from_pem, &b, &b_len));
                CHECK(a_len == spki_len && b_len == spki_len && memcmp(a, spki, spki_len) == 0 && memcmp(b, spki, spki_len) == 0,
                      "PEM and DER imports differ from the key");
            }
            dfns_public_key_free(&from_der);
            dfns_public_key_free(&from_pem);
            /* PEM of another kind, and PEM text that is not UTF-8, are refused. */
            EXPECT_FAIL(DFNS_ERR_MALFORMED_ENCODING,
                        dfns_public_key_parse_spki((const uint8_t *)APPLE_ROOT_PEM, sizeof APPLE_ROOT_PEM - 1, f->alg, &from_pem));
            static const uint8_t not_utf8[] = "-----BEGIN PUBLIC KEY-----\n\xff\n-----END PUBLIC KEY-----\n";
            EXPECT_FAIL(DFNS_ERR_MALFORMED_ENCODING, dfns_public_key_parse_spki(not_utf8, sizeof not_utf8 - 1, f->alg, &from_pem));
            CHECK(from_pem == NULL, "a refused key set *out");
        }
    }
}

/* ----------------------------------------------------------------------------------------------
 * Truncated, mutated and random input through every parser
 * ------------------------------------------------------------------------------------------- */

static void run_attestation_object(const dfns_policy_t *policy, const fixture_t *f, const bytes_t *ao, int must_fail) {
    dfns_registration_t *reg = BOGUS_HANDLE(dfns_registration_t);
    char *text = NULL;
    uint8_t hash[32];
    sha256(f->reg_client_data.ptr, f->reg_client_data.len, hash);
    if (must_fail) {
        EXPECT_FAIL(0, dfns_registration_verify(policy, f->reg_client_data.ptr, f->reg_client_data.len, ao->ptr, ao->len,
                                                f->reg_challenge, 32, &reg));
        CHECK(reg == NULL, "registration_verify failure (len %zu) left *out non-NULL", ao->len);
        reg = NULL;
        EXPECT_FAIL(0, dfns_registration_verify_hash(policy, hash, 32, ao->ptr, ao->len, &reg));
        EXPECT_FAIL(0, dfns_inspect(ao->ptr, ao->len, DFNS_INSPECT_ATTESTATION_OBJECT, DFNS_INSPECT_TEXT, &text));
        CHECK(text == NULL, "inspect failure left *out non-NULL");
    } else {
        reg = NULL;
        EXPECT_DEFINED(dfns_registration_verify(policy, f->reg_client_data.ptr, f->reg_client_data.len, ao->ptr, ao->len,
                                                f->reg_challenge, 32, &reg));
        dfns_registration_free(&reg);
        EXPECT_DEFINED(dfns_registration_verify_hash(policy, hash, 32, ao->ptr, ao->len, &reg));
        dfns_registration_free(&reg);
        EXPECT_DEFINED(dfns_inspect(ao->ptr, ao->len, DFNS_INSPECT_ATTESTATION_OBJECT, DFNS_INSPECT_TEXT, &text));
        dfns_free(text);
        text = NULL;
    }
    EXPECT_DEFINED(dfns_inspect(ao->ptr, ao->len, DFNS_INSPECT_DETECT, DFNS_INSPECT_JSON, &text));
    dfns_free(text);
    dfns_registration_free(&reg);
}

static void run_assertion(const dfns_policy_t *policy, const fixture_t *f, const bytes_t *cdj, const bytes_t *ad,
                          const bytes_t *sig, int must_fail) {
    const dfns_stored_credential cred = { f->key, 0, -1 };
    dfns_assertion_t *as = NULL;
    if (must_fail) {
        as = BOGUS_HANDLE(dfns_assertion_t);
        EXPECT_FAIL(0, dfns_assertion_verify(policy, &cred, cdj->ptr, cdj->len, ad->ptr, ad->len, sig->ptr, sig->len,
                                             f->challenge, 32, &as));
        CHECK(as == NULL, "assertion_verify failure left *out non-NULL");
        as = NULL;
    } else {
        EXPECT_DEFINED(dfns_assertion_verify(policy, &cred, cdj->ptr, cdj->len, ad->ptr, ad->len, sig->ptr, sig->len,
                                             f->challenge, 32, &as));
    }
    dfns_assertion_free(&as);
    /* The same input through the one-call COSE path. */
    const uint8_t *cose = NULL;
    size_t cose_len = 0;
    if (dfns_public_key_cose(f->key, &cose, &cose_len) == DFNS_OK) {
        dfns_assertion_info info;
        memset(&info, 0, sizeof info);
        if (must_fail) {
            EXPECT_FAIL(0, dfns_assertion_verify_cose(policy, cose, cose_len, 0, -1, cdj->ptr, cdj->len, ad->ptr, ad->len,
                                                      sig->ptr, sig->len, f->challenge, 32, &info));
            CHECK(info.extensions == NULL && info.extensions_len == 0, "verify_cose failure left extensions");
        } else {
            EXPECT_DEFINED(dfns_assertion_verify_cose(policy, cose, cose_len, 0, -1, cdj->ptr, cdj->len, ad->ptr, ad->len,
                                                      sig->ptr, sig->len, f->challenge, 32, &info));
        }
        dfns_free(info.extensions);
    }
}

static void test_truncations(const dfns_policy_t *policy, const fixture_t *f) {
    /* Every prefix of the attestation object. */
    for (size_t n = 0; n < f->attestation_object.len; n++) {
        bytes_t b = exact(f->attestation_object.ptr, n);
        run_attestation_object(policy, f, &b, 1);
        bytes_free(&b);
    }
    /* Every prefix of clientDataJSON, authenticatorData and the signature. */
    for (size_t n = 0; n < f->client_data.len; n++) {
        bytes_t b = exact(f->client_data.ptr, n);
        run_assertion(policy, f, &b, &f->authenticator_data, &f->signature, 1);
        char *text = NULL;
        EXPECT_FAIL(0, dfns_inspect(b.ptr, b.len, DFNS_INSPECT_CLIENT_DATA, DFNS_INSPECT_JSON, &text));
        bytes_free(&b);
    }
    for (size_t n = 0; n < f->authenticator_data.len; n++) {
        bytes_t b = exact(f->authenticator_data.ptr, n);
        run_assertion(policy, f, &f->client_data, &b, &f->signature, 1);
        char *text = NULL;
        EXPECT_FAIL(0, dfns_inspect(b.ptr, b.len, DFNS_INSPECT_AUTHENTICATOR_DATA, DFNS_INSPECT_TEXT, &text));
        bytes_free(&b);
    }
    for (size_t n = 0; n < f->signature.len; n++) {
        bytes_t b = exact(f->signature.ptr, n);
        run_assertion(policy, f, &f->client_data, &f->authenticator_data, &b, 1);
        bytes_free(&b);
    }
    /* Every prefix of the COSE key, the SPKI and the PEM. */
    const uint8_t *p = NULL;
    size_t len = 0;
    const char *pem = NULL;
    dfns_public_key_t *key = NULL;
    if (dfns_public_key_cose(f->key, &p, &len) == DFNS_OK) {
        for (size_t n = 0; n < len; n++) {
            bytes_t b = exact(p, n);
            EXPECT_FAIL(0, dfns_public_key_parse_cose(b.ptr, b.len, &key));
            EXPECT_FAIL(0, dfns_assertion_verify_cose(policy, b.ptr, b.len, 0, -1, f->client_data.ptr, f->client_data.len,
                                                      f->authenticator_data.ptr, f->authenticator_data.len,
                                                      f->signature.ptr, f->signature.len, f->challenge, 32, NULL));
            char *text = NULL;
            EXPECT_FAIL(0, dfns_inspect(b.ptr, b.len, DFNS_INSPECT_COSE_KEY, DFNS_INSPECT_TEXT, &text));
            bytes_free(&b);
        }
        /* The whole key plus one trailing byte. */
        bytes_t b = bytes_copy(p, len + 1);
        memcpy(b.ptr, p, len);
        b.ptr[len] = 0x00;
        EXPECT_FAIL(0, dfns_public_key_parse_cose(b.ptr, b.len, &key));
        bytes_free(&b);
    }
    if (dfns_public_key_spki(f->key, &p, &len) == DFNS_OK)
        for (size_t n = 0; n < len; n++) {
            bytes_t b = exact(p, n);
            EXPECT_FAIL(0, dfns_public_key_parse_spki(b.ptr, b.len, DFNS_COSE_ES256, &key));
            bytes_free(&b);
        }
    if (dfns_public_key_pem(f->key, &pem) == DFNS_OK) {
        const char *end = strstr(pem, "-----END");
        size_t limit = end ? (size_t)(end - pem) : 0;
        for (size_t n = 0; n < limit; n++) {
            bytes_t b = exact((const uint8_t *)pem, n);
            EXPECT_FAIL(0, dfns_public_key_parse_spki(b.ptr, b.len, DFNS_COSE_ES256, &key));
            bytes_free(&b);
        }
    }
    CHECK(key == NULL, "a truncated key was accepted");
    dfns_public_key_free(&key);
}

static void test_mutations(const dfns_policy_t *policy, const fixture_t *f) {
    /* Each byte of the attestation object and of the assertion, flipped two ways: any defined
       status (most fail; none may crash). */
    static const uint8_t masks[] = { 0x01, 0xff };
    for (size_t m = 0; m < 2; m++) {
        for (size_t i = 0; i < f->attestation_object.len; i++) {
            bytes_t b = exact(f->attestation_object.ptr, f->attestation_object.len);
            b.ptr[i] ^= masks[m];
            run_attestation_object(policy, f, &b, 0);
            bytes_free(&b);
        }
        for (size_t i = 0; i < f->client_data.len; i++) {
            bytes_t b = exact(f->client_data.ptr, f->client_data.len);
            b.ptr[i] ^= masks[m];
            run_assertion(policy, f, &b, &f->authenticator_data, &f->signature, 1); /* the signature covers it */
            bytes_free(&b);
        }
        for (size_t i = 0; i < f->authenticator_data.len; i++) {
            bytes_t b = exact(f->authenticator_data.ptr, f->authenticator_data.len);
            b.ptr[i] ^= masks[m];
            run_assertion(policy, f, &f->client_data, &b, &f->signature, 1);
            bytes_free(&b);
        }
        for (size_t i = 0; i < f->signature.len; i++) {
            bytes_t b = exact(f->signature.ptr, f->signature.len);
            b.ptr[i] ^= masks[m];
            run_assertion(policy, f, &f->client_data, &f->authenticator_data, &b, 1);
            bytes_free(&b);
        }
        /* Each byte of the COSE key through the one-call path. */
        const uint8_t *cose = NULL;
        size_t cose_len = 0;
        if (dfns_public_key_cose(f->key, &cose, &cose_len) == DFNS_OK)
            for (size_t i = 0; i < cose_len; i++) {
                bytes_t b = exact(cose, cose_len);
                b.ptr[i] ^= masks[m];
                dfns_assertion_info info;
                memset(&info, 0, sizeof info);
                EXPECT_DEFINED(dfns_assertion_verify_cose(policy, b.ptr, b.len, 0, -1, f->client_data.ptr,
                                                          f->client_data.len, f->authenticator_data.ptr,
                                                          f->authenticator_data.len, f->signature.ptr, f->signature.len,
                                                          f->challenge, 32, &info));
                dfns_free(info.extensions);
                bytes_free(&b);
            }
    }
}

static void test_random(const dfns_policy_t *policy, const fixture_t *f) {
    dfns_policy_t *pol = NULL;
    CHECK_OK(dfns_policy_new(TEST_RP_ID, &pol));
    for (int i = 0; i < 300; i++) {
        size_t n = 1 + (size_t)(rng_next() % 400);
        bytes_t b = bytes_alloc(n);
        rng_fill(b.ptr, n);
        /* A CBOR map header makes the decoders go further than the first byte. */
        if (i % 3 == 1) b.ptr[0] = (uint8_t)(0xa0 | (rng_next() % 6));
        dfns_public_key_t *key = NULL;
        dfns_registration_t *reg = NULL;
        char *text = NULL;
        EXPECT_FAIL(0, dfns_public_key_parse_cose(b.ptr, b.len, &key));
        EXPECT_FAIL(0, dfns_assertion_verify_cose(policy, b.ptr, b.len, 0, -1, f->client_data.ptr, f->client_data.len,
                                                  f->authenticator_data.ptr, f->authenticator_data.len, f->signature.ptr,
                                                  f->signature.len, f->challenge, 32, NULL));
        EXPECT_FAIL(0, dfns_public_key_parse_spki(b.ptr, b.len, DFNS_COSE_ES256, &key));
        EXPECT_FAIL(0, dfns_public_key_parse_spki(b.ptr, b.len, DFNS_COSE_RS256, &key));
        EXPECT_FAIL(0, dfns_public_key_verify(f->key, b.ptr, b.len, b.ptr, b.len));
        EXPECT_FAIL(0, dfns_policy_add_trust_anchor(pol, "packed", b.ptr, b.len));
        EXPECT_FAIL(0, dfns_registration_verify(policy, b.ptr, b.len, f->attestation_object.ptr, f->attestation_object.len,
                                                f->reg_challenge, 32, &reg));
        run_attestation_object(policy, f, &b, 1);
        run_assertion(policy, f, &b, &f->authenticator_data, &f->signature, 1);
        run_assertion(policy, f, &f->client_data, &b, &f->signature, 1);
        run_assertion(policy, f, &f->client_data, &f->authenticator_data, &b, 1);
        for (int kind = DFNS_INSPECT_DETECT; kind <= DFNS_INSPECT_COSE_KEY; kind++) {
            EXPECT_DEFINED(dfns_inspect(b.ptr, b.len, kind, kind % 2, &text));
            dfns_free(text);
            text = NULL;
        }
        dfns_public_key_free(&key);
        dfns_registration_free(&reg);
        bytes_free(&b);
    }
    dfns_policy_free(&pol);
}

/* ----------------------------------------------------------------------------------------------
 * CBOR bombs: declared sizes far beyond the input (libcbor 0.8 would allocate gigabytes) and deep
 * nesting (stack exhaustion in a recursive decoder).
 * ------------------------------------------------------------------------------------------- */

static void bomb_everywhere(const dfns_policy_t *policy, const fixture_t *f, const bytes_t *b) {
    dfns_public_key_t *key = NULL;
    char *text = NULL;
    EXPECT_FAIL(0, dfns_public_key_parse_cose(b->ptr, b->len, &key));
    run_attestation_object(policy, f, b, 1);
    for (int kind = DFNS_INSPECT_DETECT; kind <= DFNS_INSPECT_COSE_KEY; kind++) {
        EXPECT_FAIL(0, dfns_inspect(b->ptr, b->len, kind, DFNS_INSPECT_TEXT, &text));
        EXPECT_FAIL(0, dfns_inspect(b->ptr, b->len, kind, DFNS_INSPECT_JSON, &text));
    }
    dfns_public_key_free(&key);
}

/* An attestation object {"fmt": "none", "attStmt": {}, "authData": authData}. */
static bytes_t wrap_attestation_object(const uint8_t *auth_data, size_t n) {
    static const uint8_t head[] = { 0xa3, 0x63, 'f', 'm', 't', 0x64, 'n', 'o', 'n', 'e',
                                    0x67, 'a', 't', 't', 'S', 't', 'm', 't', 0xa0,
                                    0x68, 'a', 'u', 't', 'h', 'D', 'a', 't', 'a', 0x59 };
    bytes_t b = bytes_copy(head, sizeof head + 2 + n);
    b.ptr[sizeof head] = (uint8_t)(n >> 8);
    b.ptr[sizeof head + 1] = (uint8_t)n;
    memcpy(b.ptr + sizeof head + 2, auth_data, n);
    return b;
}

static void test_bombs(const dfns_policy_t *policy, const fixture_t *f) {
    static const uint8_t array_4g[] = { 0x9a, 0x10, 0x00, 0x00, 0x00 };                        /* array of 2^28 */
    static const uint8_t array_2e30[] = { 0x9b, 0x00, 0x00, 0x00, 0x00, 0x40, 0x00, 0x00, 0x00 }; /* array of 2^30 */
    static const uint8_t map_big[] = { 0xba, 0x10, 0x00, 0x00, 0x00 };                         /* map of 2^28 pairs */
    static const uint8_t bytes_big[] = { 0x5a, 0x10, 0x00, 0x00, 0x00 };                       /* 256 MiB byte string */
    static const uint8_t text_big[] = { 0x7b, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff }; /* huge text */
    static const uint8_t map_of_arrays[] = { 0xa2, 0x01, 0x9a, 0x10, 0x00, 0x00, 0x00, 0x02, 0x00 };
    static const uint8_t neg_len[] = { 0x9b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };   /* 2^64-1 items */
    static const uint8_t *const small[] = { array_4g, array_2e30, map_big, bytes_big, text_big, map_of_arrays, neg_len };
    static const size_t small_len[] = { sizeof array_4g, sizeof array_2e30, sizeof map_big, sizeof bytes_big,
                                        sizeof text_big, sizeof map_of_arrays, sizeof neg_len };
    for (size_t i = 0; i < sizeof small / sizeof small[0]; i++) {
        bytes_t b = exact(small[i], small_len[i]);
        bomb_everywhere(policy, f, &b);
        bytes_free(&b);
    }

    /* Deep nesting: [[[[...0...]]]] and indefinite-length [_ [_ [_ ...]]], 100,000 levels. */
    const size_t depth = 100000;
    static const uint8_t openers[] = { 0x81, 0x9f, 0xa1 };
    for (size_t k = 0; k < sizeof openers; k++) {
        bytes_t b = bytes_alloc(depth + 1);
        memset(b.ptr, openers[k], depth);
        b.ptr[depth] = 0x00;
        bomb_everywhere(policy, f, &b);
        bytes_free(&b);
    }

    /* Authenticator data whose extensions (ED) or credential public key (AT) is a bomb. */
    uint8_t ad[32 + 1 + 4 + 16 + 2 + 16 + sizeof array_4g];
    sha256((const uint8_t *)TEST_RP_ID, strlen(TEST_RP_ID), ad);
    ad[32] = 0x81; /* UP | ED */
    memset(ad + 33, 0, 4);
    ad[36] = 2;
    memcpy(ad + 37, array_4g, sizeof array_4g);
    {
        bytes_t b = exact(ad, 37 + sizeof array_4g);
        char *text = NULL;
        run_assertion(policy, f, &f->client_data, &b, &f->signature, 1);
        EXPECT_FAIL(0, dfns_inspect(b.ptr, b.len, DFNS_INSPECT_AUTHENTICATOR_DATA, DFNS_INSPECT_TEXT, &text));
        EXPECT_FAIL(0, dfns_inspect(b.ptr, b.len, DFNS_INSPECT_AUTHENTICATOR_DATA, DFNS_INSPECT_JSON, &text));
        bytes_free(&b);
    }
    ad[32] = 0x41; /* UP | AT */
    memset(ad + 37, 0, 16);    /* AAGUID */
    ad[53] = 0; ad[54] = 16;   /* credential ID length */
    memset(ad + 55, 0xcd, 16); /* credential ID */
    memcpy(ad + 71, array_4g, sizeof array_4g);
    {
        bytes_t ao = wrap_attestation_object(ad, sizeof ad);
        char *text = NULL;
        run_attestation_object(policy, f, &ao, 1);
        EXPECT_FAIL(0, dfns_inspect(ad, sizeof ad, DFNS_INSPECT_AUTHENTICATOR_DATA, DFNS_INSPECT_JSON, &text));
        bytes_free(&ao);
    }
    /* A credential ID length beyond the data. */
    ad[53] = 0xff; ad[54] = 0xff;
    {
        bytes_t ao = wrap_attestation_object(ad, sizeof ad);
        run_attestation_object(policy, f, &ao, 1);
        bytes_free(&ao);
    }
}

/* ----------------------------------------------------------------------------------------------
 * Hostile JSON and sizes: deep nesting (a recursive parser must not exhaust the stack), invalid
 * UTF-8, lone surrogates, wrong member types, oversized documents and strings.
 * ------------------------------------------------------------------------------------------- */

static void run_client_data(const dfns_policy_t *policy, const fixture_t *f, const bytes_t *cdj) {
    dfns_registration_t *reg = NULL;
    char *text = NULL;
    EXPECT_FAIL(0, dfns_registration_verify(policy, cdj->ptr, cdj->len, f->attestation_object.ptr, f->attestation_object.len,
                                            f->reg_challenge, 32, &reg));
    run_assertion(policy, f, cdj, &f->authenticator_data, &f->signature, 1);
    EXPECT_FAIL(0, dfns_inspect(cdj->ptr, cdj->len, DFNS_INSPECT_CLIENT_DATA, DFNS_INSPECT_JSON, &text));
    EXPECT_DEFINED(dfns_inspect(cdj->ptr, cdj->len, DFNS_INSPECT_DETECT, DFNS_INSPECT_TEXT, &text));
    dfns_free(text);
    dfns_registration_free(&reg);
}

static void test_hostile_json_and_sizes(const dfns_policy_t *policy, const fixture_t *f) {
    static const char *const docs[] = {
        "{\"type\":\"webauthn.get\",\"challenge\":\"\xff\xfe\",\"origin\":\"https://example.org\"}",
        "{\"type\":\"webauthn.get\",\"challenge\":\"\\ud800\",\"origin\":\"https://example.org\"}",
        "{\"type\":\"webauthn.get\",\"challenge\":12345,\"origin\":\"https://example.org\"}",
        "{\"type\":[],\"challenge\":{},\"origin\":null}",
        "{\"type\":\"webauthn.get\",\"type\":\"webauthn.create\"}",
        "{\"type\":\"webauthn.get\",\"challenge\":\"AAAA\",\"origin\":\"https://example.org\",\"crossOrigin\":\"yes\"}",
        "{\"a\":1e999999999}",
        "{\"a\":-0.0000000000000000000000000000000000000000001e-999999999}",
        "{\"a\":\"\\u0000\"}",
        "[]", "null", "\"webauthn.get\"", "{}", "{\"type\":\"webauthn.get\"}", "\xef\xbb\xbf{}",
    };
    for (size_t i = 0; i < sizeof docs / sizeof docs[0]; i++) {
        bytes_t b = exact((const uint8_t *)docs[i], strlen(docs[i]));
        run_client_data(policy, f, &b);
        bytes_free(&b);
    }
    /* 100,000 levels of [ and of {"a": */
    {
        const size_t depth = 100000;
        bytes_t b = bytes_alloc(depth);
        memset(b.ptr, '[', depth);
        run_client_data(policy, f, &b);
        bytes_free(&b);
        b = bytes_alloc(5 * depth);
        for (size_t i = 0; i < depth; i++) memcpy(b.ptr + 5 * i, "{\"a\":", 5);
        run_client_data(policy, f, &b);
        bytes_free(&b);
    }
    /* A 2 MiB clientDataJSON (a string of spaces after the object), and a 65 MiB attestation object. */
    {
        bytes_t b = bytes_alloc(2u << 20);
        memset(b.ptr, ' ', b.len);
        memcpy(b.ptr, f->client_data.ptr, f->client_data.len);
        run_client_data(policy, f, &b);
        bytes_free(&b);
        b = bytes_alloc((65u << 20));
        memset(b.ptr, 0, b.len);
        memcpy(b.ptr, f->attestation_object.ptr, f->attestation_object.len);
        run_attestation_object(policy, f, &b, 1);
        dfns_public_key_t *key = NULL;
        EXPECT_FAIL(0, dfns_public_key_parse_cose(b.ptr, b.len, &key));
        dfns_public_key_free(&key);
        bytes_free(&b);
    }
    /* A 1 MiB RP ID and origin. */
    {
        char *big = malloc((1u << 20) + 1);
        memset(big, 'a', 1u << 20);
        big[1u << 20] = 0;
        dfns_policy_t *p = NULL;
        dfns_response_t *r = NULL;
        uint8_t challenge[32] = {0};
        EXPECT_DEFINED(dfns_policy_new(big, &p));
        if (p) EXPECT_DEFINED(dfns_policy_add_origin(p, big));
        dfns_policy_free(&p);
        dfns_authenticator_t *auth = NULL;
        CHECK_OK(dfns_authenticator_new(&auth));
        EXPECT_DEFINED(dfns_authenticator_register(auth, big, big, challenge, 32, DFNS_COSE_ES256, DFNS_ATTESTATION_NONE,
                                                   NULL, 0, 1, &r));
        dfns_response_free(&r);
        dfns_authenticator_free(&auth);
        free(big);
    }
}

int main(void) {
    if (!primers_init()) return test_summary("test_robustness");

    dfns_policy_t *policy = test_policy();
    dfns_authenticator_t *auth = NULL;
    fixture_t f;
    CHECK_OK(dfns_authenticator_new(&auth));
    if (!auth || fixture_make(&f, auth, policy, DFNS_COSE_ES256, DFNS_ATTESTATION_PACKED_SELF) != 0) {
        dfns_authenticator_free(&auth);
        dfns_policy_free(&policy);
        return test_summary("test_robustness");
    }

    test_status_names();
    test_free_functions();
    test_null_arguments(&f, policy, auth);
    test_invalid_enums(&f, auth);
    test_error_code_table(&f, auth);
    test_truncations(policy, &f);
    test_mutations(policy, &f);
    test_random(policy, &f);
    test_bombs(policy, &f);
    test_hostile_json_and_sizes(policy, &f);

    fixture_free(&f);
    dfns_authenticator_free(&auth);
    dfns_policy_free(&policy);
    return test_summary("test_robustness");
}
