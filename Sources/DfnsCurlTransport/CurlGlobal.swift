internal import CCurl
internal import CCurlShims
import DfnsClient

/// libcurl's process-wide initialisation, done once.
///
/// A `static let` is initialised exactly once, thread-safely (`swift_once`), on first use. libcurl
/// 7.84+ built with the "threadsafe" feature (Debian's is) also makes `curl_global_init` itself safe
/// against a host that initialises libcurl concurrently; its own calls are reference-counted.
/// `curl_global_cleanup` is never called: the library cannot know when the host is done with
/// libcurl, and the state is reclaimed at process exit.
enum CurlGlobal {
    /// The result of `curl_global_init(CURL_GLOBAL_DEFAULT)`.
    static let initialization: CURLcode = dfns_curl_global_init_default()

    /// Initialises libcurl if not yet done; throws when that failed.
    static func ensureInitialized() throws(TransportError) {
        let code = initialization
        guard code == CURLE_OK else {
            throw TransportError(.other, "curl_global_init failed: \(CurlErrorMapping.describe(code))")
        }
    }
}
