import DfnsLocking
import DfnsProtocol

/// The keys a client has fetched to check returned signatures against, by id. A key's public key
/// never changes, so checking every signature of a key costs one `GET /keys/{keyId}` per client, not
/// one per signature. Bounded: when full it starts again empty.
final class KeyCache: Sendable {
    static let capacity = 1024
    private let keys = Locked<[String: Key]>([:])

    func key(_ keyId: String) -> Key? {
        keys.withLock { $0[keyId] }
    }

    func remember(_ key: Key) {
        keys.withLock { keys in
            if keys.count >= KeyCache.capacity { keys.removeAll(keepingCapacity: true) }
            keys[key.id] = key
        }
    }
}
