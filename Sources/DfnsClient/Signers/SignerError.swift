/// Why a Key credential could not be loaded, generated, wrapped or used to sign.
///
/// No case carries secret material: never a private key, password, recovery code or decrypted
/// byte; messages name the problem only (a credential id, a key type, a length).
public enum SignerError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The challenge's `allowCredentials.key` list does not name this credential, so the server
    /// would refuse the assertion; nothing was signed.
    case credentialNotAllowed(credentialId: String)
    /// The challenge's `allowCredentials.webauthn` list is non-empty and does not name this
    /// passkey (its base64url credential id), so the server would refuse the assertion; nothing
    /// was signed.
    case passkeyNotAllowed(credentialId: String)
    /// The key is not one a Dfns Key credential can be (Ed25519, P-256, secp256k1, RSA 2048+).
    case unsupportedKeyType(String)
    /// The private or public key could not be read (not PEM/DER, encrypted PEM, malformed).
    case invalidKeyEncoding(String)
    /// A password-protected key or recovery key envelope did not decrypt: wrong password (or
    /// username), or the envelope was altered. The two cannot be told apart, by design.
    case wrongPasswordOrCorruptedEnvelope
    /// An `encryptedPrivateKey` envelope is not the documented layout (base64 of
    /// `{"iv":…,"key":…}`).
    case malformedEnvelope(String)
    /// A recovery code is not `D1-` followed by 32 characters of the recovery alphabet grouped
    /// 6-5-5-5-5-6.
    case invalidRecoveryCode
    /// A challenge, credential id, username or other argument is not acceptable (e.g. empty).
    case invalidArgument(String)
    /// An external signer (HSM, KMS) reported a failure; the text is what it reported.
    case externalSignerFailed(String)
    /// An external signer returned bytes that are not a signature of the expected shape
    /// (e.g. not DER for ECDSA, not 64 bytes for Ed25519).
    case externalSignatureMalformed(String)
    /// An external signer returned a signature that does not verify with the credential's public
    /// key; it was not sent.
    case externalSignatureInvalid
    /// The public key given for an external signer is not of the declared key kind.
    case keyKindMismatch(String)
    /// An unexpected failure of the cryptographic library (random source, key export).
    case cryptoFailure(String)

    /// A one-line description without secrets.
    public var description: String {
        switch self {
        case .credentialNotAllowed(let id):
            return "credential \(id) is not in the challenge's allowCredentials.key list"
        case .passkeyNotAllowed(let id):
            return "passkey credential \(id) is not in the challenge's allowCredentials.webauthn list"
        case .unsupportedKeyType(let m): return "unsupported key type: \(m)"
        case .invalidKeyEncoding(let m): return "invalid key encoding: \(m)"
        case .wrongPasswordOrCorruptedEnvelope: return "wrong password or corrupted envelope"
        case .malformedEnvelope(let m): return "malformed encrypted key envelope: \(m)"
        case .invalidRecoveryCode: return "invalid recovery code format"
        case .invalidArgument(let m): return "invalid argument: \(m)"
        case .externalSignerFailed(let m): return "external signer failed: \(m)"
        case .externalSignatureMalformed(let m): return "external signer returned a malformed signature: \(m)"
        case .externalSignatureInvalid:
            return "external signer returned a signature that does not verify with the credential's public key"
        case .keyKindMismatch(let m): return "key kind mismatch: \(m)"
        case .cryptoFailure(let m): return "cryptographic failure: \(m)"
        }
    }
}
