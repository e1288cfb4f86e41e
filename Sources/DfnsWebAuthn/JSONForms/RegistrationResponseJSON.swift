import DfnsEncoding

/// A registration's `PublicKeyCredential.toJSON()` output (`RegistrationResponseJSON`, WebAuthn L3
/// §5.1), read strictly: every base64url member decoded, every member type-checked, `id` equal to
/// `rawId`, `type` equal to `public-key`, duplicate member names refused; unknown members ignored.
///
/// `transports`, `authenticatorData`, `publicKey` and `publicKeyAlgorithm` are required by L3 but
/// absent from clients written against Level 2 (and from many native SDKs), so they are optional
/// here. The convenience copies `authenticatorData`, `publicKey` and `publicKeyAlgorithm` are
/// type-checked and kept, but verification reads only `attestationObject`, which they duplicate.
public struct RegistrationResponseJSON: Sendable, Equatable {
    /// The largest document accepted, in bytes: attestation objects with certificate chains are a
    /// few kilobytes; base64url adds a third.
    public static let maxLength = 1 << 20

    /// `rawId` (equal to `id`), decoded.
    public var rawId: [UInt8]
    /// `response.clientDataJSON`, decoded: the exact bytes to verify.
    public var clientDataJSON: [UInt8]
    /// `response.attestationObject`, decoded.
    public var attestationObject: [UInt8]
    /// `response.transports`, as the client reported them (e.g. `internal`, `hybrid`, `usb`);
    /// nil when absent. Values are kept even when unknown, as WebAuthn asks.
    public var transports: [String]?
    /// `response.authenticatorData`, decoded (a copy of the attestation object's).
    public var authenticatorData: [UInt8]?
    /// `response.publicKey`: the credential key as DER SubjectPublicKeyInfo, decoded.
    public var publicKey: [UInt8]?
    /// `response.publicKeyAlgorithm`: the COSE algorithm identifier.
    public var publicKeyAlgorithm: Int32?
    /// `authenticatorAttachment`: `platform` or `cross-platform`, nil when absent.
    public var authenticatorAttachment: String?
    /// `clientExtensionResults`.
    public var clientExtensionResults: ClientExtensionResults

    /// Parses `json`, the document's UTF-8 bytes.
    /// - Throws: ``WebAuthnError/Code/inputTooLarge`` above ``maxLength``;
    ///   ``WebAuthnError/Code/malformedCredentialJSON`` naming the member at fault.
    public init(json: [UInt8]) throws(WebAuthnError) {
        let (reader, rawId) = try CredentialJSONReader.document(json, maxLength: Self.maxLength, what: "RegistrationResponseJSON")
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
        attestationObject = try response.base64URL("attestationObject")
        transports = try response.optionalStrings("transports")
        authenticatorData = try response.optionalBase64URL("authenticatorData")
        publicKey = try response.optionalBase64URL("publicKey")
        publicKeyAlgorithm = try response.optionalInt32("publicKeyAlgorithm")
        authenticatorAttachment = try reader.optionalString("authenticatorAttachment")
        clientExtensionResults = try ClientExtensionResults(in: reader)
    }

    /// What the client reported beside the authenticator's signed response.
    public var clientOutputs: CredentialClientOutputs {
        CredentialClientOutputs(transports: transports, authenticatorAttachment: authenticatorAttachment,
                                clientExtensionResults: clientExtensionResults, userHandle: nil)
    }
}
