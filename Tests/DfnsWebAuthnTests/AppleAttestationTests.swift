import DfnsCBOR
import DfnsCrypto
@testable import DfnsWebAuthn
import Testing

@Suite("Apple anonymous attestation")
struct AppleAttestationTests {
    static let w3c = "w3c-reg-apple-es256.json"
    static let real = "pywebauthn-reg-apple-verify-attestation-apple-passkey.json"
    /// An early iOS 14 response that also carries `alg: -7`.
    static let withAlg = "gowebauthn-reg-stmt-appletestresponse.json"

    @Test("every apple vector verifies as AnonCA with trust path x5c", arguments: FormatVector.names(format: "apple"))
    func verifiesVector(name: String) throws {
        let vector = try FormatVector(name)
        let result = try AppleAttestation.verify(try vector.context())
        #expect(result.format == "apple")
        #expect(result.type == .anonymizationCA)
        #expect(result.trustPath.count == vector.statementMap[text: "x5c"]?.arrayValue?.count)
    }

    @Test("the apple vectors are present, including the one with alg")
    func vectorsPresent() {
        let names = FormatVector.names(format: "apple")
        #expect(names.contains(Self.w3c) && names.contains(Self.real) && names.contains(Self.withAlg))
    }

    @Test("a nonce over other data is a binding mismatch")
    func wrongNonce() throws {
        for name in [Self.w3c, Self.real] {
            let vector = try FormatVector(name)
            let context = try vector.context(clientDataHash: flipping(vector.clientDataHash, at: 0))
            expectWebAuthnError(.attestationBindingMismatch) { _ = try AppleAttestation.verify(context) }
        }
    }

    @Test("a different credential key does not match the certificate key")
    func swappedCredentialKey() throws {
        let vector = try FormatVector(Self.real)
        let other = try CredentialPublicKey(publicKey: try PrivateKey.generate(.ec(.p256)).publicKey, algorithm: .es256)
        expectWebAuthnError(.attestedKeyMismatch) { _ = try AppleAttestation.verify(try vector.context(credentialPublicKey: other)) }
    }

    @Test("a certificate without the nonce extension is rejected")
    func missingExtension() throws {
        let vector = try FormatVector(Self.w3c)
        // The W3C packed certificate has no 1.2.840.113635.100.8.2 extension.
        let packed = try FormatVector("w3c-reg-packed-es256.json")
        guard let x5c = packed.statementMap[text: "x5c"] else { Issue.record("no x5c"); return }
        expectWebAuthnError(.attestationCertificateInvalid) {
            _ = try AppleAttestation.verify(try vector.context(statement: replacing(vector.statementMap, "x5c", with: x5c)))
        }
    }

    @Test("attStmt syntax: alg must be an integer when present; nothing else is allowed")
    func syntax() throws {
        let vector = try FormatVector(Self.real)
        let map = vector.statementMap
        _ = try AppleAttestation.verify(try vector.context(statement: replacing(map, "alg", with: CBORValue(-7))))
        let cases: [CBORValue] = [
            replacing(map, "alg", with: .text("ES256")),
            replacing(map, "sig", with: .bytes([1])),
            replacing(map, "x5c", with: nil),
            replacing(map, "x5c", with: .array([])),
            replacing(map, "x5c", with: .array([.bytes([0x30, 0x00])])),
            .map(CBORMap()),
        ]
        for (index, statement) in cases.enumerated() {
            let code: WebAuthnError.Code = index == 4 ? .attestationCertificateInvalid : .malformedAttestationStatement
            expectWebAuthnError(code) { _ = try AppleAttestation.verify(try vector.context(statement: statement)) }
        }
    }
}
