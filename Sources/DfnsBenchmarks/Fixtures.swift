import DfnsCrypto
import DfnsWebAuthn

/// One algorithm's inputs: a registered credential and one assertion, made once by the
/// ``SoftwareAuthenticator`` and verified again and again.
struct AssertionFixture {
    let algorithm: COSEAlgorithm
    let verifier: AssertionVerifier
    let credential: StoredCredential
    let coseBytes: [UInt8]
    let spki: [UInt8]
    let clientDataJSON: [UInt8]
    let authenticatorData: [UInt8]
    let signature: [UInt8]
    let challenge: [UInt8]

    static let rpId = "bench.dfns.example"
    static let origin = "https://bench.dfns.example"

    /// Registers a credential for `algorithm` (through ``RegistrationVerifier``, as a relying party
    /// would), then signs one assertion and checks that it verifies.
    static func make(_ algorithm: COSEAlgorithm) throws -> AssertionFixture {
        let authenticator = SoftwareAuthenticator()
        let policy = RelyingPartyPolicy(rpId: rpId, allowedOrigins: [origin])
        let registrationChallenge = try SecureRandom.bytes(32)
        let registration = try authenticator.register(rpId: rpId, origin: origin, challenge: registrationChallenge,
                                                      algorithm: algorithm, attestation: .packedSelf)
        let registered = try RegistrationVerifier(policy: policy).verify(
            clientDataJSON: registration.clientDataJSON, attestationObject: registration.attestationObject,
            expectedChallenge: registrationChallenge)
        let key = registered.credentialPublicKey
        let challenge = try SecureRandom.bytes(32)
        let assertion = try authenticator.authenticate(rpId: rpId, origin: origin, challenge: challenge,
                                                       credentialId: registration.credentialId)
        let credential = StoredCredential(credentialId: registered.credentialId, publicKey: key,
                                          signCount: registered.signCount, backupEligible: registered.backupEligible)
        let verifier = AssertionVerifier(policy: policy)
        _ = try verifier.verify(clientDataJSON: assertion.clientDataJSON, authenticatorData: assertion.authenticatorData,
                                signature: assertion.signature, expectedChallenge: challenge, credential: credential)
        return AssertionFixture(algorithm: algorithm, verifier: verifier, credential: credential,
                                coseBytes: key.coseBytes, spki: key.spkiDER,
                                clientDataJSON: assertion.clientDataJSON, authenticatorData: assertion.authenticatorData,
                                signature: assertion.signature, challenge: challenge)
    }
}
