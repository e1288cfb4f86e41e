import DfnsEncoding

/// `AuthenticationExtensionsClientInputsJSON`: the extension inputs of a ceremony's options.
/// The extensions this library verifies are typed; any other goes in ``other``.
public struct CredentialExtensionInputs: Sendable, Equatable {
    /// Ask for `credProps` (registration): the client reports whether the credential is discoverable.
    public var credProps: Bool = false
    /// `appid` (assertion, §10.1.1): the FIDO U2F AppID of credentials registered through U2F.
    public var appid: String? = nil
    /// `appidExclude` (registration, §10.1.2): the U2F AppID to check the exclude list against.
    public var appidExclude: String? = nil
    /// Further extension inputs as a JSON object (e.g. `{"largeBlob":{"support":"preferred"}}`),
    /// or nil. A member may not repeat a typed one.
    public var other: JSONValue? = nil

    /// No extensions.
    public init() {}

    /// The inputs as a JSON object, nil when there are none.
    /// - Throws: ``WebAuthnError/Code/invalidArgument`` for an empty AppID, an ``other`` that is
    ///   not an object, or one that repeats a typed member.
    func json(_ what: String) throws(WebAuthnError) -> JSONValue? {
        var members: [(String, JSONValue)] = []
        if credProps { members.append(("credProps", .bool(true))) }
        if let appid {
            guard !appid.isEmpty else { throw WebAuthnError(.invalidArgument, "\(what).appid is empty") }
            members.append(("appid", .string(appid)))
        }
        if let appidExclude {
            guard !appidExclude.isEmpty else { throw WebAuthnError(.invalidArgument, "\(what).appidExclude is empty") }
            members.append(("appidExclude", .string(appidExclude)))
        }
        if let other {
            guard case .object(let extra) = other else {
                throw WebAuthnError(.invalidArgument, "\(what) (other inputs) is a JSON \(other.typeName), not an object")
            }
            for (name, value) in extra {
                guard !members.contains(where: { $0.0 == name }) else {
                    throw WebAuthnError(.invalidArgument, "\(what).\(name) is given twice (typed and in the other inputs)")
                }
                members.append((name, value))
            }
        }
        return members.isEmpty ? nil : .object(members)
    }
}
