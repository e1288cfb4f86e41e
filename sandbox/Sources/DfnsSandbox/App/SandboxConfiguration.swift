/// Everything the sandbox can be told at start (the `dfns-sandbox` options map onto this).
public struct SandboxConfiguration: Sendable {
    /// Interface to listen on; loopback by default.
    public var host: String = "127.0.0.1"
    /// Port; 0 picks a free one.
    public var port: Int = 0
    /// SQLite file; nil keeps everything in memory.
    public var databasePath: String? = nil
    /// What a committed action survives (``AppDatabase/Durability``).
    public var durability: AppDatabase.Durability = .process
    /// Where to write the bootstrap document on first start, if anywhere.
    public var bootstrapFile: String? = nil
    /// The relying party of the organization's application (passkeys), and its origin.
    public var rpId: String = "localhost"
    public var origin: String = "http://localhost:3000"
    /// Organization name on first start.
    public var organizationName: String = "Sandbox Org"
    /// Lifetime of challenges (user action, login, registration), seconds.
    public var challengeTTL: Double = 300
    /// Lifetime of a user-action token once issued, seconds.
    public var userActionTTL: Double = 300
    /// Lifetime of login tokens, seconds.
    public var loginTokenTTL: Double = 86_400
    /// Lifetime of service-account tokens and PATs without `daysValid`, seconds.
    public var serviceAccountTokenTTL: Double = 365 * 86_400
    /// Largest request body accepted, bytes.
    public var maxBodyBytes: Int = 1 << 20
    /// Delays before the 2nd, 3rd, ... delivery attempt of a webhook event, seconds (Dfns uses
    /// 1 min, 12 min, 2 h, 1 d; a sandbox wants to see retries while a developer watches).
    public var webhookRetryDelays: [Double] = [1, 5, 30, 120]
    /// Timeout of one webhook delivery, seconds.
    public var webhookTimeout: Double = 5

    public init() {}
}
