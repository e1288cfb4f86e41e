import DfnsEncoding

/// The canonical form of the JSON documents this library writes for relying parties: object
/// members sorted by name (UTF-16 code unit order, as RFC 8785 JCS sorts them), arrays in order,
/// written compactly by ``JSONWriter``. Numbers here are integers, so their text is already the
/// JCS form; two documents with the same content are byte-identical.
enum CanonicalJSON {
    /// `value` with every object's members sorted by name.
    static func sorted(_ value: JSONValue) -> JSONValue {
        switch value {
        case .object(let members):
            let sortedMembers = members
                .map { ($0.0, sorted($0.1)) }
                .sorted { $0.0.utf16.lexicographicallyPrecedes($1.0.utf16) }
            return .object(sortedMembers)
        case .array(let items):
            return .array(items.map(sorted))
        default:
            return value
        }
    }

    /// The canonical text of `value`.
    static func text(_ value: JSONValue) -> String {
        JSONWriter.string(sorted(value))
    }
}
