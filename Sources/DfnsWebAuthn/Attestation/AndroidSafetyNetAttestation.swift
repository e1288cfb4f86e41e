import DfnsCrypto
import DfnsEncoding

/// The `android-safetynet` format (WebAuthn §8.5, deprecated): a SafetyNet attestation JWS whose
/// nonce binds the ceremony.
///
/// Checks: closed `attStmt` syntax (`ver` a non-empty text, `response` bytes); `response` is a
/// compact JWS (see ``CompactJWS``) with `alg` RS256 and an `x5c` whose leaf is issued to
/// `attest.android.com`; the JWS signature verifies with the leaf key; the payload `nonce` equals
/// standard padded base64 of SHA-256(`authData ‖ clientDataHash`); then, per
/// ``RelyingPartyPolicy/safetyNet``, `ctsProfileMatch` is true and `timestampMs` lies within
/// [verificationTime − maxAge, verificationTime + skew], where verificationTime is the context's
/// (the policy's ``RelyingPartyPolicy/verificationTime``, the same instant the certificate chain is
/// evaluated at; the wall clock is never read here). The result is Basic with trust path = the
/// JWS `x5c` (chained to GlobalSign by ``AttestationTrust``).
public enum AndroidSafetyNetAttestation: AttestationStatementVerifier {
    /// `"android-safetynet"`.
    public static let format = "android-safetynet"

    /// The host name SafetyNet attestation certificates are issued to.
    static let attestationHost = "attest.android.com"

    /// Runs the checks listed in the type documentation on `context.statement`.
    ///
    /// - Throws: ``WebAuthnError`` with the code of the first failed check.
    public static func verify(_ context: AttestationContext) throws(WebAuthnError) -> VerifiedAttestation {
        let fields = try AttestationStatementFields(context.statement, format: format, allowed: ["ver", "response"])
        let version = try fields.text("ver")
        guard !version.isEmpty else {
            throw WebAuthnError(.malformedAttestationStatement, "android-safetynet attStmt ver must be a non-empty Play Services version, found \"\"")
        }
        let response = try fields.bytes("response")
        let jws = try CompactJWS(response, what: "android-safetynet response JWS")

        guard let leaf = jws.certificates.first, leaf.matchesHost(attestationHost) else {
            throw WebAuthnError(.attestationCertificateInvalid,
                                "android-safetynet JWS x5c[0] must be issued to \(attestationHost), found subject \"\(jws.certificates.first.map { "\($0.subject)" } ?? "")\"")
        }
        try jws.verifySignature(what: "android-safetynet response JWS")

        let payload = jws.payload
        let expectedNonce = Base64.encode(SHA256.hash(context.signedData))
        guard let nonceValue = payload["nonce"] else {
            throw WebAuthnError(.malformedAttestationStatement, "android-safetynet JWS payload lacks \"nonce\"")
        }
        guard let nonce = nonceValue.stringValue else {
            throw WebAuthnError(.malformedAttestationStatement, "android-safetynet JWS payload nonce must be a string, found \(nonceValue.typeName)")
        }
        guard nonce == expectedNonce else {
            throw WebAuthnError(.attestationBindingMismatch,
                                "android-safetynet nonce must be base64(SHA-256(authData ‖ clientDataHash)) = \(expectedNonce), found \(nonce)")
        }

        let policy = context.policy.safetyNet
        if policy.requireCTSProfileMatch {
            guard let value = payload["ctsProfileMatch"] else {
                throw WebAuthnError(.attestationPolicyViolation, "android-safetynet ctsProfileMatch must be true, found it absent")
            }
            guard let match = value.boolValue else {
                throw WebAuthnError(.malformedAttestationStatement, "android-safetynet ctsProfileMatch must be a boolean, found \(value.typeName)")
            }
            guard match else {
                throw WebAuthnError(.attestationPolicyViolation, "android-safetynet ctsProfileMatch must be true, found false (device failed the compatibility check)")
            }
        }
        if let maxAge = policy.maxAgeSeconds {
            try checkTimestamp(payload, maxAgeSeconds: maxAge, skewSeconds: policy.maxClockSkewSeconds,
                               now: context.verificationTime)
        }
        return VerifiedAttestation(format: format, type: .basic, trustPath: jws.certificates)
    }

    /// Requires `timestampMs` within [now − maxAge, now + skew], in milliseconds, without overflow.
    static func checkTimestamp(_ payload: JSONValue, maxAgeSeconds: Int64, skewSeconds: Int64, now: Int64) throws(WebAuthnError) {
        guard let value = payload["timestampMs"] else {
            throw WebAuthnError(.attestationPolicyViolation, "android-safetynet JWS payload must carry timestampMs for the freshness check, found none")
        }
        guard let timestamp = value.int64Value else {
            throw WebAuthnError(.malformedAttestationStatement, "android-safetynet timestampMs must be an integer in the 64-bit range, found \(value.typeName)")
        }
        guard maxAgeSeconds >= 0, skewSeconds >= 0 else {
            throw WebAuthnError(.invalidPolicy, "SafetyNetPolicy maxAgeSeconds and maxClockSkewSeconds must not be negative")
        }
        let nowMs = now.multipliedReportingOverflow(by: 1000)
        let skewMs = skewSeconds.multipliedReportingOverflow(by: 1000)
        let maxAgeMs = maxAgeSeconds.multipliedReportingOverflow(by: 1000)
        guard !nowMs.overflow, !skewMs.overflow, !maxAgeMs.overflow else {
            throw WebAuthnError(.invalidPolicy, "SafetyNet freshness window does not fit 64-bit milliseconds")
        }
        let latest = nowMs.partialValue.addingReportingOverflow(skewMs.partialValue)
        let earliest = nowMs.partialValue.subtractingReportingOverflow(maxAgeMs.partialValue)
        let latestMs = latest.overflow ? Int64.max : latest.partialValue
        let earliestMs = earliest.overflow ? Int64.min : earliest.partialValue
        guard timestamp <= latestMs else {
            throw WebAuthnError(.attestationPolicyViolation,
                                "android-safetynet timestampMs must be at most \(latestMs) (verification time + \(skewSeconds) s), found \(timestamp) (in the future)")
        }
        guard timestamp >= earliestMs else {
            throw WebAuthnError(.attestationPolicyViolation,
                                "android-safetynet timestampMs must be at least \(earliestMs) (verification time − \(maxAgeSeconds) s), found \(timestamp) (too old)")
        }
    }
}
