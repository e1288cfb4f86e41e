import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CDfnsBridgeAPI
import DfnsBridgeC
import Testing

/// The calling thread's dfns_last_error as a Swift string.
func lastError() -> String {
    String(cString: dfns_last_error())
}

/// Expects `status` to equal `expected` and the last error to be a message of `function`.
func expectFailure(_ status: Int32, _ expected: dfns_status = DFNS_ERR_INVALID_ARGUMENT, in function: String,
                   sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(status == expected.rawValue,
            "\(function) returned \(String(cString: dfns_status_name(status))), expected \(String(cString: dfns_status_name(expected.rawValue))): \(lastError())",
            sourceLocation: sourceLocation)
    let message = lastError()
    #expect(message.hasPrefix(function + ": ") && message.count > function.count + 2,
            "last error \"\(message)\" is not a message of \(function)", sourceLocation: sourceLocation)
}

/// Expects DFNS_OK, showing the last error otherwise.
func expectOK(_ status: Int32, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(status == DFNS_OK.rawValue, "\(String(cString: dfns_status_name(status))): \(lastError())",
            sourceLocation: sourceLocation)
}

/// Copies a borrowed (ptr, len) pair.
func bytes(_ ptr: UnsafePointer<UInt8>?, _ len: Int) -> [UInt8] {
    guard let ptr else { return [] }
    return Array(UnsafeBufferPointer(start: ptr, count: len))
}

/// One field of a response.
func field(_ response: OpaquePointer?, _ field: dfns_response_field) -> [UInt8] {
    var ptr: UnsafePointer<UInt8>?
    var len = 0
    expectOK(dfns_response_get(response, Int32(bitPattern: field.rawValue), &ptr, &len))
    return bytes(ptr, len)
}

/// One thread's work for ``onThreads(_:_:)``.
final class ThreadJob: @unchecked Sendable {
    let run: () -> Void
    init(_ run: @escaping () -> Void) { self.run = run }
}

/// Runs `body` on `count` new POSIX threads at once and returns their results in order.
func onThreads<T>(_ count: Int, _ body: @escaping (Int) -> T) -> [T] {
    let slots = UnsafeMutablePointer<T?>.allocate(capacity: count)
    slots.initialize(repeating: nil, count: count)
    defer {
        slots.deinitialize(count: count)
        slots.deallocate()
    }
    var threads: [pthread_t] = []
    for index in 0..<count {
        let job = ThreadJob { slots[index] = body(index) }
        var thread = pthread_t()
        let context = Unmanaged.passRetained(job).toOpaque()
        let created = pthread_create(&thread, nil, { raw in
            guard let raw else { return nil }
            Unmanaged<ThreadJob>.fromOpaque(raw).takeRetainedValue().run()
            return nil
        }, context)
        #expect(created == 0)
        if created == 0 { threads.append(thread) } else { Unmanaged<ThreadJob>.fromOpaque(context).release() }
    }
    for thread in threads { pthread_join(thread, nil) }
    return (0..<count).compactMap { slots[$0] }
}

/// A handle wrapper for tests (frees on deinit).
final class Owned: @unchecked Sendable {
    var pointer: OpaquePointer?
    let free: (UnsafeMutablePointer<OpaquePointer?>?) -> Void
    init(_ pointer: OpaquePointer?, free: @escaping (UnsafeMutablePointer<OpaquePointer?>?) -> Void) {
        self.pointer = pointer
        self.free = free
    }
    deinit { free(&pointer) }
}

/// A public root certificate from `../shared/roots` (beside the checkout; `$DFNS_SHARED_DIR`
/// overrides), read at test time.
func sharedRootPEM(_ name: String) throws -> String {
    var candidates: [String] = []
    if let env = ProcessInfo.processInfo.environment["DFNS_SHARED_DIR"] { candidates.append(env) }
    var dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    for _ in 0..<8 {
        candidates.append(dir.appendingPathComponent("shared").path)
        dir = dir.deletingLastPathComponent()
    }
    for shared in candidates {
        let path = shared + "/roots/" + name
        if FileManager.default.fileExists(atPath: path) { return try String(contentsOfFile: path, encoding: .utf8) }
    }
    throw SharedRootMissing(name: name)
}

struct SharedRootMissing: Error { let name: String }
