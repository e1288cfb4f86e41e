/// Options for ``CertificateChain/validate(leaf:intermediates:anchors:options:)``.
public struct ChainValidationOptions: Sendable, Equatable {
    /// The verification time in Unix seconds; nil means the current time. Ignored when
    /// ``checkTime`` is false. Use the registration time (or a stored verification time) for
    /// attestation chains, which often contain short-lived certificates.
    public var time: Int64?
    /// When false, validity periods are not checked at all (`X509_V_FLAG_NO_CHECK_TIME`,
    /// "lineage only"), and ``time`` is ignored.
    public var checkTime: Bool
    /// When false (the default), OpenSSL authentication security level 1 applies: SHA-1 signed
    /// certificates (error 68) and RSA keys below 1024 bits are rejected. When true, level 0 is used
    /// (legacy TPM and U2F chains).
    public var allowSHA1: Bool
    /// When true (the default), an anchor does not have to be self-signed: it may be an
    /// intermediate or the leaf itself (`X509_V_FLAG_PARTIAL_CHAIN`).
    public var allowPartialChain: Bool

    /// Creates options; the defaults are: current time, check validity periods, reject SHA-1,
    /// allow partial chains.
    public init(time: Int64? = nil, checkTime: Bool = true, allowSHA1: Bool = false, allowPartialChain: Bool = true) {
        self.time = time
        self.checkTime = checkTime
        self.allowSHA1 = allowSHA1
        self.allowPartialChain = allowPartialChain
    }

    /// The default options: current time, check validity periods, reject SHA-1, allow partial chains.
    public static let `default` = ChainValidationOptions()
}
