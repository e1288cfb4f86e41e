import Glibc

/// Monotonic time in nanoseconds (`clock_gettime(CLOCK_MONOTONIC)`).
@inline(__always)
func monotonicNanoseconds() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
}

/// One timed run of a case: how many verifications completed in how long.
struct Sample {
    let iterations: Int
    let nanoseconds: UInt64

    var perSecond: Double { nanoseconds == 0 ? 0 : Double(iterations) * 1e9 / Double(nanoseconds) }
}

/// Runs `body` repeatedly for about `seconds` and returns the count and the exact elapsed time.
/// The clock is read once per batch of 8 calls; a verification takes microseconds, so the clock
/// costs well under 0.1 %. Any `false` from `body` is a broken benchmark and stops the process.
func measure(seconds: Double, _ body: () -> Bool) -> Sample {
    let batch = 8
    let budget = UInt64(seconds * 1e9)
    let start = monotonicNanoseconds()
    var now = start
    var iterations = 0
    var failures = 0
    repeat {
        for _ in 0..<batch where !body() { failures += 1 }
        iterations += batch
        now = monotonicNanoseconds()
    } while now &- start < budget
    if failures > 0 { fatalError("benchmark body failed \(failures) times: the inputs do not verify") }
    return Sample(iterations: iterations, nanoseconds: now &- start)
}

/// Writes `text` to file descriptor 2 (progress and usage messages; stdout keeps only the report).
func writeToStandardError(_ text: String) {
    var bytes = Array(text.utf8)
    bytes.withUnsafeMutableBytes { buf in _ = write(2, buf.baseAddress, buf.count) }
}

/// The loop of `--profile`: a fixed number of calls, under a plain symbol name so that
/// `valgrind --tool=callgrind --toggle-collect=dfns_bench_profile_loop` counts only the calls.
@inline(never) @_silgen_name("dfns_bench_profile_loop")
func profileLoop(iterations: Int, _ body: () -> Bool) -> Int {
    var ok = 0
    for _ in 0..<iterations where body() { ok += 1 }
    return ok
}
