import Foundation
import Hummingbird
import Logging
import ServiceLifecycle

/// One delivery as the receiver got it: the raw body and the signature header.
struct ReceivedDelivery: Sendable {
    let body: [UInt8]
    let signature: String?
    let contentType: String?
    /// The query of the URL it was sent to (tests tell webhooks apart by it).
    var query: String = ""
}

/// The deliveries a receiver recorded, in arrival order.
actor DeliveryRecorder {
    private(set) var deliveries: [ReceivedDelivery] = []

    /// Records `delivery` and returns how many there are now.
    func record(_ delivery: ReceivedDelivery) -> Int {
        deliveries.append(delivery)
        return deliveries.count
    }
}

/// A webhook receiver on a free loopback port (a small Hummingbird app inside the test process): it
/// records every POST to `/hook` and answers with the status `answer` gives for the n-th delivery
/// (1-based). Kept in its own file: Hummingbird's `HTTPRequest`/`HTTPResponse` would clash with the
/// client library's.
final class WebhookTestReceiver: Sendable {
    let port: Int
    let recorder: DeliveryRecorder
    private let group: ServiceGroup
    private let task: Task<Void, Error>

    var url: String { "http://127.0.0.1:\(port)/hook" }

    private init(port: Int, recorder: DeliveryRecorder, group: ServiceGroup, task: Task<Void, Error>) {
        self.port = port
        self.recorder = recorder
        self.group = group
        self.task = task
    }

    static func start(answer: @escaping @Sendable (Int) -> Int = { _ in 200 }) async throws -> WebhookTestReceiver {
        let recorder = DeliveryRecorder()
        let router = Router()
        router.post("/hook") { request, _ -> Response in
            let buffer = try await request.body.collect(upTo: 1 << 20)
            func header(_ name: String) -> String? {
                request.headers.first { $0.name.canonicalName == name }?.value
            }
            let count = await recorder.record(ReceivedDelivery(body: Array(buffer.readableBytesView),
                                                               signature: header("x-dfns-webhook-signature"),
                                                               contentType: header("content-type"),
                                                               query: request.uri.query ?? ""))
            return Response(status: .init(code: answer(count)))
        }
        var logger = Logger(label: "webhook-test-receiver")
        logger.logLevel = .error
        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                              onServerRunning: { channel in portContinuation.yield(channel.localAddress?.port ?? 0) },
                              logger: logger)
        let group = ServiceGroup(configuration: .init(services: [app], logger: logger))
        let task = Task { try await group.run() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next(), port > 0 else {
            task.cancel()
            throw ReceiverError.notListening
        }
        return WebhookTestReceiver(port: port, recorder: recorder, group: group, task: task)
    }

    var deliveries: [ReceivedDelivery] {
        get async { await recorder.deliveries }
    }

    func stop() async {
        await group.triggerGracefulShutdown()
        _ = try? await task.value
    }

    enum ReceiverError: Error {
        case notListening
    }
}

/// Runs `body` with a receiver, stopping it afterwards whatever happens.
func withWebhookReceiver(answer: @escaping @Sendable (Int) -> Int = { _ in 200 },
                         _ body: (WebhookTestReceiver) async throws -> Void) async throws {
    let receiver = try await WebhookTestReceiver.start(answer: answer)
    do {
        try await body(receiver)
    } catch {
        await receiver.stop()
        throw error
    }
    await receiver.stop()
}
