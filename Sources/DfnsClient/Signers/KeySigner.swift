import DfnsProtocol

/// Signs Dfns user-action (and login, recovery) challenges with a ``KeyCredential`` held in this
/// process (reference/dfns-protocol.md §2.3).
///
/// For a challenge string it writes the clientData `{"type":"key.get","challenge":"<challenge>"}`,
/// signs those exact bytes with the credential's key (Ed25519 raw 64 bytes; P-256 and secp256k1
/// SHA-256 with an ASN.1 DER signature; RSA PKCS#1 v1.5 SHA-256) and returns the assertion pieces.
/// Immutable and safe to share between threads.
public struct KeySigner: Sendable {
    /// The credential that signs.
    public let credential: KeyCredential

    /// A signer for `credential`.
    public init(credential: KeyCredential) {
        self.credential = credential
    }

    /// Signs `challenge` (used verbatim).
    ///
    /// - Parameters:
    ///   - challenge: the `challenge` string of the user-action, login or recovery challenge.
    ///   - allowedCredentialIds: the ids of the challenge's `allowCredentials.key` list. When given,
    ///     the credential must be among them or nothing is signed (as the TypeScript and Go SDKs
    ///     check): the server would refuse the assertion anyway. An empty list allows nothing.
    ///     Nil skips the check (e.g. for a recovery assertion, whose challenge has no such list).
    /// - Throws: ``SignerError/credentialNotAllowed(credentialId:)``,
    ///   ``SignerError/invalidArgument(_:)`` for an empty challenge, or
    ///   ``SignerError/cryptoFailure(_:)``.
    public func sign(challenge: String, allowedCredentialIds: [String]?) throws(SignerError) -> KeyAssertion {
        try KeySigner.checkAllowed(credential.credentialId, challenge: challenge, allowed: allowedCredentialIds)
        let clientData = KeyClientData.assertion(challenge: challenge)
        let signature = try credential.signature(over: clientData)
        return KeyAssertion(credentialId: credential.credentialId, clientDataBytes: clientData,
                            signatureBytes: signature, algorithm: credential.kind.assertionAlgorithm)
    }

    /// The checks every Key signer makes before signing (shared with ``ExternalKeySigner``).
    internal static func checkAllowed(_ credentialId: String, challenge: String, allowed: [String]?) throws(SignerError) {
        guard !challenge.isEmpty else { throw .invalidArgument("empty challenge") }
        if let allowed, !allowed.contains(credentialId) {
            throw .credentialNotAllowed(credentialId: credentialId)
        }
    }
}
