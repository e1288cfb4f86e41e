import DfnsEncoding

/// `clientExtensionResults` of a `PublicKeyCredential.toJSON()` document: the client's extension
/// outputs (WebAuthn L3 §9–10), which the client reports and nothing signs.
///
/// The extensions a relying party acts on are typed; each is checked for its type when present and
/// refused with its path named otherwise. Other members are kept in ``json`` as received.
/// PRF outputs (`prf.results`) are secrets derived by the authenticator: only their presence is
/// reported, and they are left out of ``json``.
public struct ClientExtensionResults: Sendable, Equatable {
    /// `credProps.rk`: whether the credential is client-side discoverable, when the client knows.
    public var credentialPropertiesResidentKey: Bool?
    /// Whether `credProps` was present at all.
    public var credentialPropertiesPresent: Bool
    /// `appid`: the FIDO U2F AppID was used for this assertion instead of the RP ID (§10.1.1).
    public var appid: Bool?
    /// `appidExclude`: the client checked the exclude list against the AppID too (§10.1.2).
    public var appidExclude: Bool?
    /// `largeBlob.supported` (registration).
    public var largeBlobSupported: Bool?
    /// `largeBlob.blob` (an assertion's read), decoded.
    public var largeBlobRead: [UInt8]?
    /// `largeBlob.written` (an assertion's write).
    public var largeBlobWritten: Bool?
    /// `prf.enabled` (registration).
    public var prfEnabled: Bool?
    /// Whether `prf.results` was present (its values are not kept).
    public var prfResultsPresent: Bool
    /// `hmacCreateSecret` (CTAP2 hmac-secret at registration).
    public var hmacCreateSecret: Bool?
    /// The whole object as received, `prf.results` removed, members sorted (canonical form).
    public var json: JSONValue

    /// No extension outputs: `{}`.
    public init() {
        credentialPropertiesPresent = false
        prfResultsPresent = false
        json = .object([])
    }

    /// Reads the `clientExtensionResults` member of `reader`'s object (required by WebAuthn L3).
    init(in reader: CredentialJSONReader) throws(WebAuthnError) {
        self.init()
        let object = try reader.object("clientExtensionResults")
        if let props = try object.optionalObject("credProps") {
            credentialPropertiesPresent = true
            credentialPropertiesResidentKey = try props.optionalBool("rk")
        }
        appid = try object.optionalBool("appid")
        appidExclude = try object.optionalBool("appidExclude")
        if let largeBlob = try object.optionalObject("largeBlob") {
            largeBlobSupported = try largeBlob.optionalBool("supported")
            largeBlobRead = try largeBlob.optionalBase64URL("blob")
            largeBlobWritten = try largeBlob.optionalBool("written")
        }
        var kept = object.members
        if let prf = try object.optionalObject("prf") {
            prfEnabled = try prf.optionalBool("enabled")
            if let results = try prf.optionalObject("results") {
                prfResultsPresent = true
                _ = try results.base64URL("first")
                _ = try results.optionalBase64URL("second")
                let withoutResults = prf.members.filter { $0.0 != "results" }
                kept = kept.map { $0.0 == "prf" ? ("prf", .object(withoutResults)) : $0 }
            }
        }
        hmacCreateSecret = try object.optionalBool("hmacCreateSecret")
        json = CanonicalJSON.sorted(.object(kept))
    }
}
