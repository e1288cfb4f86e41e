import DfnsEncoding
import DfnsProtocol
import DfnsWebAuthn

/// Signs Dfns user-action and login challenges with a passkey (a Fido2 credential) held by a
/// ``SoftwareAuthenticator`` (reference/dfns-protocol.md §2.2, §2.4, §2.5, §4).
///
/// The relying party is configured here, never taken from the challenge's deprecated `rp` member:
/// `rpId` goes into the authenticator data's RP ID hash, `origin` into clientDataJSON. The
/// challenge bytes handed to the authenticator are the base64url-decoded `challenge` string (the
/// documented convention of the native SDKs), so the clientDataJSON's `challenge` equals the
/// challenge string verbatim.
///
/// Immutable and safe to share between threads (the authenticator serialises its counters).
public struct WebAuthnSigner: Sendable {
    /// The authenticator that holds the passkey.
    public let authenticator: SoftwareAuthenticator
    /// The passkey's credential id (raw bytes).
    public let credentialId: [UInt8]
    /// The RP ID the passkey was created for (e.g. `app.example.com`).
    public let rpId: String
    /// The origin written into clientDataJSON (e.g. `https://app.example.com`).
    public let origin: String
    /// Whether assertions carry the user-verified (UV) flag.
    public let userVerified: Bool

    /// A signer for the passkey `credentialId` of `authenticator`.
    ///
    /// - Parameters:
    ///   - authenticator: the software authenticator that created the passkey.
    ///   - credentialId: the passkey's raw credential id.
    ///   - rpId: the relying party id, configured client-side (the challenge's `rp` is ignored).
    ///   - origin: the origin of the client, e.g. `https://app.example.com`.
    ///   - userVerified: whether to set the UV flag in assertions (Dfns challenges usually ask
    ///     `userVerification: "required"`).
    /// - Throws: ``SignerError/invalidArgument(_:)`` for an empty credential id, RP ID or origin.
    public init(authenticator: SoftwareAuthenticator, credentialId: [UInt8], rpId: String, origin: String,
                userVerified: Bool = true) throws(SignerError) {
        guard !credentialId.isEmpty else { throw .invalidArgument("empty passkey credential id") }
        guard !rpId.isEmpty else { throw .invalidArgument("empty relying party id") }
        guard !origin.isEmpty else { throw .invalidArgument("empty origin") }
        self.authenticator = authenticator
        self.credentialId = credentialId
        self.rpId = rpId
        self.origin = origin
        self.userVerified = userVerified
    }

    /// `credId`: the credential id as base64url without padding.
    public var credId: String { Base64URL.encode(credentialId) }

    /// Signs the challenge string `challenge`.
    ///
    /// - Parameters:
    ///   - challenge: the `challenge` of a user-action or login challenge (base64url).
    ///   - allowedCredentialIds: the ids of the challenge's `allowCredentials.webauthn` list. When
    ///     the list is given and non-empty, this passkey must be among them or nothing is signed;
    ///     nil or an empty list (a usernameless login, where any discoverable passkey may answer)
    ///     skips the check.
    /// - Throws: ``SignerError/passkeyNotAllowed(credentialId:)``, ``SignerError/invalidArgument(_:)``
    ///   for an empty challenge, a challenge that is not base64url, or a credential the
    ///   authenticator does not hold for ``rpId``; ``SignerError/cryptoFailure(_:)`` when the
    ///   authenticator fails to sign.
    public func assertion(challenge: String, allowedCredentialIds: [String]?) throws(SignerError) -> Fido2Assertion {
        let challengeBytes = try Fido2Challenge.decode(challenge)
        if let allowed = allowedCredentialIds, !allowed.isEmpty,
           !allowed.contains(where: { Fido2Challenge.names(credentialId, $0) }) {
            throw .passkeyNotAllowed(credentialId: credId)
        }
        let response: SoftwareAuthenticator.Assertion
        do {
            response = try authenticator.authenticate(rpId: rpId, origin: origin, challenge: challengeBytes,
                                                      credentialId: credentialId, userVerified: userVerified)
        } catch {
            throw SignerError.authenticator(error)
        }
        return Fido2Assertion(credentialId: response.credentialId, clientDataJSON: response.clientDataJSON,
                              authenticatorData: response.authenticatorData, signature: response.signature,
                              userHandle: response.userHandle)
    }

    /// Signs a user-action (or login) challenge, checking `allowCredentials.webauthn`.
    ///
    /// - Throws: as ``assertion(challenge:allowedCredentialIds:)``.
    public func assertion(for challenge: UserActionChallenge) throws(SignerError) -> Fido2Assertion {
        try assertion(challenge: challenge.challenge, allowedCredentialIds: challenge.allowCredentials?.webauthn?.map(\.id))
    }

    /// The `firstFactor` of `POST /auth/login` for a login challenge (`POST /auth/login/init`
    /// answers the user-action challenge shape): `{"kind":"Fido2","credentialAssertion":{…}}`,
    /// signed exactly as a user-action challenge.
    ///
    /// - Throws: as ``assertion(challenge:allowedCredentialIds:)``.
    public func signLogin(_ challenge: UserActionChallenge) throws(SignerError) -> JSONValue {
        try assertion(for: challenge).jsonValue
    }
}

extension WebAuthnSigner: UserActionSigner {
    /// The `firstFactor` of `POST /auth/action`: `{"kind":"Fido2","credentialAssertion":{…}}`.
    ///
    /// - Throws: as ``assertion(challenge:allowedCredentialIds:)``.
    public func sign(_ challenge: UserActionChallenge) async throws(SignerError) -> JSONValue {
        try assertion(for: challenge).jsonValue
    }
}

/// A Fido2 (passkey) assertion as Dfns takes it in `firstFactor`/`secondFactor` of
/// `POST /auth/action` and `POST /auth/login` (reference/dfns-protocol.md §2.2, §2.4).
public struct Fido2Assertion: Sendable, Equatable {
    /// The credential that signed (raw id).
    public let credentialId: [UInt8]
    /// `response.clientDataJSON`, the exact bytes.
    public let clientDataJSON: [UInt8]
    /// `response.authenticatorData`.
    public let authenticatorData: [UInt8]
    /// `response.signature` (DER for ECDSA, as the authenticator produced it).
    public let signature: [UInt8]
    /// `response.userHandle`; empty when the authenticator returned none.
    public let userHandle: [UInt8]

    /// An assertion from its parts.
    public init(credentialId: [UInt8], clientDataJSON: [UInt8], authenticatorData: [UInt8], signature: [UInt8],
                userHandle: [UInt8] = []) {
        self.credentialId = credentialId
        self.clientDataJSON = clientDataJSON
        self.authenticatorData = authenticatorData
        self.signature = signature
        self.userHandle = userHandle
    }

    /// `{"credId":…,"clientData":…,"authenticatorData":…,"signature":…[,"userHandle":…]}`, every
    /// value base64url without padding; `userHandle` omitted when empty.
    public var credentialAssertion: JSONValue {
        var members: [(String, JSONValue)] = [
            ("credId", .string(Base64URL.encode(credentialId))),
            ("clientData", .string(Base64URL.encode(clientDataJSON))),
            ("authenticatorData", .string(Base64URL.encode(authenticatorData))),
            ("signature", .string(Base64URL.encode(signature))),
        ]
        if !userHandle.isEmpty { members.append(("userHandle", .string(Base64URL.encode(userHandle)))) }
        return .object(members)
    }

    /// `{"kind":"Fido2","credentialAssertion":{…}}`.
    public var jsonValue: JSONValue {
        .object([
            ("kind", .string("Fido2")),
            ("credentialAssertion", credentialAssertion),
        ])
    }
}

/// Helpers shared by the passkey signer and the Fido2 attestation.
enum Fido2Challenge {
    /// The challenge bytes for the authenticator: the base64url-decoded challenge string, so that
    /// clientDataJSON's `challenge` (base64url of these bytes, no padding) is the string verbatim.
    /// The input is not echoed in errors.
    static func decode(_ challenge: String) throws(SignerError) -> [UInt8] {
        guard !challenge.isEmpty else { throw .invalidArgument("empty challenge") }
        let bytes: [UInt8]
        do {
            bytes = try Base64URL.decode(challenge)
        } catch {
            throw .invalidArgument("the challenge is not base64url without padding (\(challenge.utf8.count) characters)")
        }
        guard !bytes.isEmpty else { throw .invalidArgument("empty challenge") }
        return bytes
    }

    /// Whether the allow-list entry `listed` names `credentialId`: its exact base64url form, or
    /// (tolerating a server that pads) the same bytes once trailing `=` are removed.
    static func names(_ credentialId: [UInt8], _ listed: String) -> Bool {
        if listed == Base64URL.encode(credentialId) { return true }
        var unpadded = Substring(listed)
        while unpadded.last == "=" { unpadded = unpadded.dropLast() }
        guard unpadded.count < listed.count, let bytes = try? Base64URL.decode(String(unpadded)) else { return false }
        return bytes == credentialId
    }
}

extension SignerError {
    /// Maps a software-authenticator failure: a bad argument (unknown credential, RP ID other than
    /// the credential's, user handle too long) to ``invalidArgument(_:)``, an algorithm it cannot
    /// create to ``unsupportedKeyType(_:)``, anything else to ``cryptoFailure(_:)``. The
    /// authenticator's messages carry no key material.
    static func authenticator(_ error: WebAuthnError) -> SignerError {
        switch error.code {
        case .invalidArgument, .unknownCredential: return .invalidArgument("authenticator: \(error.message)")
        case .unsupportedAlgorithm: return .unsupportedKeyType(error.message)
        default: return .cryptoFailure("authenticator: \(error.message)")
        }
    }
}
