import COpenSSL
import CSecp256k1

/// The baselines: the same cryptographic operation with OpenSSL 3 or libsecp256k1 called directly,
/// keys imported once, nothing of the library in between.
enum RawBaselines {
    /// `EVP_DigestSign` with a kept `EVP_PKEY` (SHA-256, or none for Ed25519): one signature of
    /// `message` per call.
    final class EVPSigner {
        let pkey: OpaquePointer
        let digest: OpaquePointer?
        var signature = [UInt8](repeating: 0, count: 1024)

        init?(pem: String, sha256: Bool) {
            var bytes = Array(pem.utf8)
            guard let bio = BIO_new_mem_buf(&bytes, Int32(bytes.count)) else { return nil }
            defer { BIO_free(bio) }
            guard let pkey = PEM_read_bio_PrivateKey(bio, nil, nil, nil) else { return nil }
            self.pkey = pkey
            self.digest = sha256 ? EVP_sha256() : nil
        }

        deinit { EVP_PKEY_free(pkey) }

        func sign(_ message: [UInt8]) -> Bool {
            guard let ctx = EVP_MD_CTX_new() else { return false }
            defer { EVP_MD_CTX_free(ctx) }
            guard EVP_DigestSignInit(ctx, nil, digest, nil, pkey) == 1 else { return false }
            var length = signature.count
            return message.withUnsafeBufferPointer { m in
                signature.withUnsafeMutableBufferPointer { s in
                    EVP_DigestSign(ctx, s.baseAddress, &length, m.baseAddress, m.count) == 1
                }
            }
        }
    }

    /// libsecp256k1: SHA-256 of the message (OpenSSL), `secp256k1_ecdsa_sign`, DER serialisation.
    final class Secp256k1Signer {
        let context: OpaquePointer
        var secret: [UInt8]

        init?(secret: [UInt8]) {
            guard secret.count == 32,
                  let context = secp256k1_context_create(UInt32(SECP256K1_CONTEXT_SIGN | SECP256K1_CONTEXT_VERIFY)) else { return nil }
            self.context = context
            self.secret = secret
        }

        deinit { secp256k1_context_destroy(context) }

        func sign(_ message: [UInt8]) -> Bool {
            var digest = [UInt8](repeating: 0, count: 32)
            _ = message.withUnsafeBufferPointer { SHA256($0.baseAddress, $0.count, &digest) }
            var signature = secp256k1_ecdsa_signature()
            guard secp256k1_ecdsa_sign(context, &signature, digest, secret, nil, nil) == 1 else { return false }
            var der = [UInt8](repeating: 0, count: 72)
            var length = der.count
            return secp256k1_ecdsa_signature_serialize_der(context, &der, &length, &signature) == 1
        }

        /// Recovers the public key of a compact signature (the recovery baseline).
        func recover(compact: [UInt8], recid: Int32, digest: [UInt8]) -> Bool {
            var recoverable = secp256k1_ecdsa_recoverable_signature()
            guard secp256k1_ecdsa_recoverable_signature_parse_compact(context, &recoverable, compact, recid) == 1 else { return false }
            var pubkey = secp256k1_pubkey()
            guard secp256k1_ecdsa_recover(context, &pubkey, &recoverable, digest) == 1 else { return false }
            var out = [UInt8](repeating: 0, count: 65)
            var length = out.count
            return secp256k1_ec_pubkey_serialize(context, &out, &length, &pubkey, UInt32(SECP256K1_EC_UNCOMPRESSED)) == 1
        }
    }

    /// One-shot HMAC-SHA256 and a constant-time comparison with `expected`.
    static func hmacMatches(key: [UInt8], message: [UInt8], expected: [UInt8]) -> Bool {
        var mac = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 32
        guard HMAC(EVP_sha256(), key, Int32(key.count), message, message.count, &mac, &length) != nil else { return false }
        return CRYPTO_memcmp(mac, expected, 32) == 0
    }
}
