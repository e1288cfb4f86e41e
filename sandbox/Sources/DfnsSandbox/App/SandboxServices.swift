import DfnsCrypto
import DfnsEncoding
import Foundation
import GRDB

/// What every route and middleware needs: the database, the token issuer, the configuration and the
/// webhook dispatcher. Built once per server; immutable; shared across requests.
public final class SandboxServices: Sendable {
    public let database: AppDatabase
    public let tokens: TokenIssuer
    public let configuration: SandboxConfiguration
    public let webhooks: WebhookDispatcher

    public init(configuration: SandboxConfiguration) throws {
        self.configuration = configuration
        let database = try AppDatabase(path: configuration.databasePath, durability: configuration.durability)
        self.database = database
        let seed = try database.writer.write { db -> [UInt8] in
            if let hex = try String.fetchOne(db, sql: "SELECT value FROM setting WHERE name = 'jwtSigningSeed'") {
                return try Hex.decode(hex)
            }
            let seed = try SecureRandom.bytes(32)
            try db.execute(sql: "INSERT INTO setting (name, value) VALUES ('jwtSigningSeed', ?)", arguments: [Hex.encode(seed)])
            return seed
        }
        tokens = try TokenIssuer(seed: seed)
        webhooks = WebhookDispatcher(database: database, configuration: configuration)
    }

    /// The organization `id`, or a 404.
    func organization(_ id: String, _ db: Database) throws -> Organization {
        guard let org = try Organization.fetchOne(db, key: id) else { throw SandboxError.notFound("organization \(id)") }
        return org
    }
}
