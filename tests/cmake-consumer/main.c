/* The consumer of tests/cmake-consumer: checks the header against the library, registers an
 * ES256 credential with the software authenticator, verifies the registration and an assertion.
 * Built twice by run-consumer-test.sh: with find_package(DfnsBridge) and with pkg-config. */
#include <dfns_bridge.h>

#include <stdio.h>

#define TRY(call) \
    do { \
        int s_ = (call); \
        if (s_ != DFNS_OK) { \
            fprintf(stderr, "%s: %s: %s\n", #call, dfns_status_name(s_), dfns_last_error()); \
            return 1; \
        } \
    } while (0)

int main(void) {
    static const uint8_t challenge[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
    dfns_policy_t *policy = NULL;
    dfns_authenticator_t *auth = NULL;
    dfns_response_t *reg = NULL, *as = NULL;
    dfns_registration_t *verified = NULL;
    dfns_public_key_t *key = NULL;
    dfns_assertion_t *result = NULL;
    const uint8_t *id, *cdj, *ao, *ad, *sig;
    size_t id_len, cdj_len, ao_len, ad_len, sig_len;
    uint32_t count = 0;

    if (dfns_version_number() != DFNS_BRIDGE_VERSION_NUMBER) {
        fprintf(stderr, "header %s, library %s\n", DFNS_BRIDGE_VERSION_STRING, dfns_version());
        return 1;
    }
    TRY(dfns_policy_new("example.org", &policy));
    TRY(dfns_policy_add_origin(policy, "https://example.org"));
    TRY(dfns_authenticator_new(&auth));
    TRY(dfns_authenticator_register(auth, "example.org", "https://example.org", challenge, sizeof challenge,
                                    DFNS_COSE_ES256, DFNS_ATTESTATION_PACKED_SELF, NULL, 0, 1, &reg));
    TRY(dfns_response_get(reg, DFNS_RESPONSE_CREDENTIAL_ID, &id, &id_len));
    TRY(dfns_response_get(reg, DFNS_RESPONSE_CLIENT_DATA_JSON, &cdj, &cdj_len));
    TRY(dfns_response_get(reg, DFNS_RESPONSE_ATTESTATION_OBJECT, &ao, &ao_len));
    TRY(dfns_registration_verify(policy, cdj, cdj_len, ao, ao_len, challenge, sizeof challenge, &verified));
    TRY(dfns_registration_public_key(verified, &key));
    TRY(dfns_authenticator_authenticate(auth, "example.org", "https://example.org", challenge, sizeof challenge,
                                        id, id_len, 1, &as));
    TRY(dfns_response_get(as, DFNS_RESPONSE_CLIENT_DATA_JSON, &cdj, &cdj_len));
    TRY(dfns_response_get(as, DFNS_RESPONSE_AUTHENTICATOR_DATA, &ad, &ad_len));
    TRY(dfns_response_get(as, DFNS_RESPONSE_SIGNATURE, &sig, &sig_len));
    dfns_stored_credential credential = { key, 0, 0 };
    TRY(dfns_assertion_verify(policy, &credential, cdj, cdj_len, ad, ad_len, sig, sig_len, challenge, sizeof challenge,
                              &result));
    TRY(dfns_assertion_sign_count(result, &count));
    printf("consumer OK: dfns-bridge %s, assertion verified, sign count %u\n", dfns_version(), count);

    dfns_assertion_free(&result);
    dfns_public_key_free(&key);
    dfns_registration_free(&verified);
    dfns_response_free(&as);
    dfns_response_free(&reg);
    dfns_authenticator_free(&auth);
    dfns_policy_free(&policy);
    return count == 1 ? 0 : 1;
}
