import DfnsCBOR
import DfnsCrypto

/// The inputs of an attestation statement verification procedure (WebAuthn §8).
public struct AttestationContext: Sendable {
    /// `attStmt` as decoded from the attestation object.
    public let statement: CBORValue
    /// The parsed authenticator data (with attested credential data).
    public let authenticatorData: AuthenticatorData
    /// SHA-256 of clientDataJSON.
    public let clientDataHash: [UInt8]
    /// The credential public key from the attested credential data.
    public let credentialPublicKey: CredentialPublicKey
    /// The relying party's policy, with its ``RelyingPartyPolicy/verificationTime`` fixed to
    /// ``verificationTime``.
    public let policy: RelyingPartyPolicy
    /// The verification time in Unix seconds, for the time-dependent statement checks (SafetyNet
    /// freshness): the policy's ``RelyingPartyPolicy/verificationTime``, or the current time read
    /// once when the context was made. ``policy`` carries the same instant, so sub-statements and the
    /// trust evaluation made from it share it.
    public let verificationTime: Int64

    /// Creates the inputs for one statement verification.
    public init(statement: CBORValue, authenticatorData: AuthenticatorData, clientDataHash: [UInt8],
                credentialPublicKey: CredentialPublicKey, policy: RelyingPartyPolicy) {
        self.statement = statement
        self.authenticatorData = authenticatorData
        self.clientDataHash = clientDataHash
        self.credentialPublicKey = credentialPublicKey
        let pinned = policy.pinningVerificationTime()
        self.policy = pinned
        self.verificationTime = pinned.resolvedVerificationTime
    }

    /// `authData ‖ clientDataHash`: what packed, android-key and tpm statements sign.
    public var signedData: [UInt8] { authenticatorData.rawBytes + clientDataHash }

    /// The AAGUID from authenticator data (16 bytes).
    public var aaguid: [UInt8] { authenticatorData.aaguid ?? [] }
}
