import DfnsEncoding

/// A `JSONValue` with typed accessors for the bootstrap document's members.
public struct JSONValueBox: Sendable {
    public let value: JSONValue

    public init(_ value: JSONValue) {
        self.value = value
    }

    /// Member `name` as a string ("" when absent).
    public subscript(name: String) -> String {
        value[name]?.stringValue ?? ""
    }
}
