import DfnsClient
import DfnsCrypto
import DfnsEncoding
import DfnsProtocol
import DfnsWebAuthn
import Foundation

/// Verifies a signed challenge (`firstFactor` of `/auth/action`, `/auth/login`, or the recovery
/// assertion) against the challenge issued and the user's stored credentials, with the library's
/// own WebAuthn and crypto layers. Errors name what differed: the credential, the challenge, the
/// origin, the signature.
public struct AssertionChecker: Sendable {
    public let organization: Organization

    public init(organization: Organization) {
        self.organization = organization
    }

    /// The outcome: the credential that signed, and its new signature counter (Fido2).
    public struct Verified: Sendable {
        public var credential: Credential
        public var newSignCount: Int64?
    }

    /// Origins a Key credential's clientData may name when it names one: the application's origin,
    /// and the default the Python SDK writes.
    var keyOrigins: [String] { [organization.origin, "https://app.dfns.io"] }

    /// Verifies `factor` (`{"kind", "credentialAssertion"}`) for `challenge` among `credentials`.
    /// `allowedKinds` says which credential kinds may sign here (a recovery key only signs a recovery).
    public func verify(factor: JSONValue, challenge: String, credentials: [Credential],
                       allowedKinds: Set<String>) throws(SandboxError) -> Verified {
        guard case .object = factor else { throw .badRequest("firstFactor must be an object") }
        let kind = try factor.requiredString("kind", in: "firstFactor")
        guard let assertion = factor["credentialAssertion"], case .object = assertion else {
            if kind == "Password" || kind == "Totp" {
                throw .badRequest("credential kind \(kind) is not supported by the sandbox (Key, PasswordProtectedKey, Fido2 and RecoveryKey are)")
            }
            throw .badRequest("firstFactor.credentialAssertion is required")
        }
        let credId = try assertion.requiredString("credId", in: "credentialAssertion")
        guard let credential = credentials.first(where: { $0.credId == credId }) else {
            throw .notAuthenticated("credential \(credId) is not a credential of this user")
        }
        guard credential.isActive else { throw .notAuthenticated("credential \(credId) is deactivated") }
        guard allowedKinds.contains(credential.kind) else {
            throw .notAuthenticated("credential \(credId) is a \(credential.kind) credential, which cannot sign here")
        }
        switch kind {
        case CredentialKind.key, CredentialKind.passwordProtectedKey, CredentialKind.recoveryKey:
            guard credential.kind != CredentialKind.fido2 else {
                throw .notAuthenticated("credential \(credId) is a Fido2 credential but the assertion is of kind \(kind)")
            }
            try verifyKey(assertion, challenge: challenge, credential: credential)
            return Verified(credential: credential, newSignCount: nil)
        case CredentialKind.fido2:
            guard credential.kind == CredentialKind.fido2 else {
                throw .notAuthenticated("credential \(credId) is a \(credential.kind) credential but the assertion is of kind Fido2")
            }
            return try verifyFido2(assertion, challenge: challenge, credential: credential)
        case "Password", "Totp":
            throw .badRequest("credential kind \(kind) is not supported by the sandbox (Key, PasswordProtectedKey, Fido2 and RecoveryKey are)")
        default:
            throw .badRequest("unknown credential kind \(kind)")
        }
    }

    private func decode(_ text: String, _ name: String) throws(SandboxError) -> [UInt8] {
        do { return try Base64URL.decode(text) } catch { throw .badRequest("credentialAssertion.\(name) is not base64url") }
    }

    /// A Key-style assertion (Key, PasswordProtectedKey, RecoveryKey): clientData `key.get` in any of
    /// the layouts the official SDKs send (with or without `origin` and `crossOrigin`), signed
    /// with the credential's key over the exact clientData bytes.
    func verifyKey(_ assertion: JSONValue, challenge: String, credential: Credential) throws(SandboxError) {
        let clientData = try decode(try assertion.requiredString("clientData", in: "credentialAssertion"), "clientData")
        let signature = try decode(try assertion.requiredString("signature", in: "credentialAssertion"), "signature")
        let parsed: KeyClientData.Parsed
        do {
            parsed = try KeyClientData.parse(clientData, expecting: .get)
        } catch {
            throw .notAuthenticated(error.description)
        }
        guard parsed.challenge == challenge else {
            throw .notAuthenticated("challenge differs: clientData carries \(parsed.challenge.prefix(40)), the challenge issued was \(challenge.prefix(40))")
        }
        if let origin = parsed.origin, !keyOrigins.contains(origin) {
            throw .notAuthenticated("origin differs: clientData names \(origin), allowed are \(keyOrigins.joined(separator: ", "))")
        }
        if parsed.crossOrigin == true { throw .notAuthenticated("clientData says crossOrigin: true, which is refused") }
        guard let pem = credential.publicKeyPEM, let key = try? ParsedKeyCache.publicKey(pem: pem),
              let kind = try? KeyCredentialKind(publicKey: key) else {
            throw .internalError("credential \(credential.credId) has no usable public key")
        }
        do {
            try key.verify(signature: signature, message: clientData, algorithm: kind.coseAlgorithm)
        } catch {
            throw .notAuthenticated("the signature of credential \(credential.credId) does not verify over clientData (\(kind), \(error))")
        }
    }

    /// A WebAuthn assertion against the organization's rpId and origin. Both challenge conventions
    /// of the official signers are accepted (reference/dfns-protocol.md §2.4): clientData's
    /// challenge equal to the challenge text, or to base64url of its UTF-8 bytes.
    func verifyFido2(_ assertion: JSONValue, challenge: String, credential: Credential) throws(SandboxError) -> Verified {
        let clientData = try decode(try assertion.requiredString("clientData", in: "credentialAssertion"), "clientData")
        let authenticatorData = try decode(try assertion.requiredString("authenticatorData", in: "credentialAssertion"), "authenticatorData")
        let signature = try decode(try assertion.requiredString("signature", in: "credentialAssertion"), "signature")
        guard let cose = credential.coseKey, let publicKey = try? CredentialPublicKey(coseBytes: Array(cose)),
              let credentialIdBytes = try? Base64URL.decode(credential.credId) else {
            throw .internalError("credential \(credential.credId) has no usable COSE key")
        }
        var policy = RelyingPartyPolicy(rpId: organization.rpId, allowedOrigins: [organization.origin])
        policy.requireUserVerification = true
        let verifier = AssertionVerifier(policy: policy)
        let stored = StoredCredential(credentialId: credentialIdBytes, publicKey: publicKey,
                                      signCount: UInt32(clamping: credential.signCount))
        let candidates: [[UInt8]] = [(try? Base64URL.decode(challenge)) ?? [], Array(challenge.utf8)]
        var lastError: WebAuthnError?
        for expected in candidates where !expected.isEmpty {
            do {
                let result = try verifier.verify(clientDataJSON: clientData, authenticatorData: authenticatorData,
                                                 signature: signature, expectedChallenge: expected, credential: stored)
                return Verified(credential: credential, newSignCount: Int64(result.signCount))
            } catch {
                lastError = error
                if error.code != .challengeMismatch { break }
            }
        }
        let reason = lastError.map { describe($0) } ?? "no challenge to compare"
        throw .notAuthenticated(reason)
    }

    private func describe(_ error: WebAuthnError) -> String {
        switch error.code {
        case .challengeMismatch: return "challenge differs: \(error.message)"
        case .originNotAllowed: return "origin differs: \(error.message)"
        default: return "the Fido2 assertion of this credential does not verify: \(error.message)"
        }
    }
}
