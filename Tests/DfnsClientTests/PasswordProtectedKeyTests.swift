import DfnsClient
import DfnsCrypto
import DfnsEncoding
import Testing

@Suite("Password-protected key envelopes")
struct PasswordProtectedKeyTests {
    static func password() throws -> SecretBytes {
        SecretBytes(try DfnsReferenceVectors.bytes("wrapped_key", "password"))
    }

    @Test("salt and KEK match the reference vector")
    func derivation() throws {
        let username = try DfnsReferenceVectors.string("wrapped_key", "username")
        #expect(Hex.encode(PasswordProtectedKey.salt(username: username)) == (try DfnsReferenceVectors.string("wrapped_key", "salt_hex")))
        let iterations = try DfnsReferenceVectors.value("wrapped_key", "pbkdf2_iterations").int64Value
        #expect(iterations == Int64(PasswordProtectedKey.iterations))
        let kek = try PasswordProtectedKey.keyEncryptionKey(password: try Self.password(), username: username)
        #expect(Hex.encode(kek.copyBytes()) == (try DfnsReferenceVectors.string("wrapped_key", "kek_hex")))
        #expect(PasswordProtectedKey.normalizedUsername(username) == username.lowercased().trimmingSpaces())
        #expect(PasswordProtectedKey.normalizedUsername("\u{FEFF}\u{00A0} Bob@X.COM\n\t") == "bob@x.com")
    }

    @Test("the vector's envelope decrypts, and re-encrypting with its IV reproduces it byte for byte")
    func vectorEnvelope() throws {
        let username = try DfnsReferenceVectors.string("wrapped_key", "username")
        let text = try DfnsReferenceVectors.string("wrapped_key", "encryptedPrivateKey")
        let envelope = try PasswordProtectedKey(encryptedPrivateKey: text)
        #expect(Hex.encode(envelope.iv) == (try DfnsReferenceVectors.string("wrapped_key", "iv_hex")))
        #expect(envelope.encryptedPrivateKey == text)
        let pkcs8Length = try #require(try DfnsReferenceVectors.value("wrapped_key", "pkcs8_der_len").int64Value)
        #expect(envelope.wrappedKey.count == Int(pkcs8Length) + 16)

        let credential = try envelope.unwrap(password: try Self.password(), username: username)
        #expect(credential.kind == .p256)
        #expect(credential.credentialId == KeyCredential.credentialId(for: credential.publicKey))
        #expect(try credential.privateKeyPKCS8DER().count == Int(pkcs8Length))

        let rewrapped = try PasswordProtectedKey.wrap(credential, password: try Self.password(), username: username,
                                                      iv: envelope.iv)
        #expect(rewrapped.encryptedPrivateKey == text)
        #expect(rewrapped == envelope)
    }

    @Test("both member orders of the envelope JSON are read")
    func memberOrder() throws {
        let username = try DfnsReferenceVectors.string("wrapped_key", "username")
        let envelope = try PasswordProtectedKey(encryptedPrivateKey: try DfnsReferenceVectors.string("wrapped_key", "encryptedPrivateKey"))
        let reversed = Base64.encode(JSONWriter.bytes(.object([
            ("key", .string(Base64.encode(envelope.wrappedKey))),
            ("iv", .string(Base64.encode(envelope.iv))),
        ])))
        let older = try PasswordProtectedKey(encryptedPrivateKey: reversed)
        #expect(older.iv == envelope.iv && older.wrappedKey == envelope.wrappedKey)
        let a = try older.unwrap(password: try Self.password(), username: username)
        let b = try envelope.unwrap(password: try Self.password(), username: username)
        #expect(a.publicKey.isEqual(to: b.publicKey))
    }

    @Test("a wrong password, a wrong username or a tampered envelope give one opaque error")
    func wrongPassword() throws {
        let username = try DfnsReferenceVectors.string("wrapped_key", "username")
        let text = try DfnsReferenceVectors.string("wrapped_key", "encryptedPrivateKey")
        let envelope = try PasswordProtectedKey(encryptedPrivateKey: text)
        var wrongBytes = try DfnsReferenceVectors.bytes("wrapped_key", "password")
        wrongBytes[wrongBytes.count - 1] ^= 0x01
        let wrong = String(decoding: wrongBytes, as: UTF8.self)
        #expect(throws: SignerError.wrongPasswordOrCorruptedEnvelope) {
            try envelope.unwrap(password: SecretBytes(wrongBytes), username: username)
        }
        #expect(throws: SignerError.wrongPasswordOrCorruptedEnvelope) {
            try envelope.unwrap(password: try Self.password(), username: "bob@example.com")
        }
        for index in [0, envelope.wrappedKey.count / 2, envelope.wrappedKey.count - 1] {
            var key = envelope.wrappedKey
            key[index] ^= 0x01
            let tampered = try PasswordProtectedKey(encryptedPrivateKey: Base64.encode(JSONWriter.bytes(.object([
                ("iv", .string(Base64.encode(envelope.iv))), ("key", .string(Base64.encode(key))),
            ]))))
            #expect(throws: SignerError.wrongPasswordOrCorruptedEnvelope) {
                try tampered.unwrap(password: try Self.password(), username: username)
            }
        }
        let description = SignerError.wrongPasswordOrCorruptedEnvelope.description
        #expect(description == "wrong password or corrupted envelope")
        #expect(!description.contains(wrong))
        #expect(!envelope.description.contains(text))
    }

    @Test("malformed envelopes are refused as malformed")
    func malformedEnvelopes() throws {
        let iv = Base64.encode([UInt8](repeating: 0, count: 16))
        let key = Base64.encode([UInt8](repeating: 0, count: 40))
        func wrap(_ json: String) -> String { Base64.encode(Array(json.utf8)) }
        let cases = [
            "",
            "not base64!",
            wrap("not json"),
            wrap("[]"),
            wrap(#"{"iv":"\#(iv)"}"#),
            wrap(#"{"iv":"\#(iv)","key":"\#(key)","extra":1}"#),
            wrap(#"{"iv":1,"key":"\#(key)"}"#),
            wrap(#"{"iv":"***","key":"\#(key)"}"#),
            wrap(#"{"iv":"\#(Base64.encode([1, 2, 3]))","key":"\#(key)"}"#),
            wrap(#"{"iv":"\#(iv)","key":"\#(Base64.encode([1, 2, 3]))"}"#),
            wrap(#"{"iv":"\#(iv)","iv":"\#(iv)"}"#),
            Base64URL.encode(Array(#"{"iv":"\#(iv)","key":"\#(key)"}"#.utf8)) + "_",
        ]
        for text in cases {
            do {
                _ = try PasswordProtectedKey(encryptedPrivateKey: text)
                Issue.record("accepted \(text)")
            } catch {
                guard case .malformedEnvelope = error else { Issue.record("\(error)"); continue }
            }
        }
    }

    @Test("random envelope texts never trap")
    func randomEnvelopes() {
        var generator = SystemRandomNumberGenerator()
        for length in 0..<200 {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            _ = try? PasswordProtectedKey(encryptedPrivateKey: String(decoding: bytes, as: UTF8.self))
            _ = try? PasswordProtectedKey(encryptedPrivateKey: Base64.encode(bytes))
        }
    }

    @Test("wrapping: P-256 only, 16-byte IVs, fresh random IVs, round trip")
    func wrapping() throws {
        let password = SecretBytes(Array("correct horse".utf8))
        let credential = try KeyCredential.generate(.p256)
        let first = try PasswordProtectedKey.wrap(credential, password: password, username: "Alice")
        let second = try PasswordProtectedKey.wrap(credential, password: password, username: "Alice")
        #expect(first.iv.count == 16)
        #expect(first.iv != second.iv)
        let parsed = try PasswordProtectedKey(encryptedPrivateKey: first.encryptedPrivateKey)
        #expect(parsed == first)
        let back = try parsed.unwrap(password: password, username: "  alice ", credentialId: "cr-ppk")
        #expect(back.publicKey.isEqual(to: credential.publicKey))
        #expect(back.credentialId == "cr-ppk")
        // The envelope text is base64 of {"iv":…,"key":…}.
        let json = try JSONParser().parse(try Base64.decode(first.encryptedPrivateKey))
        #expect(json.objectValue?.map(\.0) == ["iv", "key"])

        let ed = try KeyCredential.generate(.ed25519)
        do {
            _ = try PasswordProtectedKey.wrap(ed, password: password, username: "a")
            Issue.record("Ed25519 wrapped")
        } catch {
            guard case .unsupportedKeyType = error else { Issue.record("\(error)"); return }
        }
        #expect(throws: SignerError.invalidArgument("the IV must be 16 bytes, got 12")) {
            try PasswordProtectedKey.wrap(credential, password: password, username: "a", iv: [UInt8](repeating: 0, count: 12))
        }
        #expect(throws: SignerError.invalidArgument("empty password")) {
            try PasswordProtectedKey.wrap(credential, password: SecretBytes([]), username: "a")
        }
        #expect(throws: SignerError.invalidArgument("empty username")) {
            try PasswordProtectedKey.wrap(credential, password: password, username: " \n ")
        }
    }

    @Test("a new password-protected credential: envelope, attestation and assertions")
    func createAndSign() throws {
        let password = SecretBytes(Array("pa55word".utf8))
        let created = try PasswordProtectedKey.createCredential(challenge: "Y2gtcHBr", password: password,
                                                                username: "user@example.com", credentialName: "ppk")
        #expect(created.credential.kind == .p256)
        #expect(created.attestation.credentialKind == "PasswordProtectedKey")
        #expect(created.attestation.jsonValue["credentialKind"] == .string("PasswordProtectedKey"))
        #expect(created.attestation.jsonValue["encryptedPrivateKey"] == .string(created.envelope.encryptedPrivateKey))
        #expect(created.attestation.jsonValue["credentialName"] == .string("ppk"))
        #expect(created.attestation.algorithm == "SHA256")
        try created.credential.publicKey.verify(signature: created.attestation.signatureBytes,
                                                message: created.attestation.fingerprint, algorithm: .es256)

        let id = created.credential.credentialId
        let assertion = try created.envelope.sign(challenge: "Y2gtYWN0aW9u", allowedCredentialIds: [id], password: password,
                                                  username: "USER@example.com", credentialId: id)
        #expect(assertion.credentialId == id)
        try created.credential.publicKey.verify(signature: assertion.signatureBytes, message: assertion.clientDataBytes,
                                                algorithm: .es256)
        #expect(assertion.jsonValue(kind: PasswordProtectedKey.credentialKind)["kind"] == .string("PasswordProtectedKey"))
        #expect(throws: SignerError.credentialNotAllowed(credentialId: id)) {
            try created.envelope.sign(challenge: "c", allowedCredentialIds: ["other"], password: password,
                                      username: "user@example.com", credentialId: id)
        }
        #expect(throws: SignerError.wrongPasswordOrCorruptedEnvelope) {
            try created.envelope.sign(challenge: "c", allowedCredentialIds: nil, password: SecretBytes(Array("nope".utf8)),
                                      username: "user@example.com", credentialId: id)
        }
    }
}

private extension String {
    /// Trims ASCII spaces (test helper for the vector's username).
    func trimmingSpaces() -> String {
        var s = Substring(self)
        while s.first == " " { s = s.dropFirst() }
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }
}
