import DfnsClient
import DfnsCrypto
import DfnsEncoding
import Testing

@Suite("Recovery codes and recovery keys")
struct RecoveryKeyTests {
    @Test("generated codes have the D1- 6-5-5-5-5-6 format over the recovery alphabet")
    func generatedFormat() throws {
        let alphabet = Set(RecoveryCode.alphabet.utf8)
        var seen = Set<[UInt8]>()
        for _ in 0..<50 {
            let code = try RecoveryCode.generate()
            let bytes = code.secret.copyBytes()
            #expect(bytes.count == 40)
            let groups = bytes.split(separator: UInt8(ascii: "-"), omittingEmptySubsequences: false).map { Array($0) }
            #expect(groups.first == Array("D1".utf8))
            #expect(groups.dropFirst().map(\.count) == RecoveryCode.groups)
            #expect(groups.dropFirst().allSatisfy { $0.allSatisfy(alphabet.contains) })
            #expect(try RecoveryCode(validating: code.secret).secret.copyBytes() == bytes)
            seen.insert(bytes)
        }
        #expect(seen.count == 50)
        #expect(RecoveryCode.alphabet.utf8.count == 32)
    }

    @Test("the vector's password is a valid code; malformed codes are refused")
    func validation() throws {
        let vector = try DfnsReferenceVectors.string("wrapped_key", "password")
        _ = try RecoveryCode(validating: vector)
        let invalid = [
            "",
            vector.lowercased(),
            "D2" + vector.dropFirst(2),
            vector + "A",
            String(vector.dropLast()),
            vector + "\n",
            " " + vector,
            replacing(vector, at: 39, with: "O"),   // letter O
            replacing(vector, at: 39, with: "1"),   // digit 1
            replacing(vector, at: 3, with: "I"),    // letter I
            replacing(vector, at: 3, with: "0"),    // digit 0
            replacing(vector, at: 3, with: "a"),    // lower case
            replacing(replacing(vector, at: 9, with: "A"), at: 10, with: "-"),   // 7-4 grouping
            replacing(vector, at: 2, with: "_"),
            String(vector.dropLast()) + "é",
        ]
        for text in invalid {
            #expect(throws: SignerError.invalidRecoveryCode) { try RecoveryCode(validating: text) }
        }
        #expect(!SignerError.invalidRecoveryCode.description.contains(vector))
        let code = try RecoveryCode(validating: vector)
        #expect(code.description == "RecoveryCode(<redacted>)")
        #expect(String(reflecting: code) == "RecoveryCode(<redacted>)")
        #expect(!"\(code)".contains(String(vector.dropFirst(3).prefix(6))))
    }

    /// `text` with the character at `offset` replaced.
    func replacing(_ text: String, at offset: Int, with character: Character) -> String {
        var characters = Array(text)
        guard offset < characters.count else { return text }
        characters[offset] = character
        return String(characters)
    }

    @Test("the vector's envelope opens with the vector's recovery code")
    func vectorRecovery() throws {
        let code = try RecoveryCode(validating: try DfnsReferenceVectors.string("wrapped_key", "password"))
        let assertion = try RecoveryKey.sign(challenge: "bmV3Q3JlZGVudGlhbHM",
                                             encryptedRecoveryKey: try DfnsReferenceVectors.string("wrapped_key", "encryptedPrivateKey"),
                                             recoveryCode: code,
                                             username: try DfnsReferenceVectors.string("wrapped_key", "username"),
                                             credentialId: "cr-recovery")
        #expect(assertion.credentialId == "cr-recovery")
        let envelope = try PasswordProtectedKey(encryptedPrivateKey: try DfnsReferenceVectors.string("wrapped_key", "encryptedPrivateKey"))
        let credential = try envelope.unwrap(password: code.secret, username: try DfnsReferenceVectors.string("wrapped_key", "username"))
        try credential.publicKey.verify(signature: assertion.signatureBytes, message: assertion.clientDataBytes, algorithm: .es256)
    }

    @Test("a new recovery credential: attested, wrapped under the code, and usable once recovered")
    func createAndRecover() throws {
        let created = try RecoveryKey.createCredential(challenge: "Y2gtcmVn", username: "Alice@Example.com",
                                                       credentialName: "recovery")
        let info = created.attestation.jsonValue
        #expect(info["credentialKind"] == .string("RecoveryKey"))
        #expect(info["encryptedPrivateKey"] == .string(created.envelope.encryptedPrivateKey))
        let publicKey = try PublicKey(pem: created.attestation.publicKeyPEM)
        try publicKey.verify(signature: created.attestation.signatureBytes, message: created.attestation.fingerprint,
                             algorithm: .es256)
        #expect(created.attestation.credentialId == KeyCredential.credentialId(for: publicKey))

        let assertion = try RecoveryKey.sign(challenge: "eyJuZXciOjF9", encryptedRecoveryKey: created.envelope.encryptedPrivateKey,
                                             recoveryCode: created.recoveryCode, username: "alice@example.com",
                                             credentialId: created.attestation.credentialId)
        try publicKey.verify(signature: assertion.signatureBytes, message: assertion.clientDataBytes, algorithm: .es256)
        #expect(assertion.jsonValue(kind: RecoveryKey.credentialKind)["kind"] == .string("RecoveryKey"))

        let otherCode = try RecoveryCode.generate()
        #expect(throws: SignerError.wrongPasswordOrCorruptedEnvelope) {
            try RecoveryKey.sign(challenge: "c", encryptedRecoveryKey: created.envelope.encryptedPrivateKey,
                                 recoveryCode: otherCode, username: "alice@example.com", credentialId: "x")
        }
    }
}
