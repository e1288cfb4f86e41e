/// An ordered list of HTTP header fields with case-insensitive lookup by name.
///
/// Order and repetition are kept exactly as added (or as received), because a header may appear
/// more than once (`Set-Cookie`) and some peers care about order. Lookups compare names without
/// regard to ASCII case, as HTTP requires (RFC 9110 §5.1): `headers["content-type"]` finds a field
/// added as `Content-Type`. Equality (`==`) is structural: the same fields, with the same spelling,
/// in the same order.
public struct HTTPHeaders: Sendable, Hashable {
    /// One header field: a name and its value, as written.
    public struct Field: Sendable, Hashable, CustomStringConvertible {
        /// The field name, e.g. `Content-Type`.
        public var name: String
        /// The field value, without surrounding whitespace, e.g. `application/json`.
        public var value: String

        /// A field with `name` and `value`.
        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }

        /// `name: value`.
        public var description: String { "\(name): \(value)" }
    }

    /// Every field, in order.
    public private(set) var fields: [Field]

    /// No fields.
    public init() {
        fields = []
    }

    /// The given fields, in the given order.
    public init(_ fields: [Field]) {
        self.fields = fields
    }

    /// The number of fields (a repeated name counts once per occurrence).
    public var count: Int { fields.count }

    /// Whether there are no fields.
    public var isEmpty: Bool { fields.isEmpty }

    /// The value of the first field named `name` (any case), or `nil`.
    ///
    /// Setting a value replaces every field of that name with one field at the position of the
    /// first one (or at the end when there was none); setting `nil` removes every field of that name.
    public subscript(name: String) -> String? {
        get { fields.first { Self.namesMatch($0.name, name) }?.value }
        set {
            guard let newValue else {
                remove(name: name)
                return
            }
            set(name: name, value: newValue)
        }
    }

    /// The values of every field named `name` (any case), in order.
    public func values(for name: String) -> [String] {
        fields.filter { Self.namesMatch($0.name, name) }.map(\.value)
    }

    /// Whether a field named `name` (any case) is present.
    public func contains(_ name: String) -> Bool {
        fields.contains { Self.namesMatch($0.name, name) }
    }

    /// Appends a field, keeping any existing field of the same name.
    public mutating func add(name: String, value: String) {
        fields.append(Field(name: name, value: value))
    }

    /// Replaces every field named `name` (any case) with one field holding `value`, at the position
    /// of the first such field, or appends it when there was none.
    public mutating func set(name: String, value: String) {
        guard let first = fields.firstIndex(where: { Self.namesMatch($0.name, name) }) else {
            fields.append(Field(name: name, value: value))
            return
        }
        fields[first] = Field(name: name, value: value)
        var index = fields.index(after: first)
        while index < fields.endIndex {
            if Self.namesMatch(fields[index].name, name) {
                fields.remove(at: index)
            } else {
                index = fields.index(after: index)
            }
        }
    }

    /// Removes every field named `name` (any case).
    public mutating func remove(name: String) {
        fields.removeAll { Self.namesMatch($0.name, name) }
    }

    /// Whether two header names are equal ignoring ASCII case (header names are ASCII tokens;
    /// other bytes must match exactly).
    public static func namesMatch(_ lhs: String, _ rhs: String) -> Bool {
        var left = lhs.utf8.makeIterator()
        var right = rhs.utf8.makeIterator()
        while true {
            switch (left.next(), right.next()) {
            case (nil, nil):
                return true
            case let (l?, r?):
                if asciiLowercased(l) != asciiLowercased(r) { return false }
            default:
                return false
            }
        }
    }

    private static func asciiLowercased(_ byte: UInt8) -> UInt8 {
        (byte >= 0x41 && byte <= 0x5A) ? byte | 0x20 : byte
    }
}

extension HTTPHeaders: Sequence {
    /// Iterates over the fields in order.
    public func makeIterator() -> IndexingIterator<[Field]> {
        fields.makeIterator()
    }
}

extension HTTPHeaders: ExpressibleByDictionaryLiteral {
    /// Fields from a literal, in the order written; a name may not repeat in a dictionary literal,
    /// so use ``add(name:value:)`` for repeated fields.
    public init(dictionaryLiteral elements: (String, String)...) {
        fields = elements.map { Field(name: $0.0, value: $0.1) }
    }
}

extension HTTPHeaders: CustomStringConvertible {
    /// One `name: value` line per field.
    public var description: String {
        fields.map(\.description).joined(separator: "\n")
    }
}
