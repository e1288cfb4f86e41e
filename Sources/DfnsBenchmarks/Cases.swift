import DfnsCrypto
import DfnsWebAuthn

/// A measured code path: a label and one verification per call (true on success).
struct BenchCase {
    let label: String
    let run: () -> Bool
}

/// The three paths compared for one algorithm.
struct AlgorithmCases {
    let algorithm: COSEAlgorithm
    /// The baseline (what `raw` means for this algorithm).
    let raw: BenchCase
    /// ``AssertionVerifier`` with the ``CredentialPublicKey`` kept from registration.
    let kept: BenchCase
    /// ``AssertionVerifier`` after `CredentialPublicKey(coseBytes:)` on every call.
    let imported: BenchCase

    var all: [BenchCase] { [raw, kept, imported] }

    init(_ fixture: AssertionFixture) {
        algorithm = fixture.algorithm
        let digest: String? = fixture.algorithm == .edDSA ? nil : "SHA256"
        let rawVerifier = RawOpenSSLVerifier(spki: fixture.spki, digestName: digest, signature: fixture.signature,
                                             authenticatorData: fixture.authenticatorData,
                                             clientDataJSON: fixture.clientDataJSON)
        let rawLabel: String
        switch fixture.algorithm {
        case .edDSA: rawLabel = "OpenSSL EVP_DigestVerify, NULL md"
        case .es256k: rawLabel = "OpenSSL EVP secp256k1 (not libsecp256k1)"
        default: rawLabel = "OpenSSL EVP_DigestVerify, SHA256"
        }
        raw = BenchCase(label: rawLabel) { rawVerifier.verify() }

        let verifier = fixture.verifier
        let credential = fixture.credential
        let clientDataJSON = fixture.clientDataJSON
        let authenticatorData = fixture.authenticatorData
        let signature = fixture.signature
        let challenge = fixture.challenge
        kept = BenchCase(label: "AssertionVerifier, kept key") {
            do {
                _ = try verifier.verify(clientDataJSON: clientDataJSON, authenticatorData: authenticatorData,
                                        signature: signature, expectedChallenge: challenge, credential: credential)
                return true
            } catch {
                return false
            }
        }

        let coseBytes = fixture.coseBytes
        let credentialId = fixture.credential.credentialId
        let signCount = fixture.credential.signCount
        let backupEligible = fixture.credential.backupEligible
        imported = BenchCase(label: "AssertionVerifier, COSE import per call") {
            do {
                let key = try CredentialPublicKey(coseBytes: coseBytes)
                let stored = StoredCredential(credentialId: credentialId, publicKey: key, signCount: signCount,
                                              backupEligible: backupEligible)
                _ = try verifier.verify(clientDataJSON: clientDataJSON, authenticatorData: authenticatorData,
                                        signature: signature, expectedChallenge: challenge, credential: stored)
                return true
            } catch {
                return false
            }
        }
    }
}
