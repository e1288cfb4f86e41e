internal import CCurl

/// A libcurl easy handle (`CURL *`), passed between threads by value.
///
/// `@unchecked Sendable`: an easy handle may move between threads but must never be used by two
/// at once. ``CurlHandlePool`` hands each one to a single transfer at a time, which is what makes
/// that hold.
struct CurlEasyHandle: @unchecked Sendable {
    /// The `CURL *`.
    let pointer: UnsafeMutableRawPointer
}
