import DfnsEncoding

/// The pieces of a Key credential assertion (reference/dfns-protocol.md §2.2, §2.3): what a Key,
/// PasswordProtectedKey or RecoveryKey signer hands to `POST /auth/action` (as `firstFactor` or
/// `secondFactor`), to login, or to recovery.
public struct KeyAssertion: Sendable, Equatable {
    /// The credential id (`credId`).
    public let credentialId: String
    /// The exact clientData bytes that were signed.
    public let clientDataBytes: [UInt8]
    /// The signature bytes (Ed25519 raw, ECDSA DER, RSA PKCS#1 v1.5).
    public let signatureBytes: [UInt8]
    /// The optional `algorithm` member (nil: omitted). See ``KeyCredentialKind/assertionAlgorithm``.
    public let algorithm: String?

    /// An assertion from its parts.
    public init(credentialId: String, clientDataBytes: [UInt8], signatureBytes: [UInt8], algorithm: String? = nil) {
        self.credentialId = credentialId
        self.clientDataBytes = clientDataBytes
        self.signatureBytes = signatureBytes
        self.algorithm = algorithm
    }

    /// `clientData`: base64url (no padding) of the exact clientData bytes.
    public var clientData: String { Base64URL.encode(clientDataBytes) }

    /// `signature`: base64url (no padding) of the signature bytes.
    public var signature: String { Base64URL.encode(signatureBytes) }

    /// `{"credId":…,"clientData":…,"signature":…[,"algorithm":…]}`.
    public var credentialAssertion: JSONValue {
        var members: [(String, JSONValue)] = [
            ("credId", .string(credentialId)),
            ("clientData", .string(clientData)),
            ("signature", .string(signature)),
        ]
        if let algorithm { members.append(("algorithm", .string(algorithm))) }
        return .object(members)
    }

    /// The `firstFactor`/`secondFactor` object of a Key credential:
    /// `{"kind":"Key","credentialAssertion":{…}}`.
    public var jsonValue: JSONValue { jsonValue(kind: "Key") }

    /// The same object with another credential kind: `PasswordProtectedKey` for a
    /// password-protected key, `RecoveryKey` for the `recovery` member of `POST /auth/recover/user`.
    public func jsonValue(kind: String) -> JSONValue {
        .object([
            ("kind", .string(kind)),
            ("credentialAssertion", credentialAssertion),
        ])
    }
}
