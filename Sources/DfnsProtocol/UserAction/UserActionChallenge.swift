import DfnsEncoding

/// The challenge `POST /auth/action/init` answers (reference/dfns-protocol.md §2.1), also what a
/// delegated `init` hands to the end user's device. Unknown members are ignored; `rp` is kept only
/// because older servers send it (it is deprecated: configure the relying party client-side).
public struct UserActionChallenge: Codable, Sendable, Equatable {
    /// The base64url text to put verbatim into the clientData.
    public var challenge: String
    /// The JWT that identifies the signing session; echoed in `POST /auth/action`.
    public var challengeIdentifier: String
    public var userVerification: String?
    public var attestation: String?
    public var supportedCredentialKinds: [SupportedCredentialKind]?
    public var allowCredentials: AllowCredentials?
    public var rp: RelyingParty?
    public var externalAuthenticationUrl: String?

    public init(challenge: String, challengeIdentifier: String, userVerification: String? = nil,
                attestation: String? = nil, supportedCredentialKinds: [SupportedCredentialKind]? = nil,
                allowCredentials: AllowCredentials? = nil, rp: RelyingParty? = nil,
                externalAuthenticationUrl: String? = nil) {
        self.challenge = challenge
        self.challengeIdentifier = challengeIdentifier
        self.userVerification = userVerification
        self.attestation = attestation
        self.supportedCredentialKinds = supportedCredentialKinds
        self.allowCredentials = allowCredentials
        self.rp = rp
        self.externalAuthenticationUrl = externalAuthenticationUrl
    }

    /// The credential ids of `allowCredentials.key`, or nil when the challenge has no such list.
    public var allowedKeyCredentialIds: [String]? {
        allowCredentials?.key?.map(\.id)
    }
}

/// One `supportedCredentialKinds` entry: a credential kind and the factor it may serve as.
public struct SupportedCredentialKind: Codable, Sendable, Equatable {
    /// `Fido2`, `Key`, `Password`, `Totp`, `RecoveryKey`, `PasswordProtectedKey`.
    public var kind: String
    /// `first`, `second` or `either`.
    public var factor: String
    public var requiresSecondFactor: Bool?

    public init(kind: String, factor: String, requiresSecondFactor: Bool? = nil) {
        self.kind = kind
        self.factor = factor
        self.requiresSecondFactor = requiresSecondFactor
    }
}

/// The credentials allowed to sign a challenge, by kind.
public struct AllowCredentials: Codable, Sendable, Equatable {
    public var key: [CredentialDescriptor]?
    public var webauthn: [CredentialDescriptor]?
    public var passwordProtectedKey: [PasswordProtectedKeyDescriptor]?

    public init(key: [CredentialDescriptor]? = nil, webauthn: [CredentialDescriptor]? = nil,
                passwordProtectedKey: [PasswordProtectedKeyDescriptor]? = nil) {
        self.key = key
        self.webauthn = webauthn
        self.passwordProtectedKey = passwordProtectedKey
    }
}

/// `{"type":"public-key","id":…}`.
public struct CredentialDescriptor: Codable, Sendable, Equatable {
    public var type: String
    public var id: String

    public init(id: String, type: String = "public-key") {
        self.type = type
        self.id = id
    }
}

/// A password-protected key the caller may decrypt and sign with.
public struct PasswordProtectedKeyDescriptor: Codable, Sendable, Equatable {
    public var type: String
    public var id: String
    public var encryptedPrivateKey: String

    public init(id: String, encryptedPrivateKey: String, type: String = "public-key") {
        self.type = type
        self.id = id
        self.encryptedPrivateKey = encryptedPrivateKey
    }
}

/// `{"id":…,"name":…}`.
public struct RelyingParty: Codable, Sendable, Equatable {
    public var id: String
    public var name: String?

    public init(id: String, name: String? = nil) {
        self.id = id
        self.name = name
    }
}
