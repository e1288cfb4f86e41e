import DfnsEncoding

/// `PublicKeyCredentialCreationOptionsJSON` (WebAuthn L3 §5.1): the options a relying party sends
/// for a registration, which a browser's `PublicKeyCredential.parseCreationOptionsFromJSON()` or a
/// platform SDK's JSON API takes as they are. Build one from a policy with
/// ``RelyingPartyPolicy/creationOptions(_:)``; ``text`` is its canonical JSON.
public struct PublicKeyCredentialCreationOptionsJSON: Sendable, Equatable {
    /// `rp.id`; nil leaves it to the client (the caller's origin's effective domain).
    public var rpId: String?
    /// `rp.name`.
    public var rpName: String
    /// `user.id`: the user handle, at most 64 bytes, no personal information.
    public var userId: [UInt8]
    /// `user.name`.
    public var userName: String
    /// `user.displayName`.
    public var userDisplayName: String
    /// `challenge`: the bytes the relying party keeps to verify the response.
    public var challenge: [UInt8]
    /// `pubKeyCredParams`: COSE algorithm identifiers, most preferred first.
    public var algorithms: [Int64]
    /// `timeout` in milliseconds, nil to leave it out.
    public var timeout: UInt32?
    /// `excludeCredentials`: the user's existing credentials.
    public var excludeCredentials: [PublicKeyCredentialDescriptorJSON]
    /// `authenticatorSelection`, nil to leave it out.
    public var authenticatorSelection: AuthenticatorSelectionCriteria?
    /// `hints`.
    public var hints: [PublicKeyCredentialHint]
    /// `attestation`.
    public var attestation: AttestationConveyancePreference
    /// `extensions` as a JSON object, nil to leave it out.
    public var extensions: JSONValue?

    /// Creates options from their parts (no checks; ``RelyingPartyPolicy/creationOptions(_:)``
    /// checks what it builds).
    public init(rpId: String?, rpName: String, userId: [UInt8], userName: String, userDisplayName: String,
                challenge: [UInt8], algorithms: [Int64], timeout: UInt32? = nil,
                excludeCredentials: [PublicKeyCredentialDescriptorJSON] = [],
                authenticatorSelection: AuthenticatorSelectionCriteria? = nil, hints: [PublicKeyCredentialHint] = [],
                attestation: AttestationConveyancePreference = .none, extensions: JSONValue? = nil) {
        self.rpId = rpId
        self.rpName = rpName
        self.userId = userId
        self.userName = userName
        self.userDisplayName = userDisplayName
        self.challenge = challenge
        self.algorithms = algorithms
        self.timeout = timeout
        self.excludeCredentials = excludeCredentials
        self.authenticatorSelection = authenticatorSelection
        self.hints = hints
        self.attestation = attestation
        self.extensions = extensions
    }

    /// The document, members sorted (canonical).
    public var json: JSONValue {
        var rp: [(String, JSONValue)] = [("name", .string(rpName))]
        if let rpId { rp.append(("id", .string(rpId))) }
        var members: [(String, JSONValue)] = [
            ("rp", .object(rp)),
            ("user", .object([("id", .string(Base64URL.encode(userId))), ("name", .string(userName)),
                              ("displayName", .string(userDisplayName))])),
            ("challenge", .string(Base64URL.encode(challenge))),
            ("pubKeyCredParams", .array(algorithms.map { .object([("type", .string("public-key")), ("alg", .number(String($0)))]) })),
            ("excludeCredentials", .array(excludeCredentials.map(\.json))),
            ("attestation", .string(attestation.rawValue)),
        ]
        if let timeout { members.append(("timeout", .number(String(timeout)))) }
        if let authenticatorSelection { members.append(("authenticatorSelection", authenticatorSelection.json)) }
        if !hints.isEmpty { members.append(("hints", .array(hints.map { .string($0.rawValue) }))) }
        if let extensions { members.append(("extensions", extensions)) }
        return CanonicalJSON.sorted(.object(members))
    }

    /// The canonical JSON text.
    public var text: String { JSONWriter.string(json) }
}

/// `AuthenticatorSelectionCriteria` (§5.4.4).
public struct AuthenticatorSelectionCriteria: Sendable, Equatable {
    /// `authenticatorAttachment`, nil to leave it out (any).
    public var authenticatorAttachment: AuthenticatorAttachment?
    /// `residentKey`, nil to leave it out.
    public var residentKey: ResidentKeyRequirement?
    /// `requireResidentKey` (Level 1's form; true exactly when ``residentKey`` is `required`).
    public var requireResidentKey: Bool
    /// `userVerification`.
    public var userVerification: UserVerificationRequirement

    /// Creates the criteria; `requireResidentKey` defaults to `residentKey == .required`.
    public init(authenticatorAttachment: AuthenticatorAttachment? = nil, residentKey: ResidentKeyRequirement? = nil,
                requireResidentKey: Bool? = nil, userVerification: UserVerificationRequirement = .preferred) {
        self.authenticatorAttachment = authenticatorAttachment
        self.residentKey = residentKey
        self.requireResidentKey = requireResidentKey ?? (residentKey == .required)
        self.userVerification = userVerification
    }

    /// The JSON object.
    public var json: JSONValue {
        var members: [(String, JSONValue)] = [("requireResidentKey", .bool(requireResidentKey)),
                                              ("userVerification", .string(userVerification.rawValue))]
        if let authenticatorAttachment { members.append(("authenticatorAttachment", .string(authenticatorAttachment.rawValue))) }
        if let residentKey { members.append(("residentKey", .string(residentKey.rawValue))) }
        return .object(members)
    }
}
