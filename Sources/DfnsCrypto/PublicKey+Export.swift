import COpenSSL
import DfnsEncoding

extension PublicKey {
    // MARK: - Export

    /// The DER SubjectPublicKeyInfo (empty only if OpenSSL fails to encode, which is not expected).
    /// ML-DSA keys are encoded as RFC 9881 specifies (``mlDSASPKI``).
    public var spkiDER: [UInt8] {
        guard let pkey else { return mlDSASPKI }
        let length = i2d_PUBKEY(pkey, nil)
        guard length > 0, let count = Int(exactly: length) else {
            ERR_clear_error()
            return []
        }
        var out = [UInt8](repeating: 0, count: count)
        let written = out.withUnsafeMutableBufferPointer { buf -> Int32 in
            var cursor = buf.baseAddress
            return i2d_PUBKEY(pkey, &cursor)
        }
        guard written == length else {
            ERR_clear_error()
            return []
        }
        return out
    }

    /// The PEM `-----BEGIN PUBLIC KEY-----` encoding, 64-character lines, trailing newline.
    public var pem: String {
        PEMArmor.encode(spkiDER, label: "PUBLIC KEY")
    }
}
