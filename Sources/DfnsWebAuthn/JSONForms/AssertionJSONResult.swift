/// An assertion verified from its `AuthenticationResponseJSON`: the verified values, and what the
/// client reported beside them.
public struct AssertionJSONResult: Sendable {
    /// The verified assertion: the values to update in the credential record.
    public let assertion: AssertionResult
    /// Attachment, extension outputs and the user handle as the client reported them.
    public let clientOutputs: CredentialClientOutputs

    /// Pairs a verified assertion with the client's outputs.
    public init(assertion: AssertionResult, clientOutputs: CredentialClientOutputs) {
        self.assertion = assertion
        self.clientOutputs = clientOutputs
    }

    /// Whether the client reported `appid: true`: it asserted with the FIDO U2F AppID instead of
    /// the RP ID, so the authenticator data's rpIdHash is SHA-256 of the AppID.
    public var appidExtensionUsed: Bool { clientOutputs.clientExtensionResults.appid == true }
}
