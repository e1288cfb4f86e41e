import DfnsEncoding

/// Typed access to one object of a `PublicKeyCredential.toJSON()` document, naming the member's
/// path in every refusal (`response.signature is not base64url`). Unknown members are ignored, as
/// WebAuthn asks of relying parties; a member of the wrong type or a base64url member that does not
/// decode is ``WebAuthnError/Code/malformedCredentialJSON``. Error messages never quote a member's
/// value (a PRF output or a user handle may be private).
struct CredentialJSONReader {
    let members: [(String, JSONValue)]
    let path: String

    /// Reads `value`, which must be an object, found at `path` ("" for the document).
    init(_ value: JSONValue, path: String) throws(WebAuthnError) {
        guard case .object(let members) = value else {
            throw CredentialJSONReader.failure(path.isEmpty ? "the document" : path, "is a JSON \(value.typeName), not an object")
        }
        self.members = members
        self.path = path
    }

    /// The path of member `name`, e.g. `response.signature`.
    func child(_ name: String) -> String { path.isEmpty ? name : path + "." + name }

    /// The member named `name`, nil when absent. JSON `null` is a value of the wrong type for every
    /// member these documents define, so it is returned and refused by the typed accessors.
    func value(_ name: String) -> JSONValue? {
        for (key, value) in members where key == name { return value }
        return nil
    }

    /// A required string member.
    func string(_ name: String) throws(WebAuthnError) -> String {
        guard let text = try optionalString(name) else { throw Self.failure(child(name), "is missing") }
        return text
    }

    /// An optional string member.
    func optionalString(_ name: String) throws(WebAuthnError) -> String? {
        guard let found = value(name) else { return nil }
        guard case .string(let text) = found else { throw Self.wrongType(child(name), found, "a string") }
        return text
    }

    /// A required base64url member, decoded.
    func base64URL(_ name: String) throws(WebAuthnError) -> [UInt8] {
        guard let bytes = try optionalBase64URL(name) else { throw Self.failure(child(name), "is missing") }
        return bytes
    }

    /// An optional base64url member, decoded (strict RFC 4648 §5 without padding, as
    /// `Base64URLString` is defined).
    func optionalBase64URL(_ name: String) throws(WebAuthnError) -> [UInt8]? {
        guard let text = try optionalString(name) else { return nil }
        do {
            return try Base64URL.decode(text)
        } catch {
            throw Self.failure(child(name), "is not base64url (\(error))")
        }
    }

    /// An optional boolean member.
    func optionalBool(_ name: String) throws(WebAuthnError) -> Bool? {
        guard let found = value(name) else { return nil }
        guard case .bool(let flag) = found else { throw Self.wrongType(child(name), found, "a boolean") }
        return flag
    }

    /// An optional integer member that fits in 32 bits (a COSE algorithm identifier).
    func optionalInt32(_ name: String) throws(WebAuthnError) -> Int32? {
        guard let found = value(name) else { return nil }
        guard case .number(let text) = found else { throw Self.wrongType(child(name), found, "an integer") }
        guard let number = Int32(text) else { throw Self.failure(child(name), "is not an integer between -2^31 and 2^31-1") }
        return number
    }

    /// An optional array of strings.
    func optionalStrings(_ name: String) throws(WebAuthnError) -> [String]? {
        guard let found = value(name) else { return nil }
        guard case .array(let items) = found else { throw Self.wrongType(child(name), found, "an array of strings") }
        var strings: [String] = []
        strings.reserveCapacity(items.count)
        for (index, item) in items.enumerated() {
            guard case .string(let text) = item else { throw Self.wrongType("\(child(name))[\(index)]", item, "a string") }
            strings.append(text)
        }
        return strings
    }

    /// A required object member.
    func object(_ name: String) throws(WebAuthnError) -> CredentialJSONReader {
        guard let found = value(name) else { throw Self.failure(child(name), "is missing") }
        return try CredentialJSONReader(found, path: child(name))
    }

    /// An optional object member.
    func optionalObject(_ name: String) throws(WebAuthnError) -> CredentialJSONReader? {
        guard let found = value(name) else { return nil }
        return try CredentialJSONReader(found, path: child(name))
    }

    static func failure(_ path: String, _ problem: String) -> WebAuthnError {
        WebAuthnError(.malformedCredentialJSON, "\(path) \(problem)")
    }

    static func wrongType(_ path: String, _ found: JSONValue, _ expected: String) -> WebAuthnError {
        let name = found.typeName
        let article = name.first.map { "aeiou".contains($0) } == true ? "an" : "a"
        return failure(path, "is \(article) \(name), not \(expected)")
    }

    /// Parses a whole document (at most `maxLength` bytes; duplicate member names, invalid UTF-8
    /// and deep nesting refused by the strict parser) and checks the members every
    /// `PublicKeyCredential` JSON form shares: `id` and `rawId` name the same bytes, `type` is
    /// `public-key`.
    static func document(_ bytes: [UInt8], maxLength: Int, what: String) throws(WebAuthnError) -> (reader: CredentialJSONReader, rawId: [UInt8]) {
        guard bytes.count <= maxLength else {
            throw WebAuthnError(.inputTooLarge, "\(what) is \(bytes.count) bytes, the limit is \(maxLength)")
        }
        var parser = JSONParser()
        parser.maxLength = maxLength
        let value: JSONValue
        do {
            value = try parser.parse(bytes)
        } catch {
            throw WebAuthnError(.malformedCredentialJSON, "\(what) is not JSON: \(error)")
        }
        return try common(value)
    }

    /// The shared checks of ``document(_:maxLength:what:)`` on a parsed value.
    static func common(_ value: JSONValue) throws(WebAuthnError) -> (reader: CredentialJSONReader, rawId: [UInt8]) {
        let reader = try CredentialJSONReader(value, path: "")
        let idBytes = try reader.base64URL("id")
        let rawId = try reader.base64URL("rawId")
        guard idBytes == rawId else {
            throw failure("id", "names \(idBytes.count) bytes that differ from rawId's \(rawId.count) bytes")
        }
        let type = try reader.string("type")
        guard type == "public-key" else { throw failure("type", "is not \"public-key\"") }
        return (reader, rawId)
    }
}
