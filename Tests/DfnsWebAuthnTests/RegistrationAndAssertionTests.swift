import DfnsCBOR
import DfnsCrypto
import DfnsWebAuthn
import Testing
import DfnsEncoding

/// End-to-end ceremonies with the software authenticator, and one failing case per check.
@Suite("Registration and assertion")
struct RegistrationAndAssertionTests {
    let rpId = "example.org"
    let origin = "https://example.org"
    let challenge: [UInt8] = Array(0..<32)

    var policy: RelyingPartyPolicy { RelyingPartyPolicy(rpId: rpId, allowedOrigins: [origin]) }

    func register(_ authenticator: SoftwareAuthenticator, algorithm: COSEAlgorithm = .es256,
                  attestation: SoftwareAuthenticator.Attestation = .packedSelf, backupEligible: Bool = false) throws -> (SoftwareAuthenticator.Registration, RegistrationResult) {
        let registration = try authenticator.register(rpId: rpId, origin: origin, challenge: challenge, algorithm: algorithm,
                                                      attestation: attestation, userHandle: [1, 2, 3], backupEligible: backupEligible)
        let result = try RegistrationVerifier(policy: policy).verify(clientDataJSON: registration.clientDataJSON,
                                                                     attestationObject: registration.attestationObject,
                                                                     expectedChallenge: challenge)
        return (registration, result)
    }

    func expectCode(_ code: WebAuthnError.Code, _ body: () throws -> Void) {
        do {
            try body()
            Issue.record("expected \(code.name), the call succeeded")
        } catch let error as WebAuthnError {
            #expect(error.code == code, "expected \(code.name), found \(error)")
        } catch {
            Issue.record("expected WebAuthnError \(code.name), found \(error)")
        }
    }

    @Test("round trip for every software authenticator algorithm and attestation",
          arguments: SoftwareAuthenticator.supportedAlgorithms, [SoftwareAuthenticator.Attestation.none, .packedSelf])
    func roundTrip(algorithm: COSEAlgorithm, attestation: SoftwareAuthenticator.Attestation) throws {
        let authenticator = SoftwareAuthenticator()
        let (registration, result) = try register(authenticator, algorithm: algorithm, attestation: attestation)
        #expect(result.credentialId == registration.credentialId)
        #expect(result.algorithm == algorithm)
        #expect(result.format == (attestation == .none ? "none" : "packed"))
        #expect(result.attestationType == (attestation == .none ? .none : .self))
        #expect(result.userVerified)

        // The stored COSE bytes re-import to the same key.
        let stored = try CredentialPublicKey(coseBytes: result.credentialPublicKey.coseBytes)
        #expect(stored.spkiDER == result.credentialPublicKey.spkiDER)
        let credential = StoredCredential(credentialId: result.credentialId, publicKey: stored, signCount: result.signCount,
                                          backupEligible: result.backupEligible)
        let verifier = AssertionVerifier(policy: policy)
        for expectedCount in 1...3 {
            let assertion = try authenticator.authenticate(rpId: rpId, origin: origin, challenge: challenge, credentialId: registration.credentialId)
            let verified = try verifier.verify(clientDataJSON: assertion.clientDataJSON, authenticatorData: assertion.authenticatorData,
                                               signature: assertion.signature, expectedChallenge: challenge,
                                               credential: StoredCredential(credentialId: credential.credentialId, publicKey: stored,
                                                                            signCount: UInt32(expectedCount - 1), backupEligible: false))
            #expect(verified.signCount == UInt32(expectedCount))
        }
    }

    @Test("registration client data checks")
    func registrationClientData() throws {
        let authenticator = SoftwareAuthenticator()
        let registration = try authenticator.register(rpId: rpId, origin: origin, challenge: challenge)
        expectCode(.challengeMismatch) {
            _ = try RegistrationVerifier(policy: policy).verify(clientDataJSON: registration.clientDataJSON,
                                                               attestationObject: registration.attestationObject, expectedChallenge: [9, 9])
        }
        expectCode(.originNotAllowed) {
            _ = try RegistrationVerifier(policy: RelyingPartyPolicy(rpId: rpId, allowedOrigins: ["https://other.example"]))
                .verify(clientDataJSON: registration.clientDataJSON, attestationObject: registration.attestationObject, expectedChallenge: challenge)
        }
        expectCode(.rpIdHashMismatch) {
            _ = try RegistrationVerifier(policy: RelyingPartyPolicy(rpId: "example.com", allowedOrigins: [origin]))
                .verify(clientDataJSON: registration.clientDataJSON, attestationObject: registration.attestationObject, expectedChallenge: challenge)
        }
        let getType = ClientDataJSONBuilder.build(type: "webauthn.get", challenge: challenge, origin: origin)
        expectCode(.clientDataType) {
            _ = try RegistrationVerifier(policy: policy).verify(clientDataJSON: getType, attestationObject: registration.attestationObject,
                                                               expectedChallenge: challenge)
        }
    }

    @Test("client data JSON strictness")
    func clientDataStrictness() throws {
        let padded = Array("{\"type\":\"webauthn.get\",\"challenge\":\"\(Base64URL.encode(challenge))=\",\"origin\":\"\(origin)\"}".utf8)
        expectCode(.challengeMismatch) {
            try CollectedClientData(bytes: padded).verify(expectedType: "webauthn.get", expectedChallenge: challenge, policy: policy)
        }
        let duplicate = Array("{\"type\":\"webauthn.get\",\"type\":\"webauthn.create\",\"challenge\":\"x\",\"origin\":\"o\"}".utf8)
        expectCode(.malformedClientData) { _ = try CollectedClientData(bytes: duplicate) }
        expectCode(.malformedClientData) { _ = try CollectedClientData(bytes: Array("[1,2]".utf8)) }
        expectCode(.malformedClientData) { _ = try CollectedClientData(bytes: [0x7B, 0xFF, 0x7D]) }
        let crossOriginNotBool = Array("{\"type\":\"t\",\"challenge\":\"c\",\"origin\":\"o\",\"crossOrigin\":\"yes\"}".utf8)
        expectCode(.malformedClientData) { _ = try CollectedClientData(bytes: crossOriginNotBool) }
        let bom: [UInt8] = [0xEF, 0xBB, 0xBF] + ClientDataJSONBuilder.build(type: "webauthn.get", challenge: challenge, origin: origin)
        try CollectedClientData(bytes: bom).verify(expectedType: "webauthn.get", expectedChallenge: challenge, policy: policy)

        let framed = ClientDataJSONBuilder.build(type: "webauthn.get", challenge: challenge, origin: origin, crossOrigin: true, topOrigin: "https://top.example")
        expectCode(.crossOriginNotAllowed) {
            try CollectedClientData(bytes: framed).verify(expectedType: "webauthn.get", expectedChallenge: challenge, policy: policy)
        }
        var framing = policy
        framing.allowCrossOrigin = true
        expectCode(.topOriginNotAllowed) {
            try CollectedClientData(bytes: framed).verify(expectedType: "webauthn.get", expectedChallenge: challenge, policy: framing)
        }
        framing.allowedTopOrigins = ["https://top.example"]
        try CollectedClientData(bytes: framed).verify(expectedType: "webauthn.get", expectedChallenge: challenge, policy: framing)
        let topWithoutCross = ClientDataJSONBuilder.build(type: "webauthn.get", challenge: challenge, origin: origin, crossOrigin: false, topOrigin: "https://top.example")
        expectCode(.topOriginNotAllowed) {
            try CollectedClientData(bytes: topWithoutCross).verify(expectedType: "webauthn.get", expectedChallenge: challenge, policy: framing)
        }
    }

    @Test("assertion checks")
    func assertionChecks() throws {
        let authenticator = SoftwareAuthenticator()
        let (registration, result) = try register(authenticator)
        let credential = StoredCredential(credentialId: result.credentialId, publicKey: result.credentialPublicKey, signCount: 0, backupEligible: false)
        let assertion = try authenticator.authenticate(rpId: rpId, origin: origin, challenge: challenge, credentialId: registration.credentialId,
                                                       userVerified: false)
        let verifier = AssertionVerifier(policy: policy)
        _ = try verifier.verify(clientDataJSON: assertion.clientDataJSON, authenticatorData: assertion.authenticatorData,
                                signature: assertion.signature, expectedChallenge: challenge, credential: credential)

        var uvPolicy = policy
        uvPolicy.requireUserVerification = true
        expectCode(.userVerificationMissing) {
            _ = try AssertionVerifier(policy: uvPolicy).verify(clientDataJSON: assertion.clientDataJSON, authenticatorData: assertion.authenticatorData,
                                                               signature: assertion.signature, expectedChallenge: challenge, credential: credential)
        }
        var tampered = assertion.signature
        tampered[tampered.count - 1] ^= 1
        expectCode(.signatureInvalid) {
            _ = try verifier.verify(clientDataJSON: assertion.clientDataJSON, authenticatorData: assertion.authenticatorData,
                                    signature: tampered, expectedChallenge: challenge, credential: credential)
        }
        var stale = credential
        stale.signCount = 5
        expectCode(.signCountNotIncreased) {
            _ = try verifier.verify(clientDataJSON: assertion.clientDataJSON, authenticatorData: assertion.authenticatorData,
                                    signature: assertion.signature, expectedChallenge: challenge, credential: stale)
        }
        var flagging = policy
        flagging.signCountPolicy = .flag
        let flagged = try AssertionVerifier(policy: flagging).verify(clientDataJSON: assertion.clientDataJSON, authenticatorData: assertion.authenticatorData,
                                                                     signature: assertion.signature, expectedChallenge: challenge, credential: stale)
        #expect(flagged.signCountRegressed)

        var eligible = credential
        eligible.backupEligible = true
        expectCode(.backupEligibilityChanged) {
            _ = try verifier.verify(clientDataJSON: assertion.clientDataJSON, authenticatorData: assertion.authenticatorData,
                                    signature: assertion.signature, expectedChallenge: challenge, credential: eligible)
        }
        // Flags rewritten: BS without BE. The signature no longer matters: flags are checked first.
        var bsOnly = assertion.authenticatorData
        bsOnly[32] = (bsOnly[32] & ~0x08) | 0x10
        expectCode(.backupStateWithoutEligibility) {
            _ = try verifier.verify(clientDataJSON: assertion.clientDataJSON, authenticatorData: bsOnly,
                                    signature: assertion.signature, expectedChallenge: challenge, credential: credential)
        }
        var noUP = assertion.authenticatorData
        noUP[32] &= ~0x01
        expectCode(.userPresenceMissing) {
            _ = try verifier.verify(clientDataJSON: assertion.clientDataJSON, authenticatorData: noUP,
                                    signature: assertion.signature, expectedChallenge: challenge, credential: credential)
        }
        expectCode(.trailingBytes) {
            _ = try verifier.verify(clientDataJSON: assertion.clientDataJSON, authenticatorData: assertion.authenticatorData + [0],
                                    signature: assertion.signature, expectedChallenge: challenge, credential: credential)
        }
        expectCode(.malformedAuthenticatorData) {
            _ = try verifier.verify(clientDataJSON: assertion.clientDataJSON, authenticatorData: Array(assertion.authenticatorData.prefix(36)),
                                    signature: assertion.signature, expectedChallenge: challenge, credential: credential)
        }
        let createType = ClientDataJSONBuilder.build(type: "webauthn.create", challenge: challenge, origin: origin)
        expectCode(.clientDataType) {
            _ = try verifier.verify(clientDataJSON: createType, authenticatorData: assertion.authenticatorData,
                                    signature: assertion.signature, expectedChallenge: challenge, credential: credential)
        }
    }

    @Test("registration authenticator data and statement checks")
    func registrationStructure() throws {
        let authenticator = SoftwareAuthenticator()
        let registration = try authenticator.register(rpId: rpId, origin: origin, challenge: challenge)
        guard case .map(let object) = try CBORDecoder.decode(registration.attestationObject),
              case .bytes(let authData)? = object[text: "authData"], let statement = object[text: "attStmt"] else {
            Issue.record("attestation object shape"); return
        }
        func rebuilt(fmt: String = "packed", statement: CBORValue, authData: [UInt8]) -> [UInt8] {
            CBOREncoder.encode(.map(CBORMap([(.text("fmt"), .text(fmt)), (.text("attStmt"), statement), (.text("authData"), .bytes(authData))])))
        }
        let verifier = RegistrationVerifier(policy: policy)
        func verify(_ object: [UInt8]) throws {
            _ = try verifier.verify(clientDataJSON: registration.clientDataJSON, attestationObject: object, expectedChallenge: challenge)
        }
        try verify(rebuilt(statement: statement, authData: authData))
        expectCode(.unsupportedAttestationFormat) { try verify(rebuilt(fmt: "Packed", statement: statement, authData: authData)) }
        expectCode(.malformedAttestationStatement) { try verify(rebuilt(fmt: "none", statement: statement, authData: authData)) }
        expectCode(.trailingBytes) { try verify(registration.attestationObject + [0x00]) }
        expectCode(.trailingBytes) { try verify(rebuilt(statement: statement, authData: authData + [0x00])) }
        var noAT = authData
        noAT[32] &= ~0x40
        expectCode(.trailingBytes) { try verify(rebuilt(statement: statement, authData: noAT)) }
        expectCode(.attestedCredentialDataMissing) { try verify(rebuilt(fmt: "none", statement: .map(CBORMap([])), authData: Array(noAT.prefix(37)))) }
        var badSig = authData
        badSig[33] ^= 0xFF  // the counter is covered by the self-attestation signature
        expectCode(.signatureInvalid) { try verify(rebuilt(statement: statement, authData: badSig)) }
        if case .map(let fields) = statement {
            let wrongAlg = CBORMap(fields.entries.map { $0.key == .text("alg") ? ($0.key, CBORValue(-257)) : ($0.key, $0.value) })
            expectCode(.malformedAttestationStatement) { try verify(rebuilt(statement: .map(wrongAlg), authData: authData)) }
            let extra = CBORMap(fields.entries.map { ($0.key, $0.value) } + [(.text("ecdaaKeyId"), .bytes([1]))])
            expectCode(.malformedAttestationStatement) { try verify(rebuilt(statement: .map(extra), authData: authData)) }
        }
        var restricted = policy
        restricted.allowedAlgorithms = [.edDSA]
        expectCode(.algorithmNotAllowed) {
            _ = try RegistrationVerifier(policy: restricted).verify(clientDataJSON: registration.clientDataJSON,
                                                                   attestationObject: registration.attestationObject, expectedChallenge: challenge)
        }
        var noSelf = policy
        noSelf.allowSelfAttestation = false
        expectCode(.attestationPolicyViolation) {
            _ = try RegistrationVerifier(policy: noSelf).verify(clientDataJSON: registration.clientDataJSON,
                                                               attestationObject: registration.attestationObject, expectedChallenge: challenge)
        }
        expectCode(.malformedCBOR) { try verify([]) }
        expectCode(.malformedAttestationObject) { try verify(CBOREncoder.encode(.array([]))) }
    }

    @Test("rawId must name the credential when the caller passes it")
    func rawIdChecks() throws {
        let authenticator = SoftwareAuthenticator()
        let registration = try authenticator.register(rpId: rpId, origin: origin, challenge: challenge)
        let verifier = RegistrationVerifier(policy: policy)
        let result = try verifier.verify(clientDataJSON: registration.clientDataJSON, attestationObject: registration.attestationObject,
                                         expectedChallenge: challenge, rawId: registration.credentialId)
        expectCode(.credentialIdMismatch) {
            _ = try verifier.verify(clientDataJSON: registration.clientDataJSON, attestationObject: registration.attestationObject,
                                    expectedChallenge: challenge, rawId: registration.credentialId + [0])
        }
        let credential = StoredCredential(credentialId: result.credentialId, publicKey: result.credentialPublicKey, signCount: 0)
        let assertion = try authenticator.authenticate(rpId: rpId, origin: origin, challenge: challenge, credentialId: registration.credentialId)
        let assertions = AssertionVerifier(policy: policy)
        _ = try assertions.verify(clientDataJSON: assertion.clientDataJSON, authenticatorData: assertion.authenticatorData,
                                  signature: assertion.signature, expectedChallenge: challenge, credential: credential,
                                  rawId: assertion.credentialId)
        expectCode(.credentialIdMismatch) {
            _ = try assertions.verify(clientDataJSON: assertion.clientDataJSON, authenticatorData: assertion.authenticatorData,
                                      signature: assertion.signature, expectedChallenge: challenge, credential: credential,
                                      rawId: [1, 2, 3])
        }
    }

    @Test("credential IDs over 1023 bytes are rejected")
    func longCredentialId() {
        var authData = [UInt8](repeating: 0, count: 32) + [0x41, 0, 0, 0, 0] + [UInt8](repeating: 0, count: 16)
        authData += [0x04, 0x00] + [UInt8](repeating: 7, count: 1024)
        expectCode(.credentialIdTooLong) { _ = try AuthenticatorData(bytes: authData) }
    }

    @Test("COSE keys: alg/curve consistency and point validation")
    func coseKeys() throws {
        let key = try PrivateKey.generate(.ec(.p256)).publicKey
        guard case .ec(_, let x, let y)? = key.components else { Issue.record("not EC"); return }
        func cose(_ entries: [(Int64, CBORValue)]) -> [UInt8] {
            CBOREncoder.encode(.map(CBORMap(entries.map { (CBORValue($0.0), $0.1) })), sortKeys: true)
        }
        _ = try CredentialPublicKey(coseBytes: cose([(1, CBORValue(2)), (3, CBORValue(-7)), (-1, CBORValue(1)), (-2, .bytes(x)), (-3, .bytes(y))]))
        expectCode(.invalidPublicKey) {
            _ = try CredentialPublicKey(coseBytes: cose([(1, CBORValue(2)), (3, CBORValue(-35)), (-1, CBORValue(1)), (-2, .bytes(x)), (-3, .bytes(y))]))
        }
        expectCode(.invalidPublicKey) {
            _ = try CredentialPublicKey(coseBytes: cose([(1, CBORValue(2)), (3, CBORValue(-7)), (-1, CBORValue(1)), (-2, .bytes(x)), (-3, .bool(true))]))
        }
        var offCurve = y
        offCurve[31] ^= 1
        expectCode(.invalidPublicKey) {
            _ = try CredentialPublicKey(coseBytes: cose([(1, CBORValue(2)), (3, CBORValue(-7)), (-1, CBORValue(1)), (-2, .bytes(x)), (-3, .bytes(offCurve))]))
        }
        expectCode(.malformedCOSEKey) {
            _ = try CredentialPublicKey(coseBytes: cose([(1, CBORValue(2)), (-1, CBORValue(1)), (-2, .bytes(x)), (-3, .bytes(y))]))
        }
        let ed = try PrivateKey.generate(.ed25519).publicKey
        guard case .okp(_, let edX)? = ed.components else { Issue.record("not OKP"); return }
        expectCode(.invalidPublicKey) {  // -8 with crv 7 (Ed448) is not allowed in WebAuthn
            _ = try CredentialPublicKey(coseBytes: cose([(1, CBORValue(1)), (3, CBORValue(-8)), (-1, CBORValue(7)), (-2, .bytes(edX))]))
        }
        expectCode(.unsupportedAlgorithm) {
            _ = try CredentialPublicKey(coseBytes: cose([(1, CBORValue(2)), (3, CBORValue(-999)), (-1, CBORValue(1)), (-2, .bytes(x)), (-3, .bytes(y))]))
        }
    }
}
