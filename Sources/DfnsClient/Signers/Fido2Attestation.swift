import DfnsCrypto
import DfnsEncoding
import DfnsWebAuthn

/// The creation payload of a Fido2 (passkey) credential, made on a ``SoftwareAuthenticator`` from a
/// registration challenge (`POST /auth/registration/init`, `/auth/registration/delegated`) or a
/// credential-creation challenge (`POST /auth/credentials/init` with `kind: "Fido2"`)
/// (reference/dfns-protocol.md §2.4, §3.1, §3.2, §3.5).
///
/// What is read from the challenge, as the official passkey signers do:
/// - `challenge`: base64url-decoded into the challenge bytes, so the clientDataJSON's `challenge`
///   equals it verbatim;
/// - `user.id`: its UTF-8 bytes become the user handle (at most 64 bytes); `user.name` must be
///   present;
/// - `pubKeyCredParams[].alg`: the first algorithm the authenticator supports is used (entries
///   whose `type` is not `public-key` are skipped; an empty list means ES256 then RS256, as in
///   WebAuthn);
/// - `attestation`: `none` (or absent) gives a `none` statement, anything else packed self
///   attestation, unless the caller chooses.
///
/// The relying party is configured by the caller; the challenge's deprecated `rp` is ignored.
/// `excludeCredentials` and `authenticatorSelection` are not consulted.
public struct Fido2Attestation: Sendable, Equatable {
    /// The new credential's id (raw bytes); ``credId`` is its base64url form.
    public let credentialId: [UInt8]
    /// `response.clientDataJSON`, the exact bytes (`type` `webauthn.create`).
    public let clientDataJSON: [UInt8]
    /// `response.attestationObject` (CBOR).
    public let attestationObject: [UInt8]
    /// The credential's algorithm, chosen from the challenge's `pubKeyCredParams`.
    public let algorithm: COSEAlgorithm
    /// The user handle stored with the credential: the UTF-8 bytes of the challenge's `user.id`.
    public let userHandle: [UInt8]
    /// The RP ID the credential was created for.
    public let rpId: String
    /// The origin written into clientDataJSON.
    public let origin: String
    /// The optional `credentialName`.
    public let credentialName: String?

    /// Creates a passkey on `authenticator` for the registration or credential-creation challenge
    /// `challenge` (the challenge JSON as received).
    ///
    /// - Parameters:
    ///   - challenge: the challenge object (`challenge`, `user.id`, `user.name`,
    ///     `pubKeyCredParams`, optional `attestation`; other members are ignored).
    ///   - authenticator: the software authenticator that keeps the new credential.
    ///   - rpId: the relying party id, configured client-side.
    ///   - origin: the client's origin, e.g. `https://app.example.com`.
    ///   - credentialName: the optional `credentialName` sent beside `credentialInfo`.
    ///   - attestation: the attestation statement to produce; nil follows the challenge's
    ///     `attestation` member (`none` or absent: `none`; otherwise packed self attestation).
    ///   - userVerified: whether the registration carries the UV flag.
    /// - Throws: ``SignerError/invalidArgument(_:)`` when the challenge is not an object, lacks a
    ///   member or has one of the wrong type, when its `challenge` is not base64url, when `user.id`
    ///   is longer than 64 UTF-8 bytes, or for an empty RP ID or origin;
    ///   ``SignerError/unsupportedKeyType(_:)`` when no `pubKeyCredParams` algorithm is one the
    ///   authenticator creates (``SoftwareAuthenticator/supportedAlgorithms``);
    ///   ``SignerError/cryptoFailure(_:)`` when key generation or signing fails.
    public init(challenge: JSONValue, authenticator: SoftwareAuthenticator, rpId: String, origin: String,
                credentialName: String? = nil, attestation: SoftwareAuthenticator.Attestation? = nil,
                userVerified: Bool = true) throws(SignerError) {
        guard !rpId.isEmpty else { throw .invalidArgument("empty relying party id") }
        guard !origin.isEmpty else { throw .invalidArgument("empty origin") }
        guard case .object = challenge else {
            throw .invalidArgument("the registration challenge is a JSON \(challenge.typeName), not an object")
        }
        let challengeString = try Fido2Attestation.string(challenge["challenge"], "challenge")
        let challengeBytes = try Fido2Challenge.decode(challengeString)
        guard let user = challenge["user"], case .object = user else {
            throw .invalidArgument(Fido2Attestation.missing("user", "an object", challenge["user"]))
        }
        let userId = try Fido2Attestation.string(user["id"], "user.id")
        guard !userId.isEmpty else { throw .invalidArgument("the registration challenge's user.id is empty") }
        _ = try Fido2Attestation.string(user["name"], "user.name")
        let chosen = try Fido2Attestation.chooseAlgorithm(challenge["pubKeyCredParams"])
        let statement: SoftwareAuthenticator.Attestation
        if let attestation {
            statement = attestation
        } else {
            switch challenge["attestation"] {
            case nil, .null: statement = .none
            case .string(let conveyance): statement = conveyance == "none" ? .none : .packedSelf
            case let other?:
                throw .invalidArgument(Fido2Attestation.missing("attestation", "a string", other))
            }
        }

        let handle = Array(userId.utf8)
        let registration: SoftwareAuthenticator.Registration
        do {
            registration = try authenticator.register(rpId: rpId, origin: origin, challenge: challengeBytes,
                                                      algorithm: chosen, attestation: statement, userHandle: handle,
                                                      userVerified: userVerified)
        } catch {
            throw SignerError.authenticator(error)
        }
        self.credentialId = registration.credentialId
        self.clientDataJSON = registration.clientDataJSON
        self.attestationObject = registration.attestationObject
        self.algorithm = chosen
        self.userHandle = handle
        self.rpId = rpId
        self.origin = origin
        self.credentialName = credentialName
    }

    /// `credId`: the credential id as base64url without padding.
    public var credId: String { Base64URL.encode(credentialId) }

    /// `clientData` as sent: base64url of the clientDataJSON bytes.
    public var clientData: String { Base64URL.encode(clientDataJSON) }

    /// `attestationData` as sent: base64url of the attestation object.
    public var attestationData: String { Base64URL.encode(attestationObject) }

    /// `{"credId":…,"clientData":…,"attestationData":…}`.
    public var credentialInfo: JSONValue {
        .object([
            ("credId", .string(credId)),
            ("clientData", .string(clientData)),
            ("attestationData", .string(attestationData)),
        ])
    }

    /// The credential object of a registration or `POST /auth/credentials`:
    /// `{"credentialKind":"Fido2","credentialInfo":{…}[,"credentialName":…]}`.
    public var jsonValue: JSONValue {
        var members: [(String, JSONValue)] = [
            ("credentialKind", .string("Fido2")),
            ("credentialInfo", credentialInfo),
        ]
        if let credentialName { members.append(("credentialName", .string(credentialName))) }
        return .object(members)
    }

    /// A ``WebAuthnSigner`` for the new passkey, with the same RP ID and origin.
    ///
    /// - Parameters:
    ///   - authenticator: the authenticator the credential was created on.
    ///   - userVerified: whether assertions carry the UV flag.
    public func signer(on authenticator: SoftwareAuthenticator, userVerified: Bool = true) throws(SignerError) -> WebAuthnSigner {
        try WebAuthnSigner(authenticator: authenticator, credentialId: credentialId, rpId: rpId, origin: origin,
                           userVerified: userVerified)
    }

    // MARK: - Reading the challenge

    /// The string member `path`, or an error naming it.
    private static func string(_ value: JSONValue?, _ path: String) throws(SignerError) -> String {
        guard let text = value?.stringValue else { throw .invalidArgument(missing(path, "a string", value)) }
        return text
    }

    /// The message for a member that is absent or of the wrong type (never echoing its value).
    private static func missing(_ path: String, _ expected: String, _ found: JSONValue?) -> String {
        guard let found else { return "the registration challenge has no \(path) (\(expected))" }
        return "the registration challenge's \(path) is a \(found.typeName), not \(expected)"
    }

    /// The first `pubKeyCredParams` algorithm the software authenticator creates.
    private static func chooseAlgorithm(_ value: JSONValue?) throws(SignerError) -> COSEAlgorithm {
        guard let params = value?.arrayValue else {
            throw .invalidArgument(missing("pubKeyCredParams", "an array", value))
        }
        // WebAuthn §5.1.3 step 10: an empty list means ES256 and RS256.
        var offered: [Int64] = params.isEmpty ? [COSEAlgorithm.es256.rawValue, COSEAlgorithm.rs256.rawValue] : []
        for (index, param) in params.enumerated() {
            guard case .object = param else {
                throw .invalidArgument(missing("pubKeyCredParams[\(index)]", "an object", param))
            }
            switch param["type"] {
            case nil: break
            case .string(let type)?:
                guard type == "public-key" else { continue }   // unknown credential types are skipped
            case let other?:
                throw .invalidArgument(missing("pubKeyCredParams[\(index)].type", "a string", other))
            }
            guard let alg = param["alg"]?.int64Value else {
                throw .invalidArgument(missing("pubKeyCredParams[\(index)].alg", "an integer", param["alg"]))
            }
            offered.append(alg)
        }
        for alg in offered {
            if let algorithm = COSEAlgorithm(rawValue: alg), SoftwareAuthenticator.supportedAlgorithms.contains(algorithm) {
                return algorithm
            }
        }
        let supported = SoftwareAuthenticator.supportedAlgorithms.map { "\($0.name) (\($0.rawValue))" }
        let list = offered.prefix(16).map(String.init).joined(separator: ", ")
        throw .unsupportedKeyType("none of the challenge's pubKeyCredParams algorithms [\(list)] is one the software authenticator creates: \(supported.joined(separator: ", "))")
    }
}
