import DfnsEncoding

/// An assertion's `PublicKeyCredential.toJSON()` output (`AuthenticationResponseJSON`, WebAuthn L3
/// §5.1), read with the rules of ``RegistrationResponseJSON``.
///
/// A relying party reads ``rawId`` (and ``userHandle`` for a discoverable credential) first to look
/// the credential up, then verifies with ``AssertionVerifier/verify(response:expectedChallenge:credential:)``.
public struct AuthenticationResponseJSON: Sendable, Equatable {
    /// The largest document accepted, in bytes.
    public static let maxLength = 1 << 20

    /// `rawId` (equal to `id`), decoded: the credential to look up.
    public var rawId: [UInt8]
    /// `response.clientDataJSON`, decoded: the exact bytes to verify.
    public var clientDataJSON: [UInt8]
    /// `response.authenticatorData`, decoded.
    public var authenticatorData: [UInt8]
    /// `response.signature`, decoded.
    public var signature: [UInt8]
    /// `response.userHandle`, decoded; nil when absent (it is present for discoverable credentials).
    public var userHandle: [UInt8]?
    /// `authenticatorAttachment`: `platform` or `cross-platform`, nil when absent.
    public var authenticatorAttachment: String?
    /// `clientExtensionResults`.
    public var clientExtensionResults: ClientExtensionResults

    /// Parses `json`, the document's UTF-8 bytes.
    /// - Throws: ``WebAuthnError/Code/inputTooLarge`` above ``maxLength``;
    ///   ``WebAuthnError/Code/malformedCredentialJSON`` naming the member at fault.
    public init(json: [UInt8]) throws(WebAuthnError) {
        let (reader, rawId) = try CredentialJSONReader.document(json, maxLength: Self.maxLength, what: "AuthenticationResponseJSON")
        try self.init(reader: reader, rawId: rawId)
    }

    /// Reads an already parsed document.
    public init(value: JSONValue) throws(WebAuthnError) {
        let (reader, rawId) = try CredentialJSONReader.common(value)
        try self.init(reader: reader, rawId: rawId)
    }

    private init(reader: CredentialJSONReader, rawId: [UInt8]) throws(WebAuthnError) {
        self.rawId = rawId
        let response = try reader.object("response")
        clientDataJSON = try response.base64URL("clientDataJSON")
        authenticatorData = try response.base64URL("authenticatorData")
        signature = try response.base64URL("signature")
        userHandle = try response.optionalBase64URL("userHandle")
        authenticatorAttachment = try reader.optionalString("authenticatorAttachment")
        clientExtensionResults = try ClientExtensionResults(in: reader)
    }

    /// What the client reported beside the authenticator's signed response.
    public var clientOutputs: CredentialClientOutputs {
        CredentialClientOutputs(transports: nil, authenticatorAttachment: authenticatorAttachment,
                                clientExtensionResults: clientExtensionResults, userHandle: userHandle)
    }
}
