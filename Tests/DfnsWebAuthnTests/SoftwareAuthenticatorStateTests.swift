import DfnsCrypto
import DfnsWebAuthn
import Testing

/// ``SoftwareAuthenticator/exportCredential(_:)`` and ``SoftwareAuthenticator/importCredential(_:)``:
/// a credential carried to another authenticator (another process, through its PKCS#8 key) keeps
/// signing assertions that verify, with its counter continuing.
@Suite("Software authenticator credential state")
struct SoftwareAuthenticatorStateTests {
    let rpId = "example.org"
    let origin = "https://example.org"
    let challenge: [UInt8] = Array(0..<32)

    var policy: RelyingPartyPolicy { RelyingPartyPolicy(rpId: rpId, allowedOrigins: [origin]) }

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

    @Test("a credential moved to a new authenticator through PKCS#8 signs verifiable assertions, counter continuing")
    func exportImportRoundTrip() throws {
        let first = SoftwareAuthenticator()
        let registration = try first.register(rpId: rpId, origin: origin, challenge: challenge, userHandle: [7, 8, 9])
        let registered = try RegistrationVerifier(policy: policy).verify(
            clientDataJSON: registration.clientDataJSON, attestationObject: registration.attestationObject,
            expectedChallenge: challenge)
        let state = try #require(first.exportCredential(registration.credentialId))
        #expect(state.signCount == 0)
        #expect(state.rpId == rpId)
        #expect(state.userHandle == [7, 8, 9])
        #expect(state.algorithm == .es256)
        #expect(first.exportCredential([1, 2, 3]) == nil)

        // As the CLI's device does: the key leaves as PKCS#8 DER and comes back in another process.
        let reloadedKey = try PrivateKey(pkcs8DER: try state.privateKey.pkcs8DER().copyBytes())
        let second = SoftwareAuthenticator()
        try second.importCredential(SoftwareAuthenticator.CredentialState(
            credentialId: state.credentialId, rpId: state.rpId, privateKey: reloadedKey, algorithm: state.algorithm,
            userHandle: state.userHandle, signCount: 41))
        let assertion = try second.authenticate(rpId: rpId, origin: origin, challenge: challenge,
                                                credentialId: registration.credentialId)
        #expect(assertion.userHandle == [7, 8, 9])
        let verified = try AssertionVerifier(policy: policy).verify(
            clientDataJSON: assertion.clientDataJSON, authenticatorData: assertion.authenticatorData,
            signature: assertion.signature, expectedChallenge: challenge,
            credential: StoredCredential(credentialId: registered.credentialId, publicKey: registered.credentialPublicKey,
                                         signCount: 41, backupEligible: false))
        #expect(verified.signCount == 42)
        #expect(second.exportCredential(registration.credentialId)?.signCount == 42)
        // The first authenticator's copy is independent.
        #expect(first.exportCredential(registration.credentialId)?.signCount == 0)
    }

    @Test("an unknown credential, or one asked for under another RP ID, is unknownCredential; bad inputs invalidArgument")
    func lookupAndArgumentCodes() throws {
        let authenticator = SoftwareAuthenticator()
        let registration = try authenticator.register(rpId: rpId, origin: origin, challenge: challenge)
        expectCode(.unknownCredential) {
            _ = try authenticator.authenticate(rpId: rpId, origin: origin, challenge: challenge, credentialId: [9, 9, 9])
        }
        expectCode(.unknownCredential) {
            _ = try authenticator.authenticate(rpId: "other.example", origin: origin, challenge: challenge,
                                               credentialId: registration.credentialId)
        }
        _ = try authenticator.authenticate(rpId: rpId, origin: origin, challenge: challenge, credentialId: registration.credentialId)
        expectCode(.invalidArgument) {
            _ = try authenticator.register(rpId: rpId, origin: origin, challenge: challenge,
                                           userHandle: [UInt8](repeating: 0, count: 65))
        }
        // The refusal names the algorithms the authenticator creates, from its own list.
        do {
            _ = try authenticator.register(rpId: rpId, origin: origin, challenge: challenge, algorithm: .es384)
            Issue.record("ES384 registered")
        } catch {
            #expect(error.code == .unsupportedAlgorithm)
            #expect(error.message.contains(SoftwareAuthenticator.supportedAlgorithmList))
        }
        #expect(SoftwareAuthenticator.supportedAlgorithmList == "ES256 (-7), EdDSA (-8), ES256K (-47), RS256 (-257)")
    }

    @Test("import rejects what the authenticator could not have created")
    func importChecks() throws {
        let p256 = try PrivateKey.generate(.ec(.p256))
        let ed25519 = try PrivateKey.generate(.ed25519)
        let authenticator = SoftwareAuthenticator()
        func state(id: [UInt8] = [1], rpId: String = "example.org", key: PrivateKey, algorithm: COSEAlgorithm = .es256,
                   userHandle: [UInt8] = []) -> SoftwareAuthenticator.CredentialState {
            SoftwareAuthenticator.CredentialState(credentialId: id, rpId: rpId, privateKey: key, algorithm: algorithm,
                                                  userHandle: userHandle, signCount: 0)
        }
        expectCode(.invalidArgument) { try authenticator.importCredential(state(id: [], key: p256)) }
        expectCode(.invalidArgument) { try authenticator.importCredential(state(id: [UInt8](repeating: 1, count: 1024), key: p256)) }
        expectCode(.invalidArgument) { try authenticator.importCredential(state(rpId: "", key: p256)) }
        expectCode(.invalidArgument) { try authenticator.importCredential(state(key: p256, userHandle: [UInt8](repeating: 0, count: 65))) }
        expectCode(.unsupportedAlgorithm) { try authenticator.importCredential(state(key: ed25519)) }
        expectCode(.unsupportedAlgorithm) { try authenticator.importCredential(state(key: p256, algorithm: .edDSA)) }
        expectCode(.unsupportedAlgorithm) { try authenticator.importCredential(state(key: p256, algorithm: .es384)) }
        #expect(authenticator.exportCredential([1]) == nil)
        try authenticator.importCredential(state(key: ed25519, algorithm: .edDSA))
        #expect(authenticator.exportCredential([1])?.algorithm == .edDSA)
    }
}
