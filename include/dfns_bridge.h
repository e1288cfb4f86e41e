/*
 * dfns_bridge.h — the C interface of dfns-bridge.
 *
 * WebAuthn registration and assertion verification (every attestation format, every algorithm
 * OpenSSL 3.0 verifies), kept public keys, COSE/SPKI/PEM conversion, a software authenticator for
 * tests, and inspection of WebAuthn structures. Later versions add the Dfns client.
 *
 * Conventions (the whole header follows them; each declaration documents its exceptions):
 *  - Every function that can fail returns an `int` status: DFNS_OK (0) or a negative
 *    DFNS_ERR_* code. dfns_status_name() names a code; dfns_last_error() gives the calling
 *    thread's message for the last failure ("what was expected, what was found").
 *  - Pointer arguments must not be NULL unless documented. A NULL where one is required returns
 *    DFNS_ERR_INVALID_ARGUMENT; the library never crashes the host on bad input.
 *  - Byte inputs are (const uint8_t *ptr, size_t len); ptr may be NULL only when len is 0.
 *    Strings are NUL-terminated UTF-8. Nothing the caller passes is kept after the call returns.
 *  - Handles are opaque. *_new / *_parse / *_verify create them; *_free releases them, accepts
 *    NULL (and a pointer to NULL) and sets the caller's pointer to NULL.
 *  - Getters return borrowed pointers valid until the handle is freed; the caller does not free them.
 *  - Memory the library allocates for the caller (char **, uint8_t ** outputs) is released with
 *    dfns_free().
 *  - Outputs are written only on success; on failure out-handles are set to NULL and lengths to 0.
 *  - Thread safety: functions that take a `const` handle may be called on the same handle from
 *    many threads at once. A non-const handle needs exclusive access while the call runs.
 *    Policies, public keys and results are immutable once built and may be shared.
 *
 * Args / In / Out in the comments follow libsecp256k1's header style.
 */
#ifndef DFNS_BRIDGE_H
#define DFNS_BRIDGE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The nullability qualifiers are a clang extension; -pedantic would warn on each use. */
#if defined(__clang__)
#  pragma clang diagnostic push
#  pragma clang diagnostic ignored "-Wnullability-extension"
#endif

/* ----------------------------------------------------------------------------------------------
 * Portability macros
 * ------------------------------------------------------------------------------------------- */

#if defined(__GNUC__) || defined(__clang__)
#  define DFNS_API __attribute__((visibility("default")))
#  define DFNS_WARN_UNUSED_RESULT __attribute__((__warn_unused_result__))
#else
#  define DFNS_API
#  define DFNS_WARN_UNUSED_RESULT
#endif

#if defined(__clang__)
#  define DFNS_NONNULL _Nonnull
#  define DFNS_NULLABLE _Nullable
#else
#  define DFNS_NONNULL
#  define DFNS_NULLABLE
#endif

/* ----------------------------------------------------------------------------------------------
 * Versions
 * ------------------------------------------------------------------------------------------- */

#define DFNS_BRIDGE_VERSION_MAJOR 0
#define DFNS_BRIDGE_VERSION_MINOR 1
#define DFNS_BRIDGE_VERSION_PATCH 0
#define DFNS_BRIDGE_VERSION_STRING "0.1.0"
/** MAJOR * 10000 + MINOR * 100 + PATCH, as dfns_version_number() returns it. */
#define DFNS_BRIDGE_VERSION_NUMBER \
    (DFNS_BRIDGE_VERSION_MAJOR * 10000 + DFNS_BRIDGE_VERSION_MINOR * 100 + DFNS_BRIDGE_VERSION_PATCH)

/** The library's version string, e.g. "0.1.0".
 *  Returns: a static string; never NULL, never freed. Thread-safe. */
DFNS_API const char *DFNS_NONNULL dfns_version(void);

/** The library's version as MAJOR * 10000 + MINOR * 100 + PATCH. Compare it with
 *  DFNS_BRIDGE_VERSION_NUMBER to detect a header/library mismatch at run time. Thread-safe. */
DFNS_API uint32_t dfns_version_number(void);

/* ----------------------------------------------------------------------------------------------
 * Status codes and errors
 * ------------------------------------------------------------------------------------------- */

/** Status codes. 0 is success; failures are negative. Values never change; new ones are appended.
 *  The WebAuthn codes are the negated codes of the Swift `WebAuthnError.Code`. */
typedef enum dfns_status {
    DFNS_OK = 0,

    /* Calling errors (1..99) */
    DFNS_ERR_INVALID_ARGUMENT = -1,     /**< NULL where a pointer is required, bad enum value, ... */
    DFNS_ERR_BUFFER_TOO_SMALL = -2,     /**< reserved for caller-buffer outputs */
    DFNS_ERR_OUT_OF_MEMORY = -3,        /**< an allocation failed */
    DFNS_ERR_NOT_FOUND = -4,            /**< the requested item is absent (e.g. no such credential) */
    DFNS_ERR_UNSUPPORTED = -5,          /**< the operation is not available for this input */

    /* Input structure (100..199) */
    DFNS_ERR_MALFORMED_CBOR = -100,
    DFNS_ERR_TRAILING_BYTES = -101,
    DFNS_ERR_MALFORMED_CLIENT_DATA = -102,
    DFNS_ERR_MALFORMED_ATTESTATION_OBJECT = -103,
    DFNS_ERR_MALFORMED_AUTHENTICATOR_DATA = -104,
    DFNS_ERR_MALFORMED_COSE_KEY = -105,
    DFNS_ERR_MALFORMED_ENCODING = -106,
    DFNS_ERR_INPUT_TOO_LARGE = -107,

    /* Client data (200..299) */
    DFNS_ERR_CLIENT_DATA_TYPE = -200,
    DFNS_ERR_CHALLENGE_MISMATCH = -201,
    DFNS_ERR_ORIGIN_NOT_ALLOWED = -202,
    DFNS_ERR_CROSS_ORIGIN_NOT_ALLOWED = -203,
    DFNS_ERR_TOP_ORIGIN_NOT_ALLOWED = -204,

    /* Authenticator data (300..399) */
    DFNS_ERR_RP_ID_HASH_MISMATCH = -300,
    DFNS_ERR_USER_PRESENCE_MISSING = -301,
    DFNS_ERR_USER_VERIFICATION_MISSING = -302,
    DFNS_ERR_BACKUP_STATE_WITHOUT_ELIGIBILITY = -303,
    DFNS_ERR_BACKUP_ELIGIBILITY_CHANGED = -304,
    DFNS_ERR_ATTESTED_CREDENTIAL_DATA_MISSING = -305,
    DFNS_ERR_UNEXPECTED_ATTESTED_CREDENTIAL_DATA = -306,
    DFNS_ERR_CREDENTIAL_ID_TOO_LONG = -307,
    DFNS_ERR_SIGN_COUNT_NOT_INCREASED = -308,
    DFNS_ERR_CREDENTIAL_ID_MISMATCH = -309,

    /* Keys and signatures (400..499) */
    DFNS_ERR_UNSUPPORTED_ALGORITHM = -400,
    DFNS_ERR_ALGORITHM_NOT_ALLOWED = -401,
    DFNS_ERR_INVALID_PUBLIC_KEY = -402,
    DFNS_ERR_SIGNATURE_INVALID = -403,

    /* Attestation (500..599) */
    DFNS_ERR_UNSUPPORTED_ATTESTATION_FORMAT = -500,
    DFNS_ERR_MALFORMED_ATTESTATION_STATEMENT = -501,
    DFNS_ERR_ATTESTATION_CERTIFICATE_INVALID = -502,
    DFNS_ERR_ATTESTATION_NOT_TRUSTED = -503,
    DFNS_ERR_AAGUID_MISMATCH = -504,
    DFNS_ERR_ATTESTED_KEY_MISMATCH = -505,
    DFNS_ERR_ATTESTATION_BINDING_MISMATCH = -506,
    DFNS_ERR_ATTESTATION_POLICY_VIOLATION = -507,
    DFNS_ERR_SHA1_NOT_ALLOWED = -508,

    /* Other */
    DFNS_ERR_INVALID_POLICY = -900,     /**< the policy cannot be used (e.g. empty RP ID) */
    DFNS_ERR_INTERNAL = -999            /**< an unexpected failure inside a dependency */
} dfns_status;

/** The name of a status code, e.g. "DFNS_ERR_CHALLENGE_MISMATCH"; "DFNS_ERR_UNKNOWN" for a
 *  value this version does not define.
 *  Returns: a static string; never NULL, never freed. Thread-safe. */
DFNS_API const char *DFNS_NONNULL dfns_status_name(int status);

/** The message of the last failed call made on this thread ("" when none failed yet). Calls that
 *  succeed do not clear it.
 *  Returns: a thread-local string, valid until the next failing call on the same thread; never NULL. */
DFNS_API const char *DFNS_NONNULL dfns_last_error(void);

/** Releases memory the library allocated for the caller (char ** and uint8_t ** outputs).
 *  Args: ptr: the pointer, or NULL (ignored). */
DFNS_API void dfns_free(void *DFNS_NULLABLE ptr);

/* ----------------------------------------------------------------------------------------------
 * COSE algorithms
 * ------------------------------------------------------------------------------------------- */

/** COSE algorithm identifiers the library verifies (and, where marked, signs with). */
typedef enum dfns_cose_alg {
    DFNS_COSE_ES256 = -7,       /**< ECDSA P-256 SHA-256 (sign) */
    DFNS_COSE_ESP256 = -9,
    DFNS_COSE_ES384 = -35,
    DFNS_COSE_ESP384 = -51,
    DFNS_COSE_ES512 = -36,
    DFNS_COSE_ESP512 = -52,
    DFNS_COSE_ES256K = -47,     /**< ECDSA secp256k1 SHA-256 (sign) */
    DFNS_COSE_EDDSA = -8,       /**< Ed25519 (sign) */
    DFNS_COSE_ED25519 = -19,
    DFNS_COSE_ED448 = -53,
    DFNS_COSE_RS256 = -257,     /**< RSASSA-PKCS1-v1_5 SHA-256 (sign) */
    DFNS_COSE_RS384 = -258,
    DFNS_COSE_RS512 = -259,
    DFNS_COSE_RS1 = -65535,     /**< only with DFNS_POLICY_ALLOW_SHA1 */
    DFNS_COSE_PS256 = -37,
    DFNS_COSE_PS384 = -38,
    DFNS_COSE_PS512 = -39
} dfns_cose_alg;

/* ----------------------------------------------------------------------------------------------
 * Public keys
 * ------------------------------------------------------------------------------------------- */

/** An imported, validated public key with its COSE algorithm. Immutable: import once, verify many
 *  times, share across threads. */
typedef struct dfns_public_key dfns_public_key_t;

/** Imports a COSE_Key (the credential public key a relying party stores).
 *  Returns: DFNS_OK, or DFNS_ERR_MALFORMED_CBOR / _TRAILING_BYTES / _MALFORMED_COSE_KEY /
 *           _UNSUPPORTED_ALGORITHM / _INVALID_PUBLIC_KEY.
 *  In:  cose, cose_len: the COSE_Key bytes (strict CTAP2 canonical CBOR).
 *  Out: out: the new key; free with dfns_public_key_free. */
DFNS_API DFNS_WARN_UNUSED_RESULT int dfns_public_key_parse_cose(
    const uint8_t *DFNS_NULLABLE cose, size_t cose_len, dfns_public_key_t *DFNS_NULLABLE *DFNS_NULLABLE out);

/** Imports a DER SubjectPublicKeyInfo or a PEM "PUBLIC KEY" block and pairs it with `alg`.
 *  Returns: DFNS_OK, DFNS_ERR_MALFORMED_ENCODING (neither DER nor PEM), DFNS_ERR_INVALID_PUBLIC_KEY,
 *           or DFNS_ERR_UNSUPPORTED_ALGORITHM when alg does not fit the key.
 *  In:  data, len: DER bytes, or PEM text (not necessarily NUL-terminated).
 *       alg: the dfns_cose_alg the key will verify with.
 *  Out: out: the new key; free with dfns_public_key_free. */
DFNS_API DFNS_WARN_UNUSED_RESULT int dfns_public_key_parse_spki(
    const uint8_t *DFNS_NULLABLE data, size_t len, int32_t alg, dfns_public_key_t *DFNS_NULLABLE *DFNS_NULLABLE out);

/** Releases a key. Args: key: a pointer to the handle, or NULL; *key may be NULL. Sets *key to NULL. */
DFNS_API void dfns_public_key_free(dfns_public_key_t *DFNS_NULLABLE *DFNS_NULLABLE key);

/** The key's COSE algorithm (a dfns_cose_alg value). Returns 0 for a NULL key. */
DFNS_API int32_t dfns_public_key_alg(const dfns_public_key_t *DFNS_NULLABLE key);

/** The key as canonical COSE_Key bytes.
 *  Returns: DFNS_OK or DFNS_ERR_INVALID_ARGUMENT.
 *  Out: ptr, len: borrowed bytes valid until the key is freed. */
DFNS_API DFNS_WARN_UNUSED_RESULT int dfns_public_key_cose(
    const dfns_public_key_t *DFNS_NULLABLE key, const uint8_t *DFNS_NULLABLE *DFNS_NULLABLE ptr, size_t *DFNS_NULLABLE len);

/** The key as DER SubjectPublicKeyInfo.
 *  Out: ptr, len: borrowed bytes valid until the key is freed. */
DFNS_API DFNS_WARN_UNUSED_RESULT int dfns_public_key_spki(
    const dfns_public_key_t *DFNS_NULLABLE key, const uint8_t *DFNS_NULLABLE *DFNS_NULLABLE ptr, size_t *DFNS_NULLABLE len);

/** The key as a PEM "PUBLIC KEY" block.
 *  Out: pem: a borrowed NUL-terminated string valid until the key is freed. */
DFNS_API DFNS_WARN_UNUSED_RESULT int dfns_public_key_pem(
    const dfns_public_key_t *DFNS_NULLABLE key, const char *DFNS_NULLABLE *DFNS_NULLABLE pem);

/** Verifies a signature over `message` with the key's algorithm (DER for ECDSA, raw for EdDSA
 *  and RSA), the primitive behind assertions, for hosts that build their own signed data.
 *  Returns: DFNS_OK when it verifies, DFNS_ERR_SIGNATURE_INVALID when it does not,
 *           DFNS_ERR_SHA1_NOT_ALLOWED for an RS1 key (verify RS1 through a policy instead).
 *  Thread-safe on a shared key. */
DFNS_API DFNS_WARN_UNUSED_RESULT int dfns_public_key_verify(
    const dfns_public_key_t *DFNS_NULLABLE key,
    const uint8_t *DFNS_NULLABLE message, size_t message_len,
    const uint8_t *DFNS_NULLABLE signature, size_t signature_len);

/* ----------------------------------------------------------------------------------------------
 * Relying-party policy
 * ------------------------------------------------------------------------------------------- */

/** What a relying party accepts: RP ID, origins, flags, algorithms, trust anchors, time.
 *  Build it (non-const calls, one thread), then share it read-only across threads. */
typedef struct dfns_policy dfns_policy_t;

/** Boolean policy options for dfns_policy_set_option. Defaults are given in brackets. */
typedef enum dfns_policy_option {
    DFNS_POLICY_ALLOW_CROSS_ORIGIN = 1,          /**< accept crossOrigin: true [off] */
    DFNS_POLICY_REQUIRE_USER_VERIFICATION = 2,   /**< UV must be set [off] */
    DFNS_POLICY_REQUIRE_USER_PRESENCE = 3,       /**< UP must be set [on] */
    DFNS_POLICY_ALLOW_SHA1 = 4,                  /**< RS1 signatures and SHA-1 certificates [off] */
    DFNS_POLICY_USE_BUILTIN_TRUST_ANCHORS = 5,   /**< Apple, Google, GlobalSign roots [on] */
    DFNS_POLICY_REQUIRE_TRUSTED_ATTESTATION = 6, /**< fail unless the chain reaches an anchor [off] */
    DFNS_POLICY_ALLOW_SELF_ATTESTATION = 7,      /**< [on] */
    DFNS_POLICY_ALLOW_NONE_ATTESTATION = 8,      /**< [on] */
    DFNS_POLICY_COMPOUND_REQUIRES_ALL = 9,       /**< every compound sub-statement must verify [on] */
    DFNS_POLICY_FLAG_SIGN_COUNT_REGRESSION = 10, /**< a non-increasing counter is reported, not rejected [off] */
    DFNS_POLICY_ENFORCE_CERTIFICATE_PROFILE = 11,/**< packed certificate requirements (§8.2.1) [on] */
    DFNS_POLICY_ALLOW_INDEFINITE_LENGTH_CBOR = 12,/**< indefinite-length items in attestation objects [off] */
    DFNS_POLICY_ANDROID_KEY_REQUIRE_ORIGIN_GENERATED = 13, /**< [on] */
    DFNS_POLICY_ANDROID_KEY_REQUIRE_PURPOSE_SIGN = 14,     /**< [on] */
    DFNS_POLICY_ANDROID_KEY_TEE_ENFORCED_ONLY = 15,        /**< [off] */
    DFNS_POLICY_SAFETYNET_REQUIRE_CTS_PROFILE_MATCH = 16,  /**< [on] */
    DFNS_POLICY_SAFETYNET_CHECK_TIMESTAMP = 17  /**< timestampMs at most 60 s before and 10 s after the verification time [on] */
} dfns_policy_option;

/** Creates a policy for `rp_id` with no allowed origins yet and the defaults above.
 *  Returns: DFNS_OK, DFNS_ERR_INVALID_ARGUMENT (NULL or empty rp_id, invalid UTF-8).
 *  In:  rp_id: the RP ID, e.g. "example.org".
 *  Out: out: the new policy; free with dfns_policy_free. */
DFNS_API DFNS_WARN_UNUSED_RESULT int dfns_policy_new(
    const char *DFNS_NULLABLE rp_id, dfns_policy_t *DFNS_NULLABLE *DFNS_NULLABLE out);

/** Releases a policy. Accepts NULL; sets *policy to NULL. */
DFNS_API void dfns_policy_free(dfns_policy_t *DFNS_NULLABLE *DFNS_NULLABLE policy);

/** Adds an exact origin accepted in clientDataJSON ("https://login.example.org",
 *  "android:apk-key-hash:<base64url>", an iOS app's associated-domain origin).
 *  Returns: DFNS_OK or DFNS_ERR_INVALID_ARGUMENT. Needs exclusive access to the policy. */
DFNS_API DFNS_WARN_UNUSED_RESULT int dfns_policy_add_origin(dfns_policy_t *DFNS_NULLABLE policy, const char *DFNS_NULLABLE origin);

/** Adds an accepted topOrigin (only used with DFNS_POLICY_ALLOW_CROSS_ORIGIN). */
DFNS_API DFNS_WARN_UNUSED_RESULT int dfns_policy_add_top_origin(dfns_policy_t *DFNS_NULLABLE policy, const char *DFNS_NULLABLE origin);

/** Sets a boolean option.
 *  Returns: DFNS_OK, or DFNS_ERR_INVALID_ARGUMENT for an unknown option.
 *  In: option: a dfns_policy_option; enabled: 0 or 1 (any non-zero value is 1). */
DFNS_API DFNS_WARN_UNUSED_RESULT int dfns_policy_set_option(dfns_policy_t *DFNS_NULLABLE policy, int option, int enabled);

/** Reads a boolean option into *enabled (0 or 1). */
DFNS_API DFNS_WARN_UNUSED_RESULT int dfns_policy_get_option(
    const dfns_policy_t *DFNS_NULLABLE policy, int option, int *DFNS_NULLABLE enabled);

/** Replaces the accepted credential algorithms (registration's pubKeyCredParams).
 *  Returns: DFNS_OK, DFNS_ERR_INVALID_ARGUMENT (count 0 or NULL), DFNS_ERR_UNSUPPORTED_ALGORITHM
 *           (a value that is not a dfns_cose_alg). */
DFNS_API DFNS_WARN_UNUSED_RESULT int dfns_policy_set_algorithms(
    dfns_policy_t *DFNS_NULLABLE policy, const int32_t *DFNS_NULLABLE algs, size_t count);

/** Sets the time at which attestation certificates are validated, in Unix seconds.
 *  A negative value restores the default (the current time at each verification).
 *  Returns: DFNS_OK, or DFNS_ERR_INVALID_ARGUMENT for a time after 9999-12-31T23:59:59Z. */
DFNS_API DFNS_WARN_UNUSED_RESULT int dfns_policy_set_verification_time(dfns_policy_t *DFNS_NULLABLE policy, int64_t unix_seconds);

/** Adds a trust anchor for one attestation format ("packed", "tpm", "fido-u2f", "android-key",
 *  "apple", "android-safetynet"). The certificate may be a root, an intermediate or an
 *  attestation certificate itself.
 *  Returns: DFNS_OK, DFNS_ERR_INVALID_ARGUMENT, DFNS_ERR_ATTESTATION_CERTIFICATE_INVALID.
 *  In: format: the fmt; cert, cert_len: one DER certificate or PEM text (one or more
 *      CERTIFICATE blocks). */
DFNS_API DFNS_WARN_UNUSED_RESULT int dfns_policy_add_trust_anchor(
    dfns_policy_t *DFNS_NULLABLE policy, const char *DFNS_NULLABLE format,
    const uint8_t *DFNS_NULLABLE cert, size_t cert_len);

/* ----------------------------------------------------------------------------------------------
 * Registration (WebAuthn §7.1)
 * ------------------------------------------------------------------------------------------- */

/** A verified registration: the credential record to store. Immutable. */
typedef struct dfns_registration dfns_registration_t;

/** Verifies a registration response under `policy`.
 *  The caller still issues and consumes the challenge and checks that the credential ID is new.
 *  Returns: DFNS_OK, or the DFNS_ERR_* of the first check that failed (message in dfns_last_error).
 *  In:  policy: the relying party's policy (shared, read-only).
 *       client_data_json: response.clientDataJSON, exact bytes.
 *       attestation_object: response.attestationObject.
 *       challenge: the challenge bytes issued for this ceremony.
 *  Out: out: the result; free with dfns_registration_free. Thread-safe on a shared policy. */
DFNS_API DFNS_WARN_UNUSED_RESULT int dfns_registration_verify(
    const dfns_policy_t *DFNS_NULLABLE policy,
    const uint8_t *DFNS_NULLABLE client_data_json, size_t client_data_json_len,
    const uint8_t *DFNS_NULLABLE attestation_object, size_t attestation_object_len,
    const uint8_t *DFNS_NULLABLE challenge, size_t challenge_len,
    dfns_registration_t *DFNS_NULLABLE *DFNS_NULLABLE out);

/** Like dfns_registration_verify, for CTAP-level callers that hold only the 32-byte
 *  clientDataHash: skips the clientDataJSON checks (type, challenge, origin). */
DFNS_API DFNS_WARN_UNUSED_RESULT int dfns_registration_verify_hash(
    const dfns_policy_t *DFNS_NULLABLE policy,
    const uint8_t *DFNS_NULLABLE client_data_hash, size_t client_data_hash_len,
    const uint8_t *DFNS_NULLABLE attestation_object, size_t attestation_object_len,
    dfns_registration_t *DFNS_NULLABLE *DFNS_NULLABLE out);

/** Releases a registration. Accepts NULL; sets *registration to NULL. */
DFNS_API void dfns_registration_free(dfns_registration_t *DFNS_NULLABLE *DFNS_NULLABLE registration);

/** The credential ID. Out: ptr, len: borrowed, valid until the registration is freed. */
DFNS_API DFNS_WARN_UNUSED_RESULT int dfns_registration_credential_id(
    const dfns_registration_t *DFNS_NULLABLE registration, const uint8_t *DFNS_NULLABLE *DFNS_NULLABLE ptr, size_t *DFNS_NULLABLE len);

/** The AAGUID (16 bytes). Out: ptr, len: borrowed. */
DFNS_API DFNS_WARN_UNUSED_RESULT int dfns_registration_aaguid(
    const dfns_registration_t *DFNS_NULLABLE registration, const uint8_t *DFNS_NULLABLE *DFNS_NULLABLE ptr, size_t *DFNS_NULLABLE len);

/** The credential public key as a new handle (share it; keep it for assertions).
 *  Out: key: a new reference; free it with dfns_public_key_free (independently of the registration). */
DFNS_API DFNS_WARN_UNUSED_RESULT int dfns_registration_public_key(
    const dfns_registration_t *DFNS_NULLABLE registration, dfns_public_key_t *DFNS_NULLABLE *DFNS_NULLABLE key);

/** The attestation statement format ("packed", "none", ...).
 *  Out: fmt: a borrowed NUL-terminated string. */
DFNS_API DFNS_WARN_UNUSED_RESULT int dfns_registration_format(
    const dfns_registration_t *DFNS_NULLABLE registration, const char *DFNS_NULLABLE *DFNS_NULLABLE fmt);

/** The attestation type: "basic", "self", "attca", "anonca", "none" or "compound".
 *  Out: type: a borrowed NUL-terminated string. */
DFNS_API DFNS_WARN_UNUSED_RESULT int dfns_registration_attestation_type(
    const dfns_registration_t *DFNS_NULLABLE registration, const char *DFNS_NULLABLE *DFNS_NULLABLE type);

/** Whether the attestation chained to a trust anchor (1) or not (0: no anchors configured for
 *  its format, or self/none attestation). */
DFNS_API DFNS_WARN_UNUSED_RESULT int dfns_registration_attestation_trusted(
    const dfns_registration_t *DFNS_NULLABLE registration, int *DFNS_NULLABLE trusted);

/** The signature counter at registration. */
DFNS_API DFNS_WARN_UNUSED_RESULT int dfns_registration_sign_count(
    const dfns_registration_t *DFNS_NULLABLE registration, uint32_t *DFNS_NULLABLE sign_count);

/** The authenticator data flags byte (UP 0x01, UV 0x04, BE 0x08, BS 0x10, AT 0x40, ED 0x80). */
DFNS_API DFNS_WARN_UNUSED_RESULT int dfns_registration_flags(
    const dfns_registration_t *DFNS_NULLABLE registration, uint8_t *DFNS_NULLABLE flags);

/** The authenticator extension outputs as CBOR (a map), or ptr NULL / len 0 when there are none. */
DFNS_API DFNS_WARN_UNUSED_RESULT int dfns_registration_extensions(
    const dfns_registration_t *DFNS_NULLABLE registration, const uint8_t *DFNS_NULLABLE *DFNS_NULLABLE ptr, size_t *DFNS_NULLABLE len);

/* ----------------------------------------------------------------------------------------------
 * Assertion (WebAuthn §7.2)
 * ------------------------------------------------------------------------------------------- */

/** A verified assertion: the values to update in the credential record. Immutable. */
typedef struct dfns_assertion dfns_assertion_t;

/** What the relying party stored about the credential. */
typedef struct dfns_stored_credential {
    const dfns_public_key_t *DFNS_NULLABLE key;   /**< the credential public key (required) */
    uint32_t sign_count;            /**< the last stored signature counter */
    int backup_eligible;            /**< the BE recorded at registration: 0, 1, or -1 to skip the check */
} dfns_stored_credential;

/** Verifies an assertion response under `policy` with a kept public key (no key import).
 *  Returns: DFNS_OK, or the DFNS_ERR_* of the first check that failed.
 *  In:  policy, credential: shared, read-only. credential->key must not be NULL.
 *       client_data_json, authenticator_data, signature: the response's exact bytes.
 *       challenge: the challenge bytes issued for this ceremony.
 *  Out: out: the result; free with dfns_assertion_free. Thread-safe on shared policy and key. */
DFNS_API DFNS_WARN_UNUSED_RESULT int dfns_assertion_verify(
    const dfns_policy_t *DFNS_NULLABLE policy, const dfns_stored_credential *DFNS_NULLABLE credential,
    const uint8_t *DFNS_NULLABLE client_data_json, size_t client_data_json_len,
    const uint8_t *DFNS_NULLABLE authenticator_data, size_t authenticator_data_len,
    const uint8_t *DFNS_NULLABLE signature, size_t signature_len,
    const uint8_t *DFNS_NULLABLE challenge, size_t challenge_len,
    dfns_assertion_t *DFNS_NULLABLE *DFNS_NULLABLE out);

/** Like dfns_assertion_verify for CTAP-level callers holding only the 32-byte clientDataHash. */
DFNS_API DFNS_WARN_UNUSED_RESULT int dfns_assertion_verify_hash(
    const dfns_policy_t *DFNS_NULLABLE policy, const dfns_stored_credential *DFNS_NULLABLE credential,
    const uint8_t *DFNS_NULLABLE client_data_hash, size_t client_data_hash_len,
    const uint8_t *DFNS_NULLABLE authenticator_data, size_t authenticator_data_len,
    const uint8_t *DFNS_NULLABLE signature, size_t signature_len,
    dfns_assertion_t *DFNS_NULLABLE *DFNS_NULLABLE out);

/** Releases an assertion. Accepts NULL; sets *assertion to NULL. */
DFNS_API void dfns_assertion_free(dfns_assertion_t *DFNS_NULLABLE *DFNS_NULLABLE assertion);

/** The new signature counter to store. */
DFNS_API DFNS_WARN_UNUSED_RESULT int dfns_assertion_sign_count(
    const dfns_assertion_t *DFNS_NULLABLE assertion, uint32_t *DFNS_NULLABLE sign_count);

/** The authenticator data flags byte. */
DFNS_API DFNS_WARN_UNUSED_RESULT int dfns_assertion_flags(
    const dfns_assertion_t *DFNS_NULLABLE assertion, uint8_t *DFNS_NULLABLE flags);

/** 1 when the counter did not increase and the policy only flags it (possible cloned
 *  authenticator), else 0. */
DFNS_API DFNS_WARN_UNUSED_RESULT int dfns_assertion_sign_count_regressed(
    const dfns_assertion_t *DFNS_NULLABLE assertion, int *DFNS_NULLABLE regressed);

/** The authenticator extension outputs as CBOR, or ptr NULL / len 0 when there are none. */
DFNS_API DFNS_WARN_UNUSED_RESULT int dfns_assertion_extensions(
    const dfns_assertion_t *DFNS_NULLABLE assertion, const uint8_t *DFNS_NULLABLE *DFNS_NULLABLE ptr, size_t *DFNS_NULLABLE len);

/* ----------------------------------------------------------------------------------------------
 * Software authenticator (tests, demos, hosts' own tests; keys live in process memory)
 * ------------------------------------------------------------------------------------------- */

/** A software authenticator holding credentials in memory. Thread-safe (internally locked). */
typedef struct dfns_authenticator dfns_authenticator_t;

/** A response the authenticator produced (registration or assertion). Immutable. */
typedef struct dfns_response dfns_response_t;

/** Attestation of registrations made by the software authenticator. */
typedef enum dfns_attestation_kind {
    DFNS_ATTESTATION_NONE = 0,          /**< fmt "none" */
    DFNS_ATTESTATION_PACKED_SELF = 1    /**< fmt "packed", self attestation */
} dfns_attestation_kind;

/** Fields of a dfns_response_t. */
typedef enum dfns_response_field {
    DFNS_RESPONSE_CREDENTIAL_ID = 1,
    DFNS_RESPONSE_CLIENT_DATA_JSON = 2,
    DFNS_RESPONSE_ATTESTATION_OBJECT = 3,   /**< registrations only */
    DFNS_RESPONSE_AUTHENTICATOR_DATA = 4,   /**< assertions only */
    DFNS_RESPONSE_SIGNATURE = 5,            /**< assertions only */
    DFNS_RESPONSE_USER_HANDLE = 6           /**< assertions only */
} dfns_response_field;

/** Creates an authenticator with an all-zero AAGUID. Out: out: free with dfns_authenticator_free. */
DFNS_API DFNS_WARN_UNUSED_RESULT int dfns_authenticator_new(dfns_authenticator_t *DFNS_NULLABLE *DFNS_NULLABLE out);

/** Releases an authenticator and wipes its keys. Accepts NULL; sets *authenticator to NULL. */
DFNS_API void dfns_authenticator_free(dfns_authenticator_t *DFNS_NULLABLE *DFNS_NULLABLE authenticator);

/** Creates a credential and returns a registration response.
 *  Returns: DFNS_OK, DFNS_ERR_INVALID_ARGUMENT, DFNS_ERR_UNSUPPORTED_ALGORITHM (alg not one of
 *           ES256, EdDSA, ES256K, RS256).
 *  In: rp_id, origin: written into authenticator data and clientDataJSON.
 *      challenge: the relying party's challenge. alg: a dfns_cose_alg.
 *      attestation: a dfns_attestation_kind. user_handle: returned with assertions (may be empty).
 *      user_verified: set UV (0/1).
 *  Out: out: free with dfns_response_free. */
DFNS_API DFNS_WARN_UNUSED_RESULT int dfns_authenticator_register(
    const dfns_authenticator_t *DFNS_NULLABLE authenticator, const char *DFNS_NULLABLE rp_id, const char *DFNS_NULLABLE origin,
    const uint8_t *DFNS_NULLABLE challenge, size_t challenge_len, int32_t alg, int attestation,
    const uint8_t *DFNS_NULLABLE user_handle, size_t user_handle_len, int user_verified,
    dfns_response_t *DFNS_NULLABLE *DFNS_NULLABLE out);

/** Signs an assertion with an existing credential (its counter increases by one).
 *  Returns: DFNS_OK, DFNS_ERR_INVALID_ARGUMENT, DFNS_ERR_NOT_FOUND (no such credential for rp_id).
 *  Out: out: free with dfns_response_free. */
DFNS_API DFNS_WARN_UNUSED_RESULT int dfns_authenticator_authenticate(
    const dfns_authenticator_t *DFNS_NULLABLE authenticator, const char *DFNS_NULLABLE rp_id, const char *DFNS_NULLABLE origin,
    const uint8_t *DFNS_NULLABLE challenge, size_t challenge_len,
    const uint8_t *DFNS_NULLABLE credential_id, size_t credential_id_len, int user_verified,
    dfns_response_t *DFNS_NULLABLE *DFNS_NULLABLE out);

/** Releases a response. Accepts NULL; sets *response to NULL. */
DFNS_API void dfns_response_free(dfns_response_t *DFNS_NULLABLE *DFNS_NULLABLE response);

/** One field of a response.
 *  Returns: DFNS_OK, DFNS_ERR_INVALID_ARGUMENT (unknown field), DFNS_ERR_NOT_FOUND (the field does
 *           not exist for this kind of response).
 *  Out: ptr, len: borrowed, valid until the response is freed. */
DFNS_API DFNS_WARN_UNUSED_RESULT int dfns_response_get(
    const dfns_response_t *DFNS_NULLABLE response, int field,
    const uint8_t *DFNS_NULLABLE *DFNS_NULLABLE ptr, size_t *DFNS_NULLABLE len);

/* ----------------------------------------------------------------------------------------------
 * Inspection
 * ------------------------------------------------------------------------------------------- */

/** What dfns_inspect decodes. */
typedef enum dfns_inspect_kind {
    DFNS_INSPECT_DETECT = 0,
    DFNS_INSPECT_ATTESTATION_OBJECT = 1,
    DFNS_INSPECT_AUTHENTICATOR_DATA = 2,
    DFNS_INSPECT_CLIENT_DATA = 3,
    DFNS_INSPECT_COSE_KEY = 4
} dfns_inspect_kind;

/** Output styles of dfns_inspect. */
typedef enum dfns_inspect_format {
    DFNS_INSPECT_TEXT = 0,  /**< for a person to read */
    DFNS_INSPECT_JSON = 1   /**< one JSON document */
} dfns_inspect_format;

/** Decodes a WebAuthn structure for a person to read, or as JSON. Nothing is verified beyond
 *  parsing.
 *  Returns: DFNS_OK, DFNS_ERR_INVALID_ARGUMENT, or the parse error of the structure.
 *  In:  data, len: raw bytes (not base64). kind: a dfns_inspect_kind. format: a dfns_inspect_format.
 *  Out: out: a NUL-terminated string; release with dfns_free. */
DFNS_API DFNS_WARN_UNUSED_RESULT int dfns_inspect(
    const uint8_t *DFNS_NULLABLE data, size_t len, int kind, int format, char *DFNS_NULLABLE *DFNS_NULLABLE out);

#if defined(__clang__)
#  pragma clang diagnostic pop
#endif

#ifdef __cplusplus
}
#endif

#endif /* DFNS_BRIDGE_H */
