/*
 * dfns_bridge.h — the C interface of dfns-bridge.
 *
 * WebAuthn registration and assertion verification (every attestation format, every algorithm
 * OpenSSL 3.0 verifies), kept public keys, COSE/SPKI/PEM conversion, a software authenticator for
 * tests, and inspection of WebAuthn structures; since 0.2, the Dfns client: signers for user
 * actions (Key credentials, host callbacks, passkeys, password-protected and recovery keys), the
 * API client over libcurl or a host transport, the delegated pair, and webhook and returned-
 * signature verification.
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
#define DFNS_BRIDGE_VERSION_MINOR 4
#define DFNS_BRIDGE_VERSION_PATCH 0
#define DFNS_BRIDGE_VERSION_STRING "0.4.0"
/** MAJOR * 10000 + MINOR * 100 + PATCH, as dfns_version_number() returns it. */
#define DFNS_BRIDGE_VERSION_NUMBER \
    (DFNS_BRIDGE_VERSION_MAJOR * 10000 + DFNS_BRIDGE_VERSION_MINOR * 100 + DFNS_BRIDGE_VERSION_PATCH)

/** The library's version string, e.g. "0.4.0".
 *  Returns: a static string; never NULL, never freed. Thread-safe. */
DFNS_API const char *DFNS_NONNULL dfns_version(void);

/** The library's version as MAJOR * 10000 + MINOR * 100 + PATCH. Compare it with
 *  DFNS_BRIDGE_VERSION_NUMBER to detect a header/library mismatch at run time. Thread-safe. */
DFNS_API uint32_t dfns_version_number(void);

/* ----------------------------------------------------------------------------------------------
 * Status codes and errors
 * ------------------------------------------------------------------------------------------- */

/** Status codes. 0 is success; failures are negative. Values never change; new ones are appended.
 *  The WebAuthn codes are the negated codes of the Swift `WebAuthnError.Code`; the calling errors
 *  among them map by one table, the same in every function (since 0.4): `invalid_policy` (900) is
 *  DFNS_ERR_INVALID_POLICY, `invalid_argument` (901) DFNS_ERR_INVALID_ARGUMENT, `unknown_credential`
 *  (902) DFNS_ERR_NOT_FOUND; `internal_error` (999) is DFNS_ERR_INTERNAL. */
typedef enum dfns_status {
    DFNS_OK = 0,

    /* Calling errors (-1..-99) */
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
    DFNS_ERR_MALFORMED_CREDENTIAL_JSON = -108, /**< a PublicKeyCredential.toJSON() document is not JSON, lacks a
                                                    member, has one of the wrong type or bad base64url, or its
                                                    id/rawId/type disagree (since 0.4) */

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
    DFNS_ERR_METADATA_INVALID = -510,                   /**< an MDS3 BLOB was refused (signature, chain, format, stale); since 0.4 */
    DFNS_ERR_AUTHENTICATOR_STATUS_NOT_ACCEPTED = -511,  /**< the metadata status of the authenticator is refused (e.g. REVOKED); since 0.4 */
    DFNS_ERR_METADATA_ENTRY_MISSING = -512,             /**< the policy requires a metadata entry and the BLOB has none; since 0.4 */

    /* Transport: no complete HTTP exchange (600..699) */
    DFNS_ERR_TRANSPORT_CONNECT = -600,          /**< no connection: refused, unreachable, or the host name did not resolve */
    DFNS_ERR_TRANSPORT_TIMEOUT = -601,          /**< the connect or total timeout expired */
    DFNS_ERR_TRANSPORT_TLS = -602,              /**< the TLS handshake failed (untrusted certificate, wrong host name) */
    DFNS_ERR_TRANSPORT_MALFORMED_RESPONSE = -603,/**< the reply was not a complete HTTP response (a write is then never re-sent) */
    DFNS_ERR_TRANSPORT_RESPONSE_TOO_LARGE = -604,/**< the response exceeded the transport's size bound */
    DFNS_ERR_TRANSPORT_CALLBACK = -605,         /**< the host's transport callback failed or broke its contract */
    DFNS_ERR_TRANSPORT = -699,                  /**< any other transport failure */

    /* The Dfns API (700..799); the result handle holds the status, error id and request id */
    DFNS_ERR_API = -700,                        /**< the API answered a 4xx or 5xx status */
    DFNS_ERR_API_INVALID_RESPONSE = -701,       /**< a success status whose body is not what the endpoint returns */
    DFNS_ERR_RETURNED_SIGNATURE_INVALID = -702, /**< a signature the API returned does not match its key */

    /* Signers and Dfns cryptography (800..899) */
    DFNS_ERR_SIGNER = -800,                     /**< the signer could not sign (the message never holds key material) */
    DFNS_ERR_SIGNER_REQUIRED = -801,            /**< the request needs a user action and the client has no signer */
    DFNS_ERR_SIGNER_CALLBACK = -802,            /**< the host's signing callback failed or returned an unusable signature */
    DFNS_ERR_WRONG_PASSWORD = -803,             /**< wrong password or recovery code, or a corrupted envelope */
    DFNS_ERR_WEBHOOK_INVALID = -810,            /**< a webhook delivery was refused (signature, timestamp, body) */

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
    DFNS_COSE_PS512 = -39,
    DFNS_COSE_ML_DSA_65 = -49,  /**< ML-DSA-65 (FIPS 204, RFC 9964), AKP keys. Since 0.4. */
    DFNS_COSE_ML_DSA_87 = -50   /**< ML-DSA-87 (FIPS 204, RFC 9964), AKP keys. Since 0.4.
                                     ML-DSA-44 (-48) is not offered: DFNS_ERR_UNSUPPORTED_ALGORITHM. */
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

/** The key's COSE algorithm (a dfns_cose_alg value). Returns 0 for a NULL key.
 *  Deprecated since 0.4: the one getter that returns a value instead of a status (a 0 cannot tell a
 *  bad handle from a result); use dfns_public_key_algorithm. Kept, unchanged, for 0.1-0.3 hosts. */
DFNS_API int32_t dfns_public_key_alg(const dfns_public_key_t *DFNS_NULLABLE key);

/** The key's COSE algorithm, as a status like every other getter. Since 0.4.
 *  Returns: DFNS_OK, or DFNS_ERR_INVALID_ARGUMENT for a NULL or foreign handle or a NULL alg.
 *  In:  key: shared, read-only.
 *  Out: alg: a dfns_cose_alg value (0 on error). Thread-safe on a shared key. */
DFNS_API DFNS_WARN_UNUSED_RESULT int dfns_public_key_algorithm(
    const dfns_public_key_t *DFNS_NULLABLE key, int32_t *DFNS_NULLABLE alg);

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

/** Verifies a signature over `message` with the key's algorithm (DER for ECDSA, raw for EdDSA,
 *  RSA and ML-DSA; ML-DSA in pure mode with the empty context), the primitive behind assertions, for hosts that build their own signed data.
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
    DFNS_POLICY_SAFETYNET_CHECK_TIMESTAMP = 17,  /**< timestampMs at most 60 s before and 10 s after the verification time [on] */
    /** An http(s) origin also accepts its subdomains at any depth, same scheme and port:
     *  "https://example.org" accepts "https://login.example.org", never "https://badexample.org"
     *  (webauthn-rs's allow_subdomains_origin). Reopens: any subdomain (user content, a forgotten
     *  staging host) can run ceremonies for the RP. Since 0.4. [off] */
    DFNS_POLICY_ALLOW_SUBDOMAIN_ORIGINS = 18,
    /** A loopback origin ("http://localhost", "http://127.0.0.1:3000", "http://[::1]") accepts the
     *  same scheme and host on any port, for development; each loopback host only when configured
     *  itself. Reopens: any local process on another port can run ceremonies. Since 0.4. [off] */
    DFNS_POLICY_ALLOW_ANY_LOOPBACK_PORT = 19
} dfns_policy_option;

/** The ceremony a per-ceremony policy setting applies to (since 0.4). */
typedef enum dfns_ceremony {
    DFNS_CEREMONY_REGISTRATION = 1, /**< navigator.credentials.create (WebAuthn §7.1) */
    DFNS_CEREMONY_ASSERTION = 2     /**< navigator.credentials.get (WebAuthn §7.2) */
} dfns_ceremony;

/** Creates a policy for `rp_id` with no allowed origins yet and the defaults above.
 *  Returns: DFNS_OK, DFNS_ERR_INVALID_ARGUMENT (NULL or empty rp_id, invalid UTF-8).
 *  In:  rp_id: the RP ID, e.g. "example.org".
 *  Out: out: the new policy; free with dfns_policy_free. */
DFNS_API DFNS_WARN_UNUSED_RESULT int dfns_policy_new(
    const char *DFNS_NULLABLE rp_id, dfns_policy_t *DFNS_NULLABLE *DFNS_NULLABLE out);

/** Releases a policy. Accepts NULL; sets *policy to NULL. */
DFNS_API void dfns_policy_free(dfns_policy_t *DFNS_NULLABLE *DFNS_NULLABLE policy);

/** Adds an origin accepted in clientDataJSON ("https://login.example.org",
 *  "android:apk-key-hash:<base64url>", an iOS app's associated-domain origin). An http or https
 *  origin also accepts its serialization, as browsers send it (since 0.3): scheme and host in lower
 *  case, the default port and a trailing "/" left out, so "https://Example.org:443/" accepts
 *  "https://example.org". The origin the client sends is compared exactly with either form.
 *  Returns: DFNS_OK or DFNS_ERR_INVALID_ARGUMENT. Needs exclusive access to the policy. */
DFNS_API DFNS_WARN_UNUSED_RESULT int dfns_policy_add_origin(dfns_policy_t *DFNS_NULLABLE policy, const char *DFNS_NULLABLE origin);

/** Adds an accepted topOrigin (only used with DFNS_POLICY_ALLOW_CROSS_ORIGIN; normalised as
 *  dfns_policy_add_origin's). */
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

/** Adds an RP ID accepted besides the policy's own (a relying party serving several domains):
 *  rpIdHash may then be SHA-256 of any of them. Every accepted RP ID is hashed once, here, not per
 *  ceremony. The RP ID that matched is reported by dfns_assertion_rp_id. Adding one already
 *  accepted changes nothing. Since 0.4.
 *  Reopens: credentials of every listed domain are accepted; list only domains the RP controls.
 *  Returns: DFNS_OK, or DFNS_ERR_INVALID_ARGUMENT (NULL policy, NULL or empty rp_id, invalid UTF-8).
 *  Needs exclusive access to the policy. */
DFNS_API DFNS_WARN_UNUSED_RESULT int dfns_policy_add_rp_id(dfns_policy_t *DFNS_NULLABLE policy, const char *DFNS_NULLABLE rp_id);

/** Replaces the clientData "type" values one ceremony accepts, for hosts with custom ceremonies
 *  (the defaults are exactly "webauthn.create" for registration and "webauthn.get" for assertion).
 *  Since 0.4.
 *  Reopens: a response made for another ceremony type is accepted for this one; list only types
 *  whose responses the host really treats alike.
 *  Returns: DFNS_OK, or DFNS_ERR_INVALID_ARGUMENT (NULL policy, ceremony not a dfns_ceremony,
 *           types NULL, count 0 or above 64, a NULL, empty or non-UTF-8 type).
 *  In:  ceremony: a dfns_ceremony. types, count: the accepted types, compared exactly; duplicates
 *       are kept once. Nothing changes when the call fails.
 *  Needs exclusive access to the policy. */
DFNS_API DFNS_WARN_UNUSED_RESULT int dfns_policy_set_client_data_types(
    dfns_policy_t *DFNS_NULLABLE policy, int ceremony, const char *DFNS_NULLABLE const *DFNS_NULLABLE types, size_t count);

/** Sets the FIDO AppID (U2F "appid" extension, e.g. "https://example.org/app-id.json") the RP sent
 *  in its assertion options for credentials registered with the U2F API. An assertion's rpIdHash
 *  may then be SHA-256 of the AppID, but only when the caller reports the client's "appid": true
 *  extension output (DFNS_ASSERTION_APPID_EXTENSION_USED with dfns_assertion_verify_ex); otherwise
 *  an AppID hash is DFNS_ERR_RP_ID_HASH_MISMATCH. Registrations never accept it. "appidExclude" on
 *  registration needs no RP-side setting: it only makes the client refuse a U2F-registered
 *  authenticator and leaves no trace in the response. Since 0.4.
 *  Reopens: U2F credentials scoped to the AppID's origin are accepted for this RP.
 *  Returns: DFNS_OK, or DFNS_ERR_INVALID_ARGUMENT (NULL policy, empty or non-UTF-8 appid).
 *  In:  appid: the AppID, or NULL to remove it [NULL]. Needs exclusive access to the policy. */
DFNS_API DFNS_WARN_UNUSED_RESULT int dfns_policy_set_appid(dfns_policy_t *DFNS_NULLABLE policy, const char *DFNS_NULLABLE appid);

/** Adds a TPM manufacturer to the allowlist of "tpm" attestation: the AIK certificate's
 *  tpmManufacturer, a TCG vendor ID such as "id:414D4400" (AMD), "id:49465800" (Infineon),
 *  "id:494E5443" (Intel), "id:4E544300" (Nuvoton), "id:53544D20" (STMicroelectronics). With an
 *  empty list [the default] any manufacturer is accepted, as before 0.4; with a non-empty one, a
 *  TPM from another manufacturer fails with DFNS_ERR_ATTESTATION_POLICY_VIOLATION, naming it.
 *  Hex case does not matter. Since 0.4.
 *  Returns: DFNS_OK, or DFNS_ERR_INVALID_ARGUMENT (NULL policy, a value that is not "id:" and
 *           eight hex digits). Needs exclusive access to the policy. */
DFNS_API DFNS_WARN_UNUSED_RESULT int dfns_policy_add_tpm_manufacturer(dfns_policy_t *DFNS_NULLABLE policy, const char *DFNS_NULLABLE manufacturer);

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

/** The RP ID whose SHA-256 the registration's rpIdHash is: the policy's RP ID or one added with
 *  dfns_policy_add_rp_id (store it with the credential). Since 0.4.
 *  Out: rp_id: a borrowed NUL-terminated string, valid until the registration is freed. */
DFNS_API DFNS_WARN_UNUSED_RESULT int dfns_registration_rp_id(
    const dfns_registration_t *DFNS_NULLABLE registration, const char *DFNS_NULLABLE *DFNS_NULLABLE rp_id);

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

/** What the caller knows about an assertion beyond its bytes, for dfns_assertion_verify_ex
 *  (bits to OR together; since 0.4). */
typedef enum dfns_assertion_verify_flag {
    /** The client reported the FIDO "appid" extension output as true (clientExtensionResults.appid):
     *  rpIdHash may be SHA-256 of the policy's AppID (dfns_policy_set_appid). */
    DFNS_ASSERTION_APPID_EXTENSION_USED = 1
} dfns_assertion_verify_flag;

/** dfns_assertion_verify with what the caller knows about the ceremony beyond the response bytes.
 *  Since 0.4.
 *  Returns: as dfns_assertion_verify; DFNS_ERR_INVALID_ARGUMENT also for a bit in `flags` that is
 *           not a dfns_assertion_verify_flag.
 *  In:  flags: dfns_assertion_verify_flag bits, 0 for none (then exactly dfns_assertion_verify).
 *  Thread-safe on shared policy and key. */
DFNS_API DFNS_WARN_UNUSED_RESULT int dfns_assertion_verify_ex(
    const dfns_policy_t *DFNS_NULLABLE policy, const dfns_stored_credential *DFNS_NULLABLE credential,
    const uint8_t *DFNS_NULLABLE client_data_json, size_t client_data_json_len,
    const uint8_t *DFNS_NULLABLE authenticator_data, size_t authenticator_data_len,
    const uint8_t *DFNS_NULLABLE signature, size_t signature_len,
    const uint8_t *DFNS_NULLABLE challenge, size_t challenge_len,
    unsigned flags,
    dfns_assertion_t *DFNS_NULLABLE *DFNS_NULLABLE out);

/** The values of a verified assertion, written by dfns_assertion_verify_cose (no result handle).
 *  The caller owns `extensions` and releases it with dfns_free. */
typedef struct dfns_assertion_info {
    uint32_t sign_count;            /**< the new signature counter to store */
    uint8_t flags;                  /**< the authenticator data flags byte */
    int sign_count_regressed;       /**< as dfns_assertion_sign_count_regressed: 0 or 1 */
    uint8_t *DFNS_NULLABLE extensions; /**< extension outputs as CBOR (a map), or NULL when none */
    size_t extensions_len;          /**< length of extensions, 0 when none */
} dfns_assertion_info;

/** Imports a stored COSE_Key and verifies an assertion response with it in one call (since 0.2),
 *  for relying parties that keep only the credential's COSE bytes: the same result as
 *  dfns_public_key_parse_cose + dfns_assertion_verify + the getters + both frees, with no handle
 *  created and nothing for the caller to release except `info->extensions`.
 *  Returns: DFNS_OK. The key is checked first: a dfns_public_key_parse_cose status when it does not
 *           import (DFNS_ERR_MALFORMED_CBOR / _TRAILING_BYTES / _MALFORMED_COSE_KEY / _UNSUPPORTED_ALGORITHM /
 *           _INVALID_PUBLIC_KEY); then the dfns_assertion_verify status of the first check that failed;
 *           DFNS_ERR_INVALID_ARGUMENT for a NULL policy, a NULL input with a non-zero length, an
 *           empty challenge or a backup_eligible other than 0, 1, -1.
 *  In:  policy: shared, read-only.
 *       cose_key, cose_key_len: the stored COSE_Key bytes (strict CTAP2 canonical CBOR).
 *       sign_count: the last stored signature counter.
 *       backup_eligible: the BE recorded at registration: 0, 1, or -1 to skip the check.
 *       client_data_json, authenticator_data, signature: the response's exact bytes.
 *       challenge: the challenge bytes issued for this ceremony (not empty).
 *  Out: info: the verified values, or NULL when only the status matters. Written on success;
 *       zeroed (extensions NULL) on failure.
 *  Thread-safe on a shared policy. */
DFNS_API DFNS_WARN_UNUSED_RESULT int dfns_assertion_verify_cose(
    const dfns_policy_t *DFNS_NULLABLE policy,
    const uint8_t *DFNS_NULLABLE cose_key, size_t cose_key_len,
    uint32_t sign_count, int backup_eligible,
    const uint8_t *DFNS_NULLABLE client_data_json, size_t client_data_json_len,
    const uint8_t *DFNS_NULLABLE authenticator_data, size_t authenticator_data_len,
    const uint8_t *DFNS_NULLABLE signature, size_t signature_len,
    const uint8_t *DFNS_NULLABLE challenge, size_t challenge_len,
    dfns_assertion_info *DFNS_NULLABLE info);

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

/** The identifier whose SHA-256 the assertion's rpIdHash is: the policy's RP ID, one added with
 *  dfns_policy_add_rp_id, or its AppID (when the appid extension was used). Since 0.4.
 *  Out: rp_id: a borrowed NUL-terminated string, valid until the assertion is freed. */
DFNS_API DFNS_WARN_UNUSED_RESULT int dfns_assertion_rp_id(
    const dfns_assertion_t *DFNS_NULLABLE assertion, const char *DFNS_NULLABLE *DFNS_NULLABLE rp_id);

/** The authenticator extension outputs as CBOR, or ptr NULL / len 0 when there are none. */
DFNS_API DFNS_WARN_UNUSED_RESULT int dfns_assertion_extensions(
    const dfns_assertion_t *DFNS_NULLABLE assertion, const uint8_t *DFNS_NULLABLE *DFNS_NULLABLE ptr, size_t *DFNS_NULLABLE len);

/* ----------------------------------------------------------------------------------------------
 * WebAuthn JSON forms (since 0.4): PublicKeyCredential.toJSON() output in, options JSON out
 *
 * Browsers (`credential.toJSON()`) and platform SDKs hand the relying party a JSON document
 * (WebAuthn L3 §5.1: RegistrationResponseJSON, AuthenticationResponseJSON); these functions verify
 * it directly. They read it strictly: unknown members are ignored, while a missing required member,
 * a member of the wrong type (JSON null included), a base64url member that does not decode, an `id`
 * that differs from `rawId`, a `type` other than "public-key" or a repeated member name is
 * DFNS_ERR_MALFORMED_CREDENTIAL_JSON, with the member's path named in dfns_last_error (e.g.
 * "response.signature is not base64url"). Documents above 1 MiB are DFNS_ERR_INPUT_TOO_LARGE.
 * The options functions write canonical JSON (members sorted, no whitespace) for the browser's
 * PublicKeyCredential.parseCreationOptionsFromJSON / parseRequestOptionsFromJSON.
 * ------------------------------------------------------------------------------------------- */

/** What the client reported beside a verified response: transports, authenticator attachment,
 *  client extension outputs, the user handle. Nothing signs these values: store the transports
 *  with the credential, read the extension outputs you asked for, base no security decision on
 *  them alone. Immutable; may be shared across threads. Since 0.4. */
typedef struct dfns_client_outputs dfns_client_outputs_t;

/** Verifies a registration from its `PublicKeyCredential.toJSON()` document (since 0.4): the
 *  document is read (see the section comment), then verified as dfns_registration_verify verifies
 *  its clientDataJSON and attestationObject, with `rawId` required to equal the credential ID in
 *  authenticator data.
 *  Returns: DFNS_OK; DFNS_ERR_MALFORMED_CREDENTIAL_JSON or DFNS_ERR_INPUT_TOO_LARGE for the document;
 *           DFNS_ERR_CREDENTIAL_ID_MISMATCH when rawId is not the credential ID; otherwise the
 *           dfns_registration_verify status of the first check that failed;
 *           DFNS_ERR_INVALID_ARGUMENT for a NULL policy, NULL input with a non-zero length, an empty
 *           challenge or a NULL out.
 *  In:  policy: shared, read-only.
 *       json, json_len: the document's UTF-8 bytes (no NUL needed).
 *       challenge: the challenge bytes issued for this ceremony (not empty).
 *  Out: out: the result; free with dfns_registration_free.
 *       client_outputs: the client's outputs (free with dfns_client_outputs_free), or NULL when
 *       not wanted. Both NULL on failure.
 *  Thread-safe on a shared policy. */
DFNS_API DFNS_WARN_UNUSED_RESULT int dfns_registration_verify_json(
    const dfns_policy_t *DFNS_NULLABLE policy,
    const uint8_t *DFNS_NULLABLE json, size_t json_len,
    const uint8_t *DFNS_NULLABLE challenge, size_t challenge_len,
    dfns_registration_t *DFNS_NULLABLE *DFNS_NULLABLE out,
    dfns_client_outputs_t *DFNS_NULLABLE *DFNS_NULLABLE client_outputs);

/** Reads the credential ID (`rawId`) and user handle of an assertion's `toJSON()` document, to look
 *  up the stored credential before dfns_assertion_verify_json (since 0.4). The whole document is
 *  checked as dfns_assertion_verify_json checks it; nothing is verified.
 *  Returns: DFNS_OK, DFNS_ERR_MALFORMED_CREDENTIAL_JSON, DFNS_ERR_INPUT_TOO_LARGE,
 *           DFNS_ERR_INVALID_ARGUMENT (NULL outputs), DFNS_ERR_OUT_OF_MEMORY.
 *  In:  json, json_len: the document's UTF-8 bytes.
 *  Out: credential_id, credential_id_len: rawId, released with dfns_free.
 *       user_handle, user_handle_len: response.userHandle released with dfns_free, or NULL / 0 when
 *       the document has none. All NULL / 0 on failure.
 *  Thread-safe. */
DFNS_API DFNS_WARN_UNUSED_RESULT int dfns_assertion_json_credential_id(
    const uint8_t *DFNS_NULLABLE json, size_t json_len,
    uint8_t *DFNS_NULLABLE *DFNS_NULLABLE credential_id, size_t *DFNS_NULLABLE credential_id_len,
    uint8_t *DFNS_NULLABLE *DFNS_NULLABLE user_handle, size_t *DFNS_NULLABLE user_handle_len);

/** Verifies an assertion from its `PublicKeyCredential.toJSON()` document with a kept public key
 *  (since 0.4), as dfns_assertion_verify verifies the document's clientDataJSON,
 *  authenticatorData and signature; `rawId` must name the stored credential.
 *  When the document's `clientExtensionResults.appid` is true (reported by
 *  dfns_client_outputs_appid), rpIdHash may also be SHA-256 of the policy's AppID
 *  (dfns_policy_set_appid), as dfns_assertion_verify_ex with DFNS_ASSERTION_APPID_EXTENSION_USED.
 *  Returns: DFNS_OK; DFNS_ERR_MALFORMED_CREDENTIAL_JSON or DFNS_ERR_INPUT_TOO_LARGE for the document;
 *           DFNS_ERR_CREDENTIAL_ID_MISMATCH when rawId is not credential_id; otherwise the
 *           dfns_assertion_verify status of the first check that failed; DFNS_ERR_INVALID_ARGUMENT
 *           as dfns_assertion_verify, and for an empty credential_id.
 *  In:  policy, credential: shared, read-only; credential->key must not be NULL.
 *       credential_id, credential_id_len: the stored credential's ID (not empty).
 *       json, json_len: the document's UTF-8 bytes.
 *       challenge: the challenge bytes issued for this ceremony (not empty).
 *  Out: out: the result; free with dfns_assertion_free.
 *       client_outputs: as dfns_registration_verify_json's (NULL when not wanted).
 *  Thread-safe on shared policy and key. */
DFNS_API DFNS_WARN_UNUSED_RESULT int dfns_assertion_verify_json(
    const dfns_policy_t *DFNS_NULLABLE policy, const dfns_stored_credential *DFNS_NULLABLE credential,
    const uint8_t *DFNS_NULLABLE credential_id, size_t credential_id_len,
    const uint8_t *DFNS_NULLABLE json, size_t json_len,
    const uint8_t *DFNS_NULLABLE challenge, size_t challenge_len,
    dfns_assertion_t *DFNS_NULLABLE *DFNS_NULLABLE out,
    dfns_client_outputs_t *DFNS_NULLABLE *DFNS_NULLABLE client_outputs);

/** Releases client outputs. Accepts NULL; sets *outputs to NULL. Since 0.4. */
DFNS_API void dfns_client_outputs_free(dfns_client_outputs_t *DFNS_NULLABLE *DFNS_NULLABLE outputs);

/** `response.transports` as a JSON array of strings, e.g. ["internal","hybrid"], to store with the
 *  credential and pass back in dfns_credential_descriptor.transports (since 0.4).
 *  Out: json: a borrowed NUL-terminated string, or NULL when the document has no transports (an
 *       assertion, or a client that does not report them). */
DFNS_API DFNS_WARN_UNUSED_RESULT int dfns_client_outputs_transports(
    const dfns_client_outputs_t *DFNS_NULLABLE outputs, const char *DFNS_NULLABLE *DFNS_NULLABLE json);

/** `authenticatorAttachment`: "platform", "cross-platform" (or a value a newer client sends)
 *  (since 0.4). Out: attachment: borrowed, or NULL when absent. */
DFNS_API DFNS_WARN_UNUSED_RESULT int dfns_client_outputs_authenticator_attachment(
    const dfns_client_outputs_t *DFNS_NULLABLE outputs, const char *DFNS_NULLABLE *DFNS_NULLABLE attachment);

/** `clientExtensionResults` as canonical JSON text (members sorted), unknown extensions included,
 *  `prf.results` left out (authenticator-derived secrets) (since 0.4).
 *  Out: json: a borrowed NUL-terminated string, "{}" when there are none. */
DFNS_API DFNS_WARN_UNUSED_RESULT int dfns_client_outputs_extension_results(
    const dfns_client_outputs_t *DFNS_NULLABLE outputs, const char *DFNS_NULLABLE *DFNS_NULLABLE json);

/** 1 when the client reported `appid: true` (it asserted with the FIDO U2F AppID instead of the RP
 *  ID), else 0 (since 0.4). */
DFNS_API DFNS_WARN_UNUSED_RESULT int dfns_client_outputs_appid(
    const dfns_client_outputs_t *DFNS_NULLABLE outputs, int *DFNS_NULLABLE used);

/** `credProps.rk`: 1 (discoverable), 0 (not), or -1 when the client did not report it (since 0.4). */
DFNS_API DFNS_WARN_UNUSED_RESULT int dfns_client_outputs_cred_props_rk(
    const dfns_client_outputs_t *DFNS_NULLABLE outputs, int *DFNS_NULLABLE rk);

/** An assertion's `response.userHandle` (since 0.4). Out: ptr, len: borrowed, or NULL / 0 when absent. */
DFNS_API DFNS_WARN_UNUSED_RESULT int dfns_client_outputs_user_handle(
    const dfns_client_outputs_t *DFNS_NULLABLE outputs, const uint8_t *DFNS_NULLABLE *DFNS_NULLABLE ptr, size_t *DFNS_NULLABLE len);

/** A credential named in excludeCredentials / allowCredentials, with the transports stored at its
 *  registration. Since 0.4. */
typedef struct dfns_credential_descriptor {
    const uint8_t *DFNS_NULLABLE id;    /**< the credential ID (1...1023 bytes) */
    size_t id_len;                      /**< its length */
    const char *DFNS_NONNULL const *DFNS_NULLABLE transports; /**< transport_count strings ("usb", "internal", ...), or NULL */
    size_t transport_count;             /**< the number of transports */
} dfns_credential_descriptor;

/** The per-ceremony inputs of a registration's options; the policy gives the RP ID, the algorithms
 *  (dfns_policy_set_algorithms order, RS1 only with DFNS_POLICY_ALLOW_SHA1) and the user-verification
 *  floor. Zero-initialise it, set `struct_size` to sizeof(dfns_creation_options_inputs), then the
 *  fields you need; NULL / 0 leaves a field at its default (in brackets). Fields are appended in
 *  later versions: a larger struct_size is accepted when the unknown trailing bytes are zero.
 *  Since 0.4. */
typedef struct dfns_creation_options_inputs {
    size_t struct_size;                         /**< sizeof(dfns_creation_options_inputs) */
    const uint8_t *DFNS_NULLABLE challenge;     /**< at least 16 bytes [NULL: 32 random bytes] */
    size_t challenge_len;                       /**< its length */
    const char *DFNS_NULLABLE rp_name;          /**< rp.name (required) */
    const uint8_t *DFNS_NULLABLE user_id;       /**< user.id, the user handle: 1...64 bytes (required) */
    size_t user_id_len;                         /**< its length */
    const char *DFNS_NULLABLE user_name;        /**< user.name (required) */
    const char *DFNS_NULLABLE user_display_name;/**< user.displayName [""] */
    const dfns_credential_descriptor *DFNS_NULLABLE exclude_credentials; /**< the user's credentials [none] */
    size_t exclude_credential_count;            /**< their number */
    const char *DFNS_NULLABLE attestation;      /**< "none", "indirect", "direct", "enterprise" ["none"] */
    const char *DFNS_NULLABLE resident_key;     /**< "discouraged", "preferred", "required" [left out] */
    const char *DFNS_NULLABLE authenticator_attachment; /**< "platform", "cross-platform" [left out: any] */
    const char *DFNS_NULLABLE user_verification;/**< "required", "preferred", "discouraged" [from the
                                                     policy: "required" when it requires UV, else
                                                     "preferred"; a policy requiring UV refuses others] */
    const char *DFNS_NONNULL const *DFNS_NULLABLE hints; /**< "security-key", "client-device", "hybrid" [none] */
    size_t hint_count;                          /**< their number */
    int cred_props;                             /**< 1: ask for the credProps extension [0] */
    const char *DFNS_NULLABLE appid_exclude;    /**< the appidExclude extension's U2F AppID [left out] */
    const char *DFNS_NULLABLE extensions_json;  /**< further extension inputs as a JSON object [none] */
    uint32_t timeout_ms;                        /**< timeout [0: left out] */
} dfns_creation_options_inputs;

/** The per-ceremony inputs of an assertion's options, used as dfns_creation_options_inputs.
 *  Since 0.4. */
typedef struct dfns_request_options_inputs {
    size_t struct_size;                         /**< sizeof(dfns_request_options_inputs) */
    const uint8_t *DFNS_NULLABLE challenge;     /**< at least 16 bytes [NULL: 32 random bytes] */
    size_t challenge_len;                       /**< its length */
    const dfns_credential_descriptor *DFNS_NULLABLE allow_credentials; /**< [none: any discoverable credential] */
    size_t allow_credential_count;              /**< their number */
    const char *DFNS_NULLABLE user_verification;/**< as in dfns_creation_options_inputs */
    const char *DFNS_NONNULL const *DFNS_NULLABLE hints; /**< as in dfns_creation_options_inputs */
    size_t hint_count;                          /**< their number */
    const char *DFNS_NULLABLE appid;            /**< the appid extension's U2F AppID [left out] */
    const char *DFNS_NULLABLE extensions_json;  /**< further extension inputs as a JSON object [none] */
    uint32_t timeout_ms;                        /**< timeout [0: left out] */
} dfns_request_options_inputs;

/** Writes a registration's PublicKeyCredentialCreationOptionsJSON under `policy` (since 0.4).
 *  Returns: DFNS_OK; DFNS_ERR_INVALID_ARGUMENT naming the input at fault (a missing required field,
 *           an unknown enumeration string, a short challenge, extensions_json that is not a JSON
 *           object or repeats a typed extension, a struct_size that is too small, a policy that
 *           requires UV with a weaker user_verification, no usable algorithm); DFNS_ERR_UNSUPPORTED
 *           (non-zero fields of a newer header); DFNS_ERR_INTERNAL (the random source failed).
 *  In:  policy: shared, read-only. inputs: see dfns_creation_options_inputs.
 *  Out: json: the canonical JSON text, released with dfns_free.
 *       challenge, challenge_len: the challenge to keep for verification (the given or the drawn
 *       one), released with dfns_free; both NULL when not wanted. All NULL / 0 on failure.
 *  Thread-safe on a shared policy. */
DFNS_API DFNS_WARN_UNUSED_RESULT int dfns_creation_options_json(
    const dfns_policy_t *DFNS_NULLABLE policy, const dfns_creation_options_inputs *DFNS_NULLABLE inputs,
    char *DFNS_NULLABLE *DFNS_NULLABLE json,
    uint8_t *DFNS_NULLABLE *DFNS_NULLABLE challenge, size_t *DFNS_NULLABLE challenge_len);

/** Writes an assertion's PublicKeyCredentialRequestOptionsJSON under `policy` (since 0.4).
 *  Returns, In, Out: as dfns_creation_options_json. */
DFNS_API DFNS_WARN_UNUSED_RESULT int dfns_request_options_json(
    const dfns_policy_t *DFNS_NULLABLE policy, const dfns_request_options_inputs *DFNS_NULLABLE inputs,
    char *DFNS_NULLABLE *DFNS_NULLABLE json,
    uint8_t *DFNS_NULLABLE *DFNS_NULLABLE challenge, size_t *DFNS_NULLABLE challenge_len);

/** The PublicKeyCredentialRequestOptionsJSON a passkey device needs to answer a Dfns user-action
 *  challenge (`POST /auth/action/init`'s answer, or a delegated challenge) (since 0.4): the
 *  challenge string verbatim, allowCredentials.webauthn with their transports, userVerification
 *  ["preferred"].
 *  Returns: DFNS_OK; DFNS_ERR_INVALID_ARGUMENT (not a JSON object, a member missing or of the wrong
 *           type named in dfns_last_error, a challenge or credential id that is not base64url, an
 *           unknown userVerification, supportedCredentialKinds without Fido2, no RP ID);
 *           DFNS_ERR_INPUT_TOO_LARGE (challenge_json above 1 MiB).
 *  In:  challenge_json: the challenge document (NUL-terminated).
 *       rp_id: the relying party your passkeys belong to, or NULL to use the challenge's deprecated
 *           `rp.id`.
 *       timeout_ms: the timeout to put in the options, 0 to leave it out.
 *  Out: json: the canonical JSON text, released with dfns_free. NULL on failure.
 *  Thread-safe. */
DFNS_API DFNS_WARN_UNUSED_RESULT int dfns_user_action_challenge_request_options(
    const char *DFNS_NULLABLE challenge_json, const char *DFNS_NULLABLE rp_id, uint32_t timeout_ms,
    char *DFNS_NULLABLE *DFNS_NULLABLE json);

/** The PublicKeyCredentialCreationOptionsJSON a passkey device needs to answer a Dfns registration
 *  challenge (`POST /auth/registration/init`, a delegated registration, or
 *  `POST /auth/credentials/init` for Fido2) (since 0.4): user (its id's UTF-8 bytes as the user
 *  handle), pubKeyCredParams in the challenge's order, attestation, authenticatorSelection,
 *  excludeCredentials, the challenge verbatim.
 *  Returns: as dfns_user_action_challenge_request_options; also DFNS_ERR_INVALID_ARGUMENT for an
 *           empty pubKeyCredParams, a user.id above 64 bytes, or no RP name.
 *  In:  challenge_json: the challenge document (NUL-terminated).
 *       rp_id, rp_name: the relying party, or NULL to use the challenge's `rp`.
 *       timeout_ms: the timeout to put in the options, 0 to leave it out.
 *  Out: json: the canonical JSON text, released with dfns_free. NULL on failure.
 *  Thread-safe. */
DFNS_API DFNS_WARN_UNUSED_RESULT int dfns_registration_challenge_creation_options(
    const char *DFNS_NULLABLE challenge_json, const char *DFNS_NULLABLE rp_id, const char *DFNS_NULLABLE rp_name,
    uint32_t timeout_ms, char *DFNS_NULLABLE *DFNS_NULLABLE json);

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

/* ----------------------------------------------------------------------------------------------
 * FIDO metadata (since 0.4)
 *
 * A FIDO Metadata Service (MDS3) BLOB, read offline: a signed JWT listing authenticator models
 * (by AAGUID, or by attestation certificate key identifier for U2F), their attestation root
 * certificates and status reports. Loading verifies the JWS signature (RS256 or ES256) with the
 * x5c leaf, the x5c chain to the root the caller passes (for the FIDO service: GlobalSign Root R3,
 * which the library does not embed) at a verification time, and the `nextUpdate` date. A policy
 * given the metadata (dfns_policy_set_metadata) then, at registration: adds the matching entry's
 * attestation roots as trust anchors for that ceremony, refuses an authenticator whose latest
 * status is REVOKED or a compromise or bypass status (DFNS_ERR_AUTHENTICATOR_STATUS_NOT_ACCEPTED),
 * and, when asked, refuses one without an entry (DFNS_ERR_METADATA_ENTRY_MISSING).
 * ------------------------------------------------------------------------------------------- */

/** A verified, indexed MDS3 BLOB. Immutable once loaded: may be shared by many threads and policies. */
typedef struct dfns_metadata dfns_metadata_t;

/** Reads and verifies an MDS3 BLOB. Since 0.4.
 *  Returns: DFNS_OK, DFNS_ERR_INVALID_ARGUMENT (NULL or empty blob or root, unix_seconds after
 *           9999-12-31), DFNS_ERR_INPUT_TOO_LARGE (blob above 64 MiB), DFNS_ERR_METADATA_INVALID (root
 *           not a certificate; a bad JWS, signature or chain; a certificate outside its validity at
 *           the time; `nextUpdate` before the time's date without accept_stale; a malformed field,
 *           named in dfns_last_error; two entries with one AAGUID or key identifier).
 *  In:  blob, blob_len: the BLOB as downloaded (compact JWS text; surrounding whitespace ignored).
 *       root, root_len: the trusted root(s): PEM text (one or more CERTIFICATE blocks) or one DER
 *           certificate.
 *       unix_seconds: the verification time; negative means now.
 *       accept_stale: 1 to accept a BLOB whose `nextUpdate` date has passed (keep serving with the
 *           last good BLOB while a new one cannot be fetched), 0 to refuse it (the default rule).
 *  Out: out: the metadata; free with dfns_metadata_free. Immutable, thread-safe. */
DFNS_API DFNS_WARN_UNUSED_RESULT int dfns_metadata_load(
    const uint8_t *DFNS_NULLABLE blob, size_t blob_len, const uint8_t *DFNS_NULLABLE root, size_t root_len,
    int64_t unix_seconds, int accept_stale, dfns_metadata_t *DFNS_NULLABLE *DFNS_NULLABLE out);

/** Releases the caller's reference to metadata (policies keep their own). Accepts NULL; sets
 *  *metadata to NULL. Since 0.4. */
DFNS_API void dfns_metadata_free(dfns_metadata_t *DFNS_NULLABLE *DFNS_NULLABLE metadata);

/** The BLOB's serial number (`no`). Since 0.4.
 *  Returns: DFNS_OK, DFNS_ERR_INVALID_ARGUMENT. Out: number. */
DFNS_API DFNS_WARN_UNUSED_RESULT int dfns_metadata_number(
    const dfns_metadata_t *DFNS_NULLABLE metadata, int64_t *DFNS_NULLABLE number);

/** The BLOB's `nextUpdate` date, "YYYY-MM-DD". Since 0.4.
 *  Returns: DFNS_OK, DFNS_ERR_INVALID_ARGUMENT.
 *  Out: next_update: borrowed, valid until the metadata is freed. */
DFNS_API DFNS_WARN_UNUSED_RESULT int dfns_metadata_next_update(
    const dfns_metadata_t *DFNS_NULLABLE metadata, const char *DFNS_NULLABLE *DFNS_NULLABLE next_update);

/** The number of entries. Since 0.4.
 *  Returns: DFNS_OK, DFNS_ERR_INVALID_ARGUMENT. Out: count. */
DFNS_API DFNS_WARN_UNUSED_RESULT int dfns_metadata_entry_count(
    const dfns_metadata_t *DFNS_NULLABLE metadata, size_t *DFNS_NULLABLE count);

/** Entry `index` (BLOB order) as one JSON object: "description", "status" (the latest status
 *  report's), "statusEffectiveDate", "aaguid" (32 lowercase hex digits), "attestationCertificateKeyIdentifiers",
 *  "authenticatorVersion", "protocolFamily", "attestationTypes", "timeOfLastStatusChange"; absent
 *  values are null. Since 0.4.
 *  Returns: DFNS_OK, DFNS_ERR_INVALID_ARGUMENT, DFNS_ERR_NOT_FOUND (index >= the entry count).
 *  Out: json: NUL-terminated; release with dfns_free. */
DFNS_API DFNS_WARN_UNUSED_RESULT int dfns_metadata_entry_json(
    const dfns_metadata_t *DFNS_NULLABLE metadata, size_t index, char *DFNS_NULLABLE *DFNS_NULLABLE json);

/** The entry for an AAGUID, as the JSON object of dfns_metadata_entry_json. Since 0.4.
 *  Returns: DFNS_OK, DFNS_ERR_INVALID_ARGUMENT (aaguid_len not 16), DFNS_ERR_NOT_FOUND (no entry).
 *  In:  aaguid, aaguid_len: the 16-byte AAGUID (e.g. from dfns_registration_aaguid).
 *  Out: json: NUL-terminated; release with dfns_free. */
DFNS_API DFNS_WARN_UNUSED_RESULT int dfns_metadata_find_aaguid(
    const dfns_metadata_t *DFNS_NULLABLE metadata, const uint8_t *DFNS_NULLABLE aaguid, size_t aaguid_len,
    char *DFNS_NULLABLE *DFNS_NULLABLE json);

/** Makes registrations under `policy` use `metadata` (see the section introduction), or stops it.
 *  Since 0.4.
 *  Returns: DFNS_OK, DFNS_ERR_INVALID_ARGUMENT. Needs exclusive access to the policy.
 *  In:  metadata: the policy keeps its own reference (free yours whenever); NULL removes metadata.
 *       require_entry: 1 to refuse an authenticator without an entry (and so any self or none
 *           attestation, whose AAGUID nothing attests), 0 to accept it untrusted-by-metadata. */
DFNS_API DFNS_WARN_UNUSED_RESULT int dfns_policy_set_metadata(
    dfns_policy_t *DFNS_NULLABLE policy, const dfns_metadata_t *DFNS_NULLABLE metadata, int require_entry);

/** The description of the authenticator's metadata entry (e.g. "YubiKey 5 Series"). Since 0.4.
 *  Returns: DFNS_OK, DFNS_ERR_INVALID_ARGUMENT, DFNS_ERR_NOT_FOUND (the policy had no metadata, the
 *           BLOB lists no such authenticator, or the entry has no description).
 *  Out: description: borrowed, valid until the registration is freed. */
DFNS_API DFNS_WARN_UNUSED_RESULT int dfns_registration_metadata_description(
    const dfns_registration_t *DFNS_NULLABLE registration, const char *DFNS_NULLABLE *DFNS_NULLABLE description);

/** The latest metadata status of the authenticator (e.g. "FIDO_CERTIFIED_L1"). Since 0.4.
 *  Returns: DFNS_OK, DFNS_ERR_INVALID_ARGUMENT, DFNS_ERR_NOT_FOUND (no entry, or one without status
 *           reports).
 *  Out: status: borrowed, valid until the registration is freed. */
DFNS_API DFNS_WARN_UNUSED_RESULT int dfns_registration_metadata_status(
    const dfns_registration_t *DFNS_NULLABLE registration, const char *DFNS_NULLABLE *DFNS_NULLABLE status);

/* ----------------------------------------------------------------------------------------------
 * Signers and Dfns cryptography (since 0.2)
 *
 * A dfns_signer_t signs Dfns user-action challenges for a client: a Key credential, a host
 * callback (HSM/KMS), the software authenticator, a password-protected or recovery key. Webhook and
 * returned-signature verification, key generation and key envelopes need no client.
 * ------------------------------------------------------------------------------------------- */

/** A user-action signer. Immutable once created: may be shared by many threads and clients. */
typedef struct dfns_signer dfns_signer_t;

/** Key types of Dfns Key credentials (and of returned-signature verification). */
typedef enum dfns_key_kind {
    DFNS_KEY_ED25519 = 1,       /**< Ed25519: raw 64-byte signatures over the message itself */
    DFNS_KEY_P256 = 2,          /**< ECDSA P-256 with SHA-256, ASN.1 DER signatures */
    DFNS_KEY_SECP256K1 = 3,     /**< ECDSA secp256k1 with SHA-256, ASN.1 DER signatures (low S) */
    DFNS_KEY_RSA = 4            /**< RSA (2048 bits or more), PKCS#1 v1.5 with SHA-256 */
} dfns_key_kind;

/** The size of the buffer dfns_sign_fn receives: the longest signature of any key kind (RSA-16384). */
#define DFNS_SIGNATURE_CAPACITY 2048

/** A host signing function (HSM, KMS, ...) for dfns_signer_new_external.
 *  Returns: 0 when it signed; any other value is a failure (the call that asked for the signature
 *           then returns DFNS_ERR_SIGNER_CALLBACK, and the value is named in dfns_last_error).
 *  Args: user: the pointer given to dfns_signer_new_external.
 *        key_kind: the signer's dfns_key_kind, which fixes the scheme.
 *  In:   message, message_len: the exact bytes to sign (a clientData document), never a digest.
 *  Out:  signature: a buffer of signature_capacity (DFNS_SIGNATURE_CAPACITY) bytes for the signature
 *                   in the Dfns encoding: Ed25519 raw R || S (64 bytes); P-256 and secp256k1
 *                   ECDSA over SHA-256(message) as ASN.1 DER (convert a raw r || s first);
 *                   RSA PKCS#1 v1.5 with SHA-256.
 *        signature_len: the number of bytes written (0 on entry).
 *  A length above the capacity, bytes that are not a signature of the kind, or a signature that
 *  does not verify with the signer's public key are refused (DFNS_ERR_SIGNER_CALLBACK): nothing
 *  unchecked is ever sent. The function is called on the thread of the signing call, once per
 *  signature; a signer used from several threads calls it concurrently. It must return normally:
 *  no C++ exception or longjmp may cross the library. */
typedef int (*dfns_sign_fn)(void *DFNS_NULLABLE user, int key_kind,
                            const uint8_t *DFNS_NONNULL message, size_t message_len,
                            uint8_t *DFNS_NONNULL signature, size_t signature_capacity,
                            size_t *DFNS_NONNULL signature_len);

/** Releases the `user` pointer of an external signer; see dfns_signer_new_external. */
typedef void (*dfns_user_free_fn)(void *DFNS_NULLABLE user);

/** Creates a signer for a Dfns Key credential whose private key is given.
 *  Returns: DFNS_OK, DFNS_ERR_INVALID_ARGUMENT, DFNS_ERR_MALFORMED_ENCODING (not an unencrypted PEM
 *           or DER private key), DFNS_ERR_UNSUPPORTED_ALGORITHM (P-384, P-521, Ed448, RSA below
 *           2048 bits: a Key credential is Ed25519, P-256, secp256k1 or RSA).
 *  In:  private_key, private_key_len: PEM text (PKCS#8 "PRIVATE KEY", SEC1 "EC PRIVATE KEY" or
 *           PKCS#1 "RSA PRIVATE KEY"; not necessarily NUL-terminated) or the same as DER. The
 *           library's own byte copy is wiped after the import; the key then lives in the signer.
 *       credential_id: the credential id (credId) Dfns knows the key by, or NULL for the id the
 *           newest SDKs derive for a new key (base64url of SHA-256 of the SubjectPublicKeyInfo).
 *  Out: out: the signer; free with dfns_signer_free. Immutable, thread-safe. */
DFNS_API DFNS_WARN_UNUSED_RESULT int dfns_signer_new_key(
    const uint8_t *DFNS_NULLABLE private_key, size_t private_key_len, const char *DFNS_NULLABLE credential_id,
    dfns_signer_t *DFNS_NULLABLE *DFNS_NULLABLE out);

/** Creates a signer for a Key credential whose private key stays with the host (an HSM, a KMS):
 *  each signature is asked of `sign`, then checked with `public_key` before it is used.
 *  Returns: DFNS_OK, DFNS_ERR_INVALID_ARGUMENT, DFNS_ERR_MALFORMED_ENCODING (public_key is neither
 *           PEM nor DER SubjectPublicKeyInfo), DFNS_ERR_INVALID_PUBLIC_KEY, DFNS_ERR_UNSUPPORTED_ALGORITHM
 *           (a key type a Key credential cannot have).
 *  In:  credential_id: the credential's id (credId), not empty.
 *       public_key, public_key_len: the credential's public key, PEM "PUBLIC KEY" text or DER
 *           SubjectPublicKeyInfo; it fixes the dfns_key_kind passed to `sign`.
 *       sign: the signing function (see dfns_sign_fn).
 *       user: passed to `sign` and `free_user`; kept until the signer is destroyed.
 *       free_user: NULL, or called once with `user` when the signer is destroyed (by
 *           dfns_signer_free, or later when the last client holding it is freed: possibly on
 *           another thread). Not called when this function fails: `user` stays the caller's.
 *  Out: out: the signer; free with dfns_signer_free. Thread-safe when `sign` is. */
DFNS_API DFNS_WARN_UNUSED_RESULT int dfns_signer_new_external(
    const char *DFNS_NULLABLE credential_id, const uint8_t *DFNS_NULLABLE public_key, size_t public_key_len,
    dfns_sign_fn DFNS_NULLABLE sign, void *DFNS_NULLABLE user, dfns_user_free_fn DFNS_NULLABLE free_user,
    dfns_signer_t *DFNS_NULLABLE *DFNS_NULLABLE out);

/** Creates a Fido2 (passkey) signer over a credential of the software authenticator.
 *  Returns: DFNS_OK, DFNS_ERR_INVALID_ARGUMENT, DFNS_ERR_NOT_FOUND (the authenticator holds no such
 *           credential for rp_id).
 *  In:  authenticator: keeps working for this signer after dfns_authenticator_free.
 *       rp_id: the relying party id configured for the passkeys (the challenge's deprecated `rp`
 *           is never used). origin: written into clientDataJSON, e.g. "https://app.example.com".
 *       credential_id, credential_id_len: the passkey's raw credential id.
 *       user_verified: 1 to set the UV flag (Dfns challenges ask for user verification), else 0.
 *  Out: out: the signer; free with dfns_signer_free. Thread-safe (the authenticator locks). */
DFNS_API DFNS_WARN_UNUSED_RESULT int dfns_signer_new_webauthn(
    const dfns_authenticator_t *DFNS_NULLABLE authenticator, const char *DFNS_NULLABLE rp_id,
    const char *DFNS_NULLABLE origin, const uint8_t *DFNS_NULLABLE credential_id, size_t credential_id_len,
    int user_verified, dfns_signer_t *DFNS_NULLABLE *DFNS_NULLABLE out);

/** Creates a signer for a PasswordProtectedKey credential: the envelope is opened once, here
 *  (PBKDF2-HMAC-SHA256, 100 000 iterations, then AES-256-GCM), and the key kept in the signer.
 *  Assertions are sent with kind "PasswordProtectedKey".
 *  Returns: DFNS_OK, DFNS_ERR_INVALID_ARGUMENT (empty password or username),
 *           DFNS_ERR_MALFORMED_ENCODING (not an envelope), DFNS_ERR_WRONG_PASSWORD (wrong password
 *           or username, or an altered envelope: the two cannot be told apart).
 *  In:  encrypted_private_key: the envelope (`encryptedPrivateKey`, e.g. from a challenge's
 *           allowCredentials.passwordProtectedKey).
 *       password, password_len: the password's UTF-8 bytes; the library's copies are wiped.
 *       username: the user's name (salted trimmed and lower-cased).
 *       credential_id: the credential's id, or NULL to derive it from the public key.
 *  Out: out: the signer; free with dfns_signer_free. Immutable, thread-safe. */
DFNS_API DFNS_WARN_UNUSED_RESULT int dfns_signer_new_password_protected_key(
    const char *DFNS_NULLABLE encrypted_private_key, const uint8_t *DFNS_NULLABLE password, size_t password_len,
    const char *DFNS_NULLABLE username, const char *DFNS_NULLABLE credential_id,
    dfns_signer_t *DFNS_NULLABLE *DFNS_NULLABLE out);

/** Creates a signer for a RecoveryKey credential: the recovery code opens the envelope once, here.
 *  Assertions are sent with kind "RecoveryKey" and are not checked against allowCredentials.
 *  Returns: DFNS_OK, DFNS_ERR_INVALID_ARGUMENT, DFNS_ERR_MALFORMED_ENCODING (not an envelope),
 *           DFNS_ERR_WRONG_PASSWORD (a code that is not of the D1-XXXXXX-... format, the wrong
 *           code or username, or an altered envelope).
 *  In:  encrypted_recovery_key: the envelope (`encryptedRecoveryKey` of allowedRecoveryCredentials).
 *       recovery_code, recovery_code_len: the code's bytes ("D1-" and 32 characters, 40 bytes);
 *           the library's copies are wiped.
 *       username: the user's name. credential_id: the recovery credential's id, or NULL to
 *           derive it from the public key.
 *  Out: out: the signer; free with dfns_signer_free. Immutable, thread-safe. */
DFNS_API DFNS_WARN_UNUSED_RESULT int dfns_signer_new_recovery_key(
    const char *DFNS_NULLABLE encrypted_recovery_key, const uint8_t *DFNS_NULLABLE recovery_code,
    size_t recovery_code_len, const char *DFNS_NULLABLE username, const char *DFNS_NULLABLE credential_id,
    dfns_signer_t *DFNS_NULLABLE *DFNS_NULLABLE out);

/** Releases the caller's reference to a signer (clients keep their own). Accepts NULL; sets *signer
 *  to NULL. Key material is wiped when the last reference goes. */
DFNS_API void dfns_signer_free(dfns_signer_t *DFNS_NULLABLE *DFNS_NULLABLE signer);

/** The credential id (credId) the signer's assertions carry (base64url of the raw id for a passkey).
 *  Returns: DFNS_OK, DFNS_ERR_INVALID_ARGUMENT, DFNS_ERR_UNSUPPORTED (a signer without one).
 *  Out: credential_id: a borrowed NUL-terminated string valid until the signer is freed.
 *  Thread-safe. */
DFNS_API DFNS_WARN_UNUSED_RESULT int dfns_signer_credential_id(
    const dfns_signer_t *DFNS_NULLABLE signer, const char *DFNS_NULLABLE *DFNS_NULLABLE credential_id);

/** Signs a user-action challenge: what the device of the delegated flow runs on the challenge the
 *  server's delegated init handed over.
 *  Returns: DFNS_OK, DFNS_ERR_INVALID_ARGUMENT (not JSON, no `challenge` string, a challenge that is
 *           not base64url for a passkey), DFNS_ERR_SIGNER (the challenge's allowCredentials list
 *           does not name the signer's credential: nothing was signed), DFNS_ERR_SIGNER_CALLBACK
 *           (external signers), DFNS_ERR_INPUT_TOO_LARGE (challenge_json above 1 MiB),
 *           DFNS_ERR_UNSUPPORTED (a signer this function cannot run).
 *  In:  challenge_json: the answer of POST /auth/action/init ({"challenge":…,
 *           "challengeIdentifier":…,"allowCredentials":{…},…}), or a delegated request
 *           ({"method":…,"path":…,"body":…,"challenge":{…}}) whose challenge is signed.
 *  Out: first_factor_json: the firstFactor of POST /auth/action, compact JSON:
 *           {"kind":"Key"|"PasswordProtectedKey"|"RecoveryKey"|"Fido2","credentialAssertion":{…}};
 *           release with dfns_free.
 *  Thread-safe: one signer may sign on many threads at once. */
DFNS_API DFNS_WARN_UNUSED_RESULT int dfns_signer_sign_challenge(
    const dfns_signer_t *DFNS_NULLABLE signer, const char *DFNS_NULLABLE challenge_json,
    char *DFNS_NULLABLE *DFNS_NULLABLE first_factor_json);

/** Verifies a Dfns webhook delivery: the X-DFNS-WEBHOOK-SIGNATURE header must be one
 *  "sha256=<64 hex digits>" entry equal to HMAC-SHA256(secret, body) (compared in constant time),
 *  the body a JSON event with id, kind, date, data and timestampSent, and timestampSent at most
 *  max_age seconds before `now` and at most allowed_future_skew seconds after it.
 *  Returns: DFNS_OK, DFNS_ERR_INVALID_ARGUMENT, DFNS_ERR_WEBHOOK_INVALID with the reason first in
 *           dfns_last_error ("missing_signature_header", "malformed_signature_header",
 *           "signature_mismatch", "body_not_json", "invalid_event", "too_old", "from_the_future").
 *  In:  secret, secret_len: the webhook's secret (the `whs-…` text as bytes); the library's copy is
 *           wiped. An empty secret verifies nothing (signature_mismatch).
 *       body, body_len: the request body exactly as received.
 *       signature_header: the header's value, or NULL when the header is absent.
 *       now: the current time in Unix seconds (e.g. time(NULL)).
 *       max_age, allowed_future_skew: seconds (Dfns documents 300; 60 tolerates clock skew);
 *           negative values count as 0.
 *  Out: event_json: NULL, or where to write the verified event body as compact JSON (release with
 *           dfns_free). Keep processed event ids for max_age seconds to drop replays.
 *  Thread-safe. */
DFNS_API DFNS_WARN_UNUSED_RESULT int dfns_webhook_verify(
    const uint8_t *DFNS_NULLABLE secret, size_t secret_len, const uint8_t *DFNS_NULLABLE body, size_t body_len,
    const char *DFNS_NULLABLE signature_header, int64_t now, int64_t max_age, int64_t allowed_future_skew,
    char *DFNS_NULLABLE *DFNS_NULLABLE event_json);

/** Flags of dfns_returned_signature_verify. */
#define DFNS_RETURNED_SIGNATURE_ALLOW_HIGH_S 1  /**< accept a secp256k1 S above n/2 (refused by default) */

/** Verifies a signature the Dfns keys API returned (POST /keys/{keyId}/signatures) against the
 *  key's `publicKey`, before the host forwards it.
 *  Returns: DFNS_OK, DFNS_ERR_INVALID_ARGUMENT, DFNS_ERR_INVALID_PUBLIC_KEY (public_key_hex is not a
 *           key of the kind), DFNS_ERR_RETURNED_SIGNATURE_INVALID (it does not verify, the key
 *           recovered is another, high S, a bad recid, malformed r/s/encoded, or an `encoded`
 *           that describes another signature), DFNS_ERR_UNSUPPORTED (key_kind RSA).
 *  In:  key_kind: DFNS_KEY_SECP256K1, DFNS_KEY_P256 or DFNS_KEY_ED25519.
 *       public_key_hex: the key's publicKey: SEC1 hex (33 or 65 bytes) for ECDSA, 32 bytes for
 *           Ed25519; "0x" optional.
 *       signed_data, signed_data_len: ECDSA: the 32-byte digest that was signed (the `hash` of a
 *           Hash request, or the blockchain's digest); Ed25519: the message itself.
 *       r, s: the signature's `r` and `s` (hex, "0x" optional).
 *       recid: the `recid` (0 to 3), or -1 when absent. For secp256k1 the public key is recovered
 *           with it and must equal the key's; ignored for P-256 and Ed25519.
 *       encoded: the `encoded` hex, or NULL (DER, r || s, or r || s || v).
 *       flags: 0 or DFNS_RETURNED_SIGNATURE_ALLOW_HIGH_S.
 *  Thread-safe. */
DFNS_API DFNS_WARN_UNUSED_RESULT int dfns_returned_signature_verify(
    int key_kind, const char *DFNS_NULLABLE public_key_hex, const uint8_t *DFNS_NULLABLE signed_data,
    size_t signed_data_len, const char *DFNS_NULLABLE r, const char *DFNS_NULLABLE s, int recid,
    const char *DFNS_NULLABLE encoded, int flags);

/** Generates a key for a new Key credential.
 *  Returns: DFNS_OK, DFNS_ERR_INVALID_ARGUMENT (unknown kind, RSA size outside 2048...16384),
 *           DFNS_ERR_SIGNER (the random source or key export failed).
 *  In:  key_kind: a dfns_key_kind. rsa_bits: the RSA modulus size, 0 for 2048; ignored for
 *           other kinds.
 *  Out: private_key_pem: the unencrypted PKCS#8 PEM ("PRIVATE KEY"): secret; wipe it (strlen
 *           bytes) before dfns_free. public_key_pem: NULL, or the SPKI PEM ("PUBLIC KEY"), as
 *           Key attestations carry it. credential_id: NULL, or the credential id the newest SDKs
 *           give a new key (base64url of SHA-256 of the SPKI DER). Each released with dfns_free.
 *  Thread-safe. */
DFNS_API DFNS_WARN_UNUSED_RESULT int dfns_key_generate(
    int key_kind, int rsa_bits, char *DFNS_NULLABLE *DFNS_NULLABLE private_key_pem,
    char *DFNS_NULLABLE *DFNS_NULLABLE public_key_pem, char *DFNS_NULLABLE *DFNS_NULLABLE credential_id);

/** Wraps a P-256 private key under a password as the `encryptedPrivateKey` of PasswordProtectedKey
 *  and RecoveryKey credentials: salt = SHA-256(lower-case(trim(username))), PBKDF2-HMAC-SHA256
 *  (100 000 iterations), AES-256-GCM with a random 16-byte IV; base64 of {"iv":…,"key":…}.
 *  Returns: DFNS_OK, DFNS_ERR_INVALID_ARGUMENT (empty password or username),
 *           DFNS_ERR_MALFORMED_ENCODING, DFNS_ERR_UNSUPPORTED_ALGORITHM (not P-256).
 *  In:  private_key, private_key_len: PEM or DER, as for dfns_signer_new_key; the library's byte
 *           copy is wiped. password, password_len: wiped where copied. username: the user's name.
 *  Out: encrypted_private_key: the envelope; release with dfns_free.
 *  Thread-safe. */
DFNS_API DFNS_WARN_UNUSED_RESULT int dfns_password_protected_key_wrap(
    const uint8_t *DFNS_NULLABLE private_key, size_t private_key_len, const uint8_t *DFNS_NULLABLE password,
    size_t password_len, const char *DFNS_NULLABLE username, char *DFNS_NULLABLE *DFNS_NULLABLE encrypted_private_key);

/** Opens an envelope made by dfns_password_protected_key_wrap (or a Dfns SDK), e.g. to export a
 *  password-protected or recovery key.
 *  Returns: DFNS_OK, DFNS_ERR_INVALID_ARGUMENT, DFNS_ERR_MALFORMED_ENCODING (not an envelope),
 *           DFNS_ERR_WRONG_PASSWORD (wrong password or username, or an altered envelope).
 *  In:  encrypted_private_key: the envelope. password, password_len: the password (or recovery
 *           code) bytes; wiped where copied. username: the user's name.
 *  Out: private_key_pem: the PKCS#8 PEM: secret; wipe it (strlen bytes) before dfns_free.
 *  Thread-safe. */
DFNS_API DFNS_WARN_UNUSED_RESULT int dfns_password_protected_key_unwrap(
    const char *DFNS_NULLABLE encrypted_private_key, const uint8_t *DFNS_NULLABLE password, size_t password_len,
    const char *DFNS_NULLABLE username, char *DFNS_NULLABLE *DFNS_NULLABLE private_key_pem);

/** Creates a new PasswordProtectedKey credential for a registration or credential challenge: a new
 *  P-256 key, wrapped under the password, attested for `challenge`.
 *  Returns: DFNS_OK, DFNS_ERR_INVALID_ARGUMENT (empty challenge, password or username),
 *           DFNS_ERR_SIGNER.
 *  In:  challenge: the challenge string of the registration/credential challenge, verbatim.
 *       password, password_len: wiped where copied. username: the user's name.
 *       credential_name: the optional credentialName, or NULL.
 *  Out: credential_json: {"credentialKind":"PasswordProtectedKey","credentialInfo":{"credId",
 *           "clientData","attestationData"}[,"credentialName"],"encryptedPrivateKey":…}, compact;
 *           release with dfns_free.
 *  Thread-safe. */
DFNS_API DFNS_WARN_UNUSED_RESULT int dfns_password_protected_key_create(
    const char *DFNS_NULLABLE challenge, const uint8_t *DFNS_NULLABLE password, size_t password_len,
    const char *DFNS_NULLABLE username, const char *DFNS_NULLABLE credential_name,
    char *DFNS_NULLABLE *DFNS_NULLABLE credential_json);

/** Draws a new recovery code from the CSPRNG: "D1-" and 32 characters of
 *  ABCDEFGHJKLMNPQRSTUVWXYZ23456789 grouped 6-5-5-5-5-6 (about 160 bits).
 *  Returns: DFNS_OK, DFNS_ERR_INVALID_ARGUMENT, DFNS_ERR_SIGNER (the random source failed).
 *  Out: recovery_code: the 40-character code: secret; show it to the user once, wipe it
 *           (strlen bytes) before dfns_free.
 *  Thread-safe. */
DFNS_API DFNS_WARN_UNUSED_RESULT int dfns_recovery_code_generate(char *DFNS_NULLABLE *DFNS_NULLABLE recovery_code);

/** Creates a new RecoveryKey credential for a registration or credential challenge: a new P-256
 *  key, wrapped under the recovery code, attested for `challenge`.
 *  Returns: DFNS_OK, DFNS_ERR_INVALID_ARGUMENT (empty challenge or username),
 *           DFNS_ERR_WRONG_PASSWORD (the code is not of the D1-XXXXXX-... format), DFNS_ERR_SIGNER.
 *  In:  challenge: the challenge string, verbatim. recovery_code, recovery_code_len: a code from
 *           dfns_recovery_code_generate; wiped where copied. username: the user's name.
 *       credential_name: the optional credentialName, or NULL.
 *  Out: credential_json: {"credentialKind":"RecoveryKey","credentialInfo":{…}[,"credentialName"],
 *           "encryptedPrivateKey":…}, compact (the recoveryCredential of a registration);
 *           release with dfns_free.
 *  Thread-safe. */
DFNS_API DFNS_WARN_UNUSED_RESULT int dfns_recovery_key_create(
    const char *DFNS_NULLABLE challenge, const uint8_t *DFNS_NULLABLE recovery_code, size_t recovery_code_len,
    const char *DFNS_NULLABLE username, const char *DFNS_NULLABLE credential_name,
    char *DFNS_NULLABLE *DFNS_NULLABLE credential_json);

/** Creates a passkey on the software authenticator for a Dfns registration or credential
 *  challenge (POST /auth/registration/init or /delegated, POST /auth/credentials/init with kind
 *  "Fido2"), as the end user's device does (since 0.3). From the challenge: `challenge` (the
 *  clientData challenge, verbatim), `user.id` (the user handle, at most 64 bytes), `user.name`,
 *  `pubKeyCredParams` (the first algorithm the authenticator supports), `attestation` ("none" or
 *  absent: a none statement; otherwise packed self attestation). The deprecated `rp` is ignored.
 *  Returns: DFNS_OK, DFNS_ERR_INVALID_ARGUMENT (not a JSON object, a member missing or of the wrong
 *           type, empty rp_id or origin), DFNS_ERR_UNSUPPORTED_ALGORITHM (no algorithm of
 *           pubKeyCredParams is one the authenticator creates: ES256, EdDSA, ES256K, RS256),
 *           DFNS_ERR_SIGNER (key generation failed).
 *  In:  authenticator: keeps the new credential. rp_id, origin: the relying party configured for
 *           the passkeys, e.g. "app.example.com" and "https://app.example.com".
 *       challenge_json: the challenge as received. credential_name: the optional credentialName, or NULL.
 *  Out: credential_json: {"credentialKind":"Fido2","credentialInfo":{"credId","clientData",
 *           "attestationData"}[,"credentialName"]}, compact: the firstFactorCredential of a
 *           registration, or the body of POST /auth/credentials with the challengeIdentifier added;
 *           release with dfns_free.
 *       signer: NULL, or receives a user-verifying passkey signer for the new credential (as
 *           dfns_signer_new_webauthn); free with dfns_signer_free.
 *  Thread-safe (the authenticator locks). */
DFNS_API DFNS_WARN_UNUSED_RESULT int dfns_fido2_credential_create(
    const dfns_authenticator_t *DFNS_NULLABLE authenticator, const char *DFNS_NULLABLE rp_id,
    const char *DFNS_NULLABLE origin, const char *DFNS_NULLABLE challenge_json,
    const char *DFNS_NULLABLE credential_name, char *DFNS_NULLABLE *DFNS_NULLABLE credential_json,
    dfns_signer_t *DFNS_NULLABLE *DFNS_NULLABLE signer);

/** Signs an account recovery with a recovery key (since 0.3): a key.get assertion over base64url of
 *  the compact JSON of `new_credentials_json` (written from its parsed value, members in order),
 *  the `recovery` member of POST /auth/recover/user.
 *  Returns: DFNS_OK, DFNS_ERR_INVALID_ARGUMENT (not a JSON object), DFNS_ERR_UNSUPPORTED (a signer
 *           that is not from dfns_signer_new_recovery_key), DFNS_ERR_SIGNER.
 *  In:  new_credentials_json: the newCredentials object sent with it
 *           ({"firstFactorCredential":…[,"recoveryCredential":…]}).
 *  Out: recovery_json: {"kind":"RecoveryKey","credentialAssertion":{…}}, compact; release with dfns_free.
 *  Thread-safe. */
DFNS_API DFNS_WARN_UNUSED_RESULT int dfns_signer_sign_recovery(
    const dfns_signer_t *DFNS_NULLABLE signer, const char *DFNS_NULLABLE new_credentials_json,
    char *DFNS_NULLABLE *DFNS_NULLABLE recovery_json);

/* @@SIGNERS@@ (declarations of this section go above this line) */

/* ----------------------------------------------------------------------------------------------
 * Dfns API client (since 0.2)
 *
 * A dfns_client_t sends requests to the Dfns API: base URL, bearer token, options, a transport
 * (libcurl, or the host's own HTTP stack through dfns_transport) and an optional signer that signs
 * user actions whenever the protocol requires one. Every call is blocking: it returns when the
 * exchange is over, and runs the host's callbacks (transport, external signer) on the calling thread.
 *
 * Thread safety of a client: dfns_client_request, dfns_client_delegated_init and
 * dfns_client_delegated_complete may run on one client from many threads at once, and so may
 * dfns_client_set_auth_token and dfns_client_set_signer (an exception to the header's rule for
 * non-const handles: the client locks). A request uses the token and signer that were set when it
 * started; a change applies to requests started after the setter returned. Only dfns_client_free
 * needs exclusive access. Results are immutable and may be shared.
 * ------------------------------------------------------------------------------------------- */

/** A Dfns API client. See the section comment for its thread-safety rules. */
typedef struct dfns_client dfns_client_t;

/** The answer of one request: HTTP status, body, Dfns error id, request id and outcome. Immutable. */
typedef struct dfns_result dfns_result_t;

/** The response a host transport callback fills (dfns_http_response_set_status and friends). It
 *  exists only while the callback runs: never keep the pointer. */
typedef struct dfns_http_response dfns_http_response_t;

/** Client options. Initialize with dfns_client_options_init, then change what you need; the
 *  defaults are given in brackets. Fields are appended in later versions: the library reads only
 *  the first `struct_size` bytes, and a `struct_size` larger than its own struct is accepted only
 *  when the unknown trailing bytes are zero. */
typedef struct dfns_client_options {
    size_t struct_size;                 /**< sizeof(dfns_client_options), as set by dfns_client_options_init */
    uint32_t connect_timeout_ms;        /**< the longest wait for a connection, TLS included [10000] */
    uint32_t timeout_ms;                /**< the longest one exchange may take [30000] */
    uint32_t max_attempts;              /**< total attempts of a retryable request, the first included; 1 never retries [3] */
    int verify_returned_signatures;     /**< check the signatures POST /keys/{keyId}/signatures returns (Hash on
                                             secp256k1, Message on Ed25519) against the key before returning them [1] */
    int allow_insecure_http;            /**< accept http:// base URLs for hosts that are not loopback [0] */
    const char *DFNS_NULLABLE user_agent_suffix; /**< appended to the User-Agent ("dfns-bridge/<version>") after a space [NULL] */
    const char *DFNS_NULLABLE ca_bundle_path;    /**< a PEM CA bundle for the libcurl transport instead of the system's [NULL:
                                                      SSL_CERT_FILE or SSL_CERT_DIR when set, else libcurl's default
                                                      bundle when it exists, else the first of the usual Linux
                                                      locations (Debian, Fedora/RHEL, openSUSE, Alpine) that does] */
} dfns_client_options;

/** Sets every option to its default and `struct_size` to the given size.
 *  Returns: DFNS_OK, DFNS_ERR_INVALID_ARGUMENT (NULL, or struct_size smaller than the 0.2 struct).
 *  In:  struct_size: sizeof(dfns_client_options) as the caller's header declares it; bytes beyond
 *           the library's own struct are zeroed.
 *  Out: options: the defaults. */
DFNS_API DFNS_WARN_UNUSED_RESULT int dfns_client_options_init(
    dfns_client_options *DFNS_NULLABLE options, size_t struct_size);

/** One request as a host transport receives it. Owned by the library, valid during the callback. */
typedef struct dfns_http_request {
    size_t struct_size;                 /**< the library's sizeof(dfns_http_request): fields are appended */
    const char *DFNS_NONNULL method;    /**< "GET", "POST", "PUT", "DELETE", "PATCH" or "HEAD" */
    const char *DFNS_NONNULL url;       /**< the absolute URL, percent-encoded, e.g. "https://api.dfns.io/wallets" */
    size_t header_count;                /**< the number of header fields (User-Agent included; the transport adds
                                             Host and Content-Length) */
    const char *DFNS_NONNULL const *DFNS_NULLABLE header_names;  /**< header_count names (NULL when 0) */
    const char *DFNS_NONNULL const *DFNS_NULLABLE header_values; /**< header_count values, in the same order */
    const uint8_t *DFNS_NULLABLE body;  /**< the body, to send byte for byte; NULL when the request has none */
    size_t body_len;                    /**< its length (set Content-Length to it) */
    uint32_t connect_timeout_ms;        /**< the client's connect timeout, to apply */
    uint32_t timeout_ms;                /**< the client's total timeout, to apply */
} dfns_http_request;

/** Sends one request (modelled on libfido2's fido_dev_io_t): send `request` exactly once (never
 *  retry: a user-action token is single use), then describe the answer with
 *  dfns_http_response_set_status, _add_header and _append_body, which copy what they are given.
 *  Any HTTP status is an answer, 4xx and 5xx included; do not follow redirects.
 *  Returns: 0 when a complete response was filled in. To report that no complete response came,
 *           return DFNS_ERR_TRANSPORT_CONNECT, _TIMEOUT, _TLS, _MALFORMED_RESPONSE or
 *           _RESPONSE_TOO_LARGE (the call fails with that status; connection failures, timeouts and
 *           malformed replies of a request that is safe to repeat are retried), or any other
 *           non-zero value: the call then fails with DFNS_ERR_TRANSPORT_CALLBACK and the value is
 *           named in dfns_last_error.
 *  Returning 0 without setting a status, after a fill call failed, or with a Content-Length
 *  header that disagrees with the body given, is a broken contract: DFNS_ERR_TRANSPORT_CALLBACK.
 *  Called on the thread of the client call, possibly on many threads at once. It must return
 *  normally: no C++ exception or longjmp may cross the library. */
typedef int (*dfns_transport_send_fn)(void *DFNS_NULLABLE user, const dfns_http_request *DFNS_NONNULL request,
                                      dfns_http_response_t *DFNS_NONNULL response);

/** A host transport for dfns_client_new. The struct is copied; it need not outlive the call. */
typedef struct dfns_transport {
    size_t struct_size;                     /**< sizeof(dfns_transport) */
    dfns_transport_send_fn DFNS_NULLABLE send; /**< required */
    void *DFNS_NULLABLE user;               /**< passed to send and free_user; kept until the client is destroyed */
    dfns_user_free_fn DFNS_NULLABLE free_user; /**< NULL, or called once with `user` when the client is destroyed;
                                                    not called when dfns_client_new fails */
} dfns_transport;

/** Sets the response's HTTP status. Only from inside dfns_transport_send_fn.
 *  Returns: DFNS_OK, DFNS_ERR_INVALID_ARGUMENT (NULL response, status outside 100...599: the
 *           exchange then fails with DFNS_ERR_TRANSPORT_CALLBACK). */
DFNS_API DFNS_WARN_UNUSED_RESULT int dfns_http_response_set_status(dfns_http_response_t *DFNS_NULLABLE response, int status);

/** Adds a response header field (repeat a name to add it twice). Only from inside the callback.
 *  Returns: DFNS_OK, DFNS_ERR_INVALID_ARGUMENT (NULL, a name that is not an HTTP token, a value
 *           with CR, LF or NUL, invalid UTF-8), DFNS_ERR_TRANSPORT_RESPONSE_TOO_LARGE (more than
 *           256 KiB of headers). After a failure the exchange fails (DFNS_ERR_TRANSPORT_CALLBACK or
 *           the size status) whatever the callback returns.
 *  In:  name, value: NUL-terminated; copied. Surrounding spaces of the value are dropped. */
DFNS_API DFNS_WARN_UNUSED_RESULT int dfns_http_response_add_header(
    dfns_http_response_t *DFNS_NULLABLE response, const char *DFNS_NULLABLE name, const char *DFNS_NULLABLE value);

/** Appends bytes to the response body (call it once, or once per chunk). Only from inside the callback.
 *  Returns: DFNS_OK, DFNS_ERR_INVALID_ARGUMENT (NULL response; NULL data with a non-zero len: the
 *           exchange then fails with DFNS_ERR_TRANSPORT_CALLBACK), DFNS_ERR_TRANSPORT_RESPONSE_TOO_LARGE
 *           (the body would exceed 16 MiB; the exchange then fails with that status).
 *  In:  data, len: copied; data may be NULL when len is 0. */
DFNS_API DFNS_WARN_UNUSED_RESULT int dfns_http_response_append_body(
    dfns_http_response_t *DFNS_NULLABLE response, const uint8_t *DFNS_NULLABLE data, size_t len);

/** Creates a client.
 *  Returns: DFNS_OK, DFNS_ERR_INVALID_ARGUMENT (a base URL that is not https:// (or http:// on
 *           loopback) with a host and without query, fragment or user info; a token with CR or LF;
 *           a bad option or transport struct), DFNS_ERR_UNSUPPORTED (options from a newer header
 *           whose unknown fields are set).
 *  In:  base_url: e.g. "https://api.dfns.io", or a gateway's "https://gw.example.com/dfns".
 *       auth_token: the bearer token (service account, personal access token, login token), or NULL
 *           for none yet (dfns_client_set_auth_token). Copied; never written to any message.
 *       options: NULL for the defaults, or options from dfns_client_options_init. Copied.
 *       transport: NULL for the libcurl transport (TLS verified, HTTP proxies from the environment
 *           except for a loopback base URL), or the host's transport (copied; see dfns_transport
 *           for who owns `user`).
 *  Out: out: the client; free with dfns_client_free. */
DFNS_API DFNS_WARN_UNUSED_RESULT int dfns_client_new(
    const char *DFNS_NULLABLE base_url, const char *DFNS_NULLABLE auth_token,
    const dfns_client_options *DFNS_NULLABLE options, const dfns_transport *DFNS_NULLABLE transport,
    dfns_client_t *DFNS_NULLABLE *DFNS_NULLABLE out);

/** Releases a client. Accepts NULL; sets *client to NULL. No other call may be running on it. The
 *  transport's free_user runs here. */
DFNS_API void dfns_client_free(dfns_client_t *DFNS_NULLABLE *DFNS_NULLABLE client);

/** Replaces the bearer token (e.g. with the end user's token after a delegated login).
 *  Returns: DFNS_OK, DFNS_ERR_INVALID_ARGUMENT (NULL client, a token with CR, LF or NUL).
 *  In:  auth_token: the new token, or NULL to send none. Copied.
 *  Thread-safe, also while requests run on the client (they keep the token they started with). */
DFNS_API DFNS_WARN_UNUSED_RESULT int dfns_client_set_auth_token(
    dfns_client_t *DFNS_NULLABLE client, const char *DFNS_NULLABLE auth_token);

/** Sets the signer of user actions.
 *  Returns: DFNS_OK, DFNS_ERR_INVALID_ARGUMENT.
 *  In:  signer: the signer, or NULL for none (requests that need a user action then fail with
 *           DFNS_ERR_SIGNER_REQUIRED). The client keeps its own reference: the caller may
 *           dfns_signer_free its handle at once.
 *  Thread-safe, also while requests run on the client (they keep the signer they started with). */
DFNS_API DFNS_WARN_UNUSED_RESULT int dfns_client_set_signer(
    dfns_client_t *DFNS_NULLABLE client, const dfns_signer_t *DFNS_NULLABLE signer);

/** Outcomes of dfns_result_outcome. */
typedef enum dfns_outcome {
    DFNS_OUTCOME_DONE = 1,      /**< a 2xx answer; an entity in its body did not fail and is not waiting */
    DFNS_OUTCOME_PENDING = 2,   /**< 202 (held by a policy: see dfns_result_approval_id), or an entity whose
                                     status is "Pending" or "Executing": poll it or wait for a webhook */
    DFNS_OUTCOME_FAILED = 3     /**< a 4xx/5xx answer (DFNS_ERR_API), or an entity whose status is
                                     "Failed" or "Rejected" (DFNS_OK: the request itself succeeded) */
} dfns_outcome;

/** Sends `method` `path` with `body_json`, signing a user action first when the protocol requires
 *  one (POST /auth/action/init, the signer, POST /auth/action, then the request with
 *  X-DFNS-USERACTION). Reads, the challenge request and writes whose body has an "externalId" are
 *  retried on connection failures, 429 and 5xx (max_attempts); other writes are sent once.
 *  Returns: DFNS_OK for a 2xx answer.
 *           DFNS_ERR_API for a 4xx/5xx answer: the EXCEPTION to "outputs only on success": *result is
 *             then set as well, so its HTTP status, Dfns error id, request id and body are readable
 *             (the caller frees it as usual).
 *           DFNS_ERR_INVALID_ARGUMENT (unknown method, path not starting with "/" or with spaces, a
 *             body that is not JSON or on a GET), DFNS_ERR_SIGNER_REQUIRED, DFNS_ERR_SIGNER,
 *             DFNS_ERR_SIGNER_CALLBACK, DFNS_ERR_TRANSPORT_* (no complete answer), 
 *             DFNS_ERR_API_INVALID_RESPONSE (1xx/3xx, or an unreadable answer during user-action
 *             signing), DFNS_ERR_RETURNED_SIGNATURE_INVALID: *result is NULL.
 *  In:  method: "GET", "POST", "PUT", "DELETE", "PATCH" or "HEAD". path: relative to the base URL,
 *           starting with "/", with its query if any (percent-encoded). body_json: NULL, or the JSON
 *           body, sent byte for byte.
 *  Out: result: the answer; free with dfns_result_free.
 *  Thread-safe on a shared client. */
DFNS_API DFNS_WARN_UNUSED_RESULT int dfns_client_request(
    const dfns_client_t *DFNS_NULLABLE client, const char *DFNS_NULLABLE method, const char *DFNS_NULLABLE path,
    const char *DFNS_NULLABLE body_json, dfns_result_t *DFNS_NULLABLE *DFNS_NULLABLE result);

/** Step one of a delegated request: asks for the user-action challenge of `method` `path`
 *  `body_json`, for another device (the end user's) to sign, e.g. with dfns_signer_sign_challenge.
 *  Returns: DFNS_OK, DFNS_ERR_INVALID_ARGUMENT (as for dfns_client_request, or a request that needs
 *           no user action: send it directly), DFNS_ERR_API (here *no* result: the status and error
 *           are in dfns_last_error; dfns_client_delegated_init_with_result also hands back the answer),
 *           DFNS_ERR_TRANSPORT_*, DFNS_ERR_API_INVALID_RESPONSE.
 *  Out: challenge_json: {"method":…,"path":…,"body":…,"challenge":{…}}, compact JSON: hand it to
 *           the device (it signs its "challenge") and keep it for dfns_client_delegated_complete;
 *           release with dfns_free.
 *  Thread-safe on a shared client. */
DFNS_API DFNS_WARN_UNUSED_RESULT int dfns_client_delegated_init(
    const dfns_client_t *DFNS_NULLABLE client, const char *DFNS_NULLABLE method, const char *DFNS_NULLABLE path,
    const char *DFNS_NULLABLE body_json, char *DFNS_NULLABLE *DFNS_NULLABLE challenge_json);

/** dfns_client_delegated_init, and the answer of a refused challenge request (since 0.3).
 *  Returns: as dfns_client_delegated_init, except DFNS_ERR_API: *result is then set as well (the
 *           challenge request's HTTP status, Dfns error id, request id, headers and body; the
 *           caller frees it), as dfns_client_request does.
 *  Out: challenge_json: as dfns_client_delegated_init; release with dfns_free.
 *       result: set only with DFNS_ERR_API, NULL otherwise; free with dfns_result_free.
 *  Thread-safe on a shared client. */
DFNS_API DFNS_WARN_UNUSED_RESULT int dfns_client_delegated_init_with_result(
    const dfns_client_t *DFNS_NULLABLE client, const char *DFNS_NULLABLE method, const char *DFNS_NULLABLE path,
    const char *DFNS_NULLABLE body_json, char *DFNS_NULLABLE *DFNS_NULLABLE challenge_json,
    dfns_result_t *DFNS_NULLABLE *DFNS_NULLABLE result);

/** Step two: exchanges the device's signed first factor for a user-action token (POST /auth/action)
 *  and sends the request of `challenge_json` exactly as it was at step one. Nothing is retried.
 *  Returns: as dfns_client_request (DFNS_ERR_API also sets *result), DFNS_ERR_INVALID_ARGUMENT
 *           for a challenge_json that is not what dfns_client_delegated_init returned or a
 *           first factor that is not a JSON object.
 *  In:  challenge_json: the text dfns_client_delegated_init returned (possibly stored meanwhile).
 *       signed_first_factor_json: the device's firstFactor, e.g. from dfns_signer_sign_challenge
 *           ({"kind":…,"credentialAssertion":{…}}).
 *  Out: result: the answer of the request; free with dfns_result_free.
 *  Thread-safe on a shared client. */
DFNS_API DFNS_WARN_UNUSED_RESULT int dfns_client_delegated_complete(
    const dfns_client_t *DFNS_NULLABLE client, const char *DFNS_NULLABLE challenge_json,
    const char *DFNS_NULLABLE signed_first_factor_json, dfns_result_t *DFNS_NULLABLE *DFNS_NULLABLE result);

/** Releases a result. Accepts NULL; sets *result to NULL. */
DFNS_API void dfns_result_free(dfns_result_t *DFNS_NULLABLE *DFNS_NULLABLE result);

/** The HTTP status of the answer (200, 202, 404, ...). Returns: DFNS_OK, DFNS_ERR_INVALID_ARGUMENT. */
DFNS_API DFNS_WARN_UNUSED_RESULT int dfns_result_http_status(
    const dfns_result_t *DFNS_NULLABLE result, int *DFNS_NULLABLE http_status);

/** The response body as received (JSON for the Dfns API; possibly empty).
 *  Returns: DFNS_OK, DFNS_ERR_INVALID_ARGUMENT.
 *  Out: body: borrowed, NUL-terminated after body_len bytes, valid until the result is freed.
 *       body_len: its length in bytes (the body may itself contain NUL bytes). */
DFNS_API DFNS_WARN_UNUSED_RESULT int dfns_result_body(
    const dfns_result_t *DFNS_NULLABLE result, const char *DFNS_NULLABLE *DFNS_NULLABLE body,
    size_t *DFNS_NULLABLE body_len);

/** The outcome: a dfns_outcome value. Returns: DFNS_OK, DFNS_ERR_INVALID_ARGUMENT. */
DFNS_API DFNS_WARN_UNUSED_RESULT int dfns_result_outcome(
    const dfns_result_t *DFNS_NULLABLE result, int *DFNS_NULLABLE outcome);

/** The Dfns error id of a 4xx/5xx answer (the envelope's error name or code, e.g. "NotFound").
 *  Returns: DFNS_OK, DFNS_ERR_INVALID_ARGUMENT, DFNS_ERR_NOT_FOUND (no error id: a success, or an
 *           error body without one; *error_id is then NULL).
 *  Out: error_id: borrowed NUL-terminated string, valid until the result is freed. */
DFNS_API DFNS_WARN_UNUSED_RESULT int dfns_result_error_id(
    const dfns_result_t *DFNS_NULLABLE result, const char *DFNS_NULLABLE *DFNS_NULLABLE error_id);

/** The server's request id (X-Request-ID), for support.
 *  Returns: DFNS_OK, DFNS_ERR_INVALID_ARGUMENT, DFNS_ERR_NOT_FOUND (the answer had none; NULL).
 *  Out: request_id: borrowed NUL-terminated string, valid until the result is freed. */
DFNS_API DFNS_WARN_UNUSED_RESULT int dfns_result_request_id(
    const dfns_result_t *DFNS_NULLABLE result, const char *DFNS_NULLABLE *DFNS_NULLABLE request_id);

/** The approval id of a DFNS_OUTCOME_PENDING answer held by a policy (the body's "approvalId").
 *  Returns: DFNS_OK, DFNS_ERR_INVALID_ARGUMENT, DFNS_ERR_NOT_FOUND (none; *approval_id is NULL).
 *  Out: approval_id: borrowed NUL-terminated string, valid until the result is freed. */
DFNS_API DFNS_WARN_UNUSED_RESULT int dfns_result_approval_id(
    const dfns_result_t *DFNS_NULLABLE result, const char *DFNS_NULLABLE *DFNS_NULLABLE approval_id);

/** The number of header fields of the answer, a repeated name counted once per field (since 0.3).
 *  Returns: DFNS_OK, DFNS_ERR_INVALID_ARGUMENT. */
DFNS_API DFNS_WARN_UNUSED_RESULT int dfns_result_header_count(
    const dfns_result_t *DFNS_NULLABLE result, size_t *DFNS_NULLABLE count);

/** Header field `index` of the answer, in the order received (since 0.3).
 *  Returns: DFNS_OK, DFNS_ERR_INVALID_ARGUMENT, DFNS_ERR_NOT_FOUND (index >= the count; both NULL).
 *  Out: name, value: borrowed NUL-terminated strings (the value without surrounding spaces), valid
 *           until the result is freed. */
DFNS_API DFNS_WARN_UNUSED_RESULT int dfns_result_header_at(
    const dfns_result_t *DFNS_NULLABLE result, size_t index, const char *DFNS_NULLABLE *DFNS_NULLABLE name,
    const char *DFNS_NULLABLE *DFNS_NULLABLE value);

/** The value of the first header field named `name`, compared without regard to ASCII case, e.g.
 *  "retry-after" (since 0.3).
 *  Returns: DFNS_OK, DFNS_ERR_INVALID_ARGUMENT, DFNS_ERR_NOT_FOUND (no such field; *value is NULL).
 *  Out: value: borrowed NUL-terminated string, valid until the result is freed. */
DFNS_API DFNS_WARN_UNUSED_RESULT int dfns_result_header(
    const dfns_result_t *DFNS_NULLABLE result, const char *DFNS_NULLABLE name,
    const char *DFNS_NULLABLE *DFNS_NULLABLE value);

/* @@CLIENT@@ (declarations of this section go above this line) */

#if defined(__clang__)
#  pragma clang diagnostic pop
#endif

#ifdef __cplusplus
}
#endif

#endif /* DFNS_BRIDGE_H */
