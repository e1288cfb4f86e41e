import DfnsClient
import DfnsCrypto
import DfnsEncoding
import DfnsLocking
import Testing

@Suite("External (HSM/KMS) Key signers")
struct ExternalKeySignerTests {
    struct HSMOffline: Error, CustomStringConvertible {
        var description: String { "HSM offline" }
    }

    /// A backend that signs with a local credential, counting its calls.
    static func backend(_ credential: KeyCredential, calls: Locked<Int>) -> ExternalSignerClosure {
        ExternalSignerClosure { message, kind in
            calls.withLock { $0 += 1 }
            #expect(kind == credential.kind)
            let key = try PrivateKey(pem: try credential.privateKeyPEM())
            let algorithm: COSEAlgorithm
            switch kind {
            case .ed25519: algorithm = .edDSA
            case .p256: algorithm = .es256
            case .secp256k1: algorithm = .es256k
            case .rsa: algorithm = .rs256
            }
            return try key.sign(message, algorithm: algorithm)
        }
    }

    @Test("an external Ed25519 signer gives the same assertion as the local signer (vector key)")
    func sameAsLocal() throws {
        let credential = try KeyCredential(privateKeyPEM: try DfnsReferenceVectors.string("keys", "ed25519_private_pem"),
                                           credentialId: "cr-hsm")
        let calls = Locked(0)
        let external = try ExternalKeySigner(credentialId: "cr-hsm", publicKeyPEM: credential.publicKeyPEM,
                                             backend: Self.backend(credential, calls: calls))
        #expect(external.keyKind == .ed25519)
        let challenge = try DfnsReferenceVectors.string("key_assertion", "challenge")
        let assertion = try external.sign(challenge: challenge, allowedCredentialIds: ["cr-hsm"])
        #expect(assertion == (try KeySigner(credential: credential).sign(challenge: challenge, allowedCredentialIds: nil)))
        #expect(assertion.signature == (try DfnsReferenceVectors.string("key_assertion", "ed25519_signature_b64url")))
        #expect(calls.withLock { $0 } == 1)
    }

    @Test("every kind round-trips through a backend with the public key check", arguments: KeyCredentialKind.allCases)
    func allKinds(kind: KeyCredentialKind) throws {
        let credential = try KeyCredential.generate(kind)
        let signer = try ExternalKeySigner(credentialId: credential.credentialId, keyKind: kind, publicKey: credential.publicKey,
                                           backend: Self.backend(credential, calls: Locked(0)))
        let assertion = try signer.sign(challenge: "abc", allowedCredentialIds: nil)
        #expect(assertion.algorithm == kind.assertionAlgorithm)
        #expect(assertion.clientDataBytes == Array(#"{"type":"key.get","challenge":"abc"}"#.utf8))
    }

    @Test("a backend signing with another key is caught when the public key is known")
    func wrongKey() throws {
        let credential = try KeyCredential.generate(.p256)
        let other = try KeyCredential.generate(.p256)
        let checked = try ExternalKeySigner(credentialId: "c", keyKind: .p256, publicKey: credential.publicKey,
                                            backend: Self.backend(other, calls: Locked(0)))
        #expect(throws: SignerError.externalSignatureInvalid) { try checked.sign(challenge: "c", allowedCredentialIds: nil) }
        // Without a public key only the shape can be checked: the signature goes through.
        let unchecked = try ExternalKeySigner(credentialId: "c", keyKind: .p256, backend: Self.backend(other, calls: Locked(0)))
        _ = try unchecked.sign(challenge: "c", allowedCredentialIds: nil)
    }

    @Test("raw r ‖ s, truncated and empty signatures are refused as malformed")
    func malformedSignatures() throws {
        let credential = try KeyCredential.generate(.p256)
        let key = try PrivateKey(pem: try credential.privateKeyPEM())
        let raw = ExternalSignerClosure { message, _ in
            try ECDSASignatureFormat.raw(fromDER: try key.sign(message, algorithm: .es256), curve: .p256)
        }
        let signer = try ExternalKeySigner(credentialId: "c", keyKind: .p256, backend: raw)
        do {
            _ = try signer.sign(challenge: "c", allowedCredentialIds: nil)
            Issue.record("raw signature accepted")
        } catch {
            guard case .externalSignatureMalformed = error else { Issue.record("\(error)"); return }
        }
        for (kind, bytes) in [(KeyCredentialKind.ed25519, [UInt8](repeating: 1, count: 63)), (.rsa, [1, 2, 3]), (.secp256k1, [])] {
            let fixed = try ExternalKeySigner(credentialId: "c", keyKind: kind, backend: ExternalSignerClosure { _, _ in bytes })
            do {
                _ = try fixed.sign(challenge: "c", allowedCredentialIds: nil)
                Issue.record("\(kind) accepted \(bytes.count) bytes")
            } catch {
                guard case .externalSignatureMalformed = error else { Issue.record("\(error)"); continue }
            }
        }
    }

    @Test("backend failures, disallowed credentials and kind mismatches are typed errors")
    func failures() throws {
        let failing = try ExternalKeySigner(credentialId: "c", keyKind: .ed25519,
                                            backend: ExternalSignerClosure { _, _ in throw HSMOffline() })
        #expect(throws: SignerError.externalSignerFailed("HSM offline")) {
            try failing.sign(challenge: "c", allowedCredentialIds: nil)
        }
        let calls = Locked(0)
        let credential = try KeyCredential.generate(.ed25519)
        let counted = try ExternalKeySigner(credentialId: "c", keyKind: .ed25519, backend: Self.backend(credential, calls: calls))
        #expect(throws: SignerError.credentialNotAllowed(credentialId: "c")) {
            try counted.sign(challenge: "x", allowedCredentialIds: ["d"])
        }
        #expect(calls.withLock { $0 } == 0)

        do {
            _ = try ExternalKeySigner(credentialId: "c", keyKind: .p256, publicKey: credential.publicKey,
                                      backend: Self.backend(credential, calls: calls))
            Issue.record("kind mismatch accepted")
        } catch {
            guard case .keyKindMismatch = error else { Issue.record("\(error)"); return }
        }
        #expect(throws: SignerError.invalidArgument("empty credential id")) {
            try ExternalKeySigner(credentialId: "", keyKind: .p256, backend: Self.backend(credential, calls: calls))
        }
        do {
            _ = try ExternalKeySigner(credentialId: "c", publicKeyPEM: "garbage", backend: Self.backend(credential, calls: calls))
            Issue.record("garbage PEM accepted")
        } catch {
            guard case .invalidKeyEncoding = error else { Issue.record("\(error)"); return }
        }
        let p384 = try PrivateKey.generate(.ec(.p384))
        do {
            _ = try ExternalKeySigner(credentialId: "c", publicKeyPEM: p384.publicKey.pem, backend: Self.backend(credential, calls: calls))
            Issue.record("P-384 accepted")
        } catch {
            guard case .unsupportedKeyType = error else { Issue.record("\(error)"); return }
        }
    }

    @Test("the async adapter works with async and synchronous backends")
    func asyncAdapter() async throws {
        let credential = try KeyCredential(privateKeyPEM: try DfnsReferenceVectors.string("keys", "ed25519_private_pem"))
        let key = try PrivateKey(pem: try credential.privateKeyPEM())
        let asyncBackend = AsyncExternalSignerClosure { message, kind in
            await Task.yield()
            #expect(kind == .ed25519)
            return try key.sign(message, algorithm: .edDSA)
        }
        let challenge = try DfnsReferenceVectors.string("key_assertion", "challenge")
        let expected = try DfnsReferenceVectors.string("key_assertion", "ed25519_signature_b64url")
        let signer = try AsyncExternalKeySigner(credentialId: credential.credentialId, publicKeyPEM: credential.publicKeyPEM,
                                                backend: asyncBackend)
        #expect(try await signer.sign(challenge: challenge, allowedCredentialIds: nil).signature == expected)

        let syncSigner = try AsyncExternalKeySigner(credentialId: "c", keyKind: .ed25519, publicKey: credential.publicKey,
                                                    backend: Self.backend(credential, calls: Locked(0)))
        #expect(try await syncSigner.sign(challenge: challenge, allowedCredentialIds: ["c"]).signature == expected)

        let failing = try AsyncExternalKeySigner(credentialId: "c", keyKind: .ed25519,
                                                 backend: AsyncExternalSignerClosure { _, _ in throw HSMOffline() })
        await #expect(throws: SignerError.externalSignerFailed("HSM offline")) {
            try await failing.sign(challenge: "c", allowedCredentialIds: nil)
        }
        let other = try KeyCredential.generate(.ed25519)
        let wrong = try AsyncExternalKeySigner(credentialId: "c", keyKind: .ed25519, publicKey: credential.publicKey,
                                               backend: Self.backend(other, calls: Locked(0)))
        await #expect(throws: SignerError.externalSignatureInvalid) {
            try await wrong.sign(challenge: "c", allowedCredentialIds: nil)
        }
    }
}
