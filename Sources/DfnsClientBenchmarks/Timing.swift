import Glibc

/// Monotonic time in nanoseconds.
@inline(__always)
func monotonicNanoseconds() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
}

/// Operations per second of `body`, run for about `seconds` (the clock is read every 8 calls). A
/// `false` from `body` means the inputs are wrong: the benchmark stops rather than time failures.
func perSecond(seconds: Double, _ body: () -> Bool) -> Double {
    let budget = UInt64(seconds * 1e9)
    let start = monotonicNanoseconds()
    var now = start
    var iterations = 0
    repeat {
        for _ in 0..<8 where !body() { fatalError("a benchmark body failed: its inputs are wrong") }
        iterations += 8
        now = monotonicNanoseconds()
    } while now &- start < budget
    return Double(iterations) * 1e9 / Double(max(now &- start, 1))
}

/// `value` with `digits` decimals.
func fixed(_ value: Double, _ digits: Int) -> String {
    var buffer = [CChar](repeating: 0, count: 64)
    _ = withVaList([value]) { vsnprintf(&buffer, buffer.count, "%.\(digits)f", $0) }
    return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}

func pad(_ text: String, _ width: Int) -> String {
    text.count >= width ? text : String(repeating: " ", count: width - text.count) + text
}
