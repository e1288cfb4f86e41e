#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The POSIX socket calls of the test server. Every wait also watches the server's wake-up pipe, so
/// that stopping the server unblocks every thread.
enum Socket {
    /// What a receive produced.
    enum Received {
        /// Bytes arrived.
        case bytes([UInt8])
        /// The peer closed the connection, or it failed.
        case closed
        /// The server is stopping.
        case stopping
    }

    /// A listening TCP socket on 127.0.0.1 with a port the system chose (non-blocking, so that
    /// `accept` after `poll` never blocks on a connection reset in between), and that port.
    static func loopbackListener(backlog: Int32 = 64) throws(TestHTTPServerError) -> (descriptor: Int32, port: UInt16) {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
        guard descriptor >= 0 else { throw .system("socket") }
        do throws(TestHTTPServerError) {
            try bindLoopback(descriptor)
            guard listen(descriptor, backlog) == 0 else { throw .system("listen") }
            return (descriptor, try boundPort(descriptor))
        } catch {
            close(descriptor)
            throw error
        }
    }

    /// A port on 127.0.0.1 with nothing listening: bound (so the system picks a free one), then
    /// closed. For "connection refused" tests.
    static func unusedLoopbackPort() throws(TestHTTPServerError) -> UInt16 {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw .system("socket") }
        defer { close(descriptor) }
        try bindLoopback(descriptor)
        return try boundPort(descriptor)
    }

    private static func bindLoopback(_ descriptor: Int32) throws(TestHTTPServerError) {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0  // the system picks a free port
        address.sin_addr = in_addr(s_addr: UInt32(0x7F00_0001).bigEndian)
        let status = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard status == 0 else { throw .system("bind to 127.0.0.1:0") }
    }

    private static func boundPort(_ descriptor: Int32) throws(TestHTTPServerError) -> UInt16 {
        var address = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let status = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                getsockname(descriptor, $0, &length)
            }
        }
        guard status == 0 else { throw .system("getsockname") }
        return UInt16(bigEndian: address.sin_port)
    }

    /// Marks `descriptor` close-on-exec (Glibc's `pipe2` and `accept4` are not visible to Swift).
    static func setCloseOnExec(_ descriptor: Int32) {
        let flags = fcntl(descriptor, F_GETFD)
        if flags >= 0 {
            _ = fcntl(descriptor, F_SETFD, flags | FD_CLOEXEC)
        }
    }

    /// Waits until `descriptor` or `wake` is readable. Returns `false` when the server is stopping
    /// (or polling failed), `true` when `descriptor` has input (or an error or hang-up to read).
    static func waitReadable(_ descriptor: Int32, wake: Int32) -> Bool {
        var descriptors = [
            pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0),
            pollfd(fd: wake, events: Int16(POLLIN), revents: 0),
        ]
        while true {
            let status = poll(&descriptors, nfds_t(descriptors.count), -1)
            if status < 0 {
                if errno == EINTR { continue }
                return false
            }
            if descriptors[1].revents != 0 { return false }
            if descriptors[0].revents != 0 { return true }
        }
    }

    /// Receives what is available on `descriptor` (up to 64 KiB), waiting for it.
    static func receive(_ descriptor: Int32, wake: Int32) -> Received {
        guard waitReadable(descriptor, wake: wake) else { return .stopping }
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count > 0 { return .bytes(Array(buffer[..<count])) }
            if count < 0 && errno == EINTR { continue }
            return .closed
        }
    }

    /// Sends all of `bytes`; `false` when the connection fails first (never raises SIGPIPE).
    static func sendAll(_ descriptor: Int32, _ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes.withUnsafeBytes {
                send(descriptor, $0.baseAddress.map { $0 + offset }, bytes.count - offset, Int32(MSG_NOSIGNAL))
            }
            if sent < 0 {
                if errno == EINTR { continue }
                return false
            }
            offset += sent
        }
        return true
    }

    /// Holds the connection until the peer closes it or the server stops, dropping any input.
    static func holdUntilClosedOrStopping(_ descriptor: Int32, wake: Int32) {
        while case .bytes = receive(descriptor, wake: wake) {}
    }
}
