import DfnsEncoding
import Foundation

/// The sandbox's time: Unix seconds for expiries, ISO 8601 text for the API's dates. One place, so a
/// test can reason about expiry with a known TTL.
public enum SandboxClock {
    public static func now() -> Double { Date().timeIntervalSince1970 }

    /// `seconds` as `YYYY-MM-DDTHH:MM:SS.mmmZ` (UTC), written from the civil date directly: a
    /// Foundation date formatter costs an ICU formatter per call, and the API writes several dates
    /// per request.
    public static func iso8601(_ seconds: Double = now()) -> String {
        let whole = seconds.rounded(.down)
        let date = CivilDate(unixSeconds: Int64(whole))
        let millis = min(999, max(0, Int64(((seconds - whole) * 1000).rounded(.down))))
        func pad(_ value: Int64, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(pad(date.year, 4))-\(pad(date.month, 2))-\(pad(date.day, 2))T\(pad(date.hour, 2)):\(pad(date.minute, 2)):\(pad(date.second, 2)).\(pad(millis, 3))Z"
    }
}
