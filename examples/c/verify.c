/*
 * examples/c/verify.c — a WebAuthn registration and assertion, verified with libdfns_bridge from C
 * (the relying-party side of the library, no Dfns API and no server: examples/c/main.c runs the
 * Delegated Signing walkthrough against a sandbox).
 *
 * The software authenticator plays the user's device; a policy plays the relying party. The
 * program prints one line per check and exits 0 when all pass, 1 otherwise. Every status is
 * checked, and every handle is freed on every path (run it under valgrind to see).
 *
 * Build (from the repository root, after scripts/build-shared.sh):
 *   gcc -std=c11 -Wall -Wextra -Werror -pedantic -I include examples/c/verify.c \
 *       -L build/lib -ldfns_bridge -Wl,-rpath,"$PWD/build/lib" -o build/examples/example_c_verify
 */
#include "dfns_bridge.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

static const char RP_ID[] = "example.org";
static const char ORIGIN[] = "https://example.org";

static int checks = 0;

/* Reports a failed call with the library's status name and message (read at once: the message
 * belongs to the last failing call on this thread). */
static void report_failure(const char *what, int status) {
    fprintf(stderr, "FAIL: %s: %s: %s\n", what, dfns_status_name(status), dfns_last_error());
}

/* Evaluates a call that returns a status; on failure reports it and jumps to cleanup. */
#define TRY(call)                                                                                  \
    do {                                                                                           \
        int status_ = (call);                                                                      \
        if (status_ != DFNS_OK) {                                                                  \
            report_failure(#call, status_);                                                        \
            goto cleanup;                                                                          \
        }                                                                                          \
    } while (0)

/* Fails the example with a message unless `cond` holds. */
#define REQUIRE(cond, ...)                                                                         \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "FAIL: " __VA_ARGS__);                                                 \
            fputc('\n', stderr);                                                                   \
            goto cleanup;                                                                          \
        }                                                                                          \
    } while (0)

/* Prints one passed check. */
#define PASSED(...)                                                                                \
    do {                                                                                           \
        ++checks;                                                                                  \
        printf("ok: " __VA_ARGS__);                                                                \
        putchar('\n');                                                                             \
    } while (0)

int main(void) {
    int exit_code = 1;
    dfns_authenticator_t *authenticator = NULL;
    dfns_policy_t *policy = NULL;
    dfns_response_t *created = NULL;
    dfns_registration_t *registration = NULL;
    dfns_public_key_t *key = NULL;
    dfns_response_t *asserted = NULL;
    dfns_assertion_t *assertion = NULL;
    dfns_assertion_t *rejected = NULL;

    /* A real relying party draws a fresh random challenge (at least 16 bytes) per ceremony and
     * consumes it once; fixed values keep the example reproducible. */
    const uint8_t registration_challenge[32] = "registration challenge 0123456";
    const uint8_t assertion_challenge[32] = "assertion challenge 0123456789";
    const uint8_t user_handle[] = {'u', 's', 'e', 'r', '-', '4', '2'};

    printf("dfns-bridge C verification example (library %s, header %s)\n", dfns_version(), DFNS_BRIDGE_VERSION_STRING);

    /* 1. The library the program runs with is the one it was compiled for. */
    REQUIRE(dfns_version_number() == DFNS_BRIDGE_VERSION_NUMBER, "library version %s does not match header %s",
            dfns_version(), DFNS_BRIDGE_VERSION_STRING);
    PASSED("library version %s matches the header", dfns_version());

    /* 2. The relying party's policy: its RP ID and the one origin it serves. */
    TRY(dfns_policy_new(RP_ID, &policy));
    TRY(dfns_policy_add_origin(policy, ORIGIN));
    PASSED("policy for RP ID %s, origin %s", RP_ID, ORIGIN);

    /* 3. The user's device creates an ES256 credential with packed self attestation. */
    TRY(dfns_authenticator_new(&authenticator));
    TRY(dfns_authenticator_register(authenticator, RP_ID, ORIGIN, registration_challenge, sizeof registration_challenge,
                                    DFNS_COSE_ES256, DFNS_ATTESTATION_PACKED_SELF, user_handle, sizeof user_handle, 1,
                                    &created));
    {
        const uint8_t *client_data = NULL, *attestation_object = NULL, *credential_id = NULL, *id = NULL;
        size_t client_data_len = 0, attestation_object_len = 0, credential_id_len = 0, id_len = 0;
        const char *fmt = NULL, *type = NULL;
        int trusted = -1;
        uint32_t sign_count = 0;
        uint8_t flags = 0;

        TRY(dfns_response_get(created, DFNS_RESPONSE_CREDENTIAL_ID, &credential_id, &credential_id_len));
        TRY(dfns_response_get(created, DFNS_RESPONSE_CLIENT_DATA_JSON, &client_data, &client_data_len));
        TRY(dfns_response_get(created, DFNS_RESPONSE_ATTESTATION_OBJECT, &attestation_object, &attestation_object_len));
        PASSED("software authenticator created an ES256 credential (%zu-byte ID, attestation object %zu bytes)",
               credential_id_len, attestation_object_len);

        /* 4. The relying party verifies the registration against the challenge it issued. */
        TRY(dfns_registration_verify(policy, client_data, client_data_len, attestation_object, attestation_object_len,
                                     registration_challenge, sizeof registration_challenge, &registration));
        TRY(dfns_registration_format(registration, &fmt));
        TRY(dfns_registration_attestation_type(registration, &type));
        TRY(dfns_registration_attestation_trusted(registration, &trusted));
        TRY(dfns_registration_sign_count(registration, &sign_count));
        TRY(dfns_registration_flags(registration, &flags));
        REQUIRE(strcmp(fmt, "packed") == 0 && strcmp(type, "self") == 0, "expected packed self attestation, got %s/%s", fmt,
                type);
        REQUIRE((flags & 0x45) == 0x45, "expected UP, UV and AT in flags 0x%02x", flags);
        PASSED("registration verified: fmt=%s, attestation=%s, trusted=%s, sign count %u, flags 0x%02x", fmt, type,
               trusted ? "yes" : "no", (unsigned)sign_count, flags);

        /* 5. The record to store: credential ID and public key. */
        TRY(dfns_registration_credential_id(registration, &id, &id_len));
        REQUIRE(id_len == credential_id_len && memcmp(id, credential_id, id_len) == 0,
                "the verified credential ID differs from the response's");
        TRY(dfns_registration_public_key(registration, &key));
        REQUIRE(dfns_public_key_alg(key) == DFNS_COSE_ES256, "expected an ES256 key, got alg %d",
                (int)dfns_public_key_alg(key));
        PASSED("credential record: %zu-byte ID matches the response, ES256 public key", id_len);
    }

    /* 6. Later, the device signs an assertion for a new challenge. */
    {
        const uint8_t *credential_id = NULL, *client_data = NULL, *authenticator_data = NULL, *signature = NULL,
                      *returned_handle = NULL;
        size_t credential_id_len = 0, client_data_len = 0, authenticator_data_len = 0, signature_len = 0,
               returned_handle_len = 0;
        uint32_t sign_count = 0;
        uint8_t flags = 0;
        int regressed = -1;
        dfns_stored_credential record;
        int status;

        TRY(dfns_registration_credential_id(registration, &credential_id, &credential_id_len));
        TRY(dfns_authenticator_authenticate(authenticator, RP_ID, ORIGIN, assertion_challenge, sizeof assertion_challenge,
                                            credential_id, credential_id_len, 1, &asserted));
        TRY(dfns_response_get(asserted, DFNS_RESPONSE_CLIENT_DATA_JSON, &client_data, &client_data_len));
        TRY(dfns_response_get(asserted, DFNS_RESPONSE_AUTHENTICATOR_DATA, &authenticator_data, &authenticator_data_len));
        TRY(dfns_response_get(asserted, DFNS_RESPONSE_SIGNATURE, &signature, &signature_len));
        TRY(dfns_response_get(asserted, DFNS_RESPONSE_USER_HANDLE, &returned_handle, &returned_handle_len));
        REQUIRE(returned_handle_len == sizeof user_handle && memcmp(returned_handle, user_handle, sizeof user_handle) == 0,
                "the assertion's user handle differs from the one registered");
        PASSED("software authenticator signed an assertion (%zu-byte signature, user handle returned)", signature_len);

        /* 7. The relying party verifies it with the stored key and counter. */
        TRY(dfns_registration_sign_count(registration, &record.sign_count));
        record.key = key;
        record.backup_eligible = 0;
        TRY(dfns_assertion_verify(policy, &record, client_data, client_data_len, authenticator_data, authenticator_data_len,
                                  signature, signature_len, assertion_challenge, sizeof assertion_challenge, &assertion));
        TRY(dfns_assertion_sign_count(assertion, &sign_count));
        TRY(dfns_assertion_flags(assertion, &flags));
        TRY(dfns_assertion_sign_count_regressed(assertion, &regressed));
        REQUIRE(sign_count == 1 && !regressed, "expected sign count 1 without regression, got %u/%d", (unsigned)sign_count,
                regressed);
        PASSED("assertion verified: sign count %u, flags 0x%02x, counter regressed=%s", (unsigned)sign_count, flags,
               regressed ? "yes" : "no");

        /* 8. A replay of the same assertion after storing the new counter is rejected. */
        record.sign_count = sign_count;
        status = dfns_assertion_verify(policy, &record, client_data, client_data_len, authenticator_data,
                                       authenticator_data_len, signature, signature_len, assertion_challenge,
                                       sizeof assertion_challenge, &rejected);
        REQUIRE(status == DFNS_ERR_SIGN_COUNT_NOT_INCREASED && rejected == NULL,
                "replay: expected DFNS_ERR_SIGN_COUNT_NOT_INCREASED, got %s", dfns_status_name(status));
        PASSED("replayed assertion rejected: %s (%s)", dfns_status_name(status), dfns_last_error());

        /* 9. An assertion answering another challenge is rejected. */
        record.sign_count = 0;
        status = dfns_assertion_verify(policy, &record, client_data, client_data_len, authenticator_data,
                                       authenticator_data_len, signature, signature_len, registration_challenge,
                                       sizeof registration_challenge, &rejected);
        REQUIRE(status == DFNS_ERR_CHALLENGE_MISMATCH && rejected == NULL,
                "wrong challenge: expected DFNS_ERR_CHALLENGE_MISMATCH, got %s", dfns_status_name(status));
        PASSED("assertion for another challenge rejected: %s", dfns_status_name(status));
    }

    printf("all %d checks passed\n", checks);
    exit_code = 0;

cleanup:
    /* Every free accepts NULL and sets the pointer to NULL. */
    dfns_assertion_free(&rejected);
    dfns_assertion_free(&assertion);
    dfns_response_free(&asserted);
    dfns_public_key_free(&key);
    dfns_registration_free(&registration);
    dfns_response_free(&created);
    dfns_authenticator_free(&authenticator);
    dfns_policy_free(&policy);
    return exit_code;
}
