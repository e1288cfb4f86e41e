import DfnsCrypto
import DfnsEncoding
import DfnsProtocol

/// The creation payload of a Key credential (and of PasswordProtectedKey and RecoveryKey
/// credentials, which attest the same way), for registration, delegated registration, recovery
/// and `POST /auth/credentials` (reference/dfns-protocol.md §3.4):
///
/// 1. clientData `{"challenge":"<challenge>","type":"key.create"}` (sorted, compact);
/// 2. clientDataHash = lower-case hex SHA-256 of it;
/// 3. fingerprint `{"clientDataHash":"<hex>","publicKey":"<PEM>"}` (compact, in that order);
/// 4. signature over the fingerprint bytes with the new key (SHA-256; DER for ECDSA), hex-encoded;
/// 5. attestationData `{"algorithm"?,"publicKey","signature"}` (sorted, compact), sent as base64url.
public struct KeyAttestation: Sendable, Equatable {
    /// `credentialKind`: `Key`, `PasswordProtectedKey` or `RecoveryKey`.
    public let credentialKind: String
    /// The credential id (`credId`).
    public let credentialId: String
    /// The exact clientData bytes.
    public let clientDataBytes: [UInt8]
    /// SHA-256 of the clientData bytes.
    public let clientDataHash: [UInt8]
    /// The public key PEM written into the fingerprint and the attestationData.
    public let publicKeyPEM: String
    /// The fingerprint bytes that were signed.
    public let fingerprint: [UInt8]
    /// The signature over the fingerprint (Ed25519 raw, ECDSA DER, RSA PKCS#1 v1.5).
    public let signatureBytes: [UInt8]
    /// The `algorithm` member of the attestationData, or nil when omitted.
    public let algorithm: String?
    /// The exact attestationData JSON bytes.
    public let attestationDataBytes: [UInt8]
    /// The optional `credentialName`.
    public let credentialName: String?
    /// The `encryptedPrivateKey` sent beside `credentialInfo` for PasswordProtectedKey (required)
    /// and RecoveryKey (optional) credentials; nil for a Key credential.
    public let encryptedPrivateKey: String?

    /// Attests `credential` for the registration or credential challenge string `challenge`.
    ///
    /// - Parameters:
    ///   - credential: the new credential (its id becomes `credId`).
    ///   - challenge: the `challenge` of the registration/credential challenge, verbatim.
    ///   - credentialName: the optional `credentialName`.
    ///   - credentialKind: `Key` (default); ``PasswordProtectedKey`` and ``RecoveryKey`` pass theirs.
    ///   - encryptedPrivateKey: the envelope sent with PasswordProtectedKey/RecoveryKey credentials.
    /// - Throws: ``SignerError/invalidArgument(_:)`` for an empty challenge, or
    ///   ``SignerError/cryptoFailure(_:)``.
    public init(credential: KeyCredential, challenge: String, credentialName: String? = nil,
                credentialKind: String = "Key", encryptedPrivateKey: String? = nil) throws(SignerError) {
        guard !challenge.isEmpty else { throw .invalidArgument("empty challenge") }
        let clientData = KeyClientData.attestation(challenge: challenge)
        let hash = SHA256.hash(clientData)
        let pem = credential.publicKeyPEM
        let fingerprint = KeyClientData.credentialInfoFingerprint(clientDataHash: hash, publicKeyPEM: pem)
        let signature = try credential.signature(over: fingerprint)
        let algorithm = credential.kind.attestationAlgorithm
        self.credentialKind = credentialKind
        self.credentialId = credential.credentialId
        self.clientDataBytes = clientData
        self.clientDataHash = hash
        self.publicKeyPEM = pem
        self.fingerprint = fingerprint
        self.signatureBytes = signature
        self.algorithm = algorithm
        self.attestationDataBytes = KeyAttestation.attestationData(publicKeyPEM: pem, signature: signature,
                                                                   algorithm: algorithm)
        self.credentialName = credentialName
        self.encryptedPrivateKey = encryptedPrivateKey
    }

    /// The attestationData document `{"algorithm":…,"publicKey":…,"signature":"<hex>"}`: members
    /// sorted (as the reference vector has them; the server accepts any order), compact, the
    /// signature lower-case hex; `algorithm` omitted when nil.
    public static func attestationData(publicKeyPEM: String, signature: [UInt8], algorithm: String?) -> [UInt8] {
        var members: [(String, JSONValue)] = []
        if let algorithm { members.append(("algorithm", .string(algorithm))) }
        members.append(("publicKey", .string(publicKeyPEM)))
        members.append(("signature", .string(Hex.encode(signature))))
        return JSONWriter.bytes(.object(members))
    }

    /// `clientDataHash` as lower-case hex.
    public var clientDataHashHex: String { Hex.encode(clientDataHash) }

    /// The signature as lower-case hex (the attestationData's `signature`).
    public var signatureHex: String { Hex.encode(signatureBytes) }

    /// `clientData` as sent: base64url of the exact bytes.
    public var clientData: String { Base64URL.encode(clientDataBytes) }

    /// `attestationData` as sent: base64url of the exact bytes.
    public var attestationData: String { Base64URL.encode(attestationDataBytes) }

    /// `{"credId":…,"clientData":…,"attestationData":…}`.
    public var credentialInfo: JSONValue {
        .object([
            ("credId", .string(credentialId)),
            ("clientData", .string(clientData)),
            ("attestationData", .string(attestationData)),
        ])
    }

    /// The credential object of a registration or `POST /auth/credentials`:
    /// `{"credentialKind":…,"credentialInfo":{…}[,"credentialName":…][,"encryptedPrivateKey":…]}`.
    public var jsonValue: JSONValue {
        var members: [(String, JSONValue)] = [
            ("credentialKind", .string(credentialKind)),
            ("credentialInfo", credentialInfo),
        ]
        if let credentialName { members.append(("credentialName", .string(credentialName))) }
        if let encryptedPrivateKey { members.append(("encryptedPrivateKey", .string(encryptedPrivateKey))) }
        return .object(members)
    }
}
