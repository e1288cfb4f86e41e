/// The per-ceremony inputs of a registration's options; the policy supplies the rest (RP ID,
/// algorithms, the user-verification floor). See ``RelyingPartyPolicy/creationOptions(_:)``.
public struct RegistrationOptionsInputs: Sendable, Equatable {
    /// The challenge to use, at least 16 bytes; nil draws 32 random bytes.
    public var challenge: [UInt8]? = nil
    /// `rp.name`, shown to the user.
    public var rpName: String
    /// `user.id`: the user handle, 1 to 64 bytes, no personal information.
    public var userId: [UInt8]
    /// `user.name`, e.g. an e-mail address.
    public var userName: String
    /// `user.displayName`; may be empty.
    public var userDisplayName: String
    /// The user's registered credentials (with their stored transports), so none is registered twice.
    public var excludeCredentials: [PublicKeyCredentialDescriptorJSON] = []
    /// `attestation` [none].
    public var attestation: AttestationConveyancePreference = .none
    /// `authenticatorSelection.residentKey`, nil to leave it out.
    public var residentKey: ResidentKeyRequirement? = nil
    /// `authenticatorSelection.authenticatorAttachment`, nil for any.
    public var authenticatorAttachment: AuthenticatorAttachment? = nil
    /// `authenticatorSelection.userVerification`; nil derives it from the policy (`required` when
    /// the policy requires UV, else `preferred`). A policy that requires UV refuses anything but
    /// `required`.
    public var userVerification: UserVerificationRequirement? = nil
    /// `hints`.
    public var hints: [PublicKeyCredentialHint] = []
    /// `extensions` (`credProps`, `appidExclude`, others).
    public var extensions = CredentialExtensionInputs()
    /// `timeout` in milliseconds (at least 1), nil to leave it out.
    public var timeout: UInt32? = nil

    /// Inputs for registering `userName`'s credential with user handle `userId` at `rpName`.
    public init(rpName: String, userId: [UInt8], userName: String, userDisplayName: String) {
        self.rpName = rpName
        self.userId = userId
        self.userName = userName
        self.userDisplayName = userDisplayName
    }
}

/// The per-ceremony inputs of an assertion's options. See ``RelyingPartyPolicy/requestOptions(_:)``.
public struct AuthenticationOptionsInputs: Sendable, Equatable {
    /// The challenge to use, at least 16 bytes; nil draws 32 random bytes.
    public var challenge: [UInt8]? = nil
    /// The credentials that may answer (with their stored transports); empty for a discoverable
    /// credential the user picks.
    public var allowCredentials: [PublicKeyCredentialDescriptorJSON] = []
    /// `userVerification`; nil derives it from the policy, as in ``RegistrationOptionsInputs``.
    public var userVerification: UserVerificationRequirement? = nil
    /// `hints`.
    public var hints: [PublicKeyCredentialHint] = []
    /// `extensions` (`appid`, others).
    public var extensions = CredentialExtensionInputs()
    /// `timeout` in milliseconds (at least 1), nil to leave it out.
    public var timeout: UInt32? = nil

    /// Inputs with every default.
    public init() {}
}
