import COpenSSL

extension Certificate {
    /// The contents of the certificate's `subjectPublicKey` BIT STRING (RFC 5280 §4.1): the key
    /// bytes without the tag, the length and the unused-bits octet (for an EC key, the encoded
    /// point; for RSA, the DER `RSAPublicKey`). FIDO metadata identifies attestation keys by the
    /// SHA-1 of exactly these bytes (`attestationCertificateKeyIdentifiers`).
    ///
    /// Fails with ``CryptoError/certificate(_:)`` when the certificate has no key bits (OpenSSL
    /// parsed certificates always have them; the check only keeps this total).
    public func subjectPublicKeyBits() throws(CryptoError) -> [UInt8] {
        guard let bits = X509_get0_pubkey_bitstr(x509) else {
            throw .certificate("the certificate has no subjectPublicKey BIT STRING")
        }
        let length = ASN1_STRING_length(bits)
        guard length >= 0 else { throw .certificate("the subjectPublicKey BIT STRING has a negative length") }
        guard length > 0, let data = ASN1_STRING_get0_data(bits) else { return [] }
        return Array(UnsafeBufferPointer(start: data, count: Int(length)))
    }
}
