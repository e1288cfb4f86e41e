import DfnsEncoding

/// `PublicKeyCredentialDescriptorJSON`: a credential named in `excludeCredentials` or
/// `allowCredentials`, with the transports stored at its registration.
public struct PublicKeyCredentialDescriptorJSON: Sendable, Equatable {
    /// The credential ID.
    public var id: [UInt8]
    /// The transports the client reported at registration, passed back as hints; strings (not
    /// ``AuthenticatorTransport``) because WebAuthn asks relying parties to store and return
    /// values they do not know.
    public var transports: [String]

    /// A descriptor for credential `id`.
    public init(id: [UInt8], transports: [String] = []) {
        self.id = id
        self.transports = transports
    }

    /// `{"id":…,"transports":[…],"type":"public-key"}`; `transports` left out when empty.
    public var json: JSONValue {
        var members: [(String, JSONValue)] = [("id", .string(Base64URL.encode(id))), ("type", .string("public-key"))]
        if !transports.isEmpty { members.append(("transports", .array(transports.map(JSONValue.string)))) }
        return .object(members)
    }

    /// Checks what a relying party may not send: an empty ID, or one longer than 1023 bytes.
    func validate(_ what: String) throws(WebAuthnError) {
        guard !id.isEmpty, id.count <= 1023 else {
            throw WebAuthnError(.invalidArgument, "\(what).id is \(id.count) bytes, expected 1...1023")
        }
        for transport in transports where transport.isEmpty {
            throw WebAuthnError(.invalidArgument, "\(what).transports has an empty string")
        }
    }
}
