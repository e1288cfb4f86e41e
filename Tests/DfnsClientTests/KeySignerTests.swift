import DfnsClient
import DfnsCrypto
import DfnsEncoding
import DfnsProtocol
import Testing

@Suite("Key credentials and the Key signer")
struct KeySignerTests {
    static let p256CurveOID: [UInt8] = [0x06, 0x08, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07]
    static let secp256k1CurveOID: [UInt8] = [0x06, 0x05, 0x2B, 0x81, 0x04, 0x00, 0x0A]

    // MARK: - Signing

    @Test("Ed25519: the assertion is byte-exact with the reference vector")
    func ed25519Vector() throws {
        let credential = try KeyCredential(privateKeyPEM: try DfnsReferenceVectors.string("keys", "ed25519_private_pem"),
                                           credentialId: "cr-ed")
        #expect(credential.kind == .ed25519)
        let assertion = try KeySigner(credential: credential)
            .sign(challenge: try DfnsReferenceVectors.string("key_assertion", "challenge"), allowedCredentialIds: ["cr-ed"])
        #expect(assertion.credentialId == "cr-ed")
        #expect(assertion.clientDataBytes == (try DfnsReferenceVectors.bytes("key_assertion", "clientData_json")))
        #expect(assertion.clientData == (try DfnsReferenceVectors.string("key_assertion", "clientData_b64url")))
        #expect(assertion.signature == (try DfnsReferenceVectors.string("key_assertion", "ed25519_signature_b64url")))
        #expect(assertion.algorithm == nil)
        #expect(assertion.jsonValue == .object([
            ("kind", .string("Key")),
            ("credentialAssertion", .object([
                ("credId", .string("cr-ed")),
                ("clientData", .string(assertion.clientData)),
                ("signature", .string(assertion.signature)),
            ])),
        ]))
    }

    @Test("P-256: DER signature over the exact clientData, verified with the vector's public key")
    func p256Vector() throws {
        let credential = try KeyCredential(privateKeyPEM: try DfnsReferenceVectors.string("keys", "p256_private_pem"),
                                           credentialId: "cr-p256")
        #expect(credential.kind == .p256)
        let challenge = try DfnsReferenceVectors.string("key_assertion", "challenge")
        let assertion = try KeySigner(credential: credential).sign(challenge: challenge, allowedCredentialIds: nil)
        let clientData = try DfnsReferenceVectors.bytes("key_assertion", "clientData_json")
        #expect(assertion.clientDataBytes == clientData)
        #expect(assertion.algorithm == nil)
        #expect(assertion.signatureBytes.first == 0x30)
        #expect(try Base64URL.decode(assertion.signature) == assertion.signatureBytes)
        let publicKey = try PublicKey(pem: try DfnsReferenceVectors.string("keys", "p256_public_pem"))
        try publicKey.verify(signature: assertion.signatureBytes, message: clientData, algorithm: .es256)
        // The vector's own (RFC 6979) signature verifies over the same bytes.
        let vectorSignature = try Base64URL.decode(try DfnsReferenceVectors.string("key_assertion", "p256_der_signature_b64url_rfc6979"))
        try publicKey.verify(signature: vectorSignature, message: assertion.clientDataBytes, algorithm: .es256)
    }

    @Test("the firstFactor object has the layout of the vector's example")
    func firstFactorLayout() throws {
        let example = try DfnsReferenceVectors.value("key_assertion", "firstFactor_example")
        let inner = try #require(example["credentialAssertion"])
        let assertion = KeyAssertion(
            credentialId: try #require(inner["credId"]?.stringValue),
            clientDataBytes: try Base64URL.decode(try #require(inner["clientData"]?.stringValue)),
            signatureBytes: try Base64URL.decode(try #require(inner["signature"]?.stringValue)))
        #expect(assertion.jsonValue == example)
        #expect(JSONWriter.string(assertion.jsonValue) == JSONWriter.string(example))
        let recovery = assertion.jsonValue(kind: "RecoveryKey")
        #expect(recovery["kind"] == .string("RecoveryKey"))
        let withAlgorithm = KeyAssertion(credentialId: "c", clientDataBytes: [1], signatureBytes: [2], algorithm: "RSA-SHA256")
        #expect(withAlgorithm.credentialAssertion["algorithm"] == .string("RSA-SHA256"))
    }

    @Test("secp256k1 and RSA credentials sign verifiable assertions", arguments: [KeyCredentialKind.secp256k1, .rsa])
    func otherKinds(kind: KeyCredentialKind) throws {
        let credential = try KeyCredential.generate(kind)
        #expect(credential.kind == kind)
        let assertion = try KeySigner(credential: credential).sign(challenge: "Y2gtMQ", allowedCredentialIds: [credential.credentialId])
        let algorithm: COSEAlgorithm = kind == .rsa ? .rs256 : .es256k
        try credential.publicKey.verify(signature: assertion.signatureBytes, message: assertion.clientDataBytes, algorithm: algorithm)
        #expect(assertion.algorithm == (kind == .rsa ? "RSA-SHA256" : nil))
        #expect(try KeyClientData.parse(assertion.clientDataBytes, expecting: .get).challenge == "Y2gtMQ")
    }

    @Test("a credential missing from allowCredentials.key is refused before signing")
    func allowCredentials() throws {
        let credential = try KeyCredential.generate(.ed25519)
        let signer = KeySigner(credential: credential)
        #expect(throws: SignerError.credentialNotAllowed(credentialId: credential.credentialId)) {
            try signer.sign(challenge: "c", allowedCredentialIds: ["someone-else"])
        }
        #expect(throws: SignerError.credentialNotAllowed(credentialId: credential.credentialId)) {
            try signer.sign(challenge: "c", allowedCredentialIds: [])
        }
        _ = try signer.sign(challenge: "c", allowedCredentialIds: ["a", credential.credentialId])
        _ = try signer.sign(challenge: "c", allowedCredentialIds: nil)
        #expect(throws: SignerError.invalidArgument("empty challenge")) {
            try signer.sign(challenge: "", allowedCredentialIds: nil)
        }
        let message = SignerError.credentialNotAllowed(credentialId: "cr-1").description
        #expect(message.contains("cr-1") && message.contains("allowCredentials"))
    }

    // MARK: - Loading, generating, exporting

    @Test("the credential id of a new key is base64url(SHA-256(SPKI)), as in the vector")
    func credentialId() throws {
        let credential = try KeyCredential(privateKeyPEM: try DfnsReferenceVectors.string("keys", "p256_private_pem"))
        #expect(credential.credentialId == (try DfnsReferenceVectors.string("key_attestation", "credId_sha256_spki_b64url")))
        #expect(KeyCredential.credentialId(for: credential.publicKey) == credential.credentialId)
        // The public PEM is the exact string of the vector (no trailing newline).
        #expect(credential.publicKeyPEM == (try DfnsReferenceVectors.string("keys", "p256_public_pem")))
        let ed = try KeyCredential(privateKeyPEM: try DfnsReferenceVectors.string("keys", "ed25519_private_pem"))
        #expect(ed.publicKeyPEM == (try DfnsReferenceVectors.string("keys", "ed25519_public_pem")))
        #expect(throws: SignerError.invalidArgument("empty credential id")) {
            try KeyCredential(privateKeyPEM: try DfnsReferenceVectors.string("keys", "p256_private_pem"), credentialId: "")
        }
    }

    @Test("generated credentials export PKCS#8 PEM/DER that load back to the same key", arguments: KeyCredentialKind.allCases)
    func generateAndExport(kind: KeyCredentialKind) throws {
        let credential = try KeyCredential.generate(kind)
        #expect(credential.kind == kind)
        #expect(credential.credentialId == KeyCredential.credentialId(for: credential.publicKey))
        let pem = try credential.privateKeyPEM()
        #expect(pem.hasPrefix("-----BEGIN PRIVATE KEY-----\n"))
        let fromPEM = try KeyCredential(privateKeyPEM: pem, credentialId: "x")
        #expect(fromPEM.publicKey.isEqual(to: credential.publicKey))
        let der = try credential.privateKeyPKCS8DER().copyBytes()
        let fromDER = try KeyCredential(privateKeyDER: der)
        #expect(fromDER.publicKey.isEqual(to: credential.publicKey))
        #expect(fromDER.credentialId == credential.credentialId)
        #expect(credential.publicKeyPEM.hasPrefix("-----BEGIN PUBLIC KEY-----\n"))
        #expect(credential.publicKeyPEM.hasSuffix("-----END PUBLIC KEY-----"))
        #expect(try PublicKey(pem: credential.publicKeyPEM).isEqual(to: credential.publicKey))
    }

    @Test("SEC1 and PKCS#1 keys load from DER and from PEM")
    func traditionalEncodings() throws {
        let p256 = try KeyCredential(privateKeyPEM: try DfnsReferenceVectors.string("keys", "p256_private_pem"))
        let p256PKCS8 = try p256.privateKeyPKCS8DER().copyBytes()
        let p256SEC1 = try TestDER.sec1WithCurve(fromPKCS8: p256PKCS8, curveOID: Self.p256CurveOID)
        #expect(try KeyCredential(privateKeyDER: p256SEC1).publicKey.isEqual(to: p256.publicKey))
        #expect(try KeyCredential(privateKeyPEM: PEMArmor.encode(p256SEC1, label: "EC PRIVATE KEY")).publicKey.isEqual(to: p256.publicKey))

        let k1 = try KeyCredential.generate(.secp256k1)
        let k1SEC1 = try TestDER.sec1WithCurve(fromPKCS8: try k1.privateKeyPKCS8DER().copyBytes(), curveOID: Self.secp256k1CurveOID)
        let k1Loaded = try KeyCredential(privateKeyDER: k1SEC1)
        #expect(k1Loaded.kind == .secp256k1)
        #expect(k1Loaded.publicKey.isEqual(to: k1.publicKey))

        let rsa = try KeyCredential.generate(.rsa)
        let pkcs1 = try TestDER.pkcs8PrivateKey(try rsa.privateKeyPKCS8DER().copyBytes())
        #expect(try KeyCredential(privateKeyDER: pkcs1).publicKey.isEqual(to: rsa.publicKey))
        #expect(try KeyCredential(privateKeyPEM: PEMArmor.encode(pkcs1, label: "RSA PRIVATE KEY")).kind == .rsa)
        #expect(try KeyCredential(privateKeyPEMBytes: Array(PEMArmor.encode(pkcs1, label: "RSA PRIVATE KEY").utf8)).kind == .rsa)

        // Read exactly: a trailing byte, a truncated key or a bare SEQUENCE is refused.
        for bad in [p256SEC1 + [0], Array(p256SEC1.dropLast()), pkcs1 + [0x05, 0x00], [0x30, 0x00]] {
            #expect {
                _ = try KeyCredential(privateKeyDER: bad)
            } throws: { error in
                guard case SignerError.invalidKeyEncoding = error else { return false }
                return true
            }
        }
    }

    @Test("other curves, key types and small RSA keys are refused with unsupportedKeyType")
    func unsupportedTypes() throws {
        for type in [KeyType.ec(.p384), .ec(.p521), .ed448, .rsa(bits: 1024)] {
            let key = try PrivateKey.generate(type)
            #expect(throws: SignerError.self) { try KeyCredential(privateKeyPEM: try key.pkcs8PEM()) }
            let der = try key.pkcs8DER().copyBytes()
            do {
                _ = try KeyCredential(privateKeyDER: der)
                Issue.record("\(type) accepted")
            } catch {
                guard case .unsupportedKeyType = error else {
                    Issue.record("\(type): \(error)")
                    continue
                }
            }
            do {
                _ = try KeyCredential(privateKey: key)
                Issue.record("\(type) accepted")
            } catch {
                guard case .unsupportedKeyType = error else {
                    Issue.record("\(type): \(error)")
                    continue
                }
            }
        }
        #expect(throws: SignerError.invalidArgument("RSA size 1024 is not in 2048...16384")) {
            try KeyCredential.generate(.rsa, rsaBits: 1024)
        }
    }

    @Test("malformed PEM and DER are refused with invalidKeyEncoding")
    func malformedKeys() throws {
        let inputs = [
            "",
            "not a key",
            "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
            "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n",
            try DfnsReferenceVectors.string("keys", "p256_public_pem"),
        ]
        for input in inputs {
            do {
                _ = try KeyCredential(privateKeyPEM: input)
                Issue.record("accepted \(input)")
            } catch {
                guard case .invalidKeyEncoding = error else {
                    Issue.record("\(error)")
                    continue
                }
            }
        }
        var truncated = try KeyCredential.generate(.p256).privateKeyPKCS8DER().copyBytes()
        truncated.removeLast(5)
        for der in [[], [0x30], [0x30, 0x03, 0x02, 0x01, 0x00], truncated, [UInt8](repeating: 0xFF, count: 64)] {
            do {
                _ = try KeyCredential(privateKeyDER: der)
                Issue.record("accepted \(der)")
            } catch {
                guard case .invalidKeyEncoding = error else {
                    Issue.record("\(error)")
                    continue
                }
            }
        }
    }

    @Test("descriptions show the kind and credential id, never key material")
    func descriptions() throws {
        let pem = try DfnsReferenceVectors.string("keys", "p256_private_pem")
        let credential = try KeyCredential(privateKeyPEM: pem, credentialId: "cr-visible")
        #expect(credential.description == "KeyCredential(P-256, credId: cr-visible)")
        #expect(String(reflecting: credential) == credential.description)
        #expect("\(credential)" == credential.description)
        let body = pem.split(separator: "\n")[1]
        for text in [credential.description, String(reflecting: credential), String(describing: [credential])] {
            #expect(!text.contains(body))
            #expect(!text.contains("PRIVATE"))
        }
    }
}
