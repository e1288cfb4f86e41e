import DfnsClient
import DfnsCrypto
import DfnsEncoding
import DfnsProtocol
import DfnsWebAuthn
import Foundation

/// Verifies a new credential (`firstFactorCredential`, `recoveryCredential`, the body of
/// `POST /auth/credentials`) against the challenge it answers, and returns the record to store:
/// a Fido2 attestation with the library's registration verifier under the organization's rpId and
/// origin; a Key-style attestation (Key, PasswordProtectedKey, RecoveryKey) by rebuilding the
/// credential-info fingerprint and checking its signature (reference/dfns-protocol.md §3.4).
public struct AttestationChecker: Sendable {
    public let organization: Organization

    public init(organization: Organization) {
        self.organization = organization
    }

    /// Verifies `item` (named `field` in errors) for `challenge` and returns an unsaved credential
    /// for `userId`. `allowedKinds` limits what may be registered here.
    public func verify(_ item: JSONValue, field: String, challenge: String, userId: String,
                       allowedKinds: Set<String>) throws(SandboxError) -> Credential {
        guard case .object = item else { throw .badRequest("\(field) must be an object") }
        let kind = try item.requiredString("credentialKind", in: field)
        guard allowedKinds.contains(kind) else {
            throw .badRequest("\(field).credentialKind \(kind) is not accepted here (allowed: \(allowedKinds.sorted().joined(separator: ", ")))")
        }
        guard let info = item["credentialInfo"], case .object = info else {
            throw .badRequest("\(field).credentialInfo is required")
        }
        let path = "\(field).credentialInfo"
        let credId = try info.requiredString("credId", in: path)
        guard !credId.isEmpty, credId.utf8.count <= 1024 else { throw .badRequest("\(path).credId must be 1 to 1024 characters") }
        let clientData = try decode(try info.requiredString("clientData", in: path), "\(path).clientData")
        let attestationData = try decode(try info.requiredString("attestationData", in: path), "\(path).attestationData")
        let name = try item.optionalString("credentialName", in: field) ?? "\(kind) credential"
        let encryptedPrivateKey = try item.optionalString("encryptedPrivateKey", in: field)
        if kind == CredentialKind.passwordProtectedKey, encryptedPrivateKey == nil {
            throw .badRequest("\(field).encryptedPrivateKey is required for a PasswordProtectedKey credential")
        }
        var credential = Credential(uuid: Identifiers.make("cr"), credId: credId, userId: userId, kind: kind, name: name,
                                    publicKeyPEM: nil, coseKey: nil, signCount: 0, encryptedPrivateKey: encryptedPrivateKey,
                                    relyingPartyId: nil, origin: nil, isActive: true, dateCreated: SandboxClock.iso8601())
        if kind == CredentialKind.fido2 {
            let result = try verifyFido2(clientData: clientData, attestationObject: attestationData, credId: credId,
                                         challenge: challenge, path: path)
            credential.coseKey = Data(result.credentialPublicKey.coseBytes)
            credential.signCount = Int64(result.signCount)
            credential.publicKeyPEM = result.credentialPublicKey.publicKey.pem
            credential.relyingPartyId = organization.rpId
            credential.origin = organization.origin
        } else {
            credential.publicKeyPEM = try verifyKey(clientData: clientData, attestationData: attestationData,
                                                    challenge: challenge, path: path)
        }
        return credential
    }

    private func decode(_ text: String, _ name: String) throws(SandboxError) -> [UInt8] {
        do { return try Base64URL.decode(text) } catch { throw .badRequest("\(name) is not base64url") }
    }

    func verifyFido2(clientData: [UInt8], attestationObject: [UInt8], credId: String, challenge: String,
                     path: String) throws(SandboxError) -> RegistrationResult {
        guard let rawId = try? Base64URL.decode(credId) else { throw .badRequest("\(path).credId is not base64url") }
        var policy = RelyingPartyPolicy(rpId: organization.rpId, allowedOrigins: [organization.origin])
        policy.requireUserVerification = true
        let verifier = RegistrationVerifier(policy: policy)
        let candidates: [[UInt8]] = [(try? Base64URL.decode(challenge)) ?? [], Array(challenge.utf8)]
        var lastError: WebAuthnError?
        for expected in candidates where !expected.isEmpty {
            do {
                return try verifier.verify(clientDataJSON: clientData, attestationObject: attestationObject,
                                           expectedChallenge: expected, rawId: rawId)
            } catch {
                lastError = error
                if error.code != .challengeMismatch { break }
            }
        }
        let message = lastError?.message ?? "no challenge to compare"
        switch lastError?.code {
        case .challengeMismatch?: throw .badRequest("challenge differs: \(message)")
        case .originNotAllowed?: throw .badRequest("origin differs: \(message)")
        default: throw .badRequest("the Fido2 attestation does not verify: \(message)")
        }
    }

    /// Checks a Key-style attestation and returns its public key PEM.
    func verifyKey(clientData: [UInt8], attestationData: [UInt8], challenge: String, path: String) throws(SandboxError) -> String {
        let parsed: KeyClientData.Parsed
        do {
            parsed = try KeyClientData.parse(clientData, expecting: .create)
        } catch {
            throw .badRequest("\(path).clientData: \(error.description)")
        }
        guard parsed.challenge == challenge else {
            throw .badRequest("challenge differs: \(path).clientData carries \(parsed.challenge.prefix(40)), the challenge issued was \(challenge.prefix(40))")
        }
        let document: JSONValue
        do { document = try JSONParser().parse(attestationData) } catch {
            throw .badRequest("\(path).attestationData is not valid JSON: \(error)")
        }
        guard let pem = document["publicKey"]?.stringValue, let signatureHex = document["signature"]?.stringValue else {
            throw .badRequest("\(path).attestationData needs publicKey and signature")
        }
        let key: PublicKey
        let kind: KeyCredentialKind
        do {
            key = try PublicKey(pem: pem)
            kind = try KeyCredentialKind(publicKey: key)
        } catch {
            throw .badRequest("\(path).attestationData.publicKey is not a supported public key: \(error)")
        }
        guard let signature = try? Hex.decode(signatureHex) else {
            throw .badRequest("\(path).attestationData.signature is not hex")
        }
        let fingerprint = KeyClientData.credentialInfoFingerprint(clientDataHash: SHA256.hash(clientData), publicKeyPEM: pem)
        do {
            try key.verify(signature: signature, message: fingerprint, algorithm: kind.coseAlgorithm)
        } catch {
            throw .badRequest("\(path).attestationData.signature does not verify over the credential-info fingerprint (\(kind))")
        }
        return key.pem
    }
}
