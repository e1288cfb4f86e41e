import DfnsConformance
import DfnsCrypto
import DfnsEncoding
import DfnsWebAuthn
import Foundation
import Testing

/// The conformance runner reads a vector's own relying-party fields (`rpId` and `origin` as strings
/// or lists, `rp_config_in_source` and `verifier_options_in_source` settings), so it judges vectors
/// from suites it has no rules for. Vectors are written to a temporary directory by the test: made
/// with the software authenticator, or a shared vector with a configuration added at test time.
@Suite("Conformance runner: a vector's own RP fields")
struct ConformanceRPFieldsTests {
    static let appid = "https://example.org/app-id.json"
    static let challenge: [UInt8] = Array(40..<72)

    /// A directory of vector files, removed when the test ends.
    final class VectorDirectory {
        let path: String
        init() throws {
            path = NSTemporaryDirectory() + "dfns-rp-fields-" + UUID().uuidString
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        }
        deinit { try? FileManager.default.removeItem(atPath: path) }

        func write(_ name: String, _ vector: [String: Any]) throws {
            let data = try JSONSerialization.data(withJSONObject: vector, options: [.sortedKeys])
            try data.write(to: URL(fileURLWithPath: path + "/" + name))
        }

        /// Every outcome by file name.
        func run() throws -> [String: ConformanceOutcome] {
            let outcomes = try #require(ConformanceRunner.run(directory: path))
            return Dictionary(outcomes.map { ($0.file, $0) }, uniquingKeysWith: { a, _ in a })
        }
    }

    /// A `none` registration vector by a suite the runner has no rules for.
    static func registration(rpId: Any, origin: Any, madeFor madeRpId: String, at madeOrigin: String,
                             userVerified: Bool = true, expected: String = "ok", config: [String: Any]? = nil) throws -> [String: Any] {
        let made = try SoftwareAuthenticator().register(rpId: madeRpId, origin: madeOrigin, challenge: challenge,
                                                        attestation: .none, userVerified: userVerified)
        var vector: [String: Any] = [
            "source": "example/unknown-suite@0000000 tests/rp_options.py",
            "kind": "registration", "rpId": rpId, "origin": origin,
            "challenge_b64url": Base64URL.encode(challenge),
            "credential_id_b64url": Base64URL.encode(made.credentialId),
            "clientDataJSON_b64url": Base64URL.encode(made.clientDataJSON),
            "attestationObject_b64url": Base64URL.encode(made.attestationObject),
            "expected": expected, "expected_category": expected == "ok" ? "positive" : "rp-policy (test)",
        ]
        if let config { vector["rp_config_in_source"] = config }
        return vector
    }

    /// An authentication vector whose authenticator data names `identifier` and whose clientData
    /// says `type`, signed by a fresh P-256 key.
    static func authentication(identifier: String, type: String = "webauthn.get", expected: String = "ok",
                               config: [String: Any]? = nil, options: [String: Any]? = nil,
                               extensionResults: [String: Any]? = nil) throws -> [String: Any] {
        let key = try PrivateKey.generate(.ec(.p256))
        let publicKey = try CredentialPublicKey(publicKey: key.publicKey, algorithm: .es256)
        let authData = SHA256.hash(Array(identifier.utf8)) + [0x05, 0, 0, 0, 3]
        let clientDataJSON = ClientDataJSONBuilder.build(type: type, challenge: challenge, origin: "https://example.org")
        let signature = try key.sign(authData + SHA256.hash(clientDataJSON), algorithm: .es256)
        var vector: [String: Any] = [
            "source": "example/unknown-suite@0000000 tests/rp_options.py",
            "kind": "authentication", "rpId": "example.org", "origin": "https://example.org",
            "challenge_b64url": Base64URL.encode(challenge),
            "credential_id_b64url": "AQID",
            "clientDataJSON_b64url": Base64URL.encode(clientDataJSON),
            "authenticatorData_b64url": Base64URL.encode(authData),
            "signature_b64url": Base64URL.encode(signature),
            "credentialPublicKey_b64url": Base64URL.encode(publicKey.coseBytes),
            "currentSignCount": 2,
            "expected": expected, "expected_category": expected == "ok" ? "positive" : "rp-policy (test)",
        ]
        if let config { vector["rp_config_in_source"] = config }
        if let options { vector["verifier_options_in_source"] = options }
        if let extensionResults { vector["clientExtensionResults"] = extensionResults }
        return vector
    }

    /// `outcome` has `verdict` (and, for a failure, `code`), and agrees with the vector's `expected`.
    func expect(_ outcomes: [String: ConformanceOutcome], _ file: String, _ verdict: ConformanceOutcome.Verdict, code: String? = nil,
                sourceLocation: SourceLocation = #_sourceLocation) {
        guard let outcome = outcomes[file] else {
            Issue.record("no outcome for \(file)", sourceLocation: sourceLocation)
            return
        }
        #expect(outcome.verdict == verdict, "\(outcome.jsonLine)", sourceLocation: sourceLocation)
        if let code { #expect(outcome.code == code, "\(outcome.jsonLine)", sourceLocation: sourceLocation) }
        #expect(outcome.passed, "the verdict contradicts expected: \(outcome.jsonLine)", sourceLocation: sourceLocation)
    }

    @Test("rpId and origin as lists; rp_ids; subdomains, any port and UV from rp_config_in_source")
    func registrations() throws {
        let dir = try VectorDirectory()
        try dir.write("rpid-list.json", try Self.registration(rpId: ["example.org", "example.net"], origin: ["https://example.org", "https://example.net"],
                                                               madeFor: "example.net", at: "https://example.net"))
        try dir.write("rpid-string.json", try Self.registration(rpId: "example.org", origin: ["https://example.org", "https://example.net"],
                                                                 madeFor: "example.net", at: "https://example.net", expected: "fail: rpIdHash"))
        try dir.write("rp-ids-key.json", try Self.registration(rpId: "example.org", origin: ["https://example.org", "https://example.net"],
                                                                madeFor: "example.net", at: "https://example.net",
                                                                config: ["rp_ids": ["example.net"]]))
        try dir.write("subdomain.json", try Self.registration(rpId: "example.org", origin: "https://example.org",
                                                               madeFor: "example.org", at: "https://login.example.org",
                                                               config: ["allow_subdomains_origin": true]))
        try dir.write("subdomain-off.json", try Self.registration(rpId: "example.org", origin: "https://example.org",
                                                                   madeFor: "example.org", at: "https://login.example.org",
                                                                   expected: "fail: origin"))
        try dir.write("subdomain-sibling.json", try Self.registration(rpId: "example.org", origin: "https://example.org",
                                                                       madeFor: "example.org", at: "https://badexample.org",
                                                                       expected: "fail: origin", config: ["allow_subdomains_origin": true]))
        try dir.write("any-port.json", try Self.registration(rpId: "localhost", origin: "http://localhost",
                                                              madeFor: "localhost", at: "http://localhost:5173",
                                                              config: ["allow_any_port": true]))
        try dir.write("any-port-off.json", try Self.registration(rpId: "localhost", origin: "http://localhost",
                                                                  madeFor: "localhost", at: "http://localhost:5173", expected: "fail: origin"))
        try dir.write("uv-required.json", try Self.registration(rpId: "example.org", origin: "https://example.org",
                                                                 madeFor: "example.org", at: "https://example.org", userVerified: false,
                                                                 expected: "fail: UV", config: ["require_user_verification": true]))
        let outcomes = try dir.run()
        #expect(outcomes.count == 9)
        expect(outcomes, "rpid-list.json", .ok)
        expect(outcomes, "rpid-string.json", .fail, code: "rp_id_hash_mismatch")
        expect(outcomes, "rp-ids-key.json", .ok)
        expect(outcomes, "subdomain.json", .ok)
        expect(outcomes, "subdomain-off.json", .fail, code: "origin_not_allowed")
        expect(outcomes, "subdomain-sibling.json", .fail, code: "origin_not_allowed")
        expect(outcomes, "any-port.json", .ok)
        expect(outcomes, "any-port-off.json", .fail, code: "origin_not_allowed")
        expect(outcomes, "uv-required.json", .fail, code: "user_verification_missing")
    }

    @Test("appid with clientExtensionResults, and expected types from verifier_options_in_source")
    func authentications() throws {
        let dir = try VectorDirectory()
        try dir.write("appid.json", try Self.authentication(identifier: Self.appid, config: ["appid": Self.appid],
                                                             extensionResults: ["appid": true]))
        try dir.write("appid-not-reported.json", try Self.authentication(identifier: Self.appid, expected: "fail: rpIdHash",
                                                                          config: ["appid": Self.appid], extensionResults: ["appid": false]))
        try dir.write("appid-not-configured.json", try Self.authentication(identifier: Self.appid, expected: "fail: rpIdHash",
                                                                            extensionResults: ["appid": true]))
        try dir.write("types.json", try Self.authentication(identifier: "example.org", type: "payment.get",
                                                             options: ["expected_types": ["webauthn.get", "payment.get"]]))
        try dir.write("type-string.json", try Self.authentication(identifier: "example.org", type: "payment.get",
                                                                   config: ["expected_type": "payment.get"]))
        try dir.write("types-default.json", try Self.authentication(identifier: "example.org", type: "payment.get", expected: "fail: type"))
        let outcomes = try dir.run()
        expect(outcomes, "appid.json", .ok)
        #expect(outcomes["appid.json"]?.message.contains("AppID") == true)
        expect(outcomes, "appid-not-reported.json", .fail, code: "rp_id_hash_mismatch")
        expect(outcomes, "appid-not-configured.json", .fail, code: "rp_id_hash_mismatch")
        expect(outcomes, "types.json", .ok)
        expect(outcomes, "type-string.json", .ok)
        expect(outcomes, "types-default.json", .fail, code: "client_data_type")
    }

    /// A shared vector with `rp_config_in_source` added (read from ../shared at test time).
    static func shared(_ name: String, config: [String: Any], expected: String) throws -> [String: Any] {
        let dir = try #require(SharedFixtures.webauthnVectors)
        let data = try Data(contentsOf: URL(fileURLWithPath: dir + "/" + name))
        var vector = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        vector["rp_config_in_source"] = config
        vector["expected"] = expected
        return vector
    }

    @Test("tpm_manufacturers and cts_profile_match on shared vectors")
    func attestationSettings() throws {
        let dir = try VectorDirectory()
        let tpm = "pywebauthn-reg-tpm-verify-attestation-dell-xps-13.json" // a Nuvoton TPM, id:4E544300
        try dir.write("tpm-allowed.json", try Self.shared(tpm, config: ["tpm_manufacturers": ["id:414D4400", "id:4E544300"]], expected: "ok"))
        try dir.write("tpm-refused.json", try Self.shared(tpm, config: ["tpm_manufacturers": ["id:414D4400"]], expected: "fail: manufacturer"))
        let cts = "yubico-reg-testdata-androidsafetynet-falsectsprofilematch.json"
        try dir.write("cts-relaxed.json", try Self.shared(cts, config: ["cts_profile_match": false], expected: "ok"))
        try dir.write("cts-required.json", try Self.shared(cts, config: ["cts_profile_match": true], expected: "fail: ctsProfileMatch"))
        let outcomes = try dir.run()
        expect(outcomes, "tpm-allowed.json", .ok)
        expect(outcomes, "tpm-refused.json", .fail, code: "attestation_policy_violation")
        #expect(outcomes["tpm-refused.json"]?.message.contains("id:4E544300") == true)
        expect(outcomes, "cts-relaxed.json", .ok)
        expect(outcomes, "cts-required.json", .fail, code: "attestation_policy_violation")
    }
}
