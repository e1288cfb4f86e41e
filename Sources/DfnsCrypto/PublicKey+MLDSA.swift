import COpenSSL
import COpenSSLShims

/// ML-DSA keys: import from the raw FIPS 204 encoding or an RFC 9881 SubjectPublicKeyInfo, the
/// SPKI export, and verification. The key itself is swift-crypto's (``MLDSAPublicKey``); OpenSSL 3.0
/// only encodes and decodes the SPKI's generic AlgorithmIdentifier and BIT STRING.
extension PublicKey {
    /// An ML-DSA public key from its FIPS 204 encoding, which must be exactly
    /// ``MLDSAParameterSet/publicKeyLength`` bytes for `parameterSet`.
    ///
    /// - Throws: ``CryptoError/invalidKey(_:)`` for a wrong length or a key swift-crypto refuses.
    public static func mlDSA(_ parameterSet: MLDSAParameterSet, publicKey: [UInt8]) throws(CryptoError) -> PublicKey {
        PublicKey(mlDSAKey: try MLDSAPublicKey(parameterSet: parameterSet, raw: publicKey))
    }

    /// The ML-DSA parameter set of an ML-DSA key, nil for other keys.
    public var mlDSAParameterSet: MLDSAParameterSet? {
        mlDSAKey?.parameterSet
    }

    // MARK: - SubjectPublicKeyInfo (RFC 9881)

    /// The RFC 9881 SubjectPublicKeyInfo of an ML-DSA key: AlgorithmIdentifier id-ml-dsa-65/87 with
    /// absent parameters, and the raw key as the BIT STRING, DER-encoded by OpenSSL's X509_PUBKEY.
    /// Empty for other keys or if OpenSSL fails (an allocation failure).
    internal var mlDSASPKI: [UInt8] {
        guard let key = mlDSAKey else { return [] }
        guard let pub = X509_PUBKEY_new() else {
            ERR_clear_error()
            return []
        }
        defer { X509_PUBKEY_free(pub) }
        guard let object = OBJ_txt2obj(key.parameterSet.oid, 1) else {
            ERR_clear_error()
            return []
        }
        let raw = key.rawRepresentation
        // X509_PUBKEY_set0_param takes ownership of the object and of an OpenSSL-allocated key copy.
        guard let copy = CRYPTO_malloc(raw.count, "PublicKey+MLDSA.swift", 0)?.assumingMemoryBound(to: UInt8.self) else {
            ASN1_OBJECT_free(object)
            ERR_clear_error()
            return []
        }
        raw.withUnsafeBufferPointer { buf in
            if let base = buf.baseAddress { copy.update(from: base, count: buf.count) }
        }
        guard let length = Int32(exactly: raw.count),
              X509_PUBKEY_set0_param(pub, object, V_ASN1_UNDEF, nil, copy, length) == 1 else {
            ASN1_OBJECT_free(object)
            dfns_x509_openssl_free(copy)
            ERR_clear_error()
            return []
        }
        let size = i2d_X509_PUBKEY(pub, nil)
        guard size > 0, let count = Int(exactly: size) else {
            ERR_clear_error()
            return []
        }
        var out = [UInt8](repeating: 0, count: count)
        let written = out.withUnsafeMutableBufferPointer { buf -> Int32 in
            var cursor = buf.baseAddress
            return i2d_X509_PUBKEY(pub, &cursor)
        }
        guard written == size else {
            ERR_clear_error()
            return []
        }
        return out
    }

    /// The ML-DSA key of an RFC 9881 SubjectPublicKeyInfo (id-ml-dsa-65 or id-ml-dsa-87, parameters
    /// absent, nothing after it), or nil when `der` is not an ML-DSA SPKI, so the caller reports its
    /// own decoding error. OpenSSL 3.0 parses the SPKI without knowing the algorithm.
    ///
    /// - Throws: ``CryptoError/invalidEncoding(_:)`` for parameters present or a BIT STRING with
    ///   unused bits, ``CryptoError/invalidKey(_:)`` for a key of the wrong length.
    internal static func mlDSAKeyFromSPKI(_ der: [UInt8]) throws(CryptoError) -> MLDSAPublicKey? {
        let parsed = der.withUnsafeBufferPointer { buf -> OpaquePointer? in
            guard let base = buf.baseAddress else { return nil }
            var cursor: UnsafePointer<UInt8>? = base
            let pub = d2i_X509_PUBKEY(nil, &cursor, buf.count)
            guard let pub else { return nil }
            guard let end = cursor, end - base == buf.count else {
                X509_PUBKEY_free(pub)
                return nil
            }
            return pub
        }
        guard let pub = parsed else {
            ERR_clear_error()
            return nil
        }
        defer { X509_PUBKEY_free(pub) }
        var object: OpaquePointer? = nil
        var keyBytes: UnsafePointer<UInt8>? = nil
        var keyLength: Int32 = 0
        var algorithm: UnsafeMutablePointer<X509_ALGOR>? = nil
        guard X509_PUBKEY_get0_param(&object, &keyBytes, &keyLength, &algorithm, pub) == 1, let object else {
            ERR_clear_error()
            return nil
        }
        let oid: String
        do {
            oid = try CertificateASN1.oidString(object)
        } catch {
            return nil
        }
        guard let parameterSet = MLDSAParameterSet.allCases.first(where: { $0.oid == oid }) else { return nil }
        var parameterType: Int32 = 0
        var parameter: UnsafeRawPointer? = nil
        X509_ALGOR_get0(nil, &parameterType, &parameter, algorithm)
        guard parameterType == V_ASN1_UNDEF else {
            throw .invalidEncoding("\(parameterSet.name) AlgorithmIdentifier must not have parameters (RFC 9881)")
        }
        guard let keyBytes, keyLength >= 0, Int(keyLength) < der.count else {
            throw .invalidKey("\(parameterSet.name) SubjectPublicKeyInfo has no key")
        }
        // The key is the last field of the DER, right after the BIT STRING's unused-bits octet: a
        // key encoding is whole bytes, so that octet must be 0.
        guard der[der.count - Int(keyLength) - 1] == 0 else {
            throw .invalidEncoding("\(parameterSet.name) subjectPublicKey BIT STRING has unused bits")
        }
        let raw = Array(UnsafeBufferPointer(start: keyBytes, count: Int(keyLength)))
        return try MLDSAPublicKey(parameterSet: parameterSet, raw: raw)
    }

    /// The ML-DSA subject public key of a certificate (`X509*`), or nil when it has another key type.
    internal static func mlDSAKey(ofCertificate x509: OpaquePointer) throws(CryptoError) -> PublicKey? {
        guard let pub = X509_get_X509_PUBKEY(x509) else { return nil }
        let size = i2d_X509_PUBKEY(pub, nil)
        guard size > 0, let count = Int(exactly: size) else {
            ERR_clear_error()
            return nil
        }
        var der = [UInt8](repeating: 0, count: count)
        let written = der.withUnsafeMutableBufferPointer { buf -> Int32 in
            var cursor = buf.baseAddress
            return i2d_X509_PUBKEY(pub, &cursor)
        }
        guard written == size else {
            ERR_clear_error()
            return nil
        }
        return try mlDSAKeyFromSPKI(der).map { PublicKey(mlDSAKey: $0) }
    }

    // MARK: - Verification

    /// Pure ML-DSA verification with the empty context (the message parts joined first: ML-DSA
    /// hashes the whole message with the key's tr prefix, so there is no streaming interface).
    internal func verifyMLDSA(key: MLDSAPublicKey, signature: UnsafeRawBufferPointer,
                              parts: [UnsafeRawBufferPointer]) throws(CryptoError) {
        let set = key.parameterSet
        guard signature.count == set.signatureLength else {
            throw .malformedSignature("\(set.name) signature must be \(set.signatureLength) bytes, got \(signature.count)")
        }
        let valid: Bool
        if parts.count == 1 {
            valid = key.isValidSignature(signature, message: parts[0])
        } else {
            var message: [UInt8] = []
            message.reserveCapacity(parts.reduce(0) { $0 &+ $1.count })
            for part in parts { message.append(contentsOf: part) }
            valid = message.withUnsafeBytes { key.isValidSignature(signature, message: $0) }
        }
        guard valid else { throw .signatureInvalid }
    }
}
