import Foundation
import GRDB

/// The sandbox's SQLite database: every table, created by the migrations below in one place
/// (GRDB's `AppDatabase` pattern), and the two ways to open it.
///
/// Writes go through one serial writer (`DatabaseQueue`), so a user action (consuming its token,
/// applying its effect, appending its audit entry) is one transaction: after a crash the database
/// holds all of it or none of it. A file database runs in WAL mode. With ``Durability/process``
/// (the default, `synchronous=NORMAL`) a commit is written to the WAL before the answer leaves, so
/// killing the process (SIGKILL included) loses nothing that was answered, and no commit waits for
/// an fsync; ``Durability/power`` (`synchronous=FULL`) also survives power loss, at one fsync per
/// commit.
public final class AppDatabase: Sendable {
    /// The GRDB connections: a `DatabasePool` on a file (WAL: reads run beside the one writer), a
    /// `DatabaseQueue` in memory.
    public let writer: any DatabaseWriter

    /// What a committed transaction survives.
    public enum Durability: String, Sendable, CaseIterable {
        /// A crash or kill of the sandbox process (`synchronous=NORMAL` in WAL mode).
        case process
        /// A power loss or OS crash as well (`synchronous=FULL`: an fsync per commit).
        case power
    }

    /// Opens (creating if needed) the database at `path`, or an in-memory one when `path` is nil,
    /// and applies the migrations.
    public init(path: String?, durability: Durability = .process) throws {
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        let synchronous = durability == .power ? "FULL" : "NORMAL"
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = \(synchronous)")
        }
        if let path {
            // A pool opens the file in WAL mode: readers never wait for the writer, and a SIGKILL
            // mid-transaction leaves the last committed state.
            writer = try DatabasePool(path: path, configuration: configuration)
        } else {
            writer = try DatabaseQueue(configuration: configuration)
        }
        try AppDatabase.migrator.migrate(writer)
    }

    /// The schema, one migration per step; never edit a migration that has shipped.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE setting (
                    name TEXT PRIMARY KEY,
                    value TEXT NOT NULL
                );
                CREATE TABLE organization (
                    id TEXT PRIMARY KEY,
                    name TEXT NOT NULL,
                    rpId TEXT NOT NULL,
                    origin TEXT NOT NULL,
                    dateCreated TEXT NOT NULL
                );
                CREATE TABLE user (
                    id TEXT PRIMARY KEY,
                    orgId TEXT NOT NULL REFERENCES organization(id),
                    username TEXT NOT NULL,
                    kind TEXT NOT NULL,            -- ServiceAccount | EndUser | CustomerEmployee
                    isActive INTEGER NOT NULL,
                    isRegistered INTEGER NOT NULL,
                    externalId TEXT,
                    dateCreated TEXT NOT NULL,
                    UNIQUE (orgId, username)
                );
                CREATE TABLE credential (
                    uuid TEXT PRIMARY KEY,
                    credId TEXT NOT NULL,
                    userId TEXT NOT NULL REFERENCES user(id),
                    kind TEXT NOT NULL,            -- Key | Fido2 | PasswordProtectedKey | RecoveryKey
                    name TEXT NOT NULL,
                    publicKeyPEM TEXT,             -- Key-style credentials
                    coseKey BLOB,                  -- Fido2
                    signCount INTEGER NOT NULL DEFAULT 0,
                    encryptedPrivateKey TEXT,
                    relyingPartyId TEXT,
                    origin TEXT,
                    isActive INTEGER NOT NULL,
                    dateCreated TEXT NOT NULL,
                    UNIQUE (userId, credId)
                );
                CREATE TABLE token (
                    id TEXT PRIMARY KEY,
                    userId TEXT NOT NULL REFERENCES user(id),
                    orgId TEXT NOT NULL,
                    kind TEXT NOT NULL,            -- ServiceAccount | Pat | Login | DelegatedLogin | Temporary
                    purpose TEXT,                  -- for Temporary tokens: Registration | Recovery
                    name TEXT,
                    credentialUuid TEXT,           -- the Key credential of a service account or PAT
                    expiresAt REAL NOT NULL,
                    isActive INTEGER NOT NULL,
                    dateCreated TEXT NOT NULL
                );
                CREATE TABLE challenge (
                    id TEXT PRIMARY KEY,           -- the challengeIdentifier
                    orgId TEXT NOT NULL,
                    userId TEXT NOT NULL,
                    purpose TEXT NOT NULL,         -- UserAction | Login | Registration | Credential | Recovery
                    challenge TEXT NOT NULL,
                    httpMethod TEXT,
                    httpPath TEXT,
                    payload TEXT,
                    detail TEXT,                   -- JSON: what the purpose needs (credential kind, token id)
                    expiresAt REAL NOT NULL,
                    usedAt REAL
                );
                CREATE TABLE userActionToken (
                    id TEXT PRIMARY KEY,
                    userId TEXT NOT NULL,
                    orgId TEXT NOT NULL,
                    credentialUuid TEXT NOT NULL,
                    httpMethod TEXT NOT NULL,
                    httpPath TEXT NOT NULL,
                    payload TEXT NOT NULL,
                    expiresAt REAL NOT NULL,
                    usedAt REAL
                );
                CREATE TABLE signingKey (
                    id TEXT PRIMARY KEY,
                    orgId TEXT NOT NULL,
                    scheme TEXT NOT NULL,
                    curve TEXT NOT NULL,
                    publicKey TEXT NOT NULL,       -- hex
                    privateKey TEXT NOT NULL,      -- PKCS#8 PEM, unencrypted: a development sandbox
                    name TEXT,
                    status TEXT NOT NULL,
                    ownerId TEXT NOT NULL,         -- the user who created it
                    delegatedTo TEXT,
                    externalId TEXT,
                    dateCreated TEXT NOT NULL
                );
                CREATE TABLE wallet (
                    id TEXT PRIMARY KEY,
                    orgId TEXT NOT NULL,
                    keyId TEXT NOT NULL REFERENCES signingKey(id),
                    network TEXT NOT NULL,
                    address TEXT,
                    name TEXT,
                    status TEXT NOT NULL,
                    externalId TEXT,
                    tags TEXT NOT NULL,            -- JSON array
                    dateCreated TEXT NOT NULL
                );
                CREATE TABLE signature (
                    id TEXT PRIMARY KEY,
                    orgId TEXT NOT NULL,
                    keyId TEXT NOT NULL REFERENCES signingKey(id),
                    walletId TEXT,
                    requesterId TEXT NOT NULL,
                    requesterTokenId TEXT,
                    requestBody TEXT NOT NULL,     -- JSON
                    status TEXT NOT NULL,
                    reason TEXT,
                    signature TEXT,                -- JSON {r, s, recid?, encoded}
                    approvalId TEXT,
                    externalId TEXT,
                    dateRequested TEXT NOT NULL,
                    datePolicyResolved TEXT,
                    dateSigned TEXT
                );
                CREATE TABLE transfer (
                    id TEXT PRIMARY KEY,
                    orgId TEXT NOT NULL,
                    walletId TEXT NOT NULL REFERENCES wallet(id),
                    requesterId TEXT NOT NULL,
                    requestBody TEXT NOT NULL,
                    status TEXT NOT NULL,
                    externalId TEXT,
                    dateRequested TEXT NOT NULL,
                    UNIQUE (walletId, externalId)
                );
                CREATE TABLE policy (
                    id TEXT PRIMARY KEY,
                    orgId TEXT NOT NULL,
                    name TEXT NOT NULL,
                    activityKind TEXT NOT NULL,
                    rule TEXT NOT NULL,            -- JSON
                    action TEXT NOT NULL,          -- JSON
                    filters TEXT,                  -- JSON
                    status TEXT NOT NULL,
                    dateCreated TEXT NOT NULL
                );
                CREATE TABLE approval (
                    id TEXT PRIMARY KEY,
                    orgId TEXT NOT NULL,
                    initiatorId TEXT NOT NULL,
                    signatureId TEXT NOT NULL REFERENCES signature(id),
                    policyId TEXT NOT NULL,
                    status TEXT NOT NULL,
                    decisions TEXT NOT NULL,       -- JSON array
                    dateCreated TEXT NOT NULL,
                    dateResolved TEXT
                );
                CREATE TABLE webhook (
                    id TEXT PRIMARY KEY,
                    orgId TEXT NOT NULL,
                    url TEXT NOT NULL,
                    events TEXT NOT NULL,          -- JSON array
                    status TEXT NOT NULL,
                    description TEXT,
                    secret TEXT NOT NULL,
                    dateCreated TEXT NOT NULL
                );
                CREATE TABLE webhookEvent (
                    id TEXT PRIMARY KEY,
                    webhookId TEXT NOT NULL REFERENCES webhook(id),
                    kind TEXT NOT NULL,
                    date TEXT NOT NULL,
                    data TEXT NOT NULL,            -- JSON
                    deliveryAttempt INTEGER NOT NULL,
                    deliveryFailed INTEGER NOT NULL,
                    delivered INTEGER NOT NULL,
                    lastError TEXT,
                    nextAttemptAt REAL
                );
                -- Append-only: every accepted user action, each entry chained to the previous one.
                CREATE TABLE auditEntry (
                    seq INTEGER PRIMARY KEY,
                    orgId TEXT NOT NULL,
                    userId TEXT NOT NULL,
                    credentialUuid TEXT NOT NULL,
                    httpMethod TEXT NOT NULL,
                    httpPath TEXT NOT NULL,
                    payloadHash TEXT NOT NULL,
                    time TEXT NOT NULL,
                    previousHash TEXT NOT NULL,
                    entryHash TEXT NOT NULL
                );
                CREATE TRIGGER auditEntry_no_update BEFORE UPDATE ON auditEntry
                    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
                CREATE TRIGGER auditEntry_no_delete BEFORE DELETE ON auditEntry
                    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
                CREATE INDEX credential_credId ON credential(credId);
                CREATE INDEX wallet_key ON wallet(keyId);
                CREATE INDEX signature_key ON signature(keyId);
                CREATE INDEX webhookEvent_due ON webhookEvent(delivered, nextAttemptAt);
                """)
        }
        // Idempotency lookups by externalId run on every signed create: indexed, so they cost the
        // same after 10 000 requests as after one.
        migrator.registerMigration("v2-externalId-indexes") { db in
            try db.execute(sql: """
                CREATE INDEX signature_key_externalId ON signature(keyId, externalId);
                CREATE INDEX wallet_org_externalId ON wallet(orgId, externalId);
                CREATE INDEX signingKey_org_externalId ON signingKey(orgId, externalId);
                """)
        }
        return migrator
    }
}
