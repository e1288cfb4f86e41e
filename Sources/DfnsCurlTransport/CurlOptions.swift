internal import CCurl
internal import CCurlShims
import DfnsClient

/// Typed `curl_easy_setopt` calls on one handle, each failure a ``TransportError`` naming the option.
struct CurlOptions {
    /// The `CURL *` being configured.
    let handle: UnsafeMutableRawPointer

    /// Sets a `long` option.
    func set(_ option: CURLoption, _ value: Int, _ name: StaticString) throws(TransportError) {
        try check(dfns_curl_easy_setopt_long(handle, option, value), name)
    }

    /// Sets a `curl_off_t` option.
    func set(_ option: CURLoption, offset value: curl_off_t, _ name: StaticString) throws(TransportError) {
        try check(dfns_curl_easy_setopt_off_t(handle, option, value), name)
    }

    /// Sets a string option (libcurl copies it). The caller has checked that `value` holds no NUL.
    func set(_ option: CURLoption, string value: String, _ name: StaticString) throws(TransportError) {
        try check(value.withCString { dfns_curl_easy_setopt_string(handle, option, $0) }, name)
    }

    /// Sets a pointer option (user data, header list, error buffer).
    func set(_ option: CURLoption, pointer value: UnsafeMutableRawPointer?, _ name: StaticString) throws(TransportError) {
        try check(dfns_curl_easy_setopt_pointer(handle, option, value), name)
    }

    /// Sets `CURLOPT_WRITEFUNCTION` or `CURLOPT_HEADERFUNCTION`.
    func set(_ option: CURLoption, callback: curl_write_callback, _ name: StaticString) throws(TransportError) {
        try check(dfns_curl_easy_setopt_write_callback(handle, option, callback), name)
    }

    /// Throws when `code` is not `CURLE_OK`. An option libcurl does not know or was built without
    /// (an old or reduced libcurl) is reported as such.
    func check(_ code: CURLcode, _ name: StaticString) throws(TransportError) {
        guard code != CURLE_OK else { return }
        let kind: TransportError.Kind = code == CURLE_URL_MALFORMAT ? .invalidRequest : .other
        throw TransportError(kind, "curl_easy_setopt(\(name)) failed: \(CurlErrorMapping.describe(code))")
    }
}
