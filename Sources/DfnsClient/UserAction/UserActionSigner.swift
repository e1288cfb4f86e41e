import DfnsEncoding
import DfnsProtocol

/// Signs user-action challenges for a client: given the challenge `POST /auth/action/init`
/// answered, return the `firstFactor` of `POST /auth/action` (`{"kind":"Key",
/// "credentialAssertion":{…}}` for a Key credential, `{"kind":"Fido2",…}` for a passkey).
///
/// Implemented by the Key signer over a private key, by the external-signer adapter (HSM/KMS), and
/// by hosts themselves. A thrown error becomes ``DfnsError/signer(_:)`` with the error's
/// description, so it must not contain secrets.
public protocol UserActionSigner: Sendable {
    func sign(_ challenge: UserActionChallenge) async throws -> JSONValue
}
