#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import DfnsClient

// The C interface is blocking; the Swift client is async. A C call runs its async body as a task
// whose executor is the calling thread itself: the thread waits for jobs and runs them until the
// task ends. So the host's callbacks (transport, external signer) run on the thread that called the
// library (as libfido2's do), no thread of Swift's small cooperative pool is ever blocked by a host
// callback, and a callback may itself call the library without deadlocking. Only libcurl transfers
// run on threads of their own (CurlTransport); their completions come back here as jobs.

/// A ``TaskExecutor`` drained by one thread: the C caller's.
final class CallerThreadExecutor: TaskExecutor, @unchecked Sendable {
    // Allocated, not stored properties: the address of a Swift stored property passed with `&` is
    // not guaranteed to be stable, and a pthread mutex or condition must never move.
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    /// Jobs waiting to run; guarded by `mutex`.
    private var jobs: [UnownedJob] = []
    /// Set (under `mutex`) when the task's body has returned.
    private var finished = false

    init() {
        mutex.initialize(to: pthread_mutex_t())
        condition.initialize(to: pthread_cond_t())
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(condition, nil)
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        condition.deallocate()
        mutex.deallocate()
    }

    func enqueue(_ job: UnownedJob) {
        pthread_mutex_lock(mutex)
        jobs.append(job)
        pthread_cond_signal(condition)
        pthread_mutex_unlock(mutex)
    }

    /// Marks the task finished (called from its last job) and wakes the draining thread.
    func finish() {
        pthread_mutex_lock(mutex)
        finished = true
        pthread_cond_signal(condition)
        pthread_mutex_unlock(mutex)
    }

    /// Runs jobs on the calling thread until ``finish()`` was called and no job is left.
    func drain() {
        while true {
            pthread_mutex_lock(mutex)
            while jobs.isEmpty && !finished {
                pthread_cond_wait(condition, mutex)
            }
            if jobs.isEmpty {
                pthread_mutex_unlock(mutex)
                return
            }
            let job = jobs.removeFirst()
            pthread_mutex_unlock(mutex)
            job.runSynchronously(on: asUnownedTaskExecutor())
        }
    }
}

/// Where the task leaves its result for the waiting thread (written before ``CallerThreadExecutor/finish()``,
/// read after ``CallerThreadExecutor/drain()`` returned: the executor's mutex orders the two).
private final class ResultSlot<T>: @unchecked Sendable {
    var result: Result<T, DfnsError>?
}

enum BlockingCall {
    /// Runs `body` to completion on the calling thread, with `recorder` as the task's
    /// ``CallRecorder/current``, and returns its result.
    static func run<T>(recorder: CallRecorder, _ body: @escaping @Sendable () async throws(DfnsError) -> T) -> Result<T, DfnsError> {
        let executor = CallerThreadExecutor()
        let slot = ResultSlot<T>()
        withExtendedLifetime(executor) {
            Task(executorPreference: executor) {
                let result: Result<T, DfnsError> = await CallRecorder.$current.withValue(recorder) {
                    do throws(DfnsError) {
                        return .success(try await body())
                    } catch {
                        return .failure(error)
                    }
                }
                slot.result = result
                executor.finish()
            }
            executor.drain()
        }
        return slot.result ?? .failure(.invalidArgument("the request ended without a result"))
    }
}
