import DfnsCBOR
import DfnsCrypto
@testable import DfnsWebAuthn
import Testing

/// The relying-party options of 0.4, each off by default: subdomain origins, any loopback port,
/// additional RP IDs, clientData type lists, the U2F AppID on assertions, the TPM manufacturer
/// allowlist; the policy validated once per verifier. Positive and negative cases for each.
@Suite("Relying-party options")
struct RelyingPartyOptionTests {
    static let rpId = "example.org"
    static let origin = "https://example.org"
    static let appid = "https://example.org/app-id.json"
    let challenge: [UInt8] = Array(100..<132)

    /// A credential key with its private half, and assertions signed over any rpIdHash, type and origin.
    struct Signer {
        let privateKey: PrivateKey
        let credential: StoredCredential

        init() throws {
            privateKey = try PrivateKey.generate(.ec(.p256))
            let publicKey = try CredentialPublicKey(publicKey: privateKey.publicKey, algorithm: .es256)
            credential = StoredCredential(credentialId: [7, 7, 7], publicKey: publicKey, signCount: 0)
        }

        /// Authenticator data for `identifier` (UP and UV set, counter 1), clientDataJSON and signature.
        func assertion(identifier: String, type: String = "webauthn.get", origin: String = RelyingPartyOptionTests.origin,
                       challenge: [UInt8]) throws -> (clientDataJSON: [UInt8], authenticatorData: [UInt8], signature: [UInt8]) {
            let authData = SHA256.hash(Array(identifier.utf8)) + [0x05, 0, 0, 0, 1]
            let clientDataJSON = ClientDataJSONBuilder.build(type: type, challenge: challenge, origin: origin)
            let signature = try privateKey.sign(authData + SHA256.hash(clientDataJSON), algorithm: .es256)
            return (clientDataJSON, authData, signature)
        }
    }

    static func policy(_ configure: (inout RelyingPartyPolicy) -> Void = { _ in }) -> RelyingPartyPolicy {
        var policy = RelyingPartyPolicy(rpId: rpId, allowedOrigins: [origin])
        configure(&policy)
        return policy
    }

    /// A `none` registration (no signature over clientDataJSON, so it can be rewritten) for `rpId`
    /// whose clientDataJSON says `type` and `origin`.
    func registration(rpId: String = RelyingPartyOptionTests.rpId, type: String = "webauthn.create",
                      origin: String = RelyingPartyOptionTests.origin) throws -> (clientDataJSON: [UInt8], attestationObject: [UInt8]) {
        let made = try SoftwareAuthenticator().register(rpId: rpId, origin: origin, challenge: challenge, attestation: .none)
        return (ClientDataJSONBuilder.build(type: type, challenge: challenge, origin: origin), made.attestationObject)
    }

    func register(_ policy: RelyingPartyPolicy, _ response: (clientDataJSON: [UInt8], attestationObject: [UInt8])) throws -> RegistrationResult {
        try RegistrationVerifier(policy: policy).verify(clientDataJSON: response.clientDataJSON,
                                                        attestationObject: response.attestationObject, expectedChallenge: challenge)
    }

    // MARK: - Defaults

    @Test("every option is off by default")
    func defaults() {
        let policy = RelyingPartyPolicy(rpId: Self.rpId, allowedOrigins: [Self.origin])
        #expect(!policy.allowSubdomainOrigins)
        #expect(!policy.allowAnyLoopbackPort)
        #expect(policy.additionalRpIds.isEmpty)
        #expect(policy.acceptedRpIds == [Self.rpId])
        #expect(policy.registrationClientDataTypes == ["webauthn.create"])
        #expect(policy.assertionClientDataTypes == ["webauthn.get"])
        #expect(policy.appid == nil)
        #expect(policy.tpm.allowedManufacturers.isEmpty)
        #expect(policy.safetyNet.requireCTSProfileMatch)
    }

    // MARK: - Subdomain origins

    @Test("subdomains match at any depth, same scheme and port, only with the opt-in", arguments: [
        ("https://example.org", "https://login.example.org"),
        ("https://example.org", "https://a.b.example.org"),
        ("https://Example.org:443/", "https://login.example.org"),
        ("https://example.org:8443", "https://login.example.org:8443"),
        ("http://example.test", "http://dev.example.test"),
    ])
    func subdomainAccepted(configured: String, sent: String) {
        #expect(!WebOrigin.isAllowed(sent, among: [configured]))
        #expect(WebOrigin.isAllowed(sent, among: [configured], matching: OriginMatching(allowSubdomains: true)))
    }

    @Test("siblings, look-alikes, other schemes and ports, and unserialized forms are not subdomains", arguments: [
        ("https://example.org", "https://badexample.org"),
        ("https://example.org", "https://example.org.evil.com"),
        ("https://example.org", "https://login.example.org.evil.com"),
        ("https://example.org", "http://login.example.org"),
        ("https://example.org", "https://login.example.org:8443"),
        ("https://example.org:8443", "https://login.example.org"),
        ("https://example.org", "https://Login.example.org"),
        ("https://example.org", "https://login.example.org/"),
        ("https://example.org", "https://login.example.org:443"),
        ("https://example.org", "https://.example.org"),
        ("https://example.org", "https://a..example.org"),
        ("https://example.org", "https://user@login.example.org"),
        ("https://example.org", "android:apk-key-hash:login.example.org"),
        ("https://10.0.0.1", "https://1.10.0.0.1"),
        ("https://[::1]", "https://a.[::1]"),
    ])
    func subdomainRefused(configured: String, sent: String) {
        #expect(!WebOrigin.isAllowed(sent, among: [configured], matching: OriginMatching(allowSubdomains: true, allowAnyLoopbackPort: true)))
    }

    @Test("a registration from a subdomain needs allowSubdomainOrigins")
    func subdomainRegistration() throws {
        let response = try registration(origin: "https://login.example.org")
        expectWebAuthnError(.originNotAllowed) { _ = try register(Self.policy(), response) }
        let result = try register(Self.policy { $0.allowSubdomainOrigins = true }, response)
        #expect(result.rpId == Self.rpId)
        let sibling = try registration(origin: "https://badexample.org")
        expectWebAuthnError(.originNotAllowed) { _ = try register(Self.policy { $0.allowSubdomainOrigins = true }, sibling) }
    }

    // MARK: - Any loopback port

    @Test("a configured loopback origin accepts any port with the opt-in", arguments: [
        ("http://localhost", "http://localhost:5173"),
        ("http://localhost:8100", "http://localhost:3000"),
        ("http://localhost:8100", "http://localhost"),
        ("http://127.0.0.1", "http://127.0.0.1:8080"),
        ("http://[::1]:3000", "http://[::1]:4000"),
        ("https://localhost", "https://localhost:8443"),
    ])
    func loopbackAccepted(configured: String, sent: String) {
        #expect(!WebOrigin.isAllowed(sent, among: [configured]))
        #expect(WebOrigin.isAllowed(sent, among: [configured], matching: OriginMatching(allowAnyLoopbackPort: true)))
    }

    @Test("other hosts, other loopback forms and other schemes do not get any port", arguments: [
        ("http://example.org", "http://example.org:8080"),
        ("http://localhost", "http://127.0.0.1:8080"),
        ("http://localhost", "http://[::1]:8080"),
        ("http://127.0.0.1", "http://localhost:8080"),
        ("http://localhost", "https://localhost:8443"),
        ("http://localhost", "http://localhost.evil.com:8080"),
        ("http://localhost", "http://LOCALHOST:8080"),
        ("http://localhost", "http://localhost:0"),
        ("http://localhost", "http://localhost:80"),
    ])
    func loopbackRefused(configured: String, sent: String) {
        #expect(!WebOrigin.isAllowed(sent, among: [configured], matching: OriginMatching(allowAnyLoopbackPort: true)))
    }

    @Test("an assertion from another localhost port needs allowAnyLoopbackPort")
    func loopbackAssertion() throws {
        let signer = try Signer()
        let response = try signer.assertion(identifier: "localhost", origin: "http://localhost:5173", challenge: challenge)
        var policy = RelyingPartyPolicy(rpId: "localhost", allowedOrigins: ["http://localhost"])
        expectWebAuthnError(.originNotAllowed) {
            _ = try AssertionVerifier(policy: policy).verify(clientDataJSON: response.clientDataJSON, authenticatorData: response.authenticatorData,
                                                             signature: response.signature, expectedChallenge: challenge, credential: signer.credential)
        }
        policy.allowAnyLoopbackPort = true
        let result = try AssertionVerifier(policy: policy).verify(clientDataJSON: response.clientDataJSON, authenticatorData: response.authenticatorData,
                                                                  signature: response.signature, expectedChallenge: challenge, credential: signer.credential)
        #expect(result.rpId == "localhost")
    }

    // MARK: - Additional RP IDs

    @Test("a registration for an additional RP ID verifies and says which RP ID matched")
    func additionalRpIdRegistration() throws {
        let response = try registration(rpId: "example.net", origin: "https://example.net")
        var policy = RelyingPartyPolicy(rpId: Self.rpId, allowedOrigins: [Self.origin, "https://example.net"])
        expectWebAuthnError(.rpIdHashMismatch) { _ = try register(policy, response) }
        policy.additionalRpIds = ["example.com", "example.net"]
        let result = try register(policy, response)
        #expect(result.rpId == "example.net")
        #expect(try register(policy, try registration()).rpId == Self.rpId)
        // The CTAP-level path reads the same hashes.
        let hashed = try RegistrationVerifier(policy: policy).verifyAttestation(attestationObject: response.attestationObject,
                                                                                clientDataHash: SHA256.hash(response.clientDataJSON))
        #expect(hashed.rpId == "example.net")
    }

    @Test("an assertion for an additional RP ID verifies on both paths; an unlisted one fails naming every RP ID")
    func additionalRpIdAssertion() throws {
        let signer = try Signer()
        let response = try signer.assertion(identifier: "example.net", challenge: challenge)
        let policy = Self.policy { $0.additionalRpIds = ["example.net"] }
        let verifier = AssertionVerifier(policy: policy)
        let result = try verifier.verify(clientDataJSON: response.clientDataJSON, authenticatorData: response.authenticatorData,
                                         signature: response.signature, expectedChallenge: challenge, credential: signer.credential)
        #expect(result.rpId == "example.net")
        #expect(!result.appidUsed)
        let hashed = try verifier.verify(clientDataHash: SHA256.hash(response.clientDataJSON), authenticatorData: response.authenticatorData,
                                         signature: response.signature, credential: signer.credential)
        #expect(hashed.rpId == "example.net")

        let other = try signer.assertion(identifier: "example.com", challenge: challenge)
        do {
            _ = try verifier.verify(clientDataJSON: other.clientDataJSON, authenticatorData: other.authenticatorData,
                                    signature: other.signature, expectedChallenge: challenge, credential: signer.credential)
            Issue.record("an assertion for an unlisted RP ID verified")
        } catch {
            #expect(error.code == .rpIdHashMismatch)
            #expect(error.message.contains("\"example.org\"") && error.message.contains("\"example.net\""), "\(error)")
        }
    }

    // MARK: - Policy validation, once per verifier, on every path

    @Test("an unusable policy fails every entry point, the hash paths included", arguments: [
        { (p: inout RelyingPartyPolicy) in p.rpId = "" },
        { (p: inout RelyingPartyPolicy) in p.additionalRpIds = [""] },
        { (p: inout RelyingPartyPolicy) in p.registrationClientDataTypes = [] },
        { (p: inout RelyingPartyPolicy) in p.assertionClientDataTypes = [""] },
        { (p: inout RelyingPartyPolicy) in p.appid = "" },
        { (p: inout RelyingPartyPolicy) in p.tpm.allowedManufacturers = ["AMD"] },
        { (p: inout RelyingPartyPolicy) in p.tpm.allowedManufacturers = ["id:414D44"] },
    ] as [@Sendable (inout RelyingPartyPolicy) -> Void])
    func invalidPolicy(_ breakIt: @Sendable (inout RelyingPartyPolicy) -> Void) throws {
        let signer = try Signer()
        let response = try signer.assertion(identifier: Self.rpId, challenge: challenge)
        let reg = try registration()
        let policy = Self.policy(breakIt)
        expectWebAuthnError(.invalidPolicy) { _ = try register(policy, reg) }
        expectWebAuthnError(.invalidPolicy) {
            _ = try RegistrationVerifier(policy: policy).verifyAttestation(attestationObject: reg.attestationObject,
                                                                           clientDataHash: SHA256.hash(reg.clientDataJSON))
        }
        let verifier = AssertionVerifier(policy: policy)
        expectWebAuthnError(.invalidPolicy) {
            _ = try verifier.verify(clientDataJSON: response.clientDataJSON, authenticatorData: response.authenticatorData,
                                    signature: response.signature, expectedChallenge: challenge, credential: signer.credential)
        }
        expectWebAuthnError(.invalidPolicy) {
            _ = try verifier.verify(clientDataHash: SHA256.hash(response.clientDataJSON), authenticatorData: response.authenticatorData,
                                    signature: response.signature, credential: signer.credential)
        }
    }

    // MARK: - clientData type lists

    @Test("custom registration types are accepted only when listed; the default stays exactly webauthn.create")
    func registrationTypes() throws {
        let custom = try registration(type: "example.enroll")
        expectWebAuthnError(.clientDataType) { _ = try register(Self.policy(), custom) }
        let listing = Self.policy { $0.registrationClientDataTypes = ["webauthn.create", "example.enroll"] }
        _ = try register(listing, custom)
        _ = try register(listing, try registration())
        // The registration list does not leak into assertions, nor webauthn.get into registrations.
        expectWebAuthnError(.clientDataType) { _ = try register(listing, try registration(type: "webauthn.get")) }
        let only = Self.policy { $0.registrationClientDataTypes = ["example.enroll"] }
        expectWebAuthnError(.clientDataType) { _ = try register(only, try registration()) }
    }

    @Test("custom assertion types are accepted only when listed")
    func assertionTypes() throws {
        let signer = try Signer()
        let payment = try signer.assertion(identifier: Self.rpId, type: "payment.get", challenge: challenge)
        func verify(_ policy: RelyingPartyPolicy, _ response: (clientDataJSON: [UInt8], authenticatorData: [UInt8], signature: [UInt8])) throws {
            _ = try AssertionVerifier(policy: policy).verify(clientDataJSON: response.clientDataJSON, authenticatorData: response.authenticatorData,
                                                             signature: response.signature, expectedChallenge: challenge, credential: signer.credential)
        }
        expectWebAuthnError(.clientDataType) { try verify(Self.policy(), payment) }
        expectWebAuthnError(.clientDataType) { try verify(Self.policy { $0.registrationClientDataTypes = ["payment.get"] }, payment) }
        let listing = Self.policy { $0.assertionClientDataTypes = ["webauthn.get", "payment.get"] }
        try verify(listing, payment)
        try verify(listing, try signer.assertion(identifier: Self.rpId, challenge: challenge))
        expectWebAuthnError(.clientDataType) {
            try verify(listing, try signer.assertion(identifier: Self.rpId, type: "webauthn.create", challenge: challenge))
        }
    }

    // MARK: - AppID

    @Test("an AppID rpIdHash verifies only with the policy's AppID and the client's appid: true")
    func appidAssertion() throws {
        let signer = try Signer()
        let response = try signer.assertion(identifier: Self.appid, challenge: challenge)
        func verify(_ policy: RelyingPartyPolicy, used: Bool) throws(WebAuthnError) -> AssertionResult {
            try AssertionVerifier(policy: policy).verify(clientDataJSON: response.clientDataJSON, authenticatorData: response.authenticatorData,
                                                         signature: response.signature, expectedChallenge: challenge,
                                                         credential: signer.credential, appidExtensionUsed: used)
        }
        let withAppid = Self.policy { $0.appid = Self.appid }
        let result = try verify(withAppid, used: true)
        #expect(result.appidUsed)
        #expect(result.rpId == Self.appid)
        // Without the client's report, the AppID hash is refused, and the message says why.
        do {
            _ = try verify(withAppid, used: false)
            Issue.record("an AppID hash verified without appid: true")
        } catch {
            #expect(error.code == .rpIdHashMismatch)
            #expect(error.message.contains("appid extension output"), "\(error)")
        }
        // The report alone does nothing without an AppID in the policy.
        expectWebAuthnError(.rpIdHashMismatch) { _ = try verify(Self.policy(), used: true) }
        expectWebAuthnError(.rpIdHashMismatch) { _ = try verify(Self.policy { $0.appid = "https://example.org/other.json" }, used: true) }
        // The CTAP-level path takes the same flag.
        let hashed = try AssertionVerifier(policy: withAppid).verify(clientDataHash: SHA256.hash(response.clientDataJSON),
                                                                     authenticatorData: response.authenticatorData,
                                                                     signature: response.signature, credential: signer.credential,
                                                                     appidExtensionUsed: true)
        #expect(hashed.appidUsed)
    }

    @Test("with appid: true reported, the RP ID hash is still accepted (the client may not have used the AppID)")
    func appidFlagWithRpIdHash() throws {
        let signer = try Signer()
        let response = try signer.assertion(identifier: Self.rpId, challenge: challenge)
        let result = try AssertionVerifier(policy: Self.policy { $0.appid = Self.appid })
            .verify(clientDataJSON: response.clientDataJSON, authenticatorData: response.authenticatorData, signature: response.signature,
                    expectedChallenge: challenge, credential: signer.credential, appidExtensionUsed: true)
        #expect(!result.appidUsed)
        #expect(result.rpId == Self.rpId)
    }

    @Test("a registration never accepts the AppID hash")
    func appidNotForRegistration() throws {
        let response = try registration(rpId: Self.appid)
        expectWebAuthnError(.rpIdHashMismatch) { _ = try register(Self.policy { $0.appid = Self.appid }, response) }
    }

    // MARK: - TPM manufacturer allowlist

    static let nuvotonVector = "pywebauthn-reg-tpm-verify-attestation-dell-xps-13.json"

    @Test("TCG vendor IDs are normalised to upper-case hex; other forms are refused", arguments: [
        ("id:414D4400", "id:414D4400"), ("id:414d4400", "id:414D4400"), ("ID:4e544300", "id:4E544300"),
    ])
    func manufacturerNormalised(_ value: String, _ expected: String) {
        #expect(TPMManufacturer.normalized(value) == expected)
    }

    @Test("malformed manufacturer IDs", arguments: ["", "AMD", "id:", "id:414D44", "id:414D44000", "id:414D440G", "414D4400", "id:414D４400"])
    func manufacturerMalformed(_ value: String) {
        #expect(TPMManufacturer.normalized(value) == nil)
    }

    @Test("the registry holds the common TPM vendors, each ID well formed")
    func registry() {
        let ids = Set(TPMManufacturer.registry.map(\.id))
        #expect(ids.count == TPMManufacturer.registry.count)
        for id in ["id:414D4400", "id:49465800", "id:494E5443", "id:4E544300", "id:53544D20", "id:4D534654"] {
            #expect(ids.contains(id), "\(id) missing")
        }
        #expect(TPMManufacturer.registry.allSatisfy { TPMManufacturer.normalized($0.id) == $0.id })
    }

    @Test("a TPM from an allowed manufacturer verifies; another is an attestation policy violation naming it")
    func manufacturerAllowlist() throws {
        let vector = try FormatVector(Self.nuvotonVector)
        func verify(_ manufacturers: [String]) throws {
            _ = try TPMAttestation.verify(try vector.context(policy: FormatVector.policy {
                $0.allowSHA1 = true
                $0.tpm.allowedManufacturers = manufacturers
            }))
        }
        try verify([])
        try verify(["id:4E544300"])
        try verify(["id:414D4400", "id:4e544300"])
        do {
            try verify(["id:414D4400", "id:49465800"])
            Issue.record("a Nuvoton TPM verified under an AMD/Infineon allowlist")
        } catch let error as WebAuthnError {
            #expect(error.code == .attestationPolicyViolation)
            #expect(error.message.contains("id:4E544300") && error.message.contains("Nuvoton"), "\(error)")
        }
    }
}
