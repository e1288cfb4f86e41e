import DfnsClient
import DfnsCrypto
import DfnsEncoding
import DfnsProtocol
import Testing

@Suite("Key credential attestations")
struct KeyAttestationTests {
    @Test("P-256 attestation: byte-exact where deterministic, verified where randomized")
    func p256Vector() throws {
        let credential = try KeyCredential(privateKeyPEM: try DfnsReferenceVectors.string("keys", "p256_private_pem"))
        let challenge = try DfnsReferenceVectors.string("key_assertion", "challenge")
        let attestation = try KeyAttestation(credential: credential, challenge: challenge)

        #expect(attestation.credentialId == (try DfnsReferenceVectors.string("key_attestation", "credId_sha256_spki_b64url")))
        #expect(attestation.clientDataBytes == (try DfnsReferenceVectors.bytes("key_attestation", "clientData_json")))
        #expect(attestation.clientData == (try DfnsReferenceVectors.string("key_attestation", "clientData_b64url")))
        #expect(attestation.clientDataHashHex == (try DfnsReferenceVectors.string("key_attestation", "clientDataHash_hex")))
        #expect(attestation.publicKeyPEM == (try DfnsReferenceVectors.string("keys", "p256_public_pem")))
        #expect(attestation.fingerprint == (try DfnsReferenceVectors.bytes("key_attestation", "fingerprint_json")))
        #expect(attestation.algorithm == "SHA256")

        // ECDSA is randomized: our signature verifies over the fingerprint, and so does the vector's.
        let publicKey = try PublicKey(pem: try DfnsReferenceVectors.string("keys", "p256_public_pem"))
        try publicKey.verify(signature: attestation.signatureBytes, message: attestation.fingerprint, algorithm: .es256)
        let vectorSignature = try Hex.decode(try DfnsReferenceVectors.string("key_attestation", "signature_hex_der_rfc6979"))
        try publicKey.verify(signature: vectorSignature, message: attestation.fingerprint, algorithm: .es256)
        #expect(throws: CryptoError.signatureInvalid) {
            try publicKey.verify(signature: attestation.signatureBytes, message: attestation.clientDataBytes, algorithm: .es256)
        }

        // The attestationData layout: with the vector's signature, the exact vector document.
        let vectorLayout = KeyAttestation.attestationData(publicKeyPEM: attestation.publicKeyPEM, signature: vectorSignature,
                                                          algorithm: attestation.algorithm)
        #expect(vectorLayout == (try DfnsReferenceVectors.bytes("key_attestation", "attestationData_json")))
        #expect(Base64URL.encode(vectorLayout) == (try DfnsReferenceVectors.string("key_attestation", "attestationData_b64url")))
        // Ours is the same layout with our signature.
        #expect(attestation.attestationDataBytes == KeyAttestation.attestationData(
            publicKeyPEM: attestation.publicKeyPEM, signature: attestation.signatureBytes, algorithm: "SHA256"))
        #expect(attestation.attestationData == Base64URL.encode(attestation.attestationDataBytes))
        let parsed = try JSONParser().parse(attestation.attestationDataBytes)
        #expect(parsed["signature"] == .string(attestation.signatureHex))
        #expect(parsed["publicKey"] == .string(attestation.publicKeyPEM))
    }

    @Test("the credential object carries kind, info and the optional name")
    func credentialObject() throws {
        let credential = try KeyCredential.generate(.p256)
        let named = try KeyAttestation(credential: credential, challenge: "Y2gtMg", credentialName: "backend key")
        #expect(named.jsonValue == .object([
            ("credentialKind", .string("Key")),
            ("credentialInfo", .object([
                ("credId", .string(credential.credentialId)),
                ("clientData", .string(named.clientData)),
                ("attestationData", .string(named.attestationData)),
            ])),
            ("credentialName", .string("backend key")),
        ]))
        let unnamed = try KeyAttestation(credential: credential, challenge: "Y2gtMg")
        #expect(unnamed.jsonValue["credentialName"] == nil)
        #expect(unnamed.jsonValue["encryptedPrivateKey"] == nil)
        // A server reads the clientData back as a key.create document.
        let read = try KeyClientData.parse(try Base64URL.decode(unnamed.clientData), expecting: .create)
        #expect(read.challenge == "Y2gtMg")
        #expect(throws: SignerError.invalidArgument("empty challenge")) {
            try KeyAttestation(credential: credential, challenge: "")
        }
    }

    @Test("Ed25519 attestations are deterministic and omit the algorithm")
    func ed25519() throws {
        let credential = try KeyCredential(privateKeyPEM: try DfnsReferenceVectors.string("keys", "ed25519_private_pem"))
        let challenge = try DfnsReferenceVectors.string("key_assertion", "challenge")
        let first = try KeyAttestation(credential: credential, challenge: challenge)
        let second = try KeyAttestation(credential: credential, challenge: challenge)
        #expect(first == second)
        #expect(first.algorithm == nil)
        #expect(try JSONParser().parse(first.attestationDataBytes)["algorithm"] == nil)
        #expect(first.signatureBytes.count == 64)
        try credential.publicKey.verify(signature: first.signatureBytes, message: first.fingerprint, algorithm: .edDSA)
    }

    @Test("secp256k1 and RSA attestations verify and name their algorithm", arguments: [KeyCredentialKind.secp256k1, .rsa])
    func otherKinds(kind: KeyCredentialKind) throws {
        let credential = try KeyCredential.generate(kind)
        let attestation = try KeyAttestation(credential: credential, challenge: "challenge")
        try credential.publicKey.verify(signature: attestation.signatureBytes, message: attestation.fingerprint,
                                        algorithm: kind == .rsa ? .rs256 : .es256k)
        #expect(attestation.algorithm == (kind == .rsa ? "RSA-SHA256" : "SHA256"))
        let data = try JSONParser().parse(attestation.attestationDataBytes)
        #expect(data["algorithm"]?.stringValue == attestation.algorithm)
        // The fingerprint embeds the hash and PEM that were sent.
        let fingerprint = try JSONParser().parse(attestation.fingerprint)
        #expect(fingerprint["clientDataHash"] == .string(Hex.encode(SHA256.hash(attestation.clientDataBytes))))
        #expect(fingerprint["publicKey"] == data["publicKey"])
    }
}
