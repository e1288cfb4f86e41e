import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

/// Builds the sandbox: the router with its middleware (error envelope and bounded body, bearer
/// token, user action) and every controller, the webhook dispatcher as a background service.
public enum SandboxApplication {
    /// The notice printed at start and in `--help`.
    public static let notice = "dfns-sandbox is a development sandbox: its keys are stored unencrypted. Never use it for real assets."

    public static func router(services: SandboxServices) -> Router<SandboxRequestContext> {
        let router = Router(context: SandboxRequestContext.self)
        router.add(middleware: ErrorEnvelopeMiddleware(maxBodyBytes: services.configuration.maxBodyBytes))
        router.add(middleware: AuthenticationMiddleware(services: services))
        router.add(middleware: UserActionMiddleware(services: services))
        UserActionController(services: services).addRoutes(to: router)
        RegistrationController(services: services).addRoutes(to: router)
        LoginController(services: services).addRoutes(to: router)
        CredentialController(services: services).addRoutes(to: router)
        RecoveryController(services: services).addRoutes(to: router)
        ServiceAccountController(services: services).addRoutes(to: router)
        KeyController(services: services).addRoutes(to: router)
        WalletController(services: services).addRoutes(to: router)
        PolicyController(services: services).addRoutes(to: router)
        WebhookController(services: services).addRoutes(to: router)
        AuditController(services: services).addRoutes(to: router)
        return router
    }

    /// The application, calling `onRunning` with the bound port once it listens.
    public static func make(services: SandboxServices, logger: Logger,
                            onRunning: @escaping @Sendable (Int) async -> Void) -> some ApplicationProtocol {
        let configuration = services.configuration
        var app = Application(
            router: router(services: services),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "dfns-sandbox"),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? 0) },
            logger: logger
        )
        app.addServices(services.webhooks)
        return app
    }
}

/// A sandbox running in this process (tests, the load benchmark): started on a free loopback port,
/// stopped with ``stop()``.
public final class RunningSandbox: Sendable {
    public let services: SandboxServices
    public let port: Int
    public let bootstrap: JSONValueBox
    private let group: ServiceGroup
    private let task: Task<Void, Error>

    public var baseURL: String { "http://\(services.configuration.host):\(port)" }

    init(services: SandboxServices, port: Int, bootstrap: JSONValueBox, group: ServiceGroup, task: Task<Void, Error>) {
        self.services = services
        self.port = port
        self.bootstrap = bootstrap
        self.group = group
        self.task = task
    }

    /// Starts a sandbox with `configuration` (port 0 picks a free one) and returns once it listens.
    public static func start(_ configuration: SandboxConfiguration = SandboxConfiguration()) async throws -> RunningSandbox {
        let services = try SandboxServices(configuration: configuration)
        let document = try Bootstrap.ensure(services: services)
        var logger = Logger(label: "dfns-sandbox")
        logger.logLevel = .warning
        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        let app = SandboxApplication.make(services: services, logger: logger) { port in portContinuation.yield(port) }
        let group = ServiceGroup(configuration: .init(services: [app], logger: logger))
        let task = Task { try await group.run() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next(), port > 0 else {
            task.cancel()
            throw SandboxError.internalError("the sandbox did not start listening")
        }
        return RunningSandbox(services: services, port: port, bootstrap: JSONValueBox(document), group: group, task: task)
    }

    /// Stops the server and waits for it to finish.
    public func stop() async {
        await group.triggerGracefulShutdown()
        _ = try? await task.value
    }
}
