import DfnsClient
import DfnsEncoding
import Foundation
import GRDB

/// First start: an organization, its application's relying party (rpId and origin), and a service
/// account with a P-256 Key credential and a token, so any client can start at once. The document
/// `{"baseUrl", "orgId", "serviceAccountToken", "credId", "privateKeyPem"}` is kept in the database
/// (a development sandbox keeps its keys unencrypted) and written to the bootstrap file at every
/// start with the current base URL.
public enum Bootstrap {
    /// The bootstrap document, creating the organization and service account when the database is new.
    public static func ensure(services: SandboxServices) throws -> JSONValue {
        let configuration = services.configuration
        return try services.database.writer.write { db -> JSONValue in
            if let stored = try String.fetchOne(db, sql: "SELECT value FROM setting WHERE name = 'bootstrap'") {
                return try JSONParser().parse(Array(stored.utf8))
            }
            let now = SandboxClock.iso8601()
            let org = Organization(id: Identifiers.make("or"), name: configuration.organizationName,
                                   rpId: configuration.rpId, origin: configuration.origin, dateCreated: now)
            try org.insert(db)
            let user = User(id: Identifiers.make("us"), orgId: org.id, username: "sandbox-service-account",
                            kind: User.serviceAccount, isActive: true, isRegistered: true, externalId: nil, dateCreated: now)
            try user.insert(db)
            let key = try KeyCredential.generate(.p256)
            let pem = try key.privateKeyPEM()
            let credential = Credential(uuid: Identifiers.make("cr"), credId: key.credentialId, userId: user.id,
                                        kind: CredentialKind.key, name: "service account key",
                                        publicKeyPEM: key.publicKey.pem, coseKey: nil, signCount: 0,
                                        encryptedPrivateKey: nil, relyingPartyId: nil, origin: nil, isActive: true,
                                        dateCreated: now)
            try credential.insert(db)
            let token = try TokenMinter.mint(db, services: services, user: user, kind: TokenKind.serviceAccount,
                                             ttl: configuration.serviceAccountTokenTTL, name: "bootstrap",
                                             credentialUuid: credential.uuid)
            let document: JSONValue = .object([
                ("orgId", .string(org.id)), ("serviceAccountId", .string(user.id)),
                ("serviceAccountToken", .string(token)), ("credId", .string(key.credentialId)),
                ("privateKeyPem", .string(pem)), ("rpId", .string(org.rpId)), ("origin", .string(org.origin)),
            ])
            try db.execute(sql: "INSERT INTO setting (name, value) VALUES ('bootstrap', ?)", arguments: [JSONWriter.string(document)])
            return document
        }
    }

    /// Writes `document` with `baseUrl` first to `path` (mode 0600: it holds a private key).
    public static func write(_ document: JSONValue, baseURL: String, to path: String) throws {
        var members: [(String, JSONValue)] = [("baseUrl", .string(baseURL))]
        members.append(contentsOf: document.objectValue ?? [])
        let bytes = JSONWriter.bytes(.object(members)) + [0x0A]
        let temporary = path + ".tmp"
        guard FileManager.default.createFile(atPath: temporary, contents: Data(bytes), attributes: [.posixPermissions: 0o600]) else {
            throw SandboxError.internalError("cannot create \(temporary)")
        }
        if FileManager.default.fileExists(atPath: path) { try FileManager.default.removeItem(atPath: path) }
        try FileManager.default.moveItem(atPath: temporary, toPath: path)
    }
}
