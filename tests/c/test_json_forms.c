/*
 * test_json_forms: the WebAuthn JSON forms of include/dfns_bridge.h (since 0.4).
 *
 * A software authenticator's registration and assertion, assembled as the PublicKeyCredential
 * .toJSON() documents a browser sends, verify through dfns_registration_verify_json /
 * dfns_assertion_verify_json, with the client's outputs (transports, attachment, extension results,
 * user handle) readable; malformed documents fail with DFNS_ERR_MALFORMED_CREDENTIAL_JSON naming the
 * member. Options JSON from a policy and from Dfns challenges has the expected canonical text.
 * Base64url comes from libcrypto (EVP_EncodeBlock), not from a decoder of the test's own.
 */
#include "test_support.h"

#include <openssl/evp.h>

/* Unpadded base64url of (p, n), malloc'ed. */
static char *b64url(const uint8_t *p, size_t n) {
    char *out = malloc(4 * ((n + 2) / 3) + 1);
    if (!out) exit(2);
    int len = EVP_EncodeBlock((unsigned char *)out, p, (int)n);
    while (len > 0 && out[len - 1] == '=') len--;
    out[len] = 0;
    for (int i = 0; i < len; i++) {
        if (out[i] == '+') out[i] = '-';
        else if (out[i] == '/') out[i] = '_';
    }
    return out;
}

/* A message of dfns_last_error() contains `words`. */
#define CHECK_MESSAGE(words) \
    CHECK(strstr(dfns_last_error(), (words)) != NULL, "dfns_last_error() \"%s\" does not say \"%s\"", dfns_last_error(), (words))

static char g_doc[16384];

static const char *registration_json(const fixture_t *f, const char *id_override, const char *type,
                                     const char *attestation_override) {
    char *id = b64url(f->credential_id.ptr, f->credential_id.len);
    char *cd = b64url(f->reg_client_data.ptr, f->reg_client_data.len);
    char *ao = b64url(f->attestation_object.ptr, f->attestation_object.len);
    snprintf(g_doc, sizeof g_doc,
             "{\"id\":\"%s\",\"rawId\":\"%s\",\"type\":\"%s\",\"response\":{\"clientDataJSON\":\"%s\","
             "\"attestationObject\":\"%s\",\"transports\":[\"usb\",\"nfc\"]},\"authenticatorAttachment\":\"cross-platform\","
             "\"clientExtensionResults\":{\"credProps\":{\"rk\":false},\"futureExtension\":[1]}}",
             id_override ? id_override : id, id, type, cd, attestation_override ? attestation_override : ao);
    free(id); free(cd); free(ao);
    return g_doc;
}

static const char *assertion_json(const fixture_t *f, const char *signature_override) {
    char *id = b64url(f->credential_id.ptr, f->credential_id.len);
    char *cd = b64url(f->client_data.ptr, f->client_data.len);
    char *ad = b64url(f->authenticator_data.ptr, f->authenticator_data.len);
    char *sig = b64url(f->signature.ptr, f->signature.len);
    char *uh = b64url((const uint8_t *)"user-1", 6);
    snprintf(g_doc, sizeof g_doc,
             "{\"id\":\"%s\",\"rawId\":\"%s\",\"type\":\"public-key\",\"response\":{\"clientDataJSON\":\"%s\","
             "\"authenticatorData\":\"%s\",\"signature\":\"%s\",\"userHandle\":\"%s\"},"
             "\"clientExtensionResults\":{\"appid\":true}}",
             id, id, cd, ad, signature_override ? signature_override : sig, uh);
    free(id); free(cd); free(ad); free(sig); free(uh);
    return g_doc;
}

#define DOC(text) (const uint8_t *)(text), strlen(text)

static void test_registration(const dfns_policy_t *policy, const fixture_t *f) {
    dfns_registration_t *reg = NULL;
    dfns_client_outputs_t *outputs = NULL;
    const char *text = NULL;
    const uint8_t *ptr = NULL;
    size_t len = 0;
    int value = 0;

    const char *doc = registration_json(f, NULL, "public-key", NULL);
    CHECK_OK(dfns_registration_verify_json(policy, DOC(doc), f->reg_challenge, sizeof f->reg_challenge, &reg, &outputs));
    if (reg) {
        CHECK_OK(dfns_registration_credential_id(reg, &ptr, &len));
        CHECK(len == f->credential_id.len && memcmp(ptr, f->credential_id.ptr, len) == 0, "credential id differs");
    }
    if (outputs) {
        CHECK_OK(dfns_client_outputs_transports(outputs, &text));
        CHECK(text && strcmp(text, "[\"usb\",\"nfc\"]") == 0, "transports \"%s\"", text ? text : "(null)");
        CHECK_OK(dfns_client_outputs_authenticator_attachment(outputs, &text));
        CHECK(text && strcmp(text, "cross-platform") == 0, "attachment \"%s\"", text ? text : "(null)");
        CHECK_OK(dfns_client_outputs_extension_results(outputs, &text));
        CHECK(text && strcmp(text, "{\"credProps\":{\"rk\":false},\"futureExtension\":[1]}") == 0, "extensions \"%s\"",
              text ? text : "(null)");
        CHECK_OK(dfns_client_outputs_cred_props_rk(outputs, &value));
        CHECK(value == 0, "credProps.rk %d", value);
        CHECK_OK(dfns_client_outputs_appid(outputs, &value));
        CHECK(value == 0, "appid %d", value);
        CHECK_OK(dfns_client_outputs_user_handle(outputs, &ptr, &len));
        CHECK(ptr == NULL && len == 0, "a registration has no user handle");
    }
    dfns_registration_free(&reg);
    dfns_client_outputs_free(&outputs);
    dfns_client_outputs_free(&outputs); /* freeing twice is harmless: the pointer is NULL */

    /* Client outputs are optional. */
    CHECK_OK(dfns_registration_verify_json(policy, DOC(doc), f->reg_challenge, sizeof f->reg_challenge, &reg, NULL));
    dfns_registration_free(&reg);

    /* Refusals name the member. */
    EXPECT_FAIL(DFNS_ERR_MALFORMED_CREDENTIAL_JSON,
                dfns_registration_verify_json(policy, DOC(registration_json(f, NULL, "public-key", "o2N+")),
                                              f->reg_challenge, sizeof f->reg_challenge, &reg, &outputs));
    CHECK_MESSAGE("response.attestationObject is not base64url");
    CHECK(reg == NULL && outputs == NULL, "outputs set on failure");
    EXPECT_FAIL(DFNS_ERR_MALFORMED_CREDENTIAL_JSON,
                dfns_registration_verify_json(policy, DOC(registration_json(f, NULL, "password", NULL)),
                                              f->reg_challenge, sizeof f->reg_challenge, &reg, &outputs));
    CHECK_MESSAGE("type is not \"public-key\"");
    EXPECT_FAIL(DFNS_ERR_MALFORMED_CREDENTIAL_JSON,
                dfns_registration_verify_json(policy, DOC(registration_json(f, "AAAA", "public-key", NULL)),
                                              f->reg_challenge, sizeof f->reg_challenge, &reg, &outputs));
    CHECK_MESSAGE("differ from rawId");
    static const char duplicate[] = "{\"id\":\"AA\",\"id\":\"AA\"}";
    EXPECT_FAIL(DFNS_ERR_MALFORMED_CREDENTIAL_JSON,
                dfns_registration_verify_json(policy, DOC(duplicate), f->reg_challenge, sizeof f->reg_challenge, &reg, &outputs));
    CHECK_MESSAGE("duplicate");
    EXPECT_FAIL(DFNS_ERR_MALFORMED_CREDENTIAL_JSON,
                dfns_registration_verify_json(policy, DOC("{\"id\":\"AA\",\"rawId\":\"AA\",\"type\":\"public-key\"}"),
                                              f->reg_challenge, sizeof f->reg_challenge, &reg, &outputs));
    CHECK_MESSAGE("response is missing");
    /* The document is fine; the ceremony is not. */
    uint8_t other[32];
    memset(other, 7, sizeof other);
    doc = registration_json(f, NULL, "public-key", NULL);
    EXPECT_FAIL(DFNS_ERR_CHALLENGE_MISMATCH, dfns_registration_verify_json(policy, DOC(doc), other, sizeof other, &reg, &outputs));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_registration_verify_json(NULL, DOC(doc), other, sizeof other, &reg, &outputs));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_registration_verify_json(policy, DOC(doc), other, 0, &reg, &outputs));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_registration_verify_json(policy, DOC(doc), other, sizeof other, NULL, &outputs));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_registration_verify_json(policy, NULL, 5, other, sizeof other, &reg, &outputs));
}

static void test_assertion(const dfns_policy_t *policy, const fixture_t *f) {
    dfns_assertion_t *as = NULL;
    dfns_client_outputs_t *outputs = NULL;
    dfns_stored_credential credential = { f->key, 0, -1 };
    uint8_t *id = NULL, *handle = NULL;
    size_t id_len = 0, handle_len = 0;
    const uint8_t *ptr = NULL;
    size_t len = 0;
    int value = 0;
    uint32_t count = 0;

    const char *doc = assertion_json(f, NULL);
    CHECK_OK(dfns_assertion_json_credential_id(DOC(doc), &id, &id_len, &handle, &handle_len));
    CHECK(id && id_len == f->credential_id.len && memcmp(id, f->credential_id.ptr, id_len) == 0, "rawId differs");
    CHECK(handle && handle_len == 6 && memcmp(handle, "user-1", 6) == 0, "userHandle differs");
    dfns_free(id);
    dfns_free(handle);

    CHECK_OK(dfns_assertion_verify_json(policy, &credential, f->credential_id.ptr, f->credential_id.len, DOC(doc),
                                        f->challenge, sizeof f->challenge, &as, &outputs));
    if (as) {
        CHECK_OK(dfns_assertion_sign_count(as, &count));
        CHECK(count == 1, "sign count %u", (unsigned)count);
    }
    if (outputs) {
        CHECK_OK(dfns_client_outputs_appid(outputs, &value));
        CHECK(value == 1, "appid %d", value);
        CHECK_OK(dfns_client_outputs_cred_props_rk(outputs, &value));
        CHECK(value == -1, "credProps.rk %d without credProps", value);
        CHECK_OK(dfns_client_outputs_user_handle(outputs, &ptr, &len));
        CHECK(len == 6 && memcmp(ptr, "user-1", 6) == 0, "user handle differs");
        const char *text = (const char *)1;
        CHECK_OK(dfns_client_outputs_transports(outputs, &text));
        CHECK(text == NULL, "an assertion has no transports");
        CHECK_OK(dfns_client_outputs_authenticator_attachment(outputs, &text));
        CHECK(text == NULL, "no attachment was sent");
    }
    dfns_assertion_free(&as);
    dfns_client_outputs_free(&outputs);

    static const uint8_t wrong_id[] = { 1, 2, 3 };
    EXPECT_FAIL(DFNS_ERR_CREDENTIAL_ID_MISMATCH,
                dfns_assertion_verify_json(policy, &credential, wrong_id, sizeof wrong_id, DOC(doc), f->challenge,
                                           sizeof f->challenge, &as, &outputs));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT,
                dfns_assertion_verify_json(policy, &credential, NULL, 0, DOC(doc), f->challenge, sizeof f->challenge, &as, &outputs));
    doc = assertion_json(f, "MEUC+iE");
    EXPECT_FAIL(DFNS_ERR_MALFORMED_CREDENTIAL_JSON,
                dfns_assertion_verify_json(policy, &credential, f->credential_id.ptr, f->credential_id.len, DOC(doc),
                                           f->challenge, sizeof f->challenge, &as, &outputs));
    CHECK_MESSAGE("response.signature is not base64url");
    EXPECT_FAIL(DFNS_ERR_MALFORMED_CREDENTIAL_JSON, dfns_assertion_json_credential_id(DOC(doc), &id, &id_len, &handle, &handle_len));
    CHECK(id == NULL && id_len == 0 && handle == NULL, "outputs set on failure");
    doc = assertion_json(f, "AAAA");
    EXPECT_FAIL(DFNS_ERR_SIGNATURE_INVALID,
                dfns_assertion_verify_json(policy, &credential, f->credential_id.ptr, f->credential_id.len, DOC(doc),
                                           f->challenge, sizeof f->challenge, &as, &outputs));
}

static void test_options(const dfns_policy_t *policy) {
    char *json = NULL;
    uint8_t *challenge = NULL;
    size_t challenge_len = 0;
    uint8_t fixed[16];
    memset(fixed, 0xAB, sizeof fixed);
    static const uint8_t excluded_id[] = { 0xFF, 0xEE };
    const char *transports[] = { "usb", "nfc" };
    dfns_credential_descriptor excluded = { excluded_id, sizeof excluded_id, transports, 2 };
    const char *hints[] = { "security-key" };

    dfns_creation_options_inputs in;
    memset(&in, 0, sizeof in);
    in.struct_size = sizeof in;
    in.challenge = fixed;
    in.challenge_len = sizeof fixed;
    in.rp_name = "Example";
    in.user_id = (const uint8_t *)"\x01\x02\x03";
    in.user_id_len = 3;
    in.user_name = "alice@example.org";
    in.user_display_name = "Alice";
    in.exclude_credentials = &excluded;
    in.exclude_credential_count = 1;
    in.attestation = "direct";
    in.resident_key = "required";
    in.hints = hints;
    in.hint_count = 1;
    in.cred_props = 1;
    in.extensions_json = "{\"largeBlob\":{\"support\":\"preferred\"}}";
    in.timeout_ms = 60000;
    CHECK_OK(dfns_creation_options_json(policy, &in, &json, &challenge, &challenge_len));
    const char *expected =
        "{\"attestation\":\"direct\",\"authenticatorSelection\":{\"requireResidentKey\":true,\"residentKey\":\"required\","
        "\"userVerification\":\"preferred\"},\"challenge\":\"q6urq6urq6urq6urq6urqw\",\"excludeCredentials\":[{\"id\":\"_-4\","
        "\"transports\":[\"usb\",\"nfc\"],\"type\":\"public-key\"}],\"extensions\":{\"credProps\":true,\"largeBlob\":{\"support\":"
        "\"preferred\"}},\"hints\":[\"security-key\"],\"pubKeyCredParams\":[{\"alg\":-7,\"type\":\"public-key\"},{\"alg\":-8,"
        "\"type\":\"public-key\"}],\"rp\":{\"id\":\"example.org\",\"name\":\"Example\"},\"timeout\":60000,\"user\":{\"displayName\":"
        "\"Alice\",\"id\":\"AQID\",\"name\":\"alice@example.org\"}}";
    CHECK(json && strcmp(json, expected) == 0, "creation options:\n%s\nexpected\n%s", json ? json : "(null)", expected);
    CHECK(challenge_len == 16 && challenge && memcmp(challenge, fixed, 16) == 0, "the given challenge is returned");
    dfns_free(json);
    dfns_free(challenge);

    /* Drawn challenge; no challenge output wanted. */
    in.challenge = NULL;
    in.challenge_len = 0;
    CHECK_OK(dfns_creation_options_json(policy, &in, &json, &challenge, &challenge_len));
    CHECK(challenge_len == 32, "a drawn challenge is 32 bytes, found %zu", challenge_len);
    dfns_free(json);
    dfns_free(challenge);
    CHECK_OK(dfns_creation_options_json(policy, &in, &json, NULL, NULL));
    dfns_free(json);
    json = NULL;

    in.attestation = "everything";
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_creation_options_json(policy, &in, &json, NULL, NULL));
    CHECK_MESSAGE("inputs->attestation");
    in.attestation = NULL;
    in.extensions_json = "[1]";
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_creation_options_json(policy, &in, &json, NULL, NULL));
    in.extensions_json = NULL;
    in.user_name = NULL;
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_creation_options_json(policy, &in, &json, NULL, NULL));
    CHECK_MESSAGE("inputs->user_name");
    in.user_name = "alice";
    in.struct_size = sizeof(size_t);
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_creation_options_json(policy, &in, &json, NULL, NULL));
    CHECK_MESSAGE("struct_size");
    in.struct_size = sizeof in;
    in.exclude_credentials = NULL;
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_creation_options_json(policy, &in, &json, NULL, NULL));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_creation_options_json(policy, NULL, &json, NULL, NULL));
    CHECK(json == NULL, "json set on failure");

    /* A larger struct from a newer header: accepted when the extra bytes are zero. */
    struct { dfns_creation_options_inputs in; uint64_t newer_field; } newer;
    memset(&newer, 0, sizeof newer);
    newer.in = in;
    newer.in.exclude_credential_count = 0;
    newer.in.struct_size = sizeof newer;
    CHECK_OK(dfns_creation_options_json(policy, &newer.in, &json, NULL, NULL));
    dfns_free(json);
    json = NULL;
    newer.newer_field = 1;
    EXPECT_FAIL(DFNS_ERR_UNSUPPORTED, dfns_creation_options_json(policy, &newer.in, &json, NULL, NULL));

    dfns_request_options_inputs rq;
    memset(&rq, 0, sizeof rq);
    rq.struct_size = sizeof rq;
    rq.challenge = fixed;
    rq.challenge_len = sizeof fixed;
    rq.allow_credentials = &excluded;
    rq.allow_credential_count = 1;
    rq.appid = "https://example.org/appid.json";
    rq.user_verification = "discouraged";
    CHECK_OK(dfns_request_options_json(policy, &rq, &json, NULL, NULL));
    const char *expected_request =
        "{\"allowCredentials\":[{\"id\":\"_-4\",\"transports\":[\"usb\",\"nfc\"],\"type\":\"public-key\"}],\"challenge\":"
        "\"q6urq6urq6urq6urq6urqw\",\"extensions\":{\"appid\":\"https://example.org/appid.json\"},\"rpId\":\"example.org\","
        "\"userVerification\":\"discouraged\"}";
    CHECK(json && strcmp(json, expected_request) == 0, "request options:\n%s\nexpected\n%s", json ? json : "(null)", expected_request);
    dfns_free(json);
    json = NULL;
    rq.challenge_len = 8;
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_request_options_json(policy, &rq, &json, NULL, NULL));
    CHECK_MESSAGE("at least 16");
}

static void test_dfns_challenges(void) {
    char *json = NULL;
    static const char user_action[] =
        "{\"challenge\":\"Y2gtNzloaHQtbXJlb2stOGFwOHFtMmVpZWZ0amxhZw\",\"challengeIdentifier\":\"eyJ0.e30.s\","
        "\"userVerification\":\"required\",\"supportedCredentialKinds\":[{\"kind\":\"Fido2\",\"factor\":\"first\"}],"
        "\"allowCredentials\":{\"key\":[],\"webauthn\":[{\"type\":\"public-key\",\"id\":\"AQIDBA\",\"transports\":[\"internal\"]}]}}";
    CHECK_OK(dfns_user_action_challenge_request_options(user_action, "app.example.org", 60000, &json));
    const char *expected =
        "{\"allowCredentials\":[{\"id\":\"AQIDBA\",\"transports\":[\"internal\"],\"type\":\"public-key\"}],"
        "\"challenge\":\"Y2gtNzloaHQtbXJlb2stOGFwOHFtMmVpZWZ0amxhZw\",\"rpId\":\"app.example.org\",\"timeout\":60000,"
        "\"userVerification\":\"required\"}";
    CHECK(json && strcmp(json, expected) == 0, "user-action options:\n%s", json ? json : "(null)");
    dfns_free(json);
    json = NULL;
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_user_action_challenge_request_options(user_action, NULL, 0, &json));
    CHECK_MESSAGE("rp.id");
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_user_action_challenge_request_options("{\"challenge\":7}", "r", 0, &json));
    CHECK_MESSAGE("challenge");
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_user_action_challenge_request_options("not json", "r", 0, &json));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_user_action_challenge_request_options(NULL, "r", 0, &json));

    static const char registration[] =
        "{\"user\":{\"id\":\"us-1\",\"name\":\"alice\",\"displayName\":\"Alice\"},\"challenge\":\"Y2gtMQ\","
        "\"temporaryAuthenticationToken\":\"t\",\"authenticatorSelection\":{\"residentKey\":\"required\","
        "\"requireResidentKey\":true,\"userVerification\":\"required\"},\"attestation\":\"none\","
        "\"pubKeyCredParams\":[{\"type\":\"public-key\",\"alg\":-7},{\"type\":\"public-key\",\"alg\":-8}],\"excludeCredentials\":[]}";
    CHECK_OK(dfns_registration_challenge_creation_options(registration, "app.example.org", "App", 0, &json));
    const char *expected_creation =
        "{\"attestation\":\"none\",\"authenticatorSelection\":{\"requireResidentKey\":true,\"residentKey\":\"required\","
        "\"userVerification\":\"required\"},\"challenge\":\"Y2gtMQ\",\"excludeCredentials\":[],\"pubKeyCredParams\":"
        "[{\"alg\":-7,\"type\":\"public-key\"},{\"alg\":-8,\"type\":\"public-key\"}],\"rp\":{\"id\":\"app.example.org\","
        "\"name\":\"App\"},\"user\":{\"displayName\":\"Alice\",\"id\":\"dXMtMQ\",\"name\":\"alice\"}}";
    CHECK(json && strcmp(json, expected_creation) == 0, "registration options:\n%s", json ? json : "(null)");
    dfns_free(json);
    json = NULL;
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_registration_challenge_creation_options(registration, "app.example.org", NULL, 0, &json));
    CHECK_MESSAGE("rp.name");
}

/* Every prefix of a valid document, and the document with each byte flipped, fails with a status the
 * header defines (or, for a flip inside an ignored or equivalent member, verifies): never a crash. */
static void test_hostile_documents(const dfns_policy_t *policy, const fixture_t *f) {
    char *doc = strdup(registration_json(f, NULL, "public-key", NULL));
    size_t len = strlen(doc);
    int unexpected = 0;
    for (size_t cut = 0; cut < len; cut++) {
        dfns_registration_t *reg = NULL;
        int s = dfns_registration_verify_json(policy, (const uint8_t *)doc, cut, f->reg_challenge, sizeof f->reg_challenge, &reg, NULL);
        if (s >= 0 || !status_is_defined(s) || reg != NULL) unexpected++;
        dfns_registration_free(&reg);
    }
    CHECK(unexpected == 0, "%d truncated documents did not fail cleanly", unexpected);
    unexpected = 0;
    for (size_t i = 0; i < len; i += 3) {
        dfns_registration_t *reg = NULL;
        dfns_client_outputs_t *outputs = NULL;
        char saved = doc[i];
        doc[i] = (char)(saved ^ (1 << (i % 8)));
        int s = dfns_registration_verify_json(policy, (const uint8_t *)doc, len, f->reg_challenge, sizeof f->reg_challenge, &reg, &outputs);
        if ((s < 0 && (!status_is_defined(s) || reg != NULL || outputs != NULL)) || (s == DFNS_OK && (reg == NULL || outputs == NULL))) unexpected++;
        dfns_registration_free(&reg);
        dfns_client_outputs_free(&outputs);
        doc[i] = saved;
    }
    CHECK(unexpected == 0, "%d altered documents broke the status contract", unexpected);
    free(doc);
    uint8_t noise[512];
    for (int round = 0; round < 64; round++) {
        uint8_t *id = NULL, *handle = NULL;
        size_t id_len = 0, handle_len = 0;
        rng_fill(noise, sizeof noise);
        int s = dfns_assertion_json_credential_id(noise, (size_t)(round * 8), &id, &id_len, &handle, &handle_len);
        CHECK(s < 0 && status_is_defined(s) && id == NULL && handle == NULL, "random bytes -> %d", s);
    }
}

int main(void) {
    dfns_policy_t *policy = test_policy();
    dfns_authenticator_t *auth = NULL;
    fixture_t f;
    int32_t algs[] = { DFNS_COSE_ES256, DFNS_COSE_EDDSA };
    primers_init();
    CHECK_OK(dfns_policy_set_algorithms(policy, algs, 2));
    if (dfns_authenticator_new(&auth) != DFNS_OK) { fprintf(stderr, "no authenticator: %s\n", dfns_last_error()); return 2; }
    if (fixture_make(&f, auth, policy, DFNS_COSE_ES256, DFNS_ATTESTATION_NONE) == 0) {
        test_registration(policy, &f);
        test_assertion(policy, &f);
        test_hostile_documents(policy, &f);
        fixture_free(&f);
    }
    test_options(policy);
    test_dfns_challenges();
    dfns_authenticator_free(&auth);
    dfns_policy_free(&policy);
    return test_summary("test_json_forms");
}
