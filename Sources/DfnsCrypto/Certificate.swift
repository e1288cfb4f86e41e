import COpenSSL
import COpenSSLShims

/// An X.509 certificate, backed by an OpenSSL `X509*` that is freed when the value is released.
///
/// Immutable and `Sendable`: the name, validity and fingerprint fields are decoded once at parse time
/// (a certificate whose names or times cannot be decoded is rejected), and the remaining accessors
/// only read the underlying object.
public final class Certificate: @unchecked Sendable {
    /// The owned `X509*`.
    internal let x509: OpaquePointer

    /// The DER encoding of the certificate (exactly the bytes that were parsed).
    public let der: [UInt8]
    /// The X.509 version: 1, 2 or 3.
    public let version: Int
    /// The subject name, attributes in encoding order.
    public let subject: DistinguishedName
    /// The issuer name, attributes in encoding order.
    public let issuer: DistinguishedName
    /// The start of the validity period, in Unix seconds (UTC).
    public let notBefore: Int64
    /// The end of the validity period, in Unix seconds (UTC).
    public let notAfter: Int64
    /// The SHA-256 digest of ``der`` (32 bytes), as shown by `openssl x509 -fingerprint -sha256`.
    public let sha256Fingerprint: [UInt8]

    private init(
        owning x509: OpaquePointer, der: [UInt8], version: Int, subject: DistinguishedName,
        issuer: DistinguishedName, notBefore: Int64, notAfter: Int64, sha256Fingerprint: [UInt8]
    ) {
        self.x509 = x509
        self.der = der
        self.version = version
        self.subject = subject
        self.issuer = issuer
        self.notBefore = notBefore
        self.notAfter = notAfter
        self.sha256Fingerprint = sha256Fingerprint
    }

    deinit {
        X509_free(x509)
    }

    /// Parses exactly one DER-encoded certificate. Fails with ``CryptoError/certificate(_:)`` when
    /// the input is empty, is not a certificate, has bytes after the certificate, has a version other
    /// than 1–3, or has names or validity times that cannot be decoded.
    public convenience init(der: [UInt8]) throws(CryptoError) {
        let x509 = try Certificate.decode(der: der)
        let version: Int
        let subject: DistinguishedName
        let issuer: DistinguishedName
        let notBefore: Int64
        let notAfter: Int64
        let fingerprint: [UInt8]
        do throws(CryptoError) {
            let rawVersion = X509_get_version(x509)
            guard rawVersion >= 0, rawVersion <= 2 else {
                throw CryptoError.certificate("unsupported X.509 version")
            }
            version = rawVersion + 1
            guard let subjectName = X509_get_subject_name(x509), let issuerName = X509_get_issuer_name(x509)
            else {
                throw CryptoError.certificate("missing subject or issuer")
            }
            subject = try DistinguishedName(x509Name: subjectName)
            issuer = try DistinguishedName(x509Name: issuerName)
            guard let start = X509_get0_notBefore(x509), let end = X509_get0_notAfter(x509) else {
                throw CryptoError.certificate("missing validity")
            }
            notBefore = try CertificateASN1.unixTime(start)
            notAfter = try CertificateASN1.unixTime(end)
            fingerprint = try Certificate.digest(x509)
        } catch {
            X509_free(x509)
            CertificateASN1.clearErrors()
            throw error
        }
        self.init(
            owning: x509, der: der, version: version, subject: subject, issuer: issuer,
            notBefore: notBefore, notAfter: notAfter, sha256Fingerprint: fingerprint)
    }

    /// Parses a PEM text that contains exactly one `CERTIFICATE` block (text around it is ignored).
    public convenience init(pem: String) throws(CryptoError) {
        let blocks = try CertificatePEM.decodeBlocks(pem)
        guard blocks.count == 1, let block = blocks.first else {
            throw .certificate("expected exactly one PEM certificate, found \(blocks.count)")
        }
        try self.init(der: block)
    }

    /// Parses every `CERTIFICATE` block of a PEM bundle, in order. Fails when there is none, when a
    /// block has another type or encryption headers, or when any certificate is invalid.
    public static func parsePEMBundle(_ pem: String) throws(CryptoError) -> [Certificate] {
        let blocks = try CertificatePEM.decodeBlocks(pem)
        guard !blocks.isEmpty else { throw .certificate("no PEM certificate found") }
        var certificates: [Certificate] = []
        certificates.reserveCapacity(blocks.count)
        for block in blocks {
            certificates.append(try Certificate(der: block))
        }
        return certificates
    }

    /// `d2i_X509` on the input, requiring that it consumes every byte. Returns an owned `X509*`.
    private static func decode(der: [UInt8]) throws(CryptoError) -> OpaquePointer {
        guard !der.isEmpty else { throw .certificate("empty certificate") }
        let result: (x509: OpaquePointer?, consumed: Int) = der.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return (nil, 0) }
            var cursor: UnsafePointer<UInt8>? = base
            let x509 = d2i_X509(nil, &cursor, buffer.count)
            let consumed = cursor.map { $0 - base } ?? 0
            return (x509, consumed)
        }
        guard let x509 = result.x509 else {
            throw .certificate(CertificateASN1.drainErrors(fallback: "not a DER certificate"))
        }
        guard result.consumed == der.count else {
            X509_free(x509)
            CertificateASN1.clearErrors()
            throw .certificate("\(der.count - result.consumed) trailing bytes after the certificate")
        }
        return x509
    }

    /// `X509_digest` with SHA-256.
    private static func digest(_ x509: OpaquePointer) throws(CryptoError) -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        let ok = digest.withUnsafeMutableBufferPointer { buf -> Bool in
            guard let base = buf.baseAddress, let md = EVP_sha256() else { return false }
            return X509_digest(x509, md, base, &length) == 1
        }
        guard ok, length == 32 else {
            throw .openSSL(CertificateASN1.drainErrors(fallback: "X509_digest failed"))
        }
        return digest
    }
}

extension Certificate {
    /// The subject public key (`X509_get_pubkey`). Fails with ``CryptoError/invalidKey(_:)`` when
    /// OpenSSL cannot decode the key or does not support its type.
    public func publicKey() throws(CryptoError) -> PublicKey {
        guard let pkey = X509_get_pubkey(x509) else {
            let message = CertificateASN1.drainErrors(fallback: "certificate public key cannot be decoded")
            // OpenSSL 3.0 has no ML-DSA: such a key is read apart (PublicKey+MLDSA.swift).
            if let key = try PublicKey.mlDSAKey(ofCertificate: x509) { return key }
            throw .invalidKey(message)
        }
        return PublicKey(takingOwnershipOf: pkey)
    }

    /// True when the subject and issuer names are equal (`X509_NAME_cmp`), as for roots and other
    /// self-issued certificates. Says nothing about the signature.
    public var isSelfIssued: Bool {
        guard let subjectName = X509_get_subject_name(x509), let issuerName = X509_get_issuer_name(x509)
        else { return false }
        return X509_NAME_cmp(subjectName, issuerName) == 0
    }

    /// True when the certificate matches `host` under RFC 6125 rules (`X509_check_host` with no
    /// flags: subjectAltName DNS names, or the subject CN when there are none). Empty hosts and hosts
    /// containing NUL never match.
    public func matchesHost(_ host: String) -> Bool {
        let bytes = Array(host.utf8)
        guard !bytes.isEmpty, !bytes.contains(0) else { return false }
        let result = bytes.withUnsafeBufferPointer { buffer -> Int32 in
            guard let base = buffer.baseAddress else { return 0 }
            return base.withMemoryRebound(to: CChar.self, capacity: buffer.count) { chars in
                X509_check_host(x509, chars, buffer.count, 0, nil)
            }
        }
        if result != 1 { CertificateASN1.clearErrors() }
        return result == 1
    }
}
