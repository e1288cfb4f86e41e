import COpenSSL

/// The baseline: plain OpenSSL 3.0 with no library in between. The `EVP_PKEY` is imported once from
/// the SPKI with `d2i_PUBKEY`, the digest is fetched once, and the message (authData ‖
/// SHA-256(clientDataJSON)) and the signature are prepared once in C memory. Each verification is
/// `EVP_MD_CTX_new`, `EVP_DigestVerifyInit`, one-shot `EVP_DigestVerify`, `EVP_MD_CTX_free`:
/// the least a thread-safe caller of the EVP API does per signature.
final class RawOpenSSLVerifier {
    private let pkey: OpaquePointer
    /// The fetched `EVP_MD*`, nil for PureEdDSA (one-shot with a NULL digest).
    private let md: OpaquePointer?
    private let signature: UnsafeMutableBufferPointer<UInt8>
    private let message: UnsafeMutableBufferPointer<UInt8>

    /// - Parameters:
    ///   - spki: DER SubjectPublicKeyInfo of the credential key.
    ///   - digestName: `"SHA256"`, or nil for EdDSA.
    init(spki: [UInt8], digestName: String?, signature: [UInt8], authenticatorData: [UInt8], clientDataJSON: [UInt8]) {
        var parsed: OpaquePointer? = nil
        spki.withUnsafeBufferPointer { buf in
            var cursor: UnsafePointer<UInt8>? = buf.baseAddress
            parsed = d2i_PUBKEY(nil, &cursor, buf.count)
        }
        guard let parsed else { fatalError("d2i_PUBKEY failed") }
        pkey = parsed
        if let digestName {
            guard let fetched = EVP_MD_fetch(nil, digestName, nil) else { fatalError("EVP_MD_fetch(\(digestName)) failed") }
            md = fetched
        } else {
            md = nil
        }
        // The signed message, hashed with OpenSSL's own SHA256() rather than the library.
        var clientDataHash = [UInt8](repeating: 0, count: 32)
        clientDataJSON.withUnsafeBufferPointer { src in
            clientDataHash.withUnsafeMutableBufferPointer { dst in
                _ = SHA256(src.baseAddress, src.count, dst.baseAddress)
            }
        }
        let bytes = authenticatorData + clientDataHash
        message = .allocate(capacity: bytes.count)
        _ = message.initialize(from: bytes)
        self.signature = .allocate(capacity: signature.count)
        _ = self.signature.initialize(from: signature)
    }

    deinit {
        EVP_PKEY_free(pkey)
        if let md { EVP_MD_free(md) }
        signature.deallocate()
        message.deallocate()
    }

    /// One verification; true only when OpenSSL returns exactly 1.
    @inline(never)
    func verify() -> Bool {
        guard let ctx = EVP_MD_CTX_new() else { return false }
        defer { EVP_MD_CTX_free(ctx) }
        guard EVP_DigestVerifyInit(ctx, nil, md, nil, pkey) == 1 else { return false }
        return EVP_DigestVerify(ctx, signature.baseAddress, signature.count, message.baseAddress, message.count) == 1
    }
}

/// The OpenSSL version string, for the report header.
var openSSLVersionString: String {
    guard let text = OpenSSL_version(OPENSSL_VERSION) else { return "unknown" }
    return String(cString: text)
}
