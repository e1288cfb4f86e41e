/// What a `PublicKeyCredential.toJSON()` document reports beside the authenticator's signed
/// response: values the client chose or observed, which nothing signs. A relying party stores
/// `transports` with the credential (for later `allowCredentials` hints) and reads the extension
/// outputs it asked for; it must not base a security decision on them alone.
public struct CredentialClientOutputs: Sendable, Equatable {
    /// `response.transports` of a registration; nil for an assertion or when absent.
    public var transports: [String]?
    /// `authenticatorAttachment`, nil when absent.
    public var authenticatorAttachment: String?
    /// `clientExtensionResults`.
    public var clientExtensionResults: ClientExtensionResults
    /// `response.userHandle` of an assertion, nil when absent or for a registration.
    public var userHandle: [UInt8]?

    /// Creates the outputs from their parts.
    public init(transports: [String]?, authenticatorAttachment: String?,
                clientExtensionResults: ClientExtensionResults, userHandle: [UInt8]?) {
        self.transports = transports
        self.authenticatorAttachment = authenticatorAttachment
        self.clientExtensionResults = clientExtensionResults
        self.userHandle = userHandle
    }
}
