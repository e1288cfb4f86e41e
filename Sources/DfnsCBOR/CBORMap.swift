/// An ordered CBOR map with unique keys.
///
/// Entries keep the order in which they were decoded or supplied; ``CBOREncoder`` writes them in
/// that order unless asked to sort. Lookups are linear, which is the right trade-off for the
/// small maps of WebAuthn (COSE keys, attestation objects).
///
/// Equality and hashing ignore entry order, as in the CBOR data model (RFC 8949 §5.6): two maps
/// are equal when they hold the same keys with equal values. Compare ``entries`` to check order.
public struct CBORMap: Sendable, Hashable, Sequence {
    /// One stored key/value pair.
    struct Entry: Sendable, Hashable {
        var key: CBORValue
        var value: CBORValue
    }

    /// The pairs, in order, with unique keys (an invariant every initializer keeps).
    private var storage: [Entry]

    /// Creates an empty map.
    public init() {
        storage = []
    }

    /// Creates a map from key/value pairs, keeping their order.
    ///
    /// If a key occurs more than once, the entry stays at the position of its first occurrence
    /// and takes the value of the last one, so the result always has unique keys.
    public init(_ entries: [(CBORValue, CBORValue)]) {
        storage = []
        storage.reserveCapacity(entries.count)
        if entries.count <= 16 {
            for (key, value) in entries {
                if let index = storage.firstIndex(where: { $0.key == key }) {
                    storage[index].value = value
                } else {
                    storage.append(Entry(key: key, value: value))
                }
            }
        } else {
            var positions: [CBORValue: Int] = [:]
            for (key, value) in entries {
                if let index = positions[key] {
                    storage[index].value = value
                } else {
                    positions[key] = storage.count
                    storage.append(Entry(key: key, value: value))
                }
            }
        }
    }

    /// Creates a map from entries already known to have unique keys (used by the decoder).
    init(uniqueEntries: [Entry]) {
        storage = uniqueEntries
    }

    /// The key/value pairs in order.
    public var entries: [(key: CBORValue, value: CBORValue)] {
        storage.map { (key: $0.key, value: $0.value) }
    }

    /// The keys in order.
    public var keys: [CBORValue] {
        storage.map(\.key)
    }

    /// The number of entries.
    public var count: Int { storage.count }

    /// Whether the map has no entries.
    public var isEmpty: Bool { storage.isEmpty }

    /// The value stored under `key`, or `nil`.
    ///
    /// Setting a value replaces an existing entry in place or appends a new one; setting `nil`
    /// removes the entry.
    public subscript(key: CBORValue) -> CBORValue? {
        get {
            storage.first(where: { $0.key == key })?.value
        }
        set {
            let index = storage.firstIndex(where: { $0.key == key })
            switch (index, newValue) {
            case (let index?, let value?):
                storage[index].value = value
            case (let index?, nil):
                storage.remove(at: index)
            case (nil, let value?):
                storage.append(Entry(key: key, value: value))
            case (nil, nil):
                break
            }
        }
    }

    /// The value under an integer key, such as a COSE label: `map[int: 3]` looks up key 3,
    /// `map[int: -1]` key -1.
    public subscript(int key: Int64) -> CBORValue? {
        self[CBORValue(key)]
    }

    /// The value under a text-string key: `map[text: "fmt"]`.
    public subscript(text key: String) -> CBORValue? {
        self[CBORValue.text(key)]
    }

    /// Whether an entry with `key` exists.
    public func contains(key: CBORValue) -> Bool {
        storage.contains(where: { $0.key == key })
    }

    /// Iterates over the entries in order.
    public struct Iterator: IteratorProtocol {
        private var base: IndexingIterator<[Entry]>

        init(_ storage: [Entry]) {
            base = storage.makeIterator()
        }

        /// The next entry, or `nil` at the end.
        public mutating func next() -> (key: CBORValue, value: CBORValue)? {
            guard let entry = base.next() else { return nil }
            return (key: entry.key, value: entry.value)
        }
    }

    /// Returns an iterator over the entries in order.
    public func makeIterator() -> Iterator {
        Iterator(storage)
    }

    /// The stored entries, for the encoder.
    var storedEntries: [Entry] { storage }

    /// Order-insensitive equality: same number of entries, and every key of `lhs` maps to an
    /// equal value in `rhs`.
    public static func == (lhs: CBORMap, rhs: CBORMap) -> Bool {
        guard lhs.storage.count == rhs.storage.count else { return false }
        if lhs.storage == rhs.storage { return true }
        if lhs.storage.count <= 16 {
            return lhs.storage.allSatisfy { entry in rhs[entry.key] == entry.value }
        }
        var index: [CBORValue: CBORValue] = [:]
        for entry in rhs.storage { index[entry.key] = entry.value }
        return lhs.storage.allSatisfy { entry in index[entry.key] == entry.value }
    }

    /// Order-insensitive hashing, consistent with ``==(_:_:)``.
    public func hash(into hasher: inout Hasher) {
        var combined = 0
        for entry in storage {
            var entryHasher = Hasher()
            entryHasher.combine(entry)
            combined = combined &+ entryHasher.finalize()
        }
        hasher.combine(storage.count)
        hasher.combine(combined)
    }
}
