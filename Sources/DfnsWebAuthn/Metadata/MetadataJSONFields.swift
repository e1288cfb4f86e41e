import DfnsEncoding

/// Typed reads of the members of one JSON object of a metadata BLOB, each failure a
/// ``WebAuthnError/Code/metadataInvalid`` that names the member by its path
/// (`entries[2].metadataStatement.description`) and says what was expected and found.
struct MetadataJSONFields {
    /// The object's path in the BLOB payload (empty for the payload itself).
    let path: String
    private let value: JSONValue

    /// Wraps `value`, which must be a JSON object.
    init(_ value: JSONValue, path: String) throws(WebAuthnError) {
        guard case .object = value else {
            throw WebAuthnError(.metadataInvalid, "MDS3 BLOB \(path.isEmpty ? "payload" : path) must be a JSON object, found \(value.typeName)")
        }
        self.value = value
        self.path = path
    }

    /// The path of member `name`.
    func pathOf(_ name: String) -> String { path.isEmpty ? name : "\(path).\(name)" }

    /// The raw member, or nil when absent (a JSON null counts as absent).
    func member(_ name: String) -> JSONValue? {
        guard let member = value[name], member != .null else { return nil }
        return member
    }

    private func wrong(_ name: String, _ expected: String, _ found: JSONValue) -> WebAuthnError {
        WebAuthnError(.metadataInvalid, "MDS3 BLOB \(pathOf(name)) must be \(expected), found \(found.typeName)")
    }

    private func missing(_ name: String) -> WebAuthnError {
        WebAuthnError(.metadataInvalid, "MDS3 BLOB \(pathOf(name)) is required, found it absent")
    }

    /// A required string member.
    func string(_ name: String) throws(WebAuthnError) -> String {
        guard let text = try optionalString(name) else { throw missing(name) }
        return text
    }

    /// An optional string member.
    func optionalString(_ name: String) throws(WebAuthnError) -> String? {
        guard let member = member(name) else { return nil }
        guard let text = member.stringValue else { throw wrong(name, "a string", member) }
        return text
    }

    /// A required integer member (within 64 bits).
    func integer(_ name: String) throws(WebAuthnError) -> Int64 {
        guard let number = try optionalInteger(name) else { throw missing(name) }
        return number
    }

    /// An optional integer member (within 64 bits).
    func optionalInteger(_ name: String) throws(WebAuthnError) -> Int64? {
        guard let member = member(name) else { return nil }
        guard let number = member.int64Value else { throw wrong(name, "an integer within 64 bits", member) }
        return number
    }

    /// An optional `YYYY-MM-DD` date member, checked to be a real calendar date.
    func optionalDate(_ name: String) throws(WebAuthnError) -> String? {
        guard let text = try optionalString(name) else { return nil }
        guard CivilDate.unixSeconds(date: text) != nil else {
            throw WebAuthnError(.metadataInvalid, "MDS3 BLOB \(pathOf(name)) must be a date YYYY-MM-DD, found \"\(text)\"")
        }
        return text
    }

    /// A required `YYYY-MM-DD` date member.
    func date(_ name: String) throws(WebAuthnError) -> String {
        guard let text = try optionalDate(name) else { throw missing(name) }
        return text
    }

    /// An optional array member (absent is an empty array).
    func array(_ name: String) throws(WebAuthnError) -> [JSONValue] {
        guard let member = member(name) else { return [] }
        guard let items = member.arrayValue else { throw wrong(name, "an array", member) }
        return items
    }

    /// A required array member.
    func requiredArray(_ name: String) throws(WebAuthnError) -> [JSONValue] {
        guard member(name) != nil else { throw missing(name) }
        return try array(name)
    }

    /// An array member whose items are all strings (absent is empty).
    func strings(_ name: String) throws(WebAuthnError) -> [String] {
        var result: [String] = []
        for (index, item) in try array(name).enumerated() {
            guard let text = item.stringValue else {
                throw WebAuthnError(.metadataInvalid, "MDS3 BLOB \(pathOf(name))[\(index)] must be a string, found \(item.typeName)")
            }
            result.append(text)
        }
        return result
    }
}

extension MetadataJSONFields {
    /// An optional AAGUID member: a UUID text `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx` (either case),
    /// as 16 bytes.
    func optionalAAGUID(_ name: String) throws(WebAuthnError) -> [UInt8]? {
        guard let text = try optionalString(name) else { return nil }
        let bytes = Array(text.utf8)
        let dashes = [8, 13, 18, 23]
        guard bytes.count == 36, dashes.allSatisfy({ bytes[$0] == 0x2D }) else {
            throw WebAuthnError(.metadataInvalid, "MDS3 BLOB \(pathOf(name)) must be a UUID xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx, found \"\(text)\"")
        }
        let digits = String(decoding: bytes.enumerated().filter { !dashes.contains($0.offset) }.map(\.element), as: UTF8.self)
        do {
            return try Hex.decode(digits)
        } catch {
            throw WebAuthnError(.metadataInvalid, "MDS3 BLOB \(pathOf(name)) must be a UUID of hex digits, found \"\(text)\"")
        }
    }

    /// An array member of attestation certificate key identifiers: 40 hex digits each (SHA-1),
    /// returned in lowercase.
    func keyIdentifiers(_ name: String) throws(WebAuthnError) -> [String] {
        var result: [String] = []
        for (index, text) in try strings(name).enumerated() {
            let lower = text.lowercased()
            guard lower.utf8.count == 40, lower.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) }) else {
                throw WebAuthnError(.metadataInvalid, "MDS3 BLOB \(pathOf(name))[\(index)] must be 40 hex digits (a SHA-1), found \"\(text)\"")
            }
            result.append(lower)
        }
        return result
    }
}
