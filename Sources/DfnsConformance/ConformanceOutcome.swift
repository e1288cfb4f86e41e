import DfnsWebAuthn
import DfnsEncoding

/// The result of running one vector file.
public struct ConformanceOutcome: Sendable {
    /// What the library concluded.
    public enum Verdict: String, Sendable {
        /// The ceremony (or parse) verified.
        case ok
        /// The library rejected it.
        case fail
        /// Not run: not a ceremony, no verdict in the source, or beyond what OpenSSL 3.0 verifies.
        case skip
    }

    /// The vector file name.
    public let file: String
    /// The library's verdict.
    public let verdict: Verdict
    /// The error code name when the verdict is `fail` or `skip` because of an error.
    public let code: String?
    /// What happened, for a person.
    public let message: String
    /// What the source expects: `ok`, `fail`, or `skip` when it states no usable verdict.
    public let expected: Verdict
    /// The vector's `expected_category` (`positive`, `spec (...)`, `strict-cbor (...)`, ...).
    public let category: String

    /// Whether the verdict matches the expectation (skips never pass or fail).
    public var passed: Bool { verdict != .skip && verdict == expected }
    /// Whether this counts as a failure: a verdict that contradicts the expectation.
    public var failed: Bool { verdict != .skip && expected != .skip && verdict != expected }

    /// `{"file": …, "verdict": …, "code": …, "message": …}` on one line.
    public var jsonLine: String {
        "{\"file\": \(JSONString.quote(file)), \"verdict\": \"\(verdict.rawValue)\", \"code\": \(code.map(JSONString.quote) ?? "null"), \"message\": \(JSONString.quote(message))}"
    }
}

/// Totals of a conformance run.
public struct ConformanceSummary: Sendable, Equatable {
    /// Verdicts that match the expectation.
    public var passed = 0
    /// Verdicts that contradict it.
    public var failed = 0
    /// Vectors not run or without an expectation.
    public var skipped = 0

    /// Totals over `outcomes`.
    public init(_ outcomes: [ConformanceOutcome]) {
        for outcome in outcomes {
            if outcome.passed { passed += 1 } else if outcome.failed { failed += 1 } else { skipped += 1 }
        }
    }

    /// `N passed, M failed, K skipped`.
    public var line: String { "\(passed) passed, \(failed) failed, \(skipped) skipped" }
}
