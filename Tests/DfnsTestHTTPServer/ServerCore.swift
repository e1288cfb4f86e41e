#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import DfnsClient
import DfnsLocking

/// The running server: its sockets, threads and records. Owned by ``TestHTTPServer``, and retained
/// by its own threads while they run, so that stopping (which joins them) can be driven from the
/// owner's `deinit`.
final class ServerCore: Sendable {
    private struct Connection {
        var descriptor: Int32
        var thread: pthread_t
        var finished: Bool
    }

    private struct State {
        var stopRequested = false
        var acceptThread: pthread_t?
        var connections: [Int: Connection] = [:]
        var nextConnectionID = 0
    }

    let port: UInt16
    private let listener: Int32
    /// Read end of the wake-up pipe: becomes readable (for good) when the server stops.
    private let wakeRead: Int32
    private let wakeWrite: Int32
    private let script: TestHTTPServer.Script
    private let state = Locked(State())
    private let recorded = Locked([RecordedRequest]())

    init(script: @escaping TestHTTPServer.Script) throws(TestHTTPServerError) {
        let (listener, port) = try Socket.loopbackListener()
        var pipeDescriptors: [Int32] = [-1, -1]
        guard pipe(&pipeDescriptors) == 0 else {
            let error = TestHTTPServerError.system("pipe")
            close(listener)
            throw error
        }
        self.listener = listener
        self.port = port
        wakeRead = pipeDescriptors[0]
        wakeWrite = pipeDescriptors[1]
        // Not inherited by processes a test may start.
        Socket.setCloseOnExec(wakeRead)
        Socket.setCloseOnExec(wakeWrite)
        self.script = script
    }

    /// Starts the accept thread.
    func start() throws(TestHTTPServerError) {
        guard let thread = ServerThread.spawn({ [self] in acceptLoop() }) else {
            throw TestHTTPServerError("could not start the accept thread")
        }
        state.withLock { $0.acceptThread = thread }
    }

    /// Every request received so far, in order of arrival.
    var requests: [RecordedRequest] {
        recorded.withLock { $0 }
    }

    /// Stops accepting, unblocks and joins every thread, and closes every socket. Idempotent; a
    /// second call returns at once.
    func stop() {
        let first = state.withLock { state -> Bool in
            guard !state.stopRequested else { return false }
            state.stopRequested = true
            // Unblocks any thread inside send or recv on a connection. A connection's descriptor is
            // closed under this same lock, so it cannot be a reused number here.
            for connection in state.connections.values where !connection.finished {
                shutdown(connection.descriptor, Int32(SHUT_RDWR))
            }
            return true
        }
        guard first else { return }
        // Wakes every poll: the pipe stays readable since nothing reads it.
        var byte: UInt8 = 1
        _ = write(wakeWrite, &byte, 1)

        if let acceptThread = state.withLock({ $0.acceptThread }) {
            ServerThread.join(acceptThread)
        }
        // The accept thread is gone, so no connection can be added any more.
        let threads = state.withLock { state -> [pthread_t] in
            defer { state.connections.removeAll() }
            return state.connections.values.map(\.thread)
        }
        for thread in threads {
            ServerThread.join(thread)
        }
        close(listener)
        close(wakeRead)
        close(wakeWrite)
    }

    // MARK: - Threads

    private func acceptLoop() {
        while true {
            guard Socket.waitReadable(listener, wake: wakeRead) else { return }
            let descriptor = accept(listener, nil, nil)
            if descriptor < 0 {
                switch errno {
                case EAGAIN, EWOULDBLOCK, EINTR, ECONNABORTED, EPROTO:
                    continue
                default:
                    // Out of descriptors or memory: do not spin; try again shortly.
                    usleep(10_000)
                    continue
                }
            }
            Socket.setCloseOnExec(descriptor)
            joinFinishedConnections()
            state.withLock { state in
                guard !state.stopRequested else {
                    close(descriptor)
                    return
                }
                let id = state.nextConnectionID
                state.nextConnectionID += 1
                // Spawned under the lock, so the thread's final bookkeeping (which takes the lock)
                // finds its record.
                guard let thread = ServerThread.spawn({ [self] in serve(descriptor, id: id) }) else {
                    close(descriptor)
                    return
                }
                state.connections[id] = Connection(descriptor: descriptor, thread: thread, finished: false)
            }
        }
    }

    /// Joins the threads of connections that have ended, so a long test does not pile them up.
    private func joinFinishedConnections() {
        let finished = state.withLock { state -> [pthread_t] in
            let done = state.connections.filter { $0.value.finished }
            for id in done.keys { state.connections[id] = nil }
            return done.values.map(\.thread)
        }
        for thread in finished {
            ServerThread.join(thread)
        }
    }

    private func serve(_ descriptor: Int32, id: Int) {
        defer {
            state.withLock { state in
                close(descriptor)
                state.connections[id]?.finished = true
            }
        }
        var reader = RequestReader(descriptor: descriptor, wake: wakeRead)
        var index = 0
        while true {
            switch reader.next() {
            case .closed:
                return
            case .badRequest(let reason):
                _ = Socket.sendAll(descriptor, ResponseWriter.refusal(status: 400, message: reason))
                return
            case .unsupported(let reason):
                _ = Socket.sendAll(descriptor, ResponseWriter.refusal(status: 501, message: reason))
                return
            case .request(let request):
                let record = RecordedRequest(
                    method: request.method, target: request.target, version: request.version,
                    headers: request.headers, body: request.body, connectionID: id, indexOnConnection: index
                )
                index += 1
                recorded.withLock { $0.append(record) }
                let action = script(record)
                guard ResponseWriter.perform(action, for: request, descriptor: descriptor, wake: wakeRead) else { return }
            }
        }
    }
}
