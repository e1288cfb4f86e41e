import DfnsEncoding

/// A request body parsed strictly (duplicate members refused, one top-level object) with typed
/// accessors whose errors name the member that is wrong.
public struct JSONRequestBody: Sendable {
    public let value: JSONValue
    /// The exact bytes received.
    public let bytes: [UInt8]

    public init(bytes: [UInt8]) throws(SandboxError) {
        let value: JSONValue
        do {
            value = try JSONParser().parse(bytes)
        } catch {
            throw .badRequest("request body is not valid JSON: \(error)")
        }
        try self.init(value: value, bytes: bytes)
    }

    /// A body already parsed strictly from `bytes`.
    public init(value: JSONValue, bytes: [UInt8]) throws(SandboxError) {
        guard case .object = value else { throw .badRequest("request body must be a JSON object") }
        self.value = value
        self.bytes = bytes
    }

    public func string(_ name: String) throws(SandboxError) -> String {
        guard let member = value[name] else { throw .badRequest("\(name) is required") }
        guard let text = member.stringValue else { throw .badRequest("\(name) must be a string, found \(member.typeName)") }
        return text
    }

    public func optionalString(_ name: String) throws(SandboxError) -> String? {
        guard let member = value[name], member != .null else { return nil }
        guard let text = member.stringValue else { throw .badRequest("\(name) must be a string, found \(member.typeName)") }
        return text
    }

    public func object(_ name: String) throws(SandboxError) -> JSONValue {
        guard let member = value[name] else { throw .badRequest("\(name) is required") }
        guard case .object = member else { throw .badRequest("\(name) must be an object, found \(member.typeName)") }
        return member
    }

    public func optionalObject(_ name: String) throws(SandboxError) -> JSONValue? {
        guard let member = value[name], member != .null else { return nil }
        guard case .object = member else { throw .badRequest("\(name) must be an object, found \(member.typeName)") }
        return member
    }

    public func optionalArray(_ name: String) throws(SandboxError) -> [JSONValue]? {
        guard let member = value[name], member != .null else { return nil }
        guard let items = member.arrayValue else { throw .badRequest("\(name) must be an array, found \(member.typeName)") }
        return items
    }

    public func optionalBool(_ name: String) throws(SandboxError) -> Bool? {
        guard let member = value[name], member != .null else { return nil }
        guard let flag = member.boolValue else { throw .badRequest("\(name) must be a boolean, found \(member.typeName)") }
        return flag
    }
}

extension JSONValue {
    /// Member `name` of an object as a string, with an error naming `path.name`.
    func requiredString(_ name: String, in path: String) throws(SandboxError) -> String {
        guard let member = self[name] else { throw .badRequest("\(path).\(name) is required") }
        guard let text = member.stringValue else { throw .badRequest("\(path).\(name) must be a string, found \(member.typeName)") }
        return text
    }

    func optionalString(_ name: String, in path: String) throws(SandboxError) -> String? {
        guard let member = self[name], member != .null else { return nil }
        guard let text = member.stringValue else { throw .badRequest("\(path).\(name) must be a string, found \(member.typeName)") }
        return text
    }
}
