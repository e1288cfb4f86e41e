import DfnsEncoding
import Foundation

/// Strict request validation shared by the key, wallet, transfer and policy routes: members the
/// sandbox does not know are refused by name (a typo never passes silently), members the API
/// documents but the sandbox does not implement are refused saying so.
extension JSONValue {
    /// Refuses any member of this object not in `allowed`; `unsupported` members get a message
    /// saying the API has them but the sandbox does not serve them. `path` prefixes member names.
    func allowOnlyMembers(_ allowed: [String], unsupported: [String] = [], in path: String? = nil) throws(SandboxError) {
        guard let members = objectValue else { return }
        for (name, _) in members where !allowed.contains(name) {
            let full = path.map { "\($0).\(name)" } ?? name
            if unsupported.contains(name) {
                throw .badRequest("\(full) is not supported by the sandbox")
            }
            throw .badRequest("\(full) is not a member of this request (accepted: \(allowed.joined(separator: ", ")))")
        }
    }

    /// Member `name` as an array of non-empty strings (`path.name` in errors), nil when absent.
    func optionalStringArray(_ name: String, in path: String? = nil) throws(SandboxError) -> [String]? {
        let full = path.map { "\($0).\(name)" } ?? name
        guard let member = self[name], member != .null else { return nil }
        guard let items = member.arrayValue else { throw .badRequest("\(full) must be an array, found \(member.typeName)") }
        var strings: [String] = []
        for item in items {
            guard let text = item.stringValue, !text.isEmpty else {
                throw .badRequest("\(full) must hold non-empty strings")
            }
            strings.append(text)
        }
        return strings
    }
}

extension JSONRequestBody {
    /// See ``JSONValue/allowOnlyMembers(_:unsupported:in:)``.
    func allowOnly(_ allowed: [String], unsupported: [String] = []) throws(SandboxError) {
        try value.allowOnlyMembers(allowed, unsupported: unsupported)
    }

    /// `externalId` (the idempotency key, reference/dfns-protocol.md §15.3): absent, or 1 to 255
    /// characters.
    func optionalExternalId() throws(SandboxError) -> String? {
        guard let externalId = try optionalString("externalId") else { return nil }
        guard !externalId.isEmpty, externalId.count <= 255 else { throw .badRequest("externalId must be 1 to 255 characters") }
        return externalId
    }

    /// `name`: absent, or 1 to 255 characters.
    func optionalName() throws(SandboxError) -> String? {
        guard let name = try optionalString("name") else { return nil }
        guard !name.isEmpty, name.count <= 255 else { throw .badRequest("name must be 1 to 255 characters") }
        return name
    }
}

extension SandboxRequestContext {
    /// The body as a JSON object, or an empty object when the request has none (a body-less
    /// DELETE; SDKs send either nothing or `{}`, reference/dfns-protocol.md §1.5).
    func jsonBodyOrEmpty() throws -> JSONRequestBody {
        if body.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) {
            return try JSONRequestBody(bytes: Array("{}".utf8))
        }
        return try jsonBody()
    }
}

/// Decimal amounts compared without floating point (policy limits, transfer amounts).
enum DecimalAmount {
    /// `text` as a non-negative decimal number (digits, optionally one `.`), or nil.
    static func parse(_ text: String) -> Decimal? {
        guard !text.isEmpty, text.count <= 78,
              text.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }),
              text.filter({ $0 == "." }).count <= 1, text.first != ".", text.last != "." else { return nil }
        return Decimal(string: text, locale: Locale(identifier: "en_US_POSIX"))
    }
}

extension JSONValue {
    /// An object from `members`, dropping those whose value is nil.
    static func compactObject(_ members: [(String, JSONValue?)]) -> JSONValue {
        .object(members.compactMap { name, value in value.map { (name, $0) } })
    }

    /// Parses stored JSON text (a record's JSON column); `fallback` when it is not JSON.
    static func stored(_ text: String?, fallback: JSONValue = .null) -> JSONValue {
        guard let text else { return fallback }
        return (try? JSONParser().parse(Array(text.utf8))) ?? fallback
    }
}
