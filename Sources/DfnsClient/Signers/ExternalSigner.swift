/// A signing backend outside this process (an HSM, a cloud KMS, a C or Python callback) that holds
/// a Key credential's private key. ``ExternalKeySigner`` turns one into Key assertions.
///
/// The contract, identical for every key kind:
/// - **Input**: `message`, the exact bytes to sign (a clientData document), never a digest; and the
///   key kind, which fixes the scheme.
/// - **Output**: the signature bytes in the encoding the Dfns protocol wants (§2.3):
///   - `ed25519`: PureEdDSA over `message`, the raw 64 bytes R ‖ S;
///   - `p256`, `secp256k1`: ECDSA over SHA-256(`message`), **ASN.1 DER** `SEQUENCE { r, s }` (AWS KMS
///     and Google Cloud KMS return DER; a PKCS#11 HSM returns raw r ‖ s, which the backend converts,
///     e.g. with DfnsCrypto's `ECDSASignatureFormat.der(fromRaw:curve:)`);
///   - `rsa`: RSASSA-PKCS1-v1_5 with SHA-256 over `message` (not PSS), as many bytes as the modulus.
/// - **Failure**: throw any error; it is reported as ``SignerError/externalSignerFailed(_:)`` with
///   the error's description, so that description must not contain secrets.
///
/// Called once per assertion, from the caller's thread; an implementation may block (a network
/// round trip to a KMS). For an `async` backend use ``AsyncExternalSigner``.
public protocol ExternalSigner: Sendable {
    /// Signs `message` with the credential's private key of kind `keyKind`, returning the signature
    /// in the encoding described above, or throws.
    func sign(_ message: [UInt8], keyKind: KeyCredentialKind) throws -> [UInt8]
}

/// The `async` form of ``ExternalSigner``, same contract, for backends reached through
/// asynchronous APIs; used by ``AsyncExternalKeySigner``.
public protocol AsyncExternalSigner: Sendable {
    /// Signs `message` with the credential's private key of kind `keyKind`, returning the signature
    /// in the encoding ``ExternalSigner`` describes, or throws.
    func sign(_ message: [UInt8], keyKind: KeyCredentialKind) async throws -> [UInt8]
}

/// An ``ExternalSigner`` made from a closure: `ExternalSignerClosure { message, kind in … }`.
public struct ExternalSignerClosure: ExternalSigner {
    private let body: @Sendable ([UInt8], KeyCredentialKind) throws -> [UInt8]

    /// A signer that calls `body` with the message and the key kind.
    public init(_ body: @escaping @Sendable ([UInt8], KeyCredentialKind) throws -> [UInt8]) {
        self.body = body
    }

    /// Calls the closure.
    public func sign(_ message: [UInt8], keyKind: KeyCredentialKind) throws -> [UInt8] {
        try body(message, keyKind)
    }
}

/// An ``AsyncExternalSigner`` made from an `async` closure.
public struct AsyncExternalSignerClosure: AsyncExternalSigner {
    private let body: @Sendable ([UInt8], KeyCredentialKind) async throws -> [UInt8]

    /// A signer that calls `body` with the message and the key kind.
    public init(_ body: @escaping @Sendable ([UInt8], KeyCredentialKind) async throws -> [UInt8]) {
        self.body = body
    }

    /// Calls the closure.
    public func sign(_ message: [UInt8], keyKind: KeyCredentialKind) async throws -> [UInt8] {
        try await body(message, keyKind)
    }
}
