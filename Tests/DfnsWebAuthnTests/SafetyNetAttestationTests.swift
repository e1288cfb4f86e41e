import DfnsCBOR
import DfnsCrypto
@testable import DfnsWebAuthn
import Foundation
import Testing
import DfnsEncoding

@Suite("Android SafetyNet attestation")
struct SafetyNetAttestationTests {
    static let real = "pywebauthn-reg-android-safetynet-verify-attestation-android-safetynet.json"
    static let falseCTS = "yubico-reg-testdata-androidsafetynet-falsectsprofilematch.json"
    static let wrongHost = "yubico-reg-testdata-androidsafetynet-wronghostname.json"
    /// `timestampMs` of the real response.
    static let realTimestampMs: Int64 = 1_630_703_240_057

    /// The sources do not check timestamps (the vectors are years old).
    static let noFreshness = FormatVector.policy { $0.safetyNet.maxAgeSeconds = nil }

    /// The JWS text of a vector's response.
    static func jwsParts(_ vector: FormatVector) -> [String] {
        String(decoding: vector.statementBytes("response"), as: UTF8.self).split(separator: ".", omittingEmptySubsequences: false).map(String.init)
    }

    /// The vector's statement with `response` replaced by `parts` joined with dots.
    static func statement(_ vector: FormatVector, parts: [String]) -> CBORValue {
        replacing(vector.statementMap, "response", with: .bytes(Array(parts.joined(separator: ".").utf8)))
    }

    @Test("every SafetyNet vector gets the verdict its source expects", arguments: FormatVector.names(format: "android-safetynet"))
    func vectorVerdicts(name: String) throws {
        let vector = try FormatVector(name)
        let context = try vector.context(policy: Self.noFreshness)
        if vector.expectsSuccess {
            let result = try AndroidSafetyNetAttestation.verify(context)
            #expect(result.format == "android-safetynet")
            #expect(result.type == .basic)
            #expect(!result.trustPath.isEmpty)
        } else {
            #expect(throws: WebAuthnError.self) { _ = try AndroidSafetyNetAttestation.verify(context) }
        }
    }

    @Test("the trust path is the JWS x5c (3 certificates in the real response)")
    func trustPath() throws {
        let vector = try FormatVector(Self.real)
        let result = try AndroidSafetyNetAttestation.verify(try vector.context(policy: Self.noFreshness))
        #expect(result.trustPath.count == 3)
        #expect(result.trustPath.first?.matchesHost("attest.android.com") == true)
    }

    @Test("ctsProfileMatch false is a policy violation unless the policy relaxes it")
    func ctsProfileMatch() throws {
        let vector = try FormatVector(Self.falseCTS)
        expectWebAuthnError(.attestationPolicyViolation) { _ = try AndroidSafetyNetAttestation.verify(try vector.context(policy: Self.noFreshness)) }
        let relaxed = FormatVector.policy {
            $0.safetyNet.maxAgeSeconds = nil
            $0.safetyNet.requireCTSProfileMatch = false
        }
        _ = try AndroidSafetyNetAttestation.verify(try vector.context(policy: relaxed))
    }

    @Test("a leaf not issued to attest.android.com is rejected")
    func wrongHostname() throws {
        let vector = try FormatVector(Self.wrongHost)
        expectWebAuthnError(.attestationCertificateInvalid) { _ = try AndroidSafetyNetAttestation.verify(try vector.context(policy: Self.noFreshness)) }
    }

    @Test("a nonce over other data is a binding mismatch")
    func wrongNonce() throws {
        let vector = try FormatVector(Self.real)
        let context = try vector.context(clientDataHash: flipping(vector.clientDataHash, at: 3), policy: Self.noFreshness)
        expectWebAuthnError(.attestationBindingMismatch) { _ = try AndroidSafetyNetAttestation.verify(context) }
        var authData = vector.authData
        authData[33] ^= 0x01  // signCount byte: still parses, different nonce input
        let other = try vector.context(authData: authData, policy: Self.noFreshness)
        expectWebAuthnError(.attestationBindingMismatch) { _ = try AndroidSafetyNetAttestation.verify(other) }
    }

    @Test("timestampMs must lie within the freshness window around the verification time")
    func freshness() throws {
        let vector = try FormatVector(Self.real)
        let seconds = Self.realTimestampMs / 1000
        func policy(now: Int64, maxAge: Int64? = 60) -> RelyingPartyPolicy {
            FormatVector.policy { $0.verificationTime = now; $0.safetyNet.maxAgeSeconds = maxAge }
        }
        _ = try AndroidSafetyNetAttestation.verify(try vector.context(policy: policy(now: seconds + 30)))
        _ = try AndroidSafetyNetAttestation.verify(try vector.context(policy: policy(now: seconds - 5)))  // within 10 s skew
        expectWebAuthnError(.attestationPolicyViolation) { _ = try AndroidSafetyNetAttestation.verify(try vector.context(policy: policy(now: seconds + 3600))) }
        expectWebAuthnError(.attestationPolicyViolation) { _ = try AndroidSafetyNetAttestation.verify(try vector.context(policy: policy(now: seconds - 60))) }
        // Extreme values neither trap nor pass.
        expectWebAuthnError(.invalidPolicy) { _ = try AndroidSafetyNetAttestation.verify(try vector.context(policy: policy(now: .max))) }
        _ = try AndroidSafetyNetAttestation.verify(try vector.context(policy: policy(now: seconds, maxAge: .max / 1000)))
        // With no verification time, "now" is the wall clock, long after 2021.
        expectWebAuthnError(.attestationPolicyViolation) {
            _ = try AndroidSafetyNetAttestation.verify(try vector.context(policy: FormatVector.policy()))
        }
    }

    /// The real response's RP: its `rpIdHash` is SHA-256 of this name (the origin is in its clientDataJSON).
    static let realRPId = "pwl.ngrok.io"

    /// Registers the real response end to end (client data, statement, chain to the built-in
    /// GlobalSign root required) under the default SafetyNet rules (60 s max age, 10 s skew), with
    /// the policy's verification time set to `verificationTime`.
    static func registerReal(verificationTime: Int64?) throws -> RegistrationResult {
        let json = try SharedFixtures.vector(real)
        let clientDataJSON = try #require((json["clientDataJSON_b64url"] as? String).flatMap(SharedFixtures.base64url))
        let attestationObject = try #require((json["attestationObject_b64url"] as? String).flatMap(SharedFixtures.base64url))
        let rawId = try #require((json["credential_id_b64url"] as? String).flatMap(SharedFixtures.base64url))
        let clientData = try CollectedClientData(bytes: clientDataJSON)
        var policy = RelyingPartyPolicy(rpId: realRPId, allowedOrigins: [clientData.origin])
        policy.verificationTime = verificationTime
        policy.requireTrustedAttestation = true
        return try RegistrationVerifier(policy: policy).verify(clientDataJSON: clientDataJSON, attestationObject: attestationObject,
                                                               expectedChallenge: try Base64URL.decode(clientData.challenge), rawId: rawId)
    }

    @Test("a registration checks SafetyNet freshness at the policy's verification time, the instant its chain is evaluated at")
    func registrationUsesPolicyVerificationTime() throws {
        let seconds = Self.realTimestampMs / 1000
        // 30 s after the response: fresh, and inside the leaf's validity (2021-07-19 to 2021-10-17),
        // which has long passed on the wall clock: both checks ran at the policy's time.
        let result = try Self.registerReal(verificationTime: seconds + 30)
        #expect(result.format == "android-safetynet")
        #expect(result.trust.isTrusted)
        // An hour later the chain is still valid but the response is stale.
        expectWebAuthnError(.attestationPolicyViolation) { _ = try Self.registerReal(verificationTime: seconds + 3600) }
        // 20 s before the response: beyond the 10 s skew, in the future.
        expectWebAuthnError(.attestationPolicyViolation) { _ = try Self.registerReal(verificationTime: seconds - 20) }
        // Without a verification time the ceremony runs at the wall clock, years later: stale.
        expectWebAuthnError(.attestationPolicyViolation) { _ = try Self.registerReal(verificationTime: nil) }
    }

    @Test("an attestation context pins one verification time: the policy's, else the clock read once")
    func contextPinsVerificationTime() throws {
        let vector = try FormatVector(Self.real)
        let fixedTime = Self.realTimestampMs / 1000 + 30
        let fixed = try vector.context(policy: FormatVector.policy { $0.verificationTime = fixedTime })
        #expect(fixed.verificationTime == fixedTime)
        #expect(fixed.policy.verificationTime == fixedTime)
        _ = try AndroidSafetyNetAttestation.verify(fixed)

        let before = Int64(Date().timeIntervalSince1970)
        let current = try vector.context(policy: FormatVector.policy())
        let after = Int64(Date().timeIntervalSince1970)
        #expect(current.verificationTime >= before - 1 && current.verificationTime <= after + 1)
        // Sub-statements and the trust evaluation built from the context's policy see the same instant.
        #expect(current.policy.verificationTime == current.verificationTime)
    }

    @Test("a tampered JWS signature or payload fails the signature check")
    func tamperedJWS() throws {
        let vector = try FormatVector(Self.real)
        var parts = Self.jwsParts(vector)
        let signature = try Base64URL.decode(parts[2])
        parts[2] = Base64URL.encode(flipping(signature, at: 100))
        expectWebAuthnError(.signatureInvalid) {
            _ = try AndroidSafetyNetAttestation.verify(try vector.context(statement: Self.statement(vector, parts: parts), policy: Self.noFreshness))
        }
        var payloadParts = Self.jwsParts(vector)
        let payload = String(decoding: try Base64URL.decode(payloadParts[1]), as: UTF8.self)
        payloadParts[1] = Base64URL.encode(Array(payload.replacingOccurrences(of: "\"BASIC\"", with: "\"HARDWARE_BACKED\"").utf8))
        expectWebAuthnError(.signatureInvalid) {
            _ = try AndroidSafetyNetAttestation.verify(try vector.context(statement: Self.statement(vector, parts: payloadParts), policy: Self.noFreshness))
        }
    }

    @Test("only RS256 is accepted, and crit is refused")
    func headerRules() throws {
        let vector = try FormatVector(Self.real)
        let parts = Self.jwsParts(vector)
        let header = String(decoding: try Base64URL.decode(parts[0]), as: UTF8.self)
        for replacement in ["ES256", "none", "HS256", "RS1"] {
            var altered = parts
            altered[0] = Base64URL.encode(Array(header.replacingOccurrences(of: "RS256", with: replacement).utf8))
            expectWebAuthnError(.unsupportedAlgorithm) {
                _ = try AndroidSafetyNetAttestation.verify(try vector.context(statement: Self.statement(vector, parts: altered), policy: Self.noFreshness))
            }
        }
        var crit = parts
        crit[0] = Base64URL.encode(Array(header.replacingOccurrences(of: "{", with: "{\"crit\":[\"exp\"],").utf8))
        expectWebAuthnError(.malformedAttestationStatement) {
            _ = try AndroidSafetyNetAttestation.verify(try vector.context(statement: Self.statement(vector, parts: crit), policy: Self.noFreshness))
        }
    }

    @Test("malformed responses and statements", arguments: 0..<9)
    func malformed(caseIndex: Int) throws {
        let vector = try FormatVector(Self.real)
        let parts = Self.jwsParts(vector)
        let map = vector.statementMap
        let statement: CBORValue
        let code: WebAuthnError.Code
        switch caseIndex {
        case 0: (statement, code) = (Self.statement(vector, parts: Array(parts.prefix(2))), .malformedAttestationStatement)
        case 1: (statement, code) = (Self.statement(vector, parts: parts + ["x"]), .malformedAttestationStatement)
        case 2: (statement, code) = (Self.statement(vector, parts: [parts[0], parts[1], ""]), .malformedAttestationStatement)
        case 3: (statement, code) = (Self.statement(vector, parts: [parts[0] + "=", parts[1], parts[2]]), .malformedEncoding)
        case 4: (statement, code) = (Self.statement(vector, parts: [Base64URL.encode(Array("[1]".utf8)), parts[1], parts[2]]), .malformedAttestationStatement)
        case 5: (statement, code) = (replacing(map, "ver", with: .text("")), .malformedAttestationStatement)
        case 6: (statement, code) = (replacing(map, "ver", with: .unsigned(1)), .malformedAttestationStatement)
        case 7: (statement, code) = (replacing(map, "alg", with: CBORValue(-257)), .malformedAttestationStatement)
        default: (statement, code) = (replacing(map, "response", with: .text(parts.joined(separator: "."))), .malformedAttestationStatement)
        }
        expectWebAuthnError(code) { _ = try AndroidSafetyNetAttestation.verify(try vector.context(statement: statement, policy: Self.noFreshness)) }
    }

    @Test("JWS x5c entries must be standard base64 DER certificates")
    func x5cEncoding() throws {
        let vector = try FormatVector(Self.real)
        var parts = Self.jwsParts(vector)
        let header = String(decoding: try Base64URL.decode(parts[0]), as: UTF8.self)
        guard let start = header.range(of: "\"x5c\":[\"") else { Issue.record("no x5c in header"); return }
        // Corrupt the first certificate's first base64 character: still base64, no longer a certificate.
        var corrupted = header
        let index = start.upperBound
        corrupted.replaceSubrange(index...index, with: header[index] == "M" ? "N" : "M")
        parts[0] = Base64URL.encode(Array(corrupted.utf8))
        expectWebAuthnError(.attestationCertificateInvalid) {
            _ = try AndroidSafetyNetAttestation.verify(try vector.context(statement: Self.statement(vector, parts: parts), policy: Self.noFreshness))
        }
    }
}
