/// A registration verified from its `RegistrationResponseJSON`: the verified credential, and what
/// the client reported beside it.
public struct RegistrationJSONResult: Sendable {
    /// The verified registration: the credential to store.
    public let registration: RegistrationResult
    /// Transports, attachment and extension outputs as the client reported them (unsigned).
    public let clientOutputs: CredentialClientOutputs

    /// Pairs a verified registration with the client's outputs.
    public init(registration: RegistrationResult, clientOutputs: CredentialClientOutputs) {
        self.registration = registration
        self.clientOutputs = clientOutputs
    }
}
