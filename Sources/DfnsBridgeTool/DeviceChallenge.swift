import DfnsCrypto
import DfnsEncoding

/// Reads the Dfns challenges handed to `dfns-bridge device` and checks that each is the kind its
/// subcommand answers, so that a challenge piped to the wrong subcommand fails with a message
/// saying so rather than with a signature the server later rejects.
enum DeviceChallenge {
    /// The largest challenge document read (the library's JSON parser limit).
    static let maxLength = JSONParser().maxLength

    /// The JSON object in the file `path` (`-` is standard input).
    static func read(_ path: String) throws(ToolError) -> JSONValue {
        let bytes = try Console.readFile(path, limit: maxLength)
        let source = path == "-" ? "standard input" : path
        let blank: Set<UInt8> = [UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "\t")]
        guard bytes.contains(where: { !blank.contains($0) }) else {
            throw ToolError(code: "malformed_challenge", message: "no challenge JSON on \(source)")
        }
        let value: JSONValue
        do {
            value = try JSONParser().parse(bytes)
        } catch {
            throw ToolError(code: "malformed_challenge", message: "the challenge on \(source) is not valid JSON: \(error)")
        }
        guard case .object = value else {
            throw ToolError(code: "malformed_challenge", message: "the challenge on \(source) is a JSON \(value.typeName), not an object")
        }
        return value
    }

    // MARK: - Credential creation (`device create`)

    /// The creation challenge `challenge`, checked and narrowed to ES256: its `pubKeyCredParams`
    /// must offer ES256 (-7) (an empty list means ES256 and RS256, as in WebAuthn) and are replaced
    /// by ES256 alone, so that ``Fido2Attestation`` cannot choose another algorithm. The members
    /// `Fido2Attestation` reads itself (`challenge`, `user`, `attestation`) are checked there.
    static func creationOptions(_ challenge: JSONValue) throws(ToolError) -> JSONValue {
        guard let members = challenge.objectValue else {
            throw ToolError(code: "malformed_challenge", message: "the challenge is a JSON \(challenge.typeName), not an object")
        }
        if challenge["user"] == nil, challenge["pubKeyCredParams"] == nil {
            if challenge["allowCredentials"] != nil {
                throw ToolError(code: "wrong_challenge_kind", message: "this is a user-action or login challenge (allowCredentials, no user or pubKeyCredParams): sign it with `dfns-bridge device sign`")
            }
            throw ToolError(code: "malformed_challenge", message: "not a credential-creation challenge: no user and pubKeyCredParams members (expected the response of POST /auth/registration/delegated, /auth/registration/init, /auth/credentials/init with kind Fido2, or /auth/recover/user/delegated)")
        }
        if let kind = challenge["kind"]?.stringValue, kind != "Fido2" {
            throw ToolError(code: "wrong_challenge_kind", message: "the challenge is for a \(kind) credential; this device creates Fido2 passkeys (POST /auth/credentials/init with kind Fido2)")
        }
        guard let params = challenge["pubKeyCredParams"]?.arrayValue else {
            let found = challenge["pubKeyCredParams"].map { "a JSON \($0.typeName)" } ?? "absent"
            throw ToolError(code: "malformed_challenge", message: "the challenge's pubKeyCredParams is \(found), not an array")
        }
        var offered: [String] = []
        var offersES256 = params.isEmpty
        for param in params {
            let type = param["type"]?.stringValue ?? "public-key"
            guard type == "public-key", let alg = param["alg"]?.int64Value else { continue }
            offered.append(String(alg))
            if alg == COSEAlgorithm.es256.rawValue { offersES256 = true }
        }
        guard offersES256 else {
            throw ToolError(code: "unsupported_algorithm", message: "the challenge's pubKeyCredParams offer algorithms [\(offered.joined(separator: ", "))] but not ES256 (-7), the only one this device creates")
        }
        let es256Only: JSONValue = .array([.object([
            ("type", .string("public-key")),
            ("alg", .number(String(COSEAlgorithm.es256.rawValue))),
        ])])
        return .object(members.map { $0.0 == "pubKeyCredParams" ? ($0.0, es256Only) : $0 })
    }

    // MARK: - Assertion (`device sign`)

    /// What an assertion needs from a user-action or login challenge: the `challenge` string and
    /// the ids of `allowCredentials.webauthn` (nil when the challenge has no such list).
    static func assertionRequest(_ challenge: JSONValue) throws(ToolError) -> (challenge: String, allowedCredentialIds: [String]?) {
        if challenge["pubKeyCredParams"] != nil {
            throw ToolError(code: "wrong_challenge_kind", message: "this is a credential-creation challenge (it has pubKeyCredParams): create a passkey with `dfns-bridge device create`")
        }
        guard let text = challenge["challenge"]?.stringValue, !text.isEmpty else {
            let found = challenge["challenge"].map { "a JSON \($0.typeName)" } ?? "absent"
            throw ToolError(code: "malformed_challenge", message: "the challenge's challenge member is \(found), not a non-empty string (expected the response of POST /auth/action/init or /auth/login/init)")
        }
        if let kinds = challenge["supportedCredentialKinds"]?.arrayValue, !kinds.isEmpty,
           !kinds.contains(where: { $0["kind"]?.stringValue == "Fido2" }) {
            let listed = kinds.compactMap { $0["kind"]?.stringValue }.joined(separator: ", ")
            throw ToolError(code: "wrong_challenge_kind", message: "the challenge does not accept Fido2 credentials (supportedCredentialKinds: \(listed))")
        }
        var allowed: [String]?
        switch challenge["allowCredentials"] {
        case nil, .null?:
            break
        case .object?:
            switch challenge["allowCredentials"]?["webauthn"] {
            case nil, .null?:
                break
            case .array(let entries)?:
                var ids: [String] = []
                for (index, entry) in entries.enumerated() {
                    guard let id = entry["id"]?.stringValue else {
                        throw ToolError(code: "malformed_challenge", message: "the challenge's allowCredentials.webauthn[\(index)] has no string id")
                    }
                    ids.append(id)
                }
                allowed = ids
            case let other?:
                throw ToolError(code: "malformed_challenge", message: "the challenge's allowCredentials.webauthn is a JSON \(other.typeName), not an array")
            }
        case let other?:
            throw ToolError(code: "malformed_challenge", message: "the challenge's allowCredentials is a JSON \(other.typeName), not an object")
        }
        return (text, allowed)
    }
}
