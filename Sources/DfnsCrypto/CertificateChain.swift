import COpenSSL
import COpenSSLShims

/// X.509 chain validation with OpenSSL's `X509_verify_cert`, trusting only the caller's anchors.
public enum CertificateChain {
    /// Validates `leaf` through `intermediates` (untrusted, any order) to one of `anchors`.
    ///
    /// Only `anchors` are trusted: a root that appears among the intermediates is not. No purpose
    /// and no strict-profile checks are applied (check EKUs or host names separately). All state is
    /// per call, so this is safe to call concurrently, also with shared certificates.
    ///
    /// - Returns: the chain OpenSSL built, leaf first, ending at the first certificate that is one of
    ///   `anchors` (the caller's own `Certificate` instances where OpenSSL used them).
    /// - Throws: ``CryptoError/chainValidation(code:depth:message:)`` with the `X509_V_ERR_*` code,
    ///   the depth of the failing certificate (0 = leaf) and OpenSSL's message, e.g. code 10 for an
    ///   expired certificate, 9 for not yet valid, 20 when no anchor is reached;
    ///   ``CryptoError/openSSL(_:)`` for library failures.
    public static func validate(
        leaf: Certificate, intermediates: [Certificate], anchors: [Certificate],
        options: ChainValidationOptions = .default
    ) throws(CryptoError) -> [Certificate] {
        let result = withExtendedLifetime((leaf, intermediates, anchors)) {
            () -> Result<[OpaquePointer], CryptoError> in
            runVerification(leaf: leaf, intermediates: intermediates, anchors: anchors, options: options)
        }
        let chain: [OpaquePointer]
        switch result {
        case .success(let built): chain = built
        case .failure(let error): throw error
        }
        // Map the built chain back to the caller's certificate objects (OpenSSL hands back the same
        // X509 pointers it was given); fall back to a re-parse for anything unexpected.
        var known: [OpaquePointer: Certificate] = [:]
        for certificate in anchors + intermediates + [leaf] {
            known[certificate.x509] = certificate
        }
        var certificates: [Certificate] = []
        certificates.reserveCapacity(chain.count)
        for pointer in chain {
            if let certificate = known[pointer] {
                certificates.append(certificate)
            } else {
                certificates.append(try copy(pointer))
            }
        }
        // With partial chains OpenSSL may keep untrusted certificates above the anchor it reached
        // (e.g. the intermediate above a trusted leaf): end the chain at the first anchor.
        let anchorFingerprints = anchors.map(\.sha256Fingerprint)
        if let anchorIndex = certificates.firstIndex(where: { certificate in
            anchors.contains { $0 === certificate } || anchorFingerprints.contains(certificate.sha256Fingerprint)
        }) {
            certificates.removeSubrange((anchorIndex + 1)...)
        }
        return certificates
    }

    /// Runs `X509_verify_cert`. Returns the built chain as borrowed pointers to certificates that
    /// the caller keeps alive (the leaf, intermediates and anchors).
    private static func runVerification(
        leaf: Certificate, intermediates: [Certificate], anchors: [Certificate], options: ChainValidationOptions
    ) -> Result<[OpaquePointer], CryptoError> {
        CertificateASN1.clearErrors()
        defer { CertificateASN1.clearErrors() }
        guard let store = X509_STORE_new() else {
            return .failure(.openSSL(CertificateASN1.drainErrors(fallback: "X509_STORE_new failed")))
        }
        defer { X509_STORE_free(store) }
        for anchor in anchors {
            guard X509_STORE_add_cert(store, anchor.x509) == 1 else {
                return .failure(.openSSL(CertificateASN1.drainErrors(fallback: "X509_STORE_add_cert failed")))
            }
        }
        guard let untrusted = dfns_x509_stack_new() else {
            return .failure(.openSSL(CertificateASN1.drainErrors(fallback: "cannot allocate a certificate stack")))
        }
        defer { dfns_x509_stack_free(untrusted) }
        for intermediate in intermediates {
            guard dfns_x509_stack_push(untrusted, intermediate.x509) > 0 else {
                return .failure(.openSSL(CertificateASN1.drainErrors(fallback: "cannot push onto a certificate stack")))
            }
        }
        guard let context = X509_STORE_CTX_new() else {
            return .failure(.openSSL(CertificateASN1.drainErrors(fallback: "X509_STORE_CTX_new failed")))
        }
        defer { X509_STORE_CTX_free(context) }
        guard X509_STORE_CTX_init(context, store, leaf.x509, untrusted) == 1,
              let param = X509_STORE_CTX_get0_param(context)
        else {
            return .failure(.openSSL(CertificateASN1.drainErrors(fallback: "X509_STORE_CTX_init failed")))
        }
        var flags: UInt = 0
        if options.checkTime {
            if let time = options.time {
                guard let seconds = time_t(exactly: time) else {
                    return .failure(.openSSL("verification time out of range"))
                }
                // Also sets X509_V_FLAG_USE_CHECK_TIME.
                X509_VERIFY_PARAM_set_time(param, seconds)
            }
        } else {
            // NO_CHECK_TIME is overridden by USE_CHECK_TIME, so set_time must not be called here.
            flags |= UInt(X509_V_FLAG_NO_CHECK_TIME)
        }
        if options.allowPartialChain {
            flags |= UInt(X509_V_FLAG_PARTIAL_CHAIN)
        }
        if flags != 0, X509_VERIFY_PARAM_set_flags(param, flags) != 1 {
            return .failure(.openSSL(CertificateASN1.drainErrors(fallback: "X509_VERIFY_PARAM_set_flags failed")))
        }
        X509_VERIFY_PARAM_set_auth_level(param, options.allowSHA1 ? 0 : 1)

        let verified = X509_verify_cert(context)
        guard verified == 1 else {
            let code = X509_STORE_CTX_get_error(context)
            let depth = X509_STORE_CTX_get_error_depth(context)
            guard code != X509_V_OK else {
                return .failure(.openSSL(CertificateASN1.drainErrors(fallback: "X509_verify_cert failed")))
            }
            let message = X509_verify_cert_error_string(CLong(code)).map { String(cString: $0) } ?? "error \(code)"
            CertificateASN1.clearErrors()
            return .failure(.chainValidation(code: code, depth: depth, message: message))
        }
        guard let built = X509_STORE_CTX_get1_chain(context) else {
            return .failure(.openSSL(CertificateASN1.drainErrors(fallback: "X509_STORE_CTX_get1_chain failed")))
        }
        defer { dfns_x509_stack_pop_free(built) }
        let count = dfns_x509_stack_count(built)
        var chain: [OpaquePointer] = []
        var index: Int32 = 0
        while index < count {
            guard let certificate = dfns_x509_stack_value(built, index) else {
                return .failure(.openSSL("built chain has a missing element"))
            }
            chain.append(certificate)
            index += 1
        }
        guard !chain.isEmpty else { return .failure(.openSSL("built chain is empty")) }
        return .success(chain)
    }

    /// Re-parses a certificate OpenSSL returned that is not one of the caller's objects.
    private static func copy(_ x509: OpaquePointer) throws(CryptoError) -> Certificate {
        var out: UnsafeMutablePointer<UInt8>? = nil
        let length = i2d_X509(x509, &out)
        defer { dfns_x509_openssl_free(out) }
        guard length > 0, let out else {
            throw .openSSL(CertificateASN1.drainErrors(fallback: "i2d_X509 failed"))
        }
        return try Certificate(der: Array(UnsafeBufferPointer(start: out, count: Int(length))))
    }
}
