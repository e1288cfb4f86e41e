/// When and how long to wait before trying a request again.
///
/// Only requests that cannot do anything twice are retried: reads, `POST /auth/action/init`, and
/// writes whose body carries an `externalId` (the server answers a repeat with the entity it already
/// made, reference/dfns-protocol.md §15.3), which go through a fresh user action each time: a
/// user-action token is never sent twice. Retried failures: connection errors (refused, DNS,
/// timeout, a broken reply), 429, and 5xx. The wait doubles from ``baseDelay`` up to ``maxDelay``
/// with full jitter, and a `Retry-After` answer (seconds) is honoured up to ``maxDelay``.
public struct RetryPolicy: Sendable, Equatable {
    /// Total attempts, the first included (1 = never retry).
    public var maxAttempts: Int
    /// The first wait, in seconds.
    public var baseDelay: Double
    /// The longest wait, in seconds.
    public var maxDelay: Double

    public init(maxAttempts: Int = 3, baseDelay: Double = 0.25, maxDelay: Double = 8) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = max(0, baseDelay)
        self.maxDelay = max(0, maxDelay)
    }

    /// Never retry.
    public static let none = RetryPolicy(maxAttempts: 1)

    /// Whether a failure of this kind is worth another attempt.
    static func isRetryable(status: Int) -> Bool { status == 429 || (500...599).contains(status) }

    static func isRetryable(_ error: TransportError) -> Bool {
        switch error.kind {
        case .connectionRefused, .hostNotFound, .timeout, .malformedResponse: return true
        case .tls, .responseTooLarge, .cancelled, .invalidRequest, .other: return false
        }
    }

    /// The wait before attempt number `attempt + 1` (attempt counts from 1), honouring `retryAfter`.
    func delay(afterAttempt attempt: Int, retryAfter: String?) -> Double {
        if let retryAfter, let seconds = Double(retryAfter.trimmingSpaces), seconds >= 0, seconds.isFinite {
            return min(seconds, maxDelay)
        }
        let exponent = Double(1 << min(max(attempt - 1, 0), 16))
        let ceiling = min(maxDelay, baseDelay * exponent)
        return ceiling > 0 ? Double.random(in: 0...ceiling) : 0
    }
}

extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while let c = s.first, c == " " || c == "\t" { s = s.dropFirst() }
        while let c = s.last, c == " " || c == "\t" { s = s.dropLast() }
        return String(s)
    }
}
