import DfnsEncoding
import DfnsProtocol
import DfnsWebAuthn

/// From a Dfns challenge to the WebAuthn options a device needs to answer it with a passkey: the
/// conversion every Dfns browser and mobile signer makes by hand (reference/dfns-protocol.md §2.4).
///
/// The challenge string goes into the options verbatim (its base64url bytes are the WebAuthn
/// challenge, so `clientDataJSON.challenge` equals the Dfns challenge, as the native SDKs do).
/// The RP ID comes from the caller's configuration: the `rp` of Dfns challenges is deprecated and
/// used only when the caller gives none. Unknown members are ignored; a member of the wrong type or
/// an unknown enumeration value is a ``WireShapeError`` naming it (never quoting a value).
public enum DfnsChallengeOptions {
    /// The request options for a user-action challenge (`POST /auth/action/init`'s answer, or a
    /// delegated `init` challenge): `allowCredentials.webauthn` (with transports where the server
    /// sends them), `userVerification` [preferred], the challenge.
    ///
    /// - Parameters:
    ///   - challenge: the challenge document, parsed.
    ///   - rpId: the relying party the passkeys belong to; nil falls back to the challenge's `rp.id`.
    ///   - timeout: `timeout` in milliseconds, nil to leave it out.
    /// - Throws: ``WireShapeError`` for a missing or mistyped member, a `challenge` that is not
    ///   base64url, a credential id that is not base64url, a `supportedCredentialKinds` without
    ///   `Fido2`, or no RP ID from either source.
    public static func requestOptions(userActionChallenge challenge: JSONValue, rpId: String?,
                                      timeout: UInt32? = nil) throws(WireShapeError) -> PublicKeyCredentialRequestOptionsJSON {
        let reader = try WireReader(challenge, "")
        let bytes = try challengeBytes(reader)
        if let kinds = try reader.optionalArray("supportedCredentialKinds", { (item) throws(WireShapeError) in try item.string("kind") }),
           !kinds.contains("Fido2") {
            throw WireShapeError(path: "supportedCredentialKinds", problem: "does not list Fido2: the challenge cannot be answered with a passkey")
        }
        let allowed = try reader.optionalObject("allowCredentials") { (allow) throws(WireShapeError) in
            try allow.optionalArray("webauthn", descriptor)
        } ?? nil
        let verification = try enumeration(reader, "userVerification", UserVerificationRequirement.self) ?? .preferred
        return PublicKeyCredentialRequestOptionsJSON(challenge: bytes, rpId: try relyingPartyId(reader, rpId),
                                                     allowCredentials: allowed ?? [], userVerification: verification,
                                                     timeout: try nonZero(timeout))
    }

    /// The creation options for a registration challenge (`POST /auth/registration/init`, a
    /// delegated registration, or `POST /auth/credentials/init` with kind Fido2): `user` (its id's
    /// UTF-8 bytes as the user handle), `pubKeyCredParams` in the challenge's order, `attestation`,
    /// `authenticatorSelection`, `excludeCredentials`, the challenge.
    ///
    /// - Parameters:
    ///   - challenge: the challenge document, parsed.
    ///   - rpId, rpName: the relying party; nil falls back to the challenge's `rp`.
    ///   - timeout: `timeout` in milliseconds, nil to leave it out.
    /// - Throws: ``WireShapeError`` as ``requestOptions(userActionChallenge:rpId:timeout:)``, and for
    ///   an empty `pubKeyCredParams` or a `user.id` longer than 64 bytes.
    public static func creationOptions(registrationChallenge challenge: JSONValue, rpId: String?, rpName: String?,
                                       timeout: UInt32? = nil) throws(WireShapeError) -> PublicKeyCredentialCreationOptionsJSON {
        let reader = try WireReader(challenge, "")
        let bytes = try challengeBytes(reader)
        try requireFido2(reader)
        let user = try reader.optionalObject("user") { (user) throws(WireShapeError) in
            (id: try user.string("id"), name: try user.string("name"), displayName: try user.string("displayName"))
        }
        guard let user else { throw WireShapeError(path: "user", problem: "is missing") }
        let userId = Array(user.id.utf8)
        guard (1...64).contains(userId.count) else {
            throw WireShapeError(path: "user.id", problem: "is \(userId.count) bytes, expected 1...64")
        }
        let algorithms = try reader.optionalArray("pubKeyCredParams") { (param) throws(WireShapeError) -> Int64 in
            guard try param.string("type") == "public-key" else {
                throw WireShapeError(path: param.path + ".type", problem: "is not \"public-key\"")
            }
            return try integer(param, "alg")
        } ?? []
        guard !algorithms.isEmpty else { throw WireShapeError(path: "pubKeyCredParams", problem: "is missing or empty") }
        let selection = try reader.optionalObject("authenticatorSelection") { (s) throws(WireShapeError) in
            AuthenticatorSelectionCriteria(
                authenticatorAttachment: try enumeration(s, "authenticatorAttachment", AuthenticatorAttachment.self),
                residentKey: try enumeration(s, "residentKey", ResidentKeyRequirement.self),
                requireResidentKey: try s.optionalBool("requireResidentKey"),
                userVerification: try enumeration(s, "userVerification", UserVerificationRequirement.self) ?? .preferred)
        }
        var relyingPartyName = rpName
        if relyingPartyName == nil {
            relyingPartyName = try reader.optionalObject("rp") { (rp) throws(WireShapeError) in try rp.optionalString("name") } ?? nil
        }
        guard let relyingPartyName, !relyingPartyName.isEmpty else {
            throw WireShapeError(path: "rp.name", problem: "is missing and no RP name was configured")
        }
        return PublicKeyCredentialCreationOptionsJSON(
            rpId: try relyingPartyId(reader, rpId), rpName: relyingPartyName, userId: userId, userName: user.name,
            userDisplayName: user.displayName, challenge: bytes, algorithms: algorithms, timeout: try nonZero(timeout),
            excludeCredentials: try reader.optionalArray("excludeCredentials", descriptor) ?? [],
            authenticatorSelection: selection,
            attestation: try enumeration(reader, "attestation", AttestationConveyancePreference.self) ?? .none)
    }

    // MARK: - Members

    private static func challengeBytes(_ reader: WireReader) throws(WireShapeError) -> [UInt8] {
        let text = try reader.string("challenge")
        guard let bytes = try? Base64URL.decode(text), !bytes.isEmpty else {
            throw WireShapeError(path: "challenge", problem: "is not base64url")
        }
        return bytes
    }

    private static func relyingPartyId(_ reader: WireReader, _ configured: String?) throws(WireShapeError) -> String {
        if let configured {
            guard !configured.isEmpty else { throw WireShapeError(path: "rp.id", problem: "was configured empty") }
            return configured
        }
        let fromChallenge = try reader.optionalObject("rp") { (rp) throws(WireShapeError) in try rp.optionalString("id") } ?? nil
        guard let fromChallenge, !fromChallenge.isEmpty else {
            throw WireShapeError(path: "rp.id", problem: "is missing and no RP ID was configured")
        }
        return fromChallenge
    }

    /// A registration challenge's `supportedCredentialKinds` (`{firstFactor:[…], secondFactor:[…]}`),
    /// when present, must offer Fido2 as one of the factors.
    private static func requireFido2(_ reader: WireReader) throws(WireShapeError) {
        guard let kinds = reader.members.first(where: { $0.0 == "supportedCredentialKinds" })?.1, kinds != .null else { return }
        let factors = try WireReader(kinds, "supportedCredentialKinds")
        var offered: [String] = []
        for factor in ["firstFactor", "secondFactor"] {
            offered += try strings(factors, factor)
        }
        guard offered.contains("Fido2") else {
            throw WireShapeError(path: "supportedCredentialKinds", problem: "does not offer Fido2: the challenge cannot be answered with a passkey")
        }
    }

    private static func descriptor(_ item: WireReader) throws(WireShapeError) -> PublicKeyCredentialDescriptorJSON {
        guard try item.optionalString("type") ?? "public-key" == "public-key" else {
            throw WireShapeError(path: item.path + ".type", problem: "is not \"public-key\"")
        }
        guard let id = try? Base64URL.decode(try item.string("id")), !id.isEmpty else {
            throw WireShapeError(path: item.path + ".id", problem: "is not base64url")
        }
        return PublicKeyCredentialDescriptorJSON(id: id, transports: try strings(item, "transports"))
    }

    private static func strings(_ reader: WireReader, _ name: String) throws(WireShapeError) -> [String] {
        guard let found = reader.members.first(where: { $0.0 == name })?.1, found != .null else { return [] }
        let path = reader.path.isEmpty ? name : reader.path + "." + name
        guard case .array(let items) = found else { throw WireShapeError(path: path, problem: "is a \(found.typeName), not an array") }
        var result: [String] = []
        for (index, item) in items.enumerated() {
            guard case .string(let text) = item else {
                throw WireShapeError(path: "\(path).\(index)", problem: "is a \(item.typeName), not a string")
            }
            result.append(text)
        }
        return result
    }

    private static func integer(_ reader: WireReader, _ name: String) throws(WireShapeError) -> Int64 {
        let path = reader.path.isEmpty ? name : reader.path + "." + name
        guard let found = reader.members.first(where: { $0.0 == name })?.1 else { throw WireShapeError(path: path, problem: "is missing") }
        guard let value = found.int64Value else { throw WireShapeError(path: path, problem: "is not an integer") }
        return value
    }

    private static func enumeration<E: RawRepresentable & CaseIterable>(_ reader: WireReader, _ name: String, _: E.Type) throws(WireShapeError) -> E?
    where E.RawValue == String {
        guard let text = try reader.optionalString(name) else { return nil }
        guard let value = E(rawValue: text) else {
            let path = reader.path.isEmpty ? name : reader.path + "." + name
            let accepted = E.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")
            throw WireShapeError(path: path, problem: "is not one of \(accepted)")
        }
        return value
    }

    private static func nonZero(_ timeout: UInt32?) throws(WireShapeError) -> UInt32? {
        guard timeout != 0 else { throw WireShapeError(path: "timeout", problem: "is 0 ms") }
        return timeout
    }
}
