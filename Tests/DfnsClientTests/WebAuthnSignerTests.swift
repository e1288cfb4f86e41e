import DfnsClient
import DfnsCrypto
import DfnsEncoding
import DfnsProtocol
import DfnsWebAuthn
import Testing

@Suite("Passkey (Fido2) signer and attestation on the software authenticator")
struct WebAuthnSignerTests {
    static let rpId = "app.example.com"
    static let origin = "https://app.example.com"
    /// base64url of the ASCII id `ch-39e46-7ecns-9si3e6cgom6fo2k2`, as Dfns challenges decode.
    static let registrationChallenge = "Y2gtMzllNDYtN2VjbnMtOXNpM2U2Y2dvbTZmbzJrMg"
    /// base64url of `ch-79hht-mreok-8ap8qm2eieftjlag` (reference §2.1).
    static let actionChallenge = "Y2gtNzloaHQtbXJlb2stOGFwOHFtMmVpZWZ0amxhZw"
    static let userId = "us-3v1ag-v6b36-9n8a8r2fmhpbsjhs"

    /// A registration challenge shaped like `POST /auth/registration/delegated` answers (§3.1,
    /// §3.2), with a deprecated `rp` naming another domain: it must be ignored.
    static let registrationJSON = """
    {"user":{"id":"us-3v1ag-v6b36-9n8a8r2fmhpbsjhs","displayName":"jane@example.com","name":"jane@example.com"},
     "temporaryAuthenticationToken":"eyJhbGciOiJSUzI1NiJ9.e30.c2ln",
     "challenge":"Y2gtMzllNDYtN2VjbnMtOXNpM2U2Y2dvbTZmbzJrMg",
     "rp":{"id":"deprecated.example.net","name":"Deprecated"},
     "supportedCredentialKinds":{"firstFactor":["Fido2","Key","Password"],"secondFactor":["Fido2","Key","Totp"]},
     "authenticatorSelection":{"residentKey":"required","requireResidentKey":true,"userVerification":"required"},
     "attestation":"direct",
     "pubKeyCredParams":[{"type":"public-key","alg":-7},{"type":"public-key","alg":-257}],
     "excludeCredentials":[],
     "otpUrl":"otpauth://totp/Dfns:jane%40example.com?secret=JBSWY3DPEHPK3PXP&issuer=Dfns"}
    """

    static func registrationChallengeValue() throws -> JSONValue {
        try JSONParser().parse(Array(registrationJSON.utf8))
    }

    static var policy: RelyingPartyPolicy {
        var policy = RelyingPartyPolicy(rpId: rpId, allowedOrigins: [origin])
        policy.requireUserVerification = true
        return policy
    }

    /// `value` with the member at `path` removed (or replaced by `replacement`).
    static func edit(_ value: JSONValue, _ path: [String], _ replacement: JSONValue? = nil) -> JSONValue {
        guard case .object(let members) = value, let head = path.first else { return replacement ?? value }
        var out: [(String, JSONValue)] = []
        for (name, member) in members {
            if name != head {
                out.append((name, member))
            } else if path.count > 1 {
                out.append((name, edit(member, Array(path.dropFirst()), replacement)))
            } else if let replacement {
                out.append((name, replacement))
            }
        }
        return .object(out)
    }

    /// Registers a passkey from the realistic challenge and verifies it; returns what the tests need.
    static func registered(_ authenticator: SoftwareAuthenticator) throws -> (Fido2Attestation, StoredCredential) {
        let attestation = try Fido2Attestation(challenge: try registrationChallengeValue(), authenticator: authenticator,
                                               rpId: rpId, origin: origin)
        let result = try RegistrationVerifier(policy: policy).verify(
            clientDataJSON: attestation.clientDataJSON, attestationObject: attestation.attestationObject,
            expectedChallenge: try Base64URL.decode(registrationChallenge), rawId: attestation.credentialId)
        let stored = StoredCredential(credentialId: result.credentialId, publicKey: result.credentialPublicKey,
                                      signCount: result.signCount, backupEligible: result.backupEligible)
        return (attestation, stored)
    }

    static func challenge(_ text: String = actionChallenge, webauthn: [String]?) -> UserActionChallenge {
        UserActionChallenge(
            challenge: text, challengeIdentifier: "eyJ0eXAiOiJKV1QifQ.e30.c2ln", userVerification: "required",
            supportedCredentialKinds: [SupportedCredentialKind(kind: "Fido2", factor: "first")],
            allowCredentials: AllowCredentials(key: [], webauthn: webauthn.map { $0.map { CredentialDescriptor(id: $0) } }),
            rp: RelyingParty(id: "deprecated.example.net", name: "Deprecated"))
    }

    static func string(_ value: JSONValue?) throws -> String {
        try #require(value?.stringValue)
    }

    // MARK: - Registration

    @Test("a registration challenge becomes a Fido2 credential that RegistrationVerifier accepts")
    func registration() throws {
        let authenticator = SoftwareAuthenticator()
        let attestation = try Fido2Attestation(challenge: try Self.registrationChallengeValue(), authenticator: authenticator,
                                               rpId: Self.rpId, origin: Self.origin, credentialName: "Jane's passkey")
        #expect(attestation.algorithm == .es256)
        #expect(attestation.userHandle == Array(Self.userId.utf8))
        #expect(attestation.credentialId.count == 32)

        // The wire object: kind, info (all base64url of the exact bytes), name.
        let json = attestation.jsonValue
        #expect(json == .object([
            ("credentialKind", .string("Fido2")),
            ("credentialInfo", .object([
                ("credId", .string(Base64URL.encode(attestation.credentialId))),
                ("clientData", .string(Base64URL.encode(attestation.clientDataJSON))),
                ("attestationData", .string(Base64URL.encode(attestation.attestationObject))),
            ])),
            ("credentialName", .string("Jane's passkey")),
        ]))
        let info = try #require(json["credentialInfo"])
        for member in ["credId", "clientData", "attestationData"] {
            let text = try Self.string(info[member])
            #expect(!text.contains("=") && !text.contains("+") && !text.contains("/"))
        }

        // Decode what would be sent and verify it as a relying party for the configured RP.
        let clientDataJSON = try Base64URL.decode(try Self.string(info["clientData"]))
        let attestationObject = try Base64URL.decode(try Self.string(info["attestationData"]))
        let rawId = try Base64URL.decode(try Self.string(info["credId"]))
        let clientData = try CollectedClientData(bytes: clientDataJSON)
        #expect(clientData.type == "webauthn.create")
        #expect(clientData.challenge == Self.registrationChallenge)   // verbatim
        #expect(clientData.origin == Self.origin)
        let result = try RegistrationVerifier(policy: Self.policy).verify(
            clientDataJSON: clientDataJSON, attestationObject: attestationObject,
            expectedChallenge: try Base64URL.decode(Self.registrationChallenge), rawId: rawId)
        #expect(result.credentialId == attestation.credentialId)
        #expect(result.algorithm == .es256)
        #expect(result.format == "packed")   // "attestation":"direct" → packed self attestation
        #expect(result.userVerified)

        // The deprecated rp of the challenge was not used.
        var other = Self.policy
        other.rpId = "deprecated.example.net"
        #expect(throws: WebAuthnError.self) {
            try RegistrationVerifier(policy: other).verify(
                clientDataJSON: clientDataJSON, attestationObject: attestationObject,
                expectedChallenge: try Base64URL.decode(Self.registrationChallenge))
        }
        let unnamed = try Fido2Attestation(challenge: try Self.registrationChallengeValue(), authenticator: authenticator,
                                           rpId: Self.rpId, origin: Self.origin)
        #expect(unnamed.jsonValue["credentialName"] == nil)
        #expect(unnamed.credentialId != attestation.credentialId)
    }

    @Test("the algorithm is the first supported one of pubKeyCredParams; the attestation follows the challenge")
    func algorithmAndAttestationChoice() throws {
        let authenticator = SoftwareAuthenticator()
        let base = try Self.registrationChallengeValue()
        // ES512 (-36) and an unknown algorithm are skipped, as is a non-public-key entry; EdDSA wins.
        let params: JSONValue = .array([
            .object([("type", .string("public-key")), ("alg", .number("-36"))]),
            .object([("type", .string("public-key")), ("alg", .number("-70000"))]),
            .object([("type", .string("other-kind")), ("alg", .number("-47"))]),
            .object([("type", .string("public-key")), ("alg", .number("-8"))]),
            .object([("type", .string("public-key")), ("alg", .number("-7"))]),
        ])
        let edChallenge = Self.edit(Self.edit(base, ["pubKeyCredParams"], params), ["attestation"], .string("none"))
        let ed = try Fido2Attestation(challenge: edChallenge, authenticator: authenticator, rpId: Self.rpId, origin: Self.origin)
        #expect(ed.algorithm == .edDSA)
        let result = try RegistrationVerifier(policy: Self.policy).verify(
            clientDataJSON: ed.clientDataJSON, attestationObject: ed.attestationObject,
            expectedChallenge: try Base64URL.decode(Self.registrationChallenge))
        #expect(result.algorithm == .edDSA)
        #expect(result.format == "none")

        // Absent attestation → none; an explicit choice overrides the challenge.
        let noConveyance = Self.edit(base, ["attestation"])
        let plain = try Fido2Attestation(challenge: noConveyance, authenticator: authenticator, rpId: Self.rpId, origin: Self.origin)
        #expect(try RegistrationVerifier(policy: Self.policy).verify(
            clientDataJSON: plain.clientDataJSON, attestationObject: plain.attestationObject,
            expectedChallenge: try Base64URL.decode(Self.registrationChallenge)).format == "none")
        let forced = try Fido2Attestation(challenge: edChallenge, authenticator: authenticator, rpId: Self.rpId,
                                          origin: Self.origin, attestation: .packedSelf)
        #expect(try RegistrationVerifier(policy: Self.policy).verify(
            clientDataJSON: forced.clientDataJSON, attestationObject: forced.attestationObject,
            expectedChallenge: try Base64URL.decode(Self.registrationChallenge)).format == "packed")

        // An empty list means ES256 (WebAuthn's default).
        let empty = try Fido2Attestation(challenge: Self.edit(base, ["pubKeyCredParams"], .array([])),
                                         authenticator: authenticator, rpId: Self.rpId, origin: Self.origin)
        #expect(empty.algorithm == .es256)
    }

    @Test("a registration challenge missing a field or with no supported algorithm is refused")
    func malformedRegistrationChallenge() throws {
        let authenticator = SoftwareAuthenticator()
        let base = try Self.registrationChallengeValue()

        func refusal(_ challenge: JSONValue, rpId: String = Self.rpId, origin: String = Self.origin) -> SignerError? {
            do {
                _ = try Fido2Attestation(challenge: challenge, authenticator: authenticator, rpId: rpId, origin: origin)
                return nil
            } catch {
                return error
            }
        }
        func expectInvalid(_ challenge: JSONValue, mentioning name: String, sourceLocation: SourceLocation = #_sourceLocation) {
            guard case .invalidArgument(let message)? = refusal(challenge) else {
                Issue.record("expected invalidArgument mentioning \(name), got \(String(describing: refusal(challenge)))",
                             sourceLocation: sourceLocation)
                return
            }
            #expect(message.contains(name), "\(message)", sourceLocation: sourceLocation)
        }

        expectInvalid(Self.edit(base, ["challenge"]), mentioning: "challenge")
        expectInvalid(Self.edit(base, ["challenge"], .number("7")), mentioning: "challenge")
        expectInvalid(Self.edit(base, ["user"]), mentioning: "user")
        expectInvalid(Self.edit(base, ["user"], .string("us-1")), mentioning: "user")
        expectInvalid(Self.edit(base, ["user", "id"]), mentioning: "user.id")
        expectInvalid(Self.edit(base, ["user", "id"], .string("")), mentioning: "user.id")
        expectInvalid(Self.edit(base, ["user", "name"]), mentioning: "user.name")
        expectInvalid(Self.edit(base, ["pubKeyCredParams"]), mentioning: "pubKeyCredParams")
        expectInvalid(Self.edit(base, ["pubKeyCredParams"], .object([])), mentioning: "pubKeyCredParams")
        expectInvalid(Self.edit(base, ["pubKeyCredParams"], .array([.object([("type", .string("public-key"))])])),
                      mentioning: "pubKeyCredParams[0].alg")
        expectInvalid(Self.edit(base, ["pubKeyCredParams"], .array([.object([("alg", .string("-7"))])])),
                      mentioning: "pubKeyCredParams[0].alg")
        expectInvalid(Self.edit(base, ["pubKeyCredParams"], .array([.number("-7")])), mentioning: "pubKeyCredParams[0]")
        expectInvalid(Self.edit(base, ["attestation"], .bool(true)), mentioning: "attestation")
        expectInvalid(Self.edit(base, ["challenge"], .string("not base64url!")), mentioning: "base64url")
        expectInvalid(.array([base]), mentioning: "object")
        // A user handle longer than 64 bytes cannot be stored by an authenticator.
        expectInvalid(Self.edit(base, ["user", "id"], .string(String(repeating: "u", count: 65))), mentioning: "64")

        // No supported algorithm.
        let unsupported = Self.edit(base, ["pubKeyCredParams"], .array([
            .object([("type", .string("public-key")), ("alg", .number("-36"))]),
            .object([("type", .string("public-key")), ("alg", .number("-37"))]),
        ]))
        guard case .unsupportedKeyType(let message)? = refusal(unsupported) else {
            Issue.record("expected unsupportedKeyType, got \(String(describing: refusal(unsupported)))")
            return
        }
        #expect(message.contains("-36") && message.contains("ES256"))

        // The relying party must be configured.
        #expect(refusal(base, rpId: "") == .invalidArgument("empty relying party id"))
        #expect(refusal(base, origin: "") == .invalidArgument("empty origin"))
    }

    // MARK: - Assertions

    @Test("a user-action challenge is signed with the passkey; AssertionVerifier accepts it")
    func userActionAssertion() async throws {
        let authenticator = SoftwareAuthenticator()
        let (attestation, stored) = try Self.registered(authenticator)
        let signer = try attestation.signer(on: authenticator)
        #expect(signer.rpId == Self.rpId && signer.origin == Self.origin && signer.credId == attestation.credId)

        let challenge = Self.challenge(webauthn: ["c29tZW9uZS1lbHNl", attestation.credId])
        let userActionSigner: any UserActionSigner = signer
        let firstFactor = try await userActionSigner.sign(challenge)

        #expect(firstFactor["kind"] == .string("Fido2"))
        let assertion = try #require(firstFactor["credentialAssertion"])
        #expect(assertion.objectValue?.map(\.0) == ["credId", "clientData", "authenticatorData", "signature", "userHandle"])
        #expect(try Self.string(assertion["credId"]) == attestation.credId)
        let clientDataJSON = try Base64URL.decode(try Self.string(assertion["clientData"]))
        let authenticatorData = try Base64URL.decode(try Self.string(assertion["authenticatorData"]))
        let signature = try Base64URL.decode(try Self.string(assertion["signature"]))
        #expect(try Base64URL.decode(try Self.string(assertion["userHandle"])) == Array(Self.userId.utf8))

        let clientData = try CollectedClientData(bytes: clientDataJSON)
        #expect(clientData.type == "webauthn.get")
        #expect(clientData.challenge == challenge.challenge)   // verbatim
        #expect(clientData.origin == Self.origin)

        let result = try AssertionVerifier(policy: Self.policy).verify(
            clientDataJSON: clientDataJSON, authenticatorData: authenticatorData, signature: signature,
            expectedChallenge: try Base64URL.decode(challenge.challenge), credential: stored,
            rawId: try Base64URL.decode(try Self.string(assertion["credId"])))
        #expect(result.credentialId == attestation.credentialId)
        #expect(result.signCount == 1)
        #expect(result.userVerified)

        // The deprecated rp of the challenge was not used: the RP ID hash is the configured one.
        var other = Self.policy
        other.rpId = "deprecated.example.net"
        #expect(throws: WebAuthnError.self) {
            try AssertionVerifier(policy: other).verify(
                clientDataJSON: clientDataJSON, authenticatorData: authenticatorData, signature: signature,
                expectedChallenge: try Base64URL.decode(challenge.challenge), credential: stored)
        }
        // A signature over another challenge does not verify.
        #expect(throws: WebAuthnError.self) {
            try AssertionVerifier(policy: Self.policy).verify(
                clientDataJSON: clientDataJSON, authenticatorData: authenticatorData, signature: signature,
                expectedChallenge: try Base64URL.decode(Self.registrationChallenge), credential: stored)
        }
    }

    @Test("a login challenge is signed the same way, also without an allow-list (usernameless)")
    func loginAssertion() throws {
        let authenticator = SoftwareAuthenticator()
        let (attestation, stored) = try Self.registered(authenticator)
        let signer = try attestation.signer(on: authenticator)
        let loginChallenge = "Y2gtNWhvMmMtbHM4bmUtOG12YmtlMHRzcnZzZDlsdQ"
        var signCount = stored.signCount
        for webauthn in [nil, [], [attestation.credId]] as [[String]?] {
            let firstFactor = try signer.signLogin(Self.challenge(loginChallenge, webauthn: webauthn))
            #expect(firstFactor["kind"] == .string("Fido2"))
            let assertion = try #require(firstFactor["credentialAssertion"])
            let clientDataJSON = try Base64URL.decode(try Self.string(assertion["clientData"]))
            let clientData = try CollectedClientData(bytes: clientDataJSON)
            #expect(clientData.type == "webauthn.get")
            #expect(clientData.challenge == loginChallenge)
            let result = try AssertionVerifier(policy: Self.policy).verify(
                clientDataJSON: clientDataJSON,
                authenticatorData: try Base64URL.decode(try Self.string(assertion["authenticatorData"])),
                signature: try Base64URL.decode(try Self.string(assertion["signature"])),
                expectedChallenge: try Base64URL.decode(loginChallenge),
                credential: StoredCredential(credentialId: stored.credentialId, publicKey: stored.publicKey,
                                             signCount: signCount, backupEligible: stored.backupEligible))
            #expect(result.signCount == signCount + 1)
            signCount = result.signCount
        }
    }

    @Test("a challenge whose allowCredentials.webauthn lacks the passkey is refused before signing")
    func allowCredentialsRefusal() async throws {
        let authenticator = SoftwareAuthenticator()
        let (attestation, stored) = try Self.registered(authenticator)
        let signer = try attestation.signer(on: authenticator)
        let refused = Self.challenge(webauthn: ["c29tZW9uZS1lbHNl", "YW5vdGhlcg"])
        await #expect(throws: SignerError.passkeyNotAllowed(credentialId: attestation.credId)) {
            _ = try await signer.sign(refused)
        }
        #expect(throws: SignerError.passkeyNotAllowed(credentialId: attestation.credId)) {
            _ = try signer.signLogin(refused)
        }
        let message = SignerError.passkeyNotAllowed(credentialId: attestation.credId).description
        #expect(message.contains(attestation.credId) && message.contains("allowCredentials.webauthn"))

        // Nothing was signed: the next assertion has counter 1.
        let next = try signer.assertion(for: Self.challenge(webauthn: [attestation.credId]))
        let result = try AssertionVerifier(policy: Self.policy).verify(
            clientDataJSON: next.clientDataJSON, authenticatorData: next.authenticatorData, signature: next.signature,
            expectedChallenge: try Base64URL.decode(Self.actionChallenge), credential: stored)
        #expect(result.signCount == 1)

        // A Key allow-list naming the passkey does not count; a padded listing of the same id does.
        let keyListed = UserActionChallenge(
            challenge: Self.actionChallenge, challengeIdentifier: "ci",
            allowCredentials: AllowCredentials(key: [CredentialDescriptor(id: attestation.credId)],
                                               webauthn: [CredentialDescriptor(id: "YW5vdGhlcg")]))
        #expect(throws: SignerError.passkeyNotAllowed(credentialId: attestation.credId)) {
            _ = try signer.assertion(for: keyListed)
        }
        _ = try signer.assertion(challenge: Self.actionChallenge, allowedCredentialIds: [attestation.credId + "="])
    }

    @Test("a challenge that is not base64url (or empty) is refused")
    func invalidChallenge() async throws {
        let authenticator = SoftwareAuthenticator()
        let (attestation, _) = try Self.registered(authenticator)
        let signer = try attestation.signer(on: authenticator)
        for bad in ["not base64url!", "Y2gtMQ==", "Y2g+MQ", "Y2gtM", "Y2gtMf"] {
            await #expect(throws: SignerError.self) {
                _ = try await signer.sign(Self.challenge(bad, webauthn: [attestation.credId]))
            }
            do {
                _ = try signer.assertion(challenge: bad, allowedCredentialIds: nil)
                Issue.record("\(bad) was accepted")
            } catch {
                guard case .invalidArgument(let message) = error else { Issue.record("\(error)"); continue }
                #expect(message.contains("base64url") && !message.contains(bad))
            }
        }
        #expect(throws: SignerError.invalidArgument("empty challenge")) {
            _ = try signer.assertion(challenge: "", allowedCredentialIds: nil)
        }
    }

    @Test("the signer needs a relying party, and a credential the authenticator holds for it")
    func signerConfiguration() throws {
        let authenticator = SoftwareAuthenticator()
        let (attestation, _) = try Self.registered(authenticator)
        #expect(throws: SignerError.invalidArgument("empty relying party id")) {
            _ = try WebAuthnSigner(authenticator: authenticator, credentialId: attestation.credentialId, rpId: "", origin: Self.origin)
        }
        #expect(throws: SignerError.invalidArgument("empty origin")) {
            _ = try WebAuthnSigner(authenticator: authenticator, credentialId: attestation.credentialId, rpId: Self.rpId, origin: "")
        }
        #expect(throws: SignerError.invalidArgument("empty passkey credential id")) {
            _ = try WebAuthnSigner(authenticator: authenticator, credentialId: [], rpId: Self.rpId, origin: Self.origin)
        }
        // Another RP ID, or a credential of another authenticator: typed refusals, no trap.
        let wrongRP = try WebAuthnSigner(authenticator: authenticator, credentialId: attestation.credentialId,
                                         rpId: "other.example.com", origin: "https://other.example.com")
        let stranger = try attestation.signer(on: SoftwareAuthenticator())
        for signer in [wrongRP, stranger] {
            do {
                _ = try signer.assertion(challenge: Self.actionChallenge, allowedCredentialIds: nil)
                Issue.record("an unknown credential signed")
            } catch {
                guard case .invalidArgument(let message) = error else { Issue.record("\(error)"); continue }
                #expect(message.contains("authenticator"))
            }
        }
    }

    @Test("userHandle is omitted when the authenticator returns none")
    func emptyUserHandle() {
        let assertion = Fido2Assertion(credentialId: [1, 2, 3], clientDataJSON: Array("{}".utf8),
                                       authenticatorData: [4, 5], signature: [6, 7, 8, 9])
        #expect(assertion.jsonValue == .object([
            ("kind", .string("Fido2")),
            ("credentialAssertion", .object([
                ("credId", .string("AQID")),
                ("clientData", .string("e30")),
                ("authenticatorData", .string("BAU")),
                ("signature", .string("BgcICQ")),
            ])),
        ]))
        let withHandle = Fido2Assertion(credentialId: [1], clientDataJSON: [], authenticatorData: [], signature: [],
                                        userHandle: Array("us-1".utf8))
        #expect(withHandle.credentialAssertion["userHandle"] == .string("dXMtMQ"))
    }
}
