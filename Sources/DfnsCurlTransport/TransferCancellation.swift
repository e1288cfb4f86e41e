import DfnsLocking

/// The cancellation flag of one transfer: set by the task's cancellation handler (any thread), read
/// by libcurl's progress callback on the transfer thread, which then aborts the transfer.
final class TransferCancellation: Sendable {
    private let flag = Locked(false)

    /// Asks the transfer to stop. Safe from any thread, any number of times.
    func cancel() {
        flag.withLock { $0 = true }
    }

    /// Whether ``cancel()`` was called.
    var isCancelled: Bool {
        flag.withLock { $0 }
    }
}
