import DfnsClient
import DfnsCrypto
import DfnsCurlTransport
import DfnsEncoding
import DfnsProtocol
@testable import DfnsSandbox
import DfnsWebAuthn
import Foundation
import GRDB
import Testing

/// A sandbox running in the test process on a free loopback port, and clients talking to it over
/// real HTTP (libcurl): nothing is mocked.
struct TestSandbox {
    let running: RunningSandbox
    let transport: CurlTransport

    var services: SandboxServices { running.services }
    var baseURL: String { running.baseURL }
    var orgId: String { running.bootstrap["orgId"] }
    var serviceAccountToken: String { running.bootstrap["serviceAccountToken"] }
    var serviceAccountId: String { running.bootstrap["serviceAccountId"] }
    var rpId: String { running.bootstrap["rpId"] }
    var origin: String { running.bootstrap["origin"] }

    /// Starts a sandbox (in memory unless `configure` sets a database path).
    static func start(_ configure: (inout SandboxConfiguration) -> Void = { _ in }) async throws -> TestSandbox {
        var configuration = SandboxConfiguration()
        configure(&configuration)
        let running = try await RunningSandbox.start(configuration)
        let transport = CurlTransport(configuration: CurlTransportConfiguration(
            connectTimeout: .seconds(5), timeout: .seconds(30), proxy: .disabled))
        return TestSandbox(running: running, transport: transport)
    }

    func stop() async {
        await running.stop()
    }

    /// The service account's Key signer (from the bootstrap document).
    func serviceAccountSigner() throws -> KeySigner {
        KeySigner(credential: try KeyCredential(privateKeyPEM: running.bootstrap["privateKeyPem"],
                                                credentialId: running.bootstrap["credId"]))
    }

    /// A client with `token` and `signer`.
    func client(token: String?, signer: (any UserActionSigner)?) throws -> DfnsAPIClient {
        DfnsAPIClient(baseURL: try BaseURL(baseURL, allowInsecureHTTP: true), transport: transport,
                      authToken: token, signer: signer)
    }

    /// The service account's client, signing its user actions with its Key credential.
    func serviceAccountClient() throws -> DfnsAPIClient {
        try client(token: serviceAccountToken, signer: try serviceAccountSigner())
    }

    /// Reads the database directly (to check what a request did or did not change).
    func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await services.database.writer.read(body)
    }

    /// Number of rows in `table`.
    func count(_ table: String) async throws -> Int {
        try await read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table)") ?? 0 }
    }
}

/// Runs `body` with a fresh sandbox, stopping it afterwards whatever happens.
func withSandbox(_ configure: (inout SandboxConfiguration) -> Void = { _ in },
                 _ body: (TestSandbox) async throws -> Void) async throws {
    let sandbox = try await TestSandbox.start(configure)
    do {
        try await body(sandbox)
    } catch {
        await sandbox.stop()
        throw error
    }
    await sandbox.stop()
}

/// An end user arranged directly in the database (for tests of other areas than registration):
/// registered, with a passkey on a software authenticator (a real attestation, verified by the
/// library) and a delegated-login token.
struct EndUserFixture {
    let user: User
    let token: String
    let signer: WebAuthnSigner
    let credential: Credential

    /// Creates the end user `username` in the sandbox's organization.
    static func create(in sandbox: TestSandbox, username: String = "enduser-\(UUID().uuidString.prefix(8))@example.com") async throws -> EndUserFixture {
        let authenticator = SoftwareAuthenticator()
        let registration = try authenticator.register(rpId: sandbox.rpId, origin: sandbox.origin,
                                                      challenge: try SecureRandom.bytes(32),
                                                      userHandle: Array(username.utf8))
        let verified = try RegistrationVerifier(policy: RelyingPartyPolicy(rpId: sandbox.rpId, allowedOrigins: [sandbox.origin]))
            .verify(clientDataJSON: registration.clientDataJSON, attestationObject: registration.attestationObject,
                    expectedChallenge: try parseChallenge(registration.clientDataJSON))
        let now = "2026-01-01T00:00:00.000Z"
        let user = User(id: Identifiers.make("us"), orgId: sandbox.orgId, username: username, kind: User.endUser,
                        isActive: true, isRegistered: true, externalId: nil, dateCreated: now)
        let credential = Credential(uuid: Identifiers.make("cr"), credId: Base64URL.encode(registration.credentialId),
                                    userId: user.id, kind: CredentialKind.fido2, name: "fixture passkey",
                                    publicKeyPEM: verified.credentialPublicKey.publicKey.pem,
                                    coseKey: Data(verified.credentialPublicKey.coseBytes), signCount: Int64(verified.signCount),
                                    encryptedPrivateKey: nil, relyingPartyId: sandbox.rpId, origin: sandbox.origin,
                                    isActive: true, dateCreated: now)
        let services = sandbox.services
        let token = try await services.database.writer.write { db -> String in
            try user.insert(db)
            try credential.insert(db)
            return try TokenMinter.mint(db, services: services, user: user, kind: TokenKind.delegatedLogin, ttl: 3600)
        }
        let signer = try WebAuthnSigner(authenticator: authenticator, credentialId: registration.credentialId,
                                        rpId: sandbox.rpId, origin: sandbox.origin)
        return EndUserFixture(user: user, token: token, signer: signer, credential: credential)
    }

    /// The challenge bytes inside `clientDataJSON`.
    private static func parseChallenge(_ clientDataJSON: [UInt8]) throws -> [UInt8] {
        let value = try JSONParser().parse(clientDataJSON)
        return try Base64URL.decode(value["challenge"]?.stringValue ?? "")
    }

    /// A client acting as this end user (the backend holding the delegated-login token, with the
    /// user's passkey answering the challenges).
    func client(in sandbox: TestSandbox) throws -> DfnsAPIClient {
        try sandbox.client(token: token, signer: signer)
    }
}
