/// Why ``ReturnedSignatureVerifier`` refused a signature returned by the Dfns keys API.
public enum ReturnedSignatureError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The key's `publicKey` hex is not a key of the expected curve (length, prefix, off the curve).
    case malformedPublicKey(String)
    /// `r`, `s` or the signed data are not what the scheme needs (hex, lengths, range).
    case malformedSignature(String)
    /// `recid` is not 0...3.
    case invalidRecoveryId(Int)
    /// `s` is above half the group order; Dfns returns low-S secp256k1 signatures, and blockchains
    /// (EIP-2, BIP 62) refuse the other form.
    case highS
    /// No public key can be recovered from (`digest`, `r`, `s`, `recid`).
    case recoveryFailed
    /// The key recovered from the signature is not the key's public key: the signature is by another
    /// key, over other data, or `recid` is wrong.
    case recoveredKeyMismatch
    /// The signature does not verify with the public key over the signed data.
    case signatureInvalid
    /// `encoded` does not describe the same signature as `r`, `s` (and `recid`).
    case encodedMismatch(String)

    /// A one-line description.
    public var description: String {
        switch self {
        case .malformedPublicKey(let m): return "malformed public key: \(m)"
        case .malformedSignature(let m): return "malformed signature: \(m)"
        case .invalidRecoveryId(let id): return "recovery id \(id) is not 0...3"
        case .highS: return "signature has a high S value (not canonical)"
        case .recoveryFailed: return "no public key can be recovered from the signature"
        case .recoveredKeyMismatch: return "the key recovered from the signature is not the expected public key"
        case .signatureInvalid: return "signature does not verify"
        case .encodedMismatch(let m): return "encoded signature does not match r and s: \(m)"
        }
    }
}
