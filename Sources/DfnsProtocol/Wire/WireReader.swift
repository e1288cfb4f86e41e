import DfnsEncoding

/// Typed access to the members of one JSON object, naming the member path in errors: what a
/// hand-written reader of a wire type uses (see `UserActionChallenge.init(json:)`), with the rules
/// of a synthesized `Decodable` (null is absent, unknown members ignored).
package struct WireReader {
    package let members: [(String, JSONValue)]
    package let path: String

    package init(_ value: JSONValue, _ path: String) throws(WireShapeError) {
        guard case .object(let members) = value else {
            throw WireShapeError(path: path, problem: Self.wrongType(value, "an object"))
        }
        self.members = members
        self.path = path
    }

    private func child(_ name: String) -> String { path.isEmpty ? name : path + "." + name }

    /// The member, nil when absent or null.
    private func value(_ name: String) -> JSONValue? {
        guard let found = members.first(where: { $0.0 == name })?.1, found != .null else { return nil }
        return found
    }

    package func string(_ name: String) throws(WireShapeError) -> String {
        guard let text = try optionalString(name) else { throw WireShapeError(path: child(name), problem: "is missing") }
        return text
    }

    package func optionalString(_ name: String) throws(WireShapeError) -> String? {
        guard let found = value(name) else { return nil }
        guard case .string(let text) = found else {
            throw WireShapeError(path: child(name), problem: Self.wrongType(found, "a string"))
        }
        return text
    }

    package func optionalBool(_ name: String) throws(WireShapeError) -> Bool? {
        guard let found = value(name) else { return nil }
        guard case .bool(let flag) = found else {
            throw WireShapeError(path: child(name), problem: Self.wrongType(found, "a boolean"))
        }
        return flag
    }

    package func optionalObject<T>(_ name: String, _ read: (WireReader) throws(WireShapeError) -> T) throws(WireShapeError) -> T? {
        guard let found = value(name) else { return nil }
        return try read(try WireReader(found, child(name)))
    }

    package func optionalArray<T>(_ name: String, _ read: (WireReader) throws(WireShapeError) -> T) throws(WireShapeError) -> [T]? {
        guard let found = value(name) else { return nil }
        guard case .array(let items) = found else {
            throw WireShapeError(path: child(name), problem: Self.wrongType(found, "an array"))
        }
        var result: [T] = []
        result.reserveCapacity(items.count)
        for (index, item) in items.enumerated() {
            result.append(try read(try WireReader(item, child(name) + "." + String(index))))
        }
        return result
    }

    /// "is an array, not a string", with the right article.
    private static func wrongType(_ found: JSONValue, _ expected: String) -> String {
        let name = found.typeName
        return "is \(name.first.map { "aeiou".contains($0) } == true ? "an" : "a") \(name), not \(expected)"
    }
}
