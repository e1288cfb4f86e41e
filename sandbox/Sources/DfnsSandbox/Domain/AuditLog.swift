import DfnsCrypto
import DfnsEncoding
import GRDB

/// The append-only audit log: every accepted user action, each entry holding the SHA-256 of the
/// previous one, so that changing, removing or reordering any entry breaks every hash after it.
///
/// An entry's hash is SHA-256 over the compact JSON array
/// `[seq, previousHash, orgId, userId, credentialUuid, method, path, payloadHash, time]` (numbers and
/// strings as the library's JSON writer prints them): one unambiguous encoding, so no two different
/// entries hash the same input.
public enum AuditLog {
    /// The `previousHash` of the first entry.
    public static let genesisHash = String(repeating: "0", count: 64)

    /// Appends an entry for an accepted user action inside the caller's transaction.
    @discardableResult
    public static func append(_ db: Database, orgId: String, userId: String, credentialUuid: String,
                              method: String, path: String, payload: [UInt8], time: String) throws -> AuditEntry {
        let last = try AuditEntry.order(Column("seq").desc).fetchOne(db)
        let seq = (last?.seq ?? 0) + 1
        var entry = AuditEntry(seq: seq, orgId: orgId, userId: userId, credentialUuid: credentialUuid,
                               httpMethod: method, httpPath: path, payloadHash: Hex.encode(SHA256.hash(payload)),
                               time: time, previousHash: last?.entryHash ?? genesisHash, entryHash: "")
        entry.entryHash = hash(of: entry)
        try entry.insert(db)
        return entry
    }

    /// The hash `entry` must carry.
    public static func hash(of entry: AuditEntry) -> String {
        let fields: JSONValue = .array([
            .number(String(entry.seq)), .string(entry.previousHash), .string(entry.orgId), .string(entry.userId),
            .string(entry.credentialUuid), .string(entry.httpMethod), .string(entry.httpPath),
            .string(entry.payloadHash), .string(entry.time),
        ])
        return Hex.encode(SHA256.hash(JSONWriter.bytes(fields)))
    }

    /// The outcome of checking the chain.
    public struct Verification: Sendable, Equatable {
        /// Entries checked.
        public var entries: Int
        /// The first entry that does not verify, and why; nil when the chain is intact.
        public var firstBroken: (seq: Int64, reason: String)?

        public var isIntact: Bool { firstBroken == nil }

        public static func == (a: Verification, b: Verification) -> Bool {
            a.entries == b.entries && a.firstBroken?.seq == b.firstBroken?.seq && a.firstBroken?.reason == b.firstBroken?.reason
        }
    }

    /// Walks the whole log in order and names the first entry whose sequence, link or hash is wrong.
    public static func verify(_ db: Database) throws -> Verification {
        var previous = genesisHash
        var expectedSeq: Int64 = 1
        var count = 0
        let cursor = try AuditEntry.order(Column("seq")).fetchCursor(db)
        while let entry = try cursor.next() {
            count += 1
            if entry.seq != expectedSeq {
                return Verification(entries: count, firstBroken: (entry.seq, "expected entry \(expectedSeq), found \(entry.seq): an entry was removed"))
            }
            if entry.previousHash != previous {
                return Verification(entries: count, firstBroken: (entry.seq, "previousHash does not match entry \(entry.seq - 1)'s hash"))
            }
            if hash(of: entry) != entry.entryHash {
                return Verification(entries: count, firstBroken: (entry.seq, "entryHash does not match the entry's contents"))
            }
            previous = entry.entryHash
            expectedSeq += 1
        }
        return Verification(entries: count, firstBroken: nil)
    }
}
