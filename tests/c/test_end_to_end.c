/*
 * test_end_to_end: the C library used as a relying party would use it.
 *
 * Version check; for ES256, EdDSA, ES256K and RS256 (packed self attestation and none): a software
 * authenticator registers, the registration verifies, the credential public key is kept and
 * converted (COSE, SPKI, PEM, and back), assertions verify (with clientDataJSON and with its hash),
 * and the failures a relying party must see are the documented codes: wrong challenge, tampered
 * signature and authenticator data, replayed counter (rejected, or flagged by policy), wrong
 * origin and RP ID, missing UV, disallowed algorithm, changed backup eligibility, wrong ceremony
 * type. Getters return sane lengths; inspection gives text and JSON; trust anchors are accepted
 * as PEM and DER.
 */
#include "test_support.h"

static const char *alg_name(int32_t alg) {
    switch (alg) {
    case DFNS_COSE_ES256: return "ES256";
    case DFNS_COSE_EDDSA: return "EdDSA";
    case DFNS_COSE_ES256K: return "ES256K";
    case DFNS_COSE_RS256: return "RS256";
    default: return "?";
    }
}

static int bytes_equal(const uint8_t *a, size_t an, const uint8_t *b, size_t bn) {
    return an == bn && (an == 0 || memcmp(a, b, an) == 0);
}

static void test_version(void) {
    CHECK(dfns_version_number() == DFNS_BRIDGE_VERSION_NUMBER, "dfns_version_number() = %u, header says %u",
          (unsigned)dfns_version_number(), (unsigned)DFNS_BRIDGE_VERSION_NUMBER);
    CHECK(strcmp(dfns_version(), DFNS_BRIDGE_VERSION_STRING) == 0, "dfns_version() = \"%s\", header says \"%s\"",
          dfns_version(), DFNS_BRIDGE_VERSION_STRING);
    CHECK(strcmp(dfns_last_error(), "") == 0, "dfns_last_error() before any failure = \"%s\"", dfns_last_error());
}

/* The key conversions: COSE -> SPKI -> PEM -> key, each round trip giving the same COSE bytes. */
static void check_key(const dfns_public_key_t *key, int32_t alg) {
    const uint8_t *cose = NULL, *spki = NULL, *again = NULL;
    size_t cose_len = 0, spki_len = 0, again_len = 0;
    const char *pem = NULL;
    dfns_public_key_t *k2 = NULL, *k3 = NULL, *k4 = NULL;

    CHECK(dfns_public_key_alg(key) == alg, "%s: dfns_public_key_alg = %d", alg_name(alg), dfns_public_key_alg(key));
    CHECK_OK(dfns_public_key_cose(key, &cose, &cose_len));
    CHECK_OK(dfns_public_key_spki(key, &spki, &spki_len));
    CHECK_OK(dfns_public_key_pem(key, &pem));
    size_t min_cose = alg == DFNS_COSE_RS256 ? 256 : 32, max_cose = alg == DFNS_COSE_RS256 ? 300 : 90;
    size_t min_spki = alg == DFNS_COSE_RS256 ? 270 : 44, max_spki = alg == DFNS_COSE_RS256 ? 300 : 91;
    CHECK(cose && cose_len >= min_cose && cose_len <= max_cose, "%s: COSE key length %zu", alg_name(alg), cose_len);
    CHECK(spki && spki_len >= min_spki && spki_len <= max_spki && spki[0] == 0x30, "%s: SPKI length %zu",
          alg_name(alg), spki_len);
    CHECK(pem && strncmp(pem, "-----BEGIN PUBLIC KEY-----", 26) == 0 && strstr(pem, "-----END PUBLIC KEY-----"),
          "%s: PEM is \"%s\"", alg_name(alg), pem ? pem : "(null)");
    if (!cose || !spki || !pem) return;

    CHECK_OK(dfns_public_key_parse_cose(cose, cose_len, &k2));
    CHECK_OK(dfns_public_key_parse_spki(spki, spki_len, alg, &k3));
    CHECK_OK(dfns_public_key_parse_spki((const uint8_t *)pem, strlen(pem), alg, &k4));
    const dfns_public_key_t *copies[] = { k2, k3, k4 };
    for (int i = 0; i < 3; i++) {
        if (!copies[i]) continue;
        CHECK(dfns_public_key_alg(copies[i]) == alg, "%s: re-imported key %d has alg %d", alg_name(alg), i,
              dfns_public_key_alg(copies[i]));
        again = NULL; again_len = 0;
        CHECK_OK(dfns_public_key_cose(copies[i], &again, &again_len));
        CHECK(bytes_equal(again, again_len, cose, cose_len), "%s: round trip %d changed the COSE key", alg_name(alg), i);
    }
    dfns_public_key_free(&k2);
    dfns_public_key_free(&k3);
    dfns_public_key_free(&k4);
    if (alg == DFNS_COSE_RS256) {
        /* The same RSA key for PS256 and for RS1; RS1 is refused by the primitive. */
        static const uint8_t msg[] = "message";
        static uint8_t sig[256];
        CHECK_OK(dfns_public_key_parse_spki(spki, spki_len, DFNS_COSE_PS256, &k2));
        CHECK(dfns_public_key_alg(k2) == DFNS_COSE_PS256, "RSA key as PS256 has alg %d", dfns_public_key_alg(k2));
        CHECK_STATUS(DFNS_ERR_SIGNATURE_INVALID, dfns_public_key_verify(k2, msg, sizeof msg, sig, sizeof sig));
        CHECK_OK(dfns_public_key_parse_spki(spki, spki_len, DFNS_COSE_RS1, &k3));
        CHECK_STATUS(DFNS_ERR_SHA1_NOT_ALLOWED, dfns_public_key_verify(k3, msg, sizeof msg, sig, sizeof sig));
        dfns_public_key_free(&k2);
        dfns_public_key_free(&k3);
    }
    CHECK(k2 == NULL && k3 == NULL && k4 == NULL, "dfns_public_key_free did not clear the pointers");
}

static void check_inspect(const uint8_t *data, size_t len, int kind, const char *what, const char *needle) {
    for (int format = DFNS_INSPECT_TEXT; format <= DFNS_INSPECT_JSON; format++) {
        char *out = NULL;
        int s = dfns_inspect(data, len, kind, format, &out);
        CHECK(s == DFNS_OK && out != NULL && strlen(out) > 10, "dfns_inspect(%s, format %d) -> %s: %s", what, format,
              dfns_status_name(s), s ? dfns_last_error() : (out ? out : "(null)"));
        if (s == DFNS_OK && out && format == DFNS_INSPECT_JSON) {
            size_t n = strlen(out);
            while (n > 0 && (out[n - 1] == '\n' || out[n - 1] == ' ')) n--;
            CHECK(out[0] == '{' && n > 0 && out[n - 1] == '}', "dfns_inspect(%s) JSON is not an object: %.80s", what, out);
        }
        if (s == DFNS_OK && out && needle)
            CHECK(strstr(out, needle) != NULL, "dfns_inspect(%s, format %d) lacks \"%s\": %.300s", what, format, needle, out);
        dfns_free(out);
    }
}

static void test_algorithm(dfns_authenticator_t *auth, const dfns_policy_t *policy, int32_t alg, int attestation) {
    const char *name = alg_name(alg);
    const char *fmt_expected = attestation == DFNS_ATTESTATION_NONE ? "none" : "packed";
    const char *type_expected = attestation == DFNS_ATTESTATION_NONE ? "none" : "self";
    uint8_t reg_challenge[32], challenge[32], other_challenge[32];
    dfns_response_t *reg_resp = NULL, *as_resp = NULL;
    dfns_registration_t *reg = NULL, *reg2 = NULL;
    dfns_assertion_t *as = NULL;
    dfns_public_key_t *key = NULL;
    const uint8_t *p = NULL;
    size_t n = 0;
    const char *str = NULL;
    int flag = -1;
    uint32_t count = 99;
    uint8_t flags = 0;

    rng_fill(reg_challenge, sizeof reg_challenge);
    rng_fill(challenge, sizeof challenge);
    memcpy(other_challenge, challenge, sizeof challenge);
    other_challenge[0] ^= 1;

    /* Register */
    CHECK_OK(dfns_authenticator_register(auth, TEST_RP_ID, TEST_ORIGIN, reg_challenge, sizeof reg_challenge, alg,
                                         attestation, (const uint8_t *)"user-42", 7, 1, &reg_resp));
    if (!reg_resp) return;
    bytes_t cred_id = response_field(reg_resp, DFNS_RESPONSE_CREDENTIAL_ID);
    bytes_t reg_cdj = response_field(reg_resp, DFNS_RESPONSE_CLIENT_DATA_JSON);
    bytes_t att_obj = response_field(reg_resp, DFNS_RESPONSE_ATTESTATION_OBJECT);
    CHECK_STATUS(DFNS_ERR_NOT_FOUND, dfns_response_get(reg_resp, DFNS_RESPONSE_AUTHENTICATOR_DATA, &p, &n));
    dfns_response_free(&reg_resp);
    CHECK(reg_resp == NULL, "dfns_response_free did not clear the pointer");
    CHECK(cred_id.len >= 16 && cred_id.len <= 1023, "%s: credential ID length %zu", name, cred_id.len);
    CHECK(reg_cdj.len > 50 && memchr(reg_cdj.ptr, '{', 1), "%s: clientDataJSON length %zu", name, reg_cdj.len);
    CHECK(att_obj.len > 100 && (att_obj.ptr[0] & 0xe0) == 0xa0, "%s: attestation object length %zu", name, att_obj.len);

    /* Verify the registration */
    CHECK_OK(dfns_registration_verify(policy, reg_cdj.ptr, reg_cdj.len, att_obj.ptr, att_obj.len, reg_challenge,
                                      sizeof reg_challenge, &reg));
    if (reg) {
        CHECK_OK(dfns_registration_credential_id(reg, &p, &n));
        CHECK(bytes_equal(p, n, cred_id.ptr, cred_id.len), "%s: registration credential ID differs", name);
        CHECK_OK(dfns_registration_aaguid(reg, &p, &n));
        static const uint8_t zero[16] = {0};
        CHECK(n == 16 && p && memcmp(p, zero, 16) == 0, "%s: AAGUID length %zu", name, n);
        CHECK_OK(dfns_registration_format(reg, &str));
        CHECK(str && strcmp(str, fmt_expected) == 0, "%s: format \"%s\"", name, str ? str : "(null)");
        CHECK_OK(dfns_registration_attestation_type(reg, &str));
        CHECK(str && strcmp(str, type_expected) == 0, "%s: attestation type \"%s\"", name, str ? str : "(null)");
        CHECK_OK(dfns_registration_attestation_trusted(reg, &flag));
        CHECK(flag == 0, "%s: self/none attestation reported trusted (%d)", name, flag);
        CHECK_OK(dfns_registration_sign_count(reg, &count));
        CHECK(count == 0, "%s: registration sign count %u", name, count);
        CHECK_OK(dfns_registration_flags(reg, &flags));
        CHECK(flags == 0x45, "%s: registration flags 0x%02x, expected UP|UV|AT (0x45)", name, flags);
        p = (const uint8_t *)"x"; n = 5;
        CHECK_OK(dfns_registration_extensions(reg, &p, &n));
        CHECK(p == NULL && n == 0, "%s: extensions %p/%zu without ED", name, (void *)p, n);
        CHECK_OK(dfns_registration_public_key(reg, &key));
    }
    /* The key outlives the registration it came from. */
    dfns_registration_free(&reg);
    CHECK(reg == NULL, "dfns_registration_free did not clear the pointer");
    if (!key) goto done;
    check_key(key, alg);

    /* The hash-only registration path, and the registration failures. */
    {
        uint8_t hash[32];
        sha256(reg_cdj.ptr, reg_cdj.len, hash);
        CHECK_OK(dfns_registration_verify_hash(policy, hash, 32, att_obj.ptr, att_obj.len, &reg2));
        dfns_registration_free(&reg2);
        hash[5] ^= 0x40;
        if (attestation == DFNS_ATTESTATION_PACKED_SELF)
            CHECK_STATUS(DFNS_ERR_SIGNATURE_INVALID,
                         dfns_registration_verify_hash(policy, hash, 32, att_obj.ptr, att_obj.len, &reg2));
        CHECK_STATUS(DFNS_ERR_CHALLENGE_MISMATCH,
                     dfns_registration_verify(policy, reg_cdj.ptr, reg_cdj.len, att_obj.ptr, att_obj.len, challenge,
                                              sizeof challenge, &reg2));
        CHECK(reg2 == NULL, "failed registration set *out");
    }
    check_inspect(att_obj.ptr, att_obj.len, DFNS_INSPECT_ATTESTATION_OBJECT, "attestation object", fmt_expected);
    check_inspect(att_obj.ptr, att_obj.len, DFNS_INSPECT_DETECT, "attestation object (detect)", fmt_expected);
    check_inspect(reg_cdj.ptr, reg_cdj.len, DFNS_INSPECT_CLIENT_DATA, "clientDataJSON", "webauthn.create");
    {
        const uint8_t *cose = NULL;
        size_t cose_len = 0;
        if (dfns_public_key_cose(key, &cose, &cose_len) == DFNS_OK)
            check_inspect(cose, cose_len, DFNS_INSPECT_COSE_KEY, "COSE key", NULL);
    }

    /* Assertion */
    CHECK_OK(dfns_authenticator_authenticate(auth, TEST_RP_ID, TEST_ORIGIN, challenge, sizeof challenge, cred_id.ptr,
                                             cred_id.len, 1, &as_resp));
    if (!as_resp) goto done;
    bytes_t cdj = response_field(as_resp, DFNS_RESPONSE_CLIENT_DATA_JSON);
    bytes_t ad = response_field(as_resp, DFNS_RESPONSE_AUTHENTICATOR_DATA);
    bytes_t sig = response_field(as_resp, DFNS_RESPONSE_SIGNATURE);
    bytes_t uh = response_field(as_resp, DFNS_RESPONSE_USER_HANDLE);
    bytes_t as_id = response_field(as_resp, DFNS_RESPONSE_CREDENTIAL_ID);
    CHECK_STATUS(DFNS_ERR_NOT_FOUND, dfns_response_get(as_resp, DFNS_RESPONSE_ATTESTATION_OBJECT, &p, &n));
    dfns_response_free(&as_resp);
    CHECK(ad.len == 37, "%s: assertion authenticator data length %zu", name, ad.len);
    CHECK(bytes_equal(uh.ptr, uh.len, (const uint8_t *)"user-42", 7), "%s: user handle differs", name);
    CHECK(bytes_equal(as_id.ptr, as_id.len, cred_id.ptr, cred_id.len), "%s: assertion credential ID differs", name);
    size_t sig_min = alg == DFNS_COSE_RS256 ? 256 : alg == DFNS_COSE_EDDSA ? 64 : 8;
    size_t sig_max = alg == DFNS_COSE_RS256 ? 256 : alg == DFNS_COSE_EDDSA ? 64 : 72;
    CHECK(sig.len >= sig_min && sig.len <= sig_max, "%s: signature length %zu", name, sig.len);

    dfns_stored_credential cred = { key, 0, 0 };
    CHECK_OK(dfns_assertion_verify(policy, &cred, cdj.ptr, cdj.len, ad.ptr, ad.len, sig.ptr, sig.len, challenge,
                                   sizeof challenge, &as));
    if (as) {
        count = 0; flags = 0; flag = -1;
        CHECK_OK(dfns_assertion_sign_count(as, &count));
        CHECK(count == 1, "%s: assertion sign count %u, expected 1", name, count);
        CHECK_OK(dfns_assertion_flags(as, &flags));
        CHECK(flags == 0x05, "%s: assertion flags 0x%02x, expected UP|UV (0x05)", name, flags);
        CHECK_OK(dfns_assertion_sign_count_regressed(as, &flag));
        CHECK(flag == 0, "%s: regressed = %d", name, flag);
        p = (const uint8_t *)"x"; n = 5;
        CHECK_OK(dfns_assertion_extensions(as, &p, &n));
        CHECK(p == NULL && n == 0, "%s: assertion extensions %p/%zu without ED", name, (void *)p, n);
    }
    dfns_assertion_free(&as);
    CHECK(as == NULL, "dfns_assertion_free did not clear the pointer");

    /* The same through the hash, and the primitive over authData || SHA-256(clientDataJSON). */
    {
        uint8_t hash[32];
        sha256(cdj.ptr, cdj.len, hash);
        CHECK_OK(dfns_assertion_verify_hash(policy, &cred, hash, 32, ad.ptr, ad.len, sig.ptr, sig.len, &as));
        dfns_assertion_free(&as);
        bytes_t msg = bytes_alloc(ad.len + 32);
        memcpy(msg.ptr, ad.ptr, ad.len);
        memcpy(msg.ptr + ad.len, hash, 32);
        CHECK_OK(dfns_public_key_verify(key, msg.ptr, msg.len, sig.ptr, sig.len));
        msg.ptr[0] ^= 1;
        CHECK_STATUS(DFNS_ERR_SIGNATURE_INVALID, dfns_public_key_verify(key, msg.ptr, msg.len, sig.ptr, sig.len));
        bytes_free(&msg);
    }

    /* The one-call path from the stored COSE bytes: the same values, and the same statuses for
       tampered input as parse_cose + dfns_assertion_verify. */
    {
        const uint8_t *cose_ptr = NULL;
        size_t cose_len = 0;
        CHECK_OK(dfns_public_key_cose(key, &cose_ptr, &cose_len));
        bytes_t cose = bytes_copy(cose_ptr, cose_len);
        dfns_assertion_info info;
        memset(&info, 0xA5, sizeof info);
        CHECK_OK(dfns_assertion_verify_cose(policy, cose.ptr, cose.len, 0, 0, cdj.ptr, cdj.len, ad.ptr, ad.len, sig.ptr,
                                            sig.len, challenge, sizeof challenge, &info));
        CHECK(info.sign_count == 1 && info.flags == 0x05 && info.sign_count_regressed == 0 && info.extensions == NULL &&
                  info.extensions_len == 0,
              "%s: verify_cose info count %u flags 0x%02x regressed %d extensions %p/%zu", name, info.sign_count,
              info.flags, info.sign_count_regressed, (void *)info.extensions, info.extensions_len);
        bytes_t bad = bytes_copy(sig.ptr, sig.len);
        bad.ptr[bad.len - 1] ^= 0x01;
        memset(&info, 0xA5, sizeof info);
        CHECK_STATUS(DFNS_ERR_SIGNATURE_INVALID,
                     dfns_assertion_verify_cose(policy, cose.ptr, cose.len, 0, 0, cdj.ptr, cdj.len, ad.ptr, ad.len, bad.ptr,
                                                bad.len, challenge, sizeof challenge, &info));
        CHECK(info.sign_count == 0 && info.flags == 0 && info.extensions == NULL, "%s: failed verify_cose left *info", name);
        bytes_free(&bad);
        CHECK_STATUS(DFNS_ERR_CHALLENGE_MISMATCH,
                     dfns_assertion_verify_cose(policy, cose.ptr, cose.len, 0, 0, cdj.ptr, cdj.len, ad.ptr, ad.len, sig.ptr,
                                                sig.len, other_challenge, sizeof other_challenge, &info));
        CHECK_STATUS(DFNS_ERR_SIGN_COUNT_NOT_INCREASED,
                     dfns_assertion_verify_cose(policy, cose.ptr, cose.len, 1, 0, cdj.ptr, cdj.len, ad.ptr, ad.len, sig.ptr,
                                                sig.len, challenge, sizeof challenge, &info));
        CHECK_STATUS(DFNS_ERR_BACKUP_ELIGIBILITY_CHANGED,
                     dfns_assertion_verify_cose(policy, cose.ptr, cose.len, 0, 1, cdj.ptr, cdj.len, ad.ptr, ad.len, sig.ptr,
                                                sig.len, challenge, sizeof challenge, &info));
        dfns_policy_t *lenient = test_policy();
        CHECK_OK(dfns_policy_set_option(lenient, DFNS_POLICY_FLAG_SIGN_COUNT_REGRESSION, 1));
        CHECK_OK(dfns_assertion_verify_cose(lenient, cose.ptr, cose.len, 5, -1, cdj.ptr, cdj.len, ad.ptr, ad.len, sig.ptr,
                                            sig.len, challenge, sizeof challenge, &info));
        CHECK(info.sign_count == 1 && info.sign_count_regressed == 1, "%s: verify_cose regression: count %u flagged %d",
              name, info.sign_count, info.sign_count_regressed);
        dfns_policy_free(&lenient);
        /* Another credential's key: the signature does not verify. */
        fixture_t other;
        if (fixture_make(&other, auth, policy, alg, DFNS_ATTESTATION_NONE) == 0) {
            CHECK_OK(dfns_public_key_cose(other.key, &cose_ptr, &cose_len));
            CHECK_STATUS(DFNS_ERR_SIGNATURE_INVALID,
                         dfns_assertion_verify_cose(policy, cose_ptr, cose_len, 0, -1, cdj.ptr, cdj.len, ad.ptr, ad.len,
                                                    sig.ptr, sig.len, challenge, sizeof challenge, NULL));
        }
        fixture_free(&other);
        bytes_free(&cose);
    }
    check_inspect(ad.ptr, ad.len, DFNS_INSPECT_AUTHENTICATOR_DATA, "authenticator data", NULL);
    check_inspect(cdj.ptr, cdj.len, DFNS_INSPECT_CLIENT_DATA, "clientDataJSON", "webauthn.get");

    /* Wrong challenge */
    CHECK_STATUS(DFNS_ERR_CHALLENGE_MISMATCH,
                 dfns_assertion_verify(policy, &cred, cdj.ptr, cdj.len, ad.ptr, ad.len, sig.ptr, sig.len, other_challenge,
                                       sizeof other_challenge, &as));
    CHECK(as == NULL, "failed assertion set *out");
    /* Tampered signature: the last byte, and a byte in the middle */
    {
        bytes_t bad = bytes_copy(sig.ptr, sig.len);
        bad.ptr[bad.len - 1] ^= 0x01;
        CHECK_STATUS(DFNS_ERR_SIGNATURE_INVALID,
                     dfns_assertion_verify(policy, &cred, cdj.ptr, cdj.len, ad.ptr, ad.len, bad.ptr, bad.len, challenge,
                                           sizeof challenge, &as));
        bad.ptr[bad.len - 1] ^= 0x01;
        bad.ptr[bad.len / 2] ^= 0x80;
        CHECK_STATUS(DFNS_ERR_SIGNATURE_INVALID,
                     dfns_assertion_verify(policy, &cred, cdj.ptr, cdj.len, ad.ptr, ad.len, bad.ptr, bad.len, challenge,
                                           sizeof challenge, &as));
        bytes_free(&bad);
    }
    /* Tampered authenticator data (the counter): the signature no longer covers it */
    {
        bytes_t bad = bytes_copy(ad.ptr, ad.len);
        bad.ptr[36] ^= 0x10;
        CHECK_STATUS(DFNS_ERR_SIGNATURE_INVALID,
                     dfns_assertion_verify(policy, &cred, cdj.ptr, cdj.len, bad.ptr, bad.len, sig.ptr, sig.len, challenge,
                                           sizeof challenge, &as));
        bytes_free(&bad);
    }
    /* Replayed counter: the stored counter is already 1 */
    {
        dfns_stored_credential replay = { key, 1, 0 };
        CHECK_STATUS(DFNS_ERR_SIGN_COUNT_NOT_INCREASED,
                     dfns_assertion_verify(policy, &replay, cdj.ptr, cdj.len, ad.ptr, ad.len, sig.ptr, sig.len, challenge,
                                           sizeof challenge, &as));
        replay.sign_count = 5;
        CHECK_STATUS(DFNS_ERR_SIGN_COUNT_NOT_INCREASED,
                     dfns_assertion_verify(policy, &replay, cdj.ptr, cdj.len, ad.ptr, ad.len, sig.ptr, sig.len, challenge,
                                           sizeof challenge, &as));
        /* A policy that flags instead of rejecting */
        dfns_policy_t *lenient = test_policy();
        CHECK_OK(dfns_policy_set_option(lenient, DFNS_POLICY_FLAG_SIGN_COUNT_REGRESSION, 1));
        CHECK_OK(dfns_assertion_verify(lenient, &replay, cdj.ptr, cdj.len, ad.ptr, ad.len, sig.ptr, sig.len, challenge,
                                       sizeof challenge, &as));
        flag = 0;
        if (as) CHECK_OK(dfns_assertion_sign_count_regressed(as, &flag));
        CHECK(flag == 1, "%s: regression not flagged (%d)", name, flag);
        dfns_assertion_free(&as);
        dfns_policy_free(&lenient);
    }
    /* Changed backup eligibility: BE was recorded as 1 at registration */
    {
        dfns_stored_credential be = { key, 0, 1 };
        CHECK_STATUS(DFNS_ERR_BACKUP_ELIGIBILITY_CHANGED,
                     dfns_assertion_verify(policy, &be, cdj.ptr, cdj.len, ad.ptr, ad.len, sig.ptr, sig.len, challenge,
                                           sizeof challenge, &as));
        be.backup_eligible = -1;
        CHECK_OK(dfns_assertion_verify(policy, &be, cdj.ptr, cdj.len, ad.ptr, ad.len, sig.ptr, sig.len, challenge,
                                       sizeof challenge, &as));
        dfns_assertion_free(&as);
    }
    /* Other origin, other RP ID, UV required but absent, algorithm not allowed */
    {
        dfns_policy_t *other = NULL;
        CHECK_OK(dfns_policy_new(TEST_RP_ID, &other));
        CHECK_OK(dfns_policy_add_origin(other, "https://login.example.org"));
        CHECK_STATUS(DFNS_ERR_ORIGIN_NOT_ALLOWED,
                     dfns_assertion_verify(other, &cred, cdj.ptr, cdj.len, ad.ptr, ad.len, sig.ptr, sig.len, challenge,
                                           sizeof challenge, &as));
        dfns_policy_free(&other);

        CHECK_OK(dfns_policy_new("login.example.org", &other));
        CHECK_OK(dfns_policy_add_origin(other, TEST_ORIGIN));
        CHECK_STATUS(DFNS_ERR_RP_ID_HASH_MISMATCH,
                     dfns_assertion_verify(other, &cred, cdj.ptr, cdj.len, ad.ptr, ad.len, sig.ptr, sig.len, challenge,
                                           sizeof challenge, &as));
        dfns_policy_free(&other);

        dfns_response_t *no_uv = NULL;
        other = test_policy();
        CHECK_OK(dfns_policy_set_option(other, DFNS_POLICY_REQUIRE_USER_VERIFICATION, 1));
        CHECK_OK(dfns_authenticator_authenticate(auth, TEST_RP_ID, TEST_ORIGIN, challenge, sizeof challenge, cred_id.ptr,
                                                 cred_id.len, 0, &no_uv));
        if (no_uv) {
            bytes_t cdj2 = response_field(no_uv, DFNS_RESPONSE_CLIENT_DATA_JSON);
            bytes_t ad2 = response_field(no_uv, DFNS_RESPONSE_AUTHENTICATOR_DATA);
            bytes_t sig2 = response_field(no_uv, DFNS_RESPONSE_SIGNATURE);
            CHECK_STATUS(DFNS_ERR_USER_VERIFICATION_MISSING,
                         dfns_assertion_verify(other, &cred, cdj2.ptr, cdj2.len, ad2.ptr, ad2.len, sig2.ptr, sig2.len,
                                               challenge, sizeof challenge, &as));
            /* The default policy does not require UV; this is the second assertion: count 2. */
            CHECK_OK(dfns_assertion_verify(policy, &cred, cdj2.ptr, cdj2.len, ad2.ptr, ad2.len, sig2.ptr, sig2.len,
                                           challenge, sizeof challenge, &as));
            count = 0;
            flags = 0xff;
            if (as) {
                CHECK_OK(dfns_assertion_sign_count(as, &count));
                CHECK_OK(dfns_assertion_flags(as, &flags));
            }
            CHECK(count == 2 && flags == 0x01, "%s: second assertion count %u flags 0x%02x", name, count, flags);
            dfns_assertion_free(&as);
            bytes_free(&cdj2);
            bytes_free(&ad2);
            bytes_free(&sig2);
        }
        dfns_response_free(&no_uv);
        dfns_policy_free(&other);

        const int32_t only = alg == DFNS_COSE_ES256 ? DFNS_COSE_RS256 : DFNS_COSE_ES256;
        other = test_policy();
        CHECK_OK(dfns_policy_set_algorithms(other, &only, 1));
        CHECK_STATUS(DFNS_ERR_ALGORITHM_NOT_ALLOWED,
                     dfns_assertion_verify(other, &cred, cdj.ptr, cdj.len, ad.ptr, ad.len, sig.ptr, sig.len, challenge,
                                           sizeof challenge, &as));
        CHECK_STATUS(DFNS_ERR_ALGORITHM_NOT_ALLOWED,
                     dfns_registration_verify(other, reg_cdj.ptr, reg_cdj.len, att_obj.ptr, att_obj.len, reg_challenge,
                                              sizeof reg_challenge, &reg2));
        dfns_policy_free(&other);
    }
    /* Wrong ceremony: the registration's clientDataJSON (webauthn.create) as an assertion's */
    CHECK_STATUS(DFNS_ERR_CLIENT_DATA_TYPE,
                 dfns_assertion_verify(policy, &cred, reg_cdj.ptr, reg_cdj.len, ad.ptr, ad.len, sig.ptr, sig.len,
                                       reg_challenge, sizeof reg_challenge, &as));
    CHECK(as == NULL, "failed assertion set *out");

    bytes_free(&cdj);
    bytes_free(&ad);
    bytes_free(&sig);
    bytes_free(&uh);
    bytes_free(&as_id);
done:
    dfns_public_key_free(&key);
    bytes_free(&cred_id);
    bytes_free(&reg_cdj);
    bytes_free(&att_obj);
}

static void test_trust_anchors(void) {
    dfns_policy_t *policy = test_policy();
    const uint8_t *pem = (const uint8_t *)APPLE_ROOT_PEM;
    uint8_t der[2048];
    size_t der_len = pem_to_der(APPLE_ROOT_PEM, der, sizeof der);
    CHECK(der_len > 100 && der[0] == 0x30, "the embedded root does not decode (%zu bytes)", der_len);
    CHECK_OK(dfns_policy_add_trust_anchor(policy, "apple", pem, sizeof APPLE_ROOT_PEM - 1));
    CHECK_OK(dfns_policy_add_trust_anchor(policy, "apple", der, der_len));
    CHECK_OK(dfns_policy_add_trust_anchor(policy, "packed", der, der_len));
    /* Two PEM blocks in one call */
    {
        size_t one = sizeof APPLE_ROOT_PEM - 1;
        bytes_t two = bytes_alloc(2 * one);
        memcpy(two.ptr, pem, one);
        memcpy(two.ptr + one, pem, one);
        CHECK_OK(dfns_policy_add_trust_anchor(policy, "tpm", two.ptr, two.len));
        bytes_free(&two);
    }
    /* Self attestation stays valid (and untrusted) with anchors configured for packed. */
    dfns_authenticator_t *auth = NULL;
    CHECK_OK(dfns_authenticator_new(&auth));
    fixture_t f;
    if (auth && fixture_make(&f, auth, policy, DFNS_COSE_ES256, DFNS_ATTESTATION_PACKED_SELF) == 0) {
        dfns_registration_t *reg = NULL;
        int trusted = -1;
        CHECK_OK(dfns_registration_verify(policy, f.reg_client_data.ptr, f.reg_client_data.len, f.attestation_object.ptr,
                                          f.attestation_object.len, f.reg_challenge, 32, &reg));
        if (reg) CHECK_OK(dfns_registration_attestation_trusted(reg, &trusted));
        CHECK(trusted == 0, "self attestation trusted = %d", trusted);
        dfns_registration_free(&reg);
        /* Requiring a trusted attestation rejects it. */
        CHECK_OK(dfns_policy_set_option(policy, DFNS_POLICY_REQUIRE_TRUSTED_ATTESTATION, 1));
        int s = dfns_registration_verify(policy, f.reg_client_data.ptr, f.reg_client_data.len, f.attestation_object.ptr,
                                         f.attestation_object.len, f.reg_challenge, 32, &reg);
        CHECK(s == DFNS_ERR_ATTESTATION_NOT_TRUSTED || s == DFNS_ERR_ATTESTATION_POLICY_VIOLATION,
              "self attestation under REQUIRE_TRUSTED_ATTESTATION -> %s", dfns_status_name(s));
        dfns_registration_free(&reg);
        fixture_free(&f);
    }
    dfns_authenticator_free(&auth);
    dfns_policy_free(&policy);
}

/* A configured origin written another way matches the origin the browser sends (since 0.3); the
 * sent origin itself is compared exactly. */
static void test_configured_origin_forms(void) {
    dfns_authenticator_t *auth = NULL;
    CHECK_OK(dfns_authenticator_new(&auth));
    uint8_t challenge[32];
    memset(challenge, 7, sizeof challenge);
    static const struct { const char *configured, *sent; int accepted; } cases[] = {
        { "HTTPS://Example.org:443/", "https://example.org", 1 },
        { "http://localhost:8100/", "http://localhost:8100", 1 },
        { "https://example.org:8443", "https://example.org", 0 },
        { "https://example.org/app", "https://example.org", 0 },
        { "https://example.org", "https://Example.org:443/", 0 },
    };
    for (size_t i = 0; auth && i < sizeof cases / sizeof cases[0]; i++) {
        dfns_policy_t *policy = NULL;
        dfns_response_t *reg = NULL;
        dfns_registration_t *verified = NULL;
        CHECK_OK(dfns_policy_new("example.org", &policy));
        CHECK_OK(dfns_policy_add_origin(policy, cases[i].configured));
        CHECK_OK(dfns_authenticator_register(auth, "example.org", cases[i].sent, challenge, sizeof challenge, DFNS_COSE_ES256,
                                             DFNS_ATTESTATION_NONE, (const uint8_t *)"u", 1, 1, &reg));
        if (reg) {
            bytes_t cd = response_field(reg, DFNS_RESPONSE_CLIENT_DATA_JSON);
            bytes_t ao = response_field(reg, DFNS_RESPONSE_ATTESTATION_OBJECT);
            int s = dfns_registration_verify(policy, cd.ptr, cd.len, ao.ptr, ao.len, challenge, sizeof challenge, &verified);
            CHECK(cases[i].accepted ? s == DFNS_OK : s == DFNS_ERR_ORIGIN_NOT_ALLOWED,
                  "configured %s, sent %s: %s (%s)", cases[i].configured, cases[i].sent, dfns_status_name(s), dfns_last_error());
            bytes_free(&cd);
            bytes_free(&ao);
        }
        dfns_registration_free(&verified);
        dfns_response_free(&reg);
        dfns_policy_free(&policy);
    }
    dfns_authenticator_free(&auth);
}

int main(void) {
    test_version();
    test_configured_origin_forms();

    dfns_policy_t *policy = test_policy();
    int enabled = -1;
    CHECK_OK(dfns_policy_get_option(policy, DFNS_POLICY_REQUIRE_USER_PRESENCE, &enabled));
    CHECK(enabled == 1, "REQUIRE_USER_PRESENCE default %d", enabled);
    CHECK_OK(dfns_policy_get_option(policy, DFNS_POLICY_ALLOW_SHA1, &enabled));
    CHECK(enabled == 0, "ALLOW_SHA1 default %d", enabled);

    dfns_authenticator_t *auth = NULL;
    CHECK_OK(dfns_authenticator_new(&auth));
    if (auth) {
        static const int32_t algs[] = { DFNS_COSE_ES256, DFNS_COSE_EDDSA, DFNS_COSE_ES256K, DFNS_COSE_RS256 };
        for (size_t i = 0; i < sizeof algs / sizeof algs[0]; i++) {
            test_algorithm(auth, policy, algs[i], DFNS_ATTESTATION_PACKED_SELF);
            /* "none" once per key family that is cheap to generate (RSA keygen is slow under valgrind). */
            if (algs[i] == DFNS_COSE_ES256 || algs[i] == DFNS_COSE_EDDSA)
                test_algorithm(auth, policy, algs[i], DFNS_ATTESTATION_NONE);
        }
    }
    dfns_authenticator_free(&auth);
    CHECK(auth == NULL, "dfns_authenticator_free did not clear the pointer");
    dfns_policy_free(&policy);

    test_trust_anchors();
    return test_summary("test_end_to_end");
}
