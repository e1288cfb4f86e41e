import COpenSSL
import COpenSSLShims

/// Internal PEM decoding for certificates: splits a PEM text into the DER contents of its
/// `CERTIFICATE` blocks (`PEM_read_bio` on a memory BIO). The DER is parsed separately so that the
/// exact-consumption rule of ``Certificate/init(der:)`` also applies to PEM input.
internal enum CertificatePEM {
    /// The DER contents of every PEM block, in order. Text outside blocks is ignored. Fails when a
    /// block is not a `CERTIFICATE`, carries headers (e.g. encryption), or is malformed.
    static func decodeBlocks(_ pem: String) throws(CryptoError) -> [[UInt8]] {
        let text = Array(pem.utf8)
        guard !text.isEmpty else { return [] }
        guard let length = Int32(exactly: text.count) else {
            throw .invalidEncoding("PEM input is too large")
        }
        let result = text.withUnsafeBufferPointer { buffer -> Result<[[UInt8]], CryptoError> in
            guard let base = buffer.baseAddress else { return .success([]) }
            CertificateASN1.clearErrors()
            guard let bio = BIO_new_mem_buf(base, length) else {
                return .failure(.openSSL(CertificateASN1.drainErrors(fallback: "BIO_new_mem_buf failed")))
            }
            defer { BIO_free(bio) }
            var blocks: [[UInt8]] = []
            while true {
                var name: UnsafeMutablePointer<CChar>? = nil
                var header: UnsafeMutablePointer<CChar>? = nil
                var data: UnsafeMutablePointer<UInt8>? = nil
                var dataLength: Int = 0
                let ok = PEM_read_bio(bio, &name, &header, &data, &dataLength)
                defer {
                    dfns_x509_openssl_free(name)
                    dfns_x509_openssl_free(header)
                    dfns_x509_openssl_free(data)
                }
                guard ok == 1 else {
                    if dfns_x509_error_is_pem_no_start_line(ERR_peek_last_error()) == 1 {
                        CertificateASN1.clearErrors()
                        return .success(blocks)
                    }
                    return .failure(.invalidEncoding(CertificateASN1.drainErrors(fallback: "malformed PEM")))
                }
                guard let name, String(cString: name) == "CERTIFICATE" else {
                    return .failure(.certificate("PEM block is not a CERTIFICATE"))
                }
                if let header, header.pointee != 0 {
                    return .failure(.certificate("PEM certificate block has headers"))
                }
                guard dataLength > 0, let data else {
                    return .failure(.certificate("empty PEM certificate block"))
                }
                blocks.append(Array(UnsafeBufferPointer(start: data, count: dataLength)))
            }
        }
        switch result {
        case .success(let blocks): return blocks
        case .failure(let error): throw error
        }
    }
}

extension Certificate {
    /// The certificates in `bytes`: one DER certificate, or every `CERTIFICATE` block of PEM text
    /// (``EncodedForm`` tells which), in order. The one place that tells the two apart for
    /// certificates.
    ///
    /// - Throws: ``CryptoError/certificate(_:)`` for PEM text that is not UTF-8, holds no
    ///   certificate or a block of another kind; the errors of ``init(der:)`` for each certificate.
    public static func parse(derOrPEM bytes: [UInt8]) throws(CryptoError) -> [Certificate] {
        switch EncodedForm(of: bytes) {
        case .der:
            return [try Certificate(der: bytes)]
        case .pem:
            guard let text = String(validating: bytes, as: UTF8.self) else {
                throw .certificate("the PEM text is not valid UTF-8")
            }
            return try parsePEMBundle(text)
        }
    }
}
