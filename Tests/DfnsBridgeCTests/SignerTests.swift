#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CDfnsBridgeAPI
import DfnsBridgeC
import DfnsCrypto
import DfnsEncoding
import Testing

/// The signer entry points seen from a Swift host: an external signer whose callback is Swift
/// code over DfnsCrypto (the HSM stand-in), its `user` released exactly once; returned secp256k1
/// signatures with the recovery id libsecp256k1 reports; a password-protected key signer shared by
/// several threads. (tests/c/test_signers.c covers every function from C.)
@Suite struct SignerTests {
    /// The state behind an external signer's `user` pointer.
    final class Backend: @unchecked Sendable {
        let key: PrivateKey
        let algorithm: COSEAlgorithm
        var fail = false
        /// Set by free_user, on the thread that drops the signer's last reference.
        var released = 0
        init(key: PrivateKey, algorithm: COSEAlgorithm) {
            self.key = key
            self.algorithm = algorithm
        }
    }

    static let sign: dfns_sign_fn = { user, _, message, messageLength, signature, capacity, signatureLength in
        guard let user else { return -1 }
        let backend = Unmanaged<Backend>.fromOpaque(user).takeUnretainedValue()
        if backend.fail { return 42 }
        guard let bytes = try? backend.key.sign(Array(UnsafeBufferPointer(start: message, count: messageLength)),
                                                algorithm: backend.algorithm),
              bytes.count <= capacity else { return -2 }
        bytes.withUnsafeBufferPointer { signature.update(from: $0.baseAddress!, count: bytes.count) }
        signatureLength.pointee = bytes.count
        return 0
    }

    static let freeUser: dfns_user_free_fn = { user in
        guard let user else { return }
        let backend = Unmanaged<Backend>.fromOpaque(user)
        backend.takeUnretainedValue().released += 1
        backend.release()
    }

    /// The members of a firstFactor the library wrote.
    func members(_ json: String) -> (kind: String, credId: String, clientData: [UInt8], signature: [UInt8])? {
        func string(_ name: String) -> String? {
            guard let start = json.range(of: "\"\(name)\":\"") else { return nil }
            guard let end = json[start.upperBound...].firstIndex(of: "\"") else { return nil }
            return String(json[start.upperBound..<end])
        }
        guard let kind = string("kind"), let credId = string("credId"), let clientData = string("clientData"),
              let signature = string("signature"),
              let clientDataBytes = try? Base64URL.decode(clientData), let signatureBytes = try? Base64URL.decode(signature)
        else { return nil }
        return (kind, credId, clientDataBytes, signatureBytes)
    }

    func sign(_ signer: OpaquePointer?, _ challenge: String) -> (status: Int32, json: String?) {
        var out: UnsafeMutablePointer<CChar>?
        let status = dfns_signer_sign_challenge(signer, "{\"challenge\":\"\(challenge)\",\"challengeIdentifier\":\"jwt\"}", &out)
        defer { dfns_free(out) }
        return (status, out.map { String(cString: $0) })
    }

    @Test(arguments: [(KeyType.ec(.p256), COSEAlgorithm.es256), (.ed25519, .edDSA), (.ec(.secp256k1), .es256k), (.rsa(bits: 2048), .rs256)])
    func externalSignerInSwift(type: KeyType, algorithm: COSEAlgorithm) throws {
        let key = try PrivateKey.generate(type)
        let backend = Backend(key: key, algorithm: algorithm)
        let pem = Array(key.publicKey.pem.utf8)
        let user = Unmanaged.passRetained(backend).toOpaque()
        var signer: OpaquePointer?
        expectOK(dfns_signer_new_external("cr-swift", pem, pem.count, SignerTests.sign, user, SignerTests.freeUser, &signer))
        guard signer != nil else {
            Unmanaged<Backend>.fromOpaque(user).release()
            return
        }

        let (status, json) = sign(signer, "Y2gtc3dpZnQ")
        expectOK(status)
        let parts = try #require(json.flatMap(members))
        #expect(parts.kind == "Key" && parts.credId == "cr-swift")
        #expect(parts.clientData == Array("{\"type\":\"key.get\",\"challenge\":\"Y2gtc3dpZnQ\"}".utf8))
        #expect(throws: Never.self) {
            try key.publicKey.verify(signature: parts.signature, message: parts.clientData, algorithm: algorithm)
        }

        backend.fail = true
        let failed = sign(signer, "Y2gtc3dpZnQ")
        expectFailure(failed.status, DFNS_ERR_SIGNER_CALLBACK, in: "dfns_signer_sign_challenge")
        #expect(failed.json == nil && lastError().contains("42"))

        #expect(backend.released == 0)
        dfns_signer_free(&signer)
        #expect(signer == nil)
        #expect(backend.released == 1)
    }

    @Test func returnedSecp256k1WithTheReportedRecoveryId() throws {
        let key = try PrivateKey.generate(.ec(.secp256k1))
        // The SEC1 uncompressed point: the last 65 bytes of the SPKI DER.
        let point = Array(key.publicKey.spkiDER.suffix(65))
        let publicKeyHex = "0x" + Hex.encode(point)
        for round in 0..<16 {
            let digest = try SecureRandom.bytes(32)
            let (compact, recid) = try key.signRecoverableSecp256k1(digest: digest)
            let r = "0x" + Hex.encode(Array(compact[0..<32]))
            let s = "0x" + Hex.encode(Array(compact[32..<64]))
            expectOK(dfns_returned_signature_verify(Int32(DFNS_KEY_SECP256K1.rawValue), publicKeyHex, digest, 32, r, s,
                                                    Int32(recid), nil, 0))
            let encoded = "0x" + Hex.encode(compact + [UInt8(27 + recid)])
            expectOK(dfns_returned_signature_verify(Int32(DFNS_KEY_SECP256K1.rawValue), publicKeyHex, digest, 32, r, s,
                                                    Int32(recid), encoded, 0))
            expectFailure(dfns_returned_signature_verify(Int32(DFNS_KEY_SECP256K1.rawValue), publicKeyHex, digest, 32, r, s,
                                                         Int32(1 - recid), nil, 0),
                          DFNS_ERR_RETURNED_SIGNATURE_INVALID, in: "dfns_returned_signature_verify")
            var other = digest
            other[round] ^= 0x80
            expectFailure(dfns_returned_signature_verify(Int32(DFNS_KEY_SECP256K1.rawValue), publicKeyHex, other, 32, r, s,
                                                         Int32(recid), nil, 0),
                          DFNS_ERR_RETURNED_SIGNATURE_INVALID, in: "dfns_returned_signature_verify")
        }
    }

    @Test func passwordProtectedSignerSharedByThreads() throws {
        var privatePEM: UnsafeMutablePointer<CChar>?
        var credentialId: UnsafeMutablePointer<CChar>?
        expectOK(dfns_key_generate(Int32(DFNS_KEY_P256.rawValue), 0, &privatePEM, nil, &credentialId))
        defer {
            if let privatePEM { explicit_bzero(privatePEM, strlen(privatePEM)) }
            dfns_free(privatePEM)
            dfns_free(credentialId)
        }
        let pemLength = privatePEM.map { strlen($0) } ?? 0
        let password = Array("pässwörd".utf8)
        var envelope: UnsafeMutablePointer<CChar>?
        privatePEM?.withMemoryRebound(to: UInt8.self, capacity: pemLength) { pem in
            expectOK(dfns_password_protected_key_wrap(pem, pemLength, password, password.count, "Frank", &envelope))
        }
        defer { dfns_free(envelope) }
        var signer: OpaquePointer?
        expectOK(dfns_signer_new_password_protected_key(envelope, password, password.count, "frank", nil, &signer))
        let owned = Owned(signer, free: dfns_signer_free)
        let expectedId = credentialId.map { String(cString: $0) } ?? "-"
        let shared = SharedSigner(pointer: owned.pointer)
        let results = onThreads(4) { index -> Bool in
            (0..<20).allSatisfy { round in
                var out: UnsafeMutablePointer<CChar>?
                let json = "{\"challenge\":\"Y2gt-\(index)-\(round)\",\"challengeIdentifier\":\"jwt\",\"allowCredentials\":"
                    + "{\"passwordProtectedKey\":[{\"type\":\"public-key\",\"id\":\"\(expectedId)\",\"encryptedPrivateKey\":\"x\"}]}}"
                let status = dfns_signer_sign_challenge(shared.pointer, json, &out)
                defer { dfns_free(out) }
                guard status == DFNS_OK.rawValue, let out else { return false }
                let text = String(cString: out)
                return text.contains("\"kind\":\"PasswordProtectedKey\"") && text.contains("\"credId\":\"\(expectedId)\"")
            }
        }
        #expect(results.count == 4 && results.allSatisfy { $0 })
    }

    /// A signer pointer handed to threads (the handle is immutable and thread-safe).
    struct SharedSigner: @unchecked Sendable {
        let pointer: OpaquePointer?
    }

    @Test func statusNames() {
        for (status, name) in [(DFNS_ERR_SIGNER, "DFNS_ERR_SIGNER"), (DFNS_ERR_SIGNER_CALLBACK, "DFNS_ERR_SIGNER_CALLBACK"),
                               (DFNS_ERR_WRONG_PASSWORD, "DFNS_ERR_WRONG_PASSWORD"), (DFNS_ERR_WEBHOOK_INVALID, "DFNS_ERR_WEBHOOK_INVALID"),
                               (DFNS_ERR_RETURNED_SIGNATURE_INVALID, "DFNS_ERR_RETURNED_SIGNATURE_INVALID")] {
            #expect(String(cString: dfns_status_name(status.rawValue)) == name)
        }
    }
}
