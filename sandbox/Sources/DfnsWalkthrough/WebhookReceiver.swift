import HTTPTypes
import Foundation
import Hummingbird
import NIOConcurrencyHelpers
import ServiceLifecycle
import Logging

/// The backend's webhook endpoint for the walkthrough: a Hummingbird server on loopback that keeps
/// every delivery (raw body and signature header) for verification at the end.
final class WebhookReceiver: Sendable {
    struct Delivery: Sendable {
        let body: [UInt8]
        let signature: String?
    }

    private let deliveries = NIOLockedValueBox<[Delivery]>([])
    private let group: NIOLockedValueBox<ServiceGroup?> = NIOLockedValueBox(nil)
    private let task: NIOLockedValueBox<Task<Void, Error>?> = NIOLockedValueBox(nil)

    var received: [Delivery] { deliveries.withLockedValue { $0 } }

    /// Starts listening on a free loopback port and returns the URL to register.
    func start() async throws -> String {
        let router = Router()
        router.post("/dfns-webhooks") { [deliveries] request, _ -> HTTPResponse.Status in
            let body = try await request.body.collect(upTo: 1 << 20)
            let signature = request.headers[HTTPField.Name("X-DFNS-WEBHOOK-SIGNATURE")!]
            deliveries.withLockedValue { $0.append(Delivery(body: Array(body.readableBytesView), signature: signature)) }
            return .ok
        }
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        var logger = Logger(label: "walkthrough.webhooks")
        logger.logLevel = .error
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                              onServerRunning: { channel in continuation.yield(channel.localAddress?.port ?? 0) },
                              logger: logger)
        let group = ServiceGroup(configuration: .init(services: [app], logger: logger))
        self.group.withLockedValue { $0 = group }
        task.withLockedValue { $0 = Task { try await group.run() } }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next(), port > 0 else { throw WalkthroughFailure("the webhook receiver did not start") }
        return "http://127.0.0.1:\(port)/dfns-webhooks"
    }

    func stop() async {
        if let group = group.withLockedValue({ $0 }) { await group.triggerGracefulShutdown() }
        if let task = task.withLockedValue({ $0 }) { _ = try? await task.value }
    }
}
