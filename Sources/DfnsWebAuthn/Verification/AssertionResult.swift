import DfnsCBOR

/// What a verified assertion yields: the values to update in the credential record.
public struct AssertionResult: Sendable {
    /// The credential that signed.
    public let credentialId: [UInt8]
    /// The new signature counter to store.
    public let signCount: UInt32
    /// The authenticator data flags.
    public let flags: AuthenticatorFlags
    /// True when the counter did not increase and the policy only flags it (possible clone).
    public let signCountRegressed: Bool
    /// The authenticator extension outputs, if any.
    public let extensions: CBORValue?
    /// The identifier whose SHA-256 the `rpIdHash` is: the policy's ``RelyingPartyPolicy/rpId``,
    /// one of its ``RelyingPartyPolicy/additionalRpIds``, or its ``RelyingPartyPolicy/appid``
    /// (then ``appidUsed`` is true).
    public let rpId: String
    /// Whether the `rpIdHash` matched the policy's AppID (the U2F `appid` extension was used).
    public let appidUsed: Bool

    /// Whether the user was verified (UV).
    public var userVerified: Bool { flags.contains(.userVerified) }
    /// The current backup eligibility (BE).
    public var backupEligible: Bool { flags.contains(.backupEligible) }
    /// The current backup state (BS): store it with the record.
    public var backupState: Bool { flags.contains(.backupState) }
}
