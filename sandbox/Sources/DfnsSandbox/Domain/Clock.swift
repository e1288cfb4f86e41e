import Foundation

/// The sandbox's time: Unix seconds for expiries, ISO 8601 text for the API's dates. One place, so a
/// test can reason about expiry with a known TTL.
public enum SandboxClock {
    public static func now() -> Double { Date().timeIntervalSince1970 }

    public static func iso8601(_ seconds: Double = now()) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: Date(timeIntervalSince1970: seconds))
    }
}
