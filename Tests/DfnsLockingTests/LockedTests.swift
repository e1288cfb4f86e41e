import Dispatch
import DfnsLocking
import Testing

@Suite("Locked")
struct LockedTests {
    private struct Refused: Error, Equatable {}

    @Test("no update is lost when 8 threads contend for one lock")
    func contention() {
        let counter = Locked([Int: Int]())
        DispatchQueue.concurrentPerform(iterations: 8) { thread in
            for round in 0..<20_000 {
                counter.withLock { $0[round % 7, default: 0] += thread + 1 }
            }
        }
        // Each of the 20,000 rounds adds 1 + 2 + ... + 8 = 36 over the threads.
        #expect(counter.withLock { $0.values.reduce(0, +) } == 20_000 * 36)
    }

    @Test("a throwing body leaves the value as it changed it and the lock free")
    func throwingBody() {
        let value = Locked(0)
        #expect(throws: Refused.self) {
            try value.withLock { (number) throws(Refused) in
                number = 5
                throw Refused()
            }
        }
        // Not left locked: this would deadlock otherwise.
        #expect(value.withLock { $0 } == 5)
    }
}
