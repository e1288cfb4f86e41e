import DfnsEncoding

/// `PublicKeyCredentialRequestOptionsJSON` (WebAuthn L3 §5.1): the options a relying party sends
/// for an assertion, as `PublicKeyCredential.parseRequestOptionsFromJSON()` and platform SDKs'
/// JSON APIs take them. Build one with ``RelyingPartyPolicy/requestOptions(_:)``; ``text`` is its
/// canonical JSON.
public struct PublicKeyCredentialRequestOptionsJSON: Sendable, Equatable {
    /// `challenge`: the bytes the relying party keeps to verify the response.
    public var challenge: [UInt8]
    /// `rpId`, nil to leave it to the client.
    public var rpId: String?
    /// `allowCredentials`; empty lets the user pick any discoverable credential.
    public var allowCredentials: [PublicKeyCredentialDescriptorJSON]
    /// `userVerification`.
    public var userVerification: UserVerificationRequirement
    /// `timeout` in milliseconds, nil to leave it out.
    public var timeout: UInt32?
    /// `hints`.
    public var hints: [PublicKeyCredentialHint]
    /// `extensions` as a JSON object, nil to leave it out.
    public var extensions: JSONValue?

    /// Creates options from their parts.
    public init(challenge: [UInt8], rpId: String?, allowCredentials: [PublicKeyCredentialDescriptorJSON] = [],
                userVerification: UserVerificationRequirement = .preferred, timeout: UInt32? = nil,
                hints: [PublicKeyCredentialHint] = [], extensions: JSONValue? = nil) {
        self.challenge = challenge
        self.rpId = rpId
        self.allowCredentials = allowCredentials
        self.userVerification = userVerification
        self.timeout = timeout
        self.hints = hints
        self.extensions = extensions
    }

    /// The document, members sorted (canonical).
    public var json: JSONValue {
        var members: [(String, JSONValue)] = [
            ("challenge", .string(Base64URL.encode(challenge))),
            ("allowCredentials", .array(allowCredentials.map(\.json))),
            ("userVerification", .string(userVerification.rawValue)),
        ]
        if let rpId { members.append(("rpId", .string(rpId))) }
        if let timeout { members.append(("timeout", .number(String(timeout)))) }
        if !hints.isEmpty { members.append(("hints", .array(hints.map { .string($0.rawValue) }))) }
        if let extensions { members.append(("extensions", extensions)) }
        return CanonicalJSON.sorted(.object(members))
    }

    /// The canonical JSON text.
    public var text: String { JSONWriter.string(json) }
}
