internal import CCurl
import DfnsClient

/// Turns a failed libcurl transfer into a ``TransportError``.
enum CurlErrorMapping {
    /// What the transfer itself observed, which libcurl's code alone cannot say.
    struct Observations {
        /// The task was cancelled (the progress callback aborted, or would have).
        var cancelled = false
        /// libcurl's re-send of a write, after its reused connection closed without a reply, was
        /// refused.
        var refusedRepeat = false
        /// A write (not GET or HEAD) went out at least once (the pre-request callback let an
        /// attempt begin). A connection failure after that is libcurl's re-send failing to reach
        /// the server on a new connection: the write itself may have been applied.
        var writeSent = false
        /// The write callback refused the body because it exceeded this many bytes.
        var bodyLimitExceeded: Int?
        /// The header callback refused a line because the header lines exceeded this many bytes.
        var headerLimitExceeded: Int?
        /// The configured body limit, reported by `CURLOPT_MAXFILESIZE_LARGE` failures.
        var bodyLimit: Int
    }

    /// The error for `code`, with libcurl's detail text from the error buffer (may be empty).
    static func error(for code: CURLcode, detail: String, observations: Observations) -> TransportError {
        if observations.cancelled {
            return TransportError(.cancelled, "the task was cancelled; the transfer was aborted (\(describe(code)))")
        }
        if observations.refusedRepeat || (observations.writeSent && isConnectionSetup(kind(of: code))) {
            return TransportError(
                .malformedResponse,
                "the kept-alive connection closed without a reply after the request was sent; it was not sent again, "
                    + "because the server may have applied it (\(describe(code, detail)))")
        }
        if code == CURLE_WRITE_ERROR, let limit = observations.bodyLimitExceeded {
            return TransportError(.responseTooLarge, "the response body exceeds the limit of \(limit) bytes")
        }
        if code == CURLE_WRITE_ERROR, let limit = observations.headerLimitExceeded {
            return TransportError(.responseTooLarge, "the response header lines exceed the limit of \(limit) bytes")
        }
        if code == CURLE_FILESIZE_EXCEEDED {
            return TransportError(
                .responseTooLarge,
                "the response declares a body larger than the limit of \(observations.bodyLimit) bytes (\(describe(code, detail)))"
            )
        }
        return TransportError(kind(of: code), describe(code, detail))
    }

    /// The kind of failure `code` reports.
    static func kind(of code: CURLcode) -> TransportError.Kind {
        switch code {
        case CURLE_COULDNT_CONNECT:
            return .connectionRefused
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY:
            return .hostNotFound
        case CURLE_OPERATION_TIMEDOUT:
            return .timeout
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM,
            CURLE_SSL_CIPHER, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ENGINE_NOTFOUND,
            CURLE_SSL_ENGINE_SETFAILED, CURLE_SSL_ENGINE_INITFAILED, CURLE_SSL_SHUTDOWN_FAILED,
            CURLE_SSL_CRL_BADFILE, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_PINNEDPUBKEYNOTMATCH,
            CURLE_SSL_INVALIDCERTSTATUS, CURLE_SSL_CLIENTCERT, CURLE_USE_SSL_FAILED:
            return .tls
        // CURLE_UNSUPPORTED_PROTOCOL: the URL's scheme was checked before sending (http or https
        // only), so here it means the reply was not HTTP ("Received HTTP/0.9 when not allowed").
        case CURLE_RECV_ERROR, CURLE_PARTIAL_FILE, CURLE_GOT_NOTHING, CURLE_WEIRD_SERVER_REPLY,
            CURLE_HTTP2, CURLE_HTTP2_STREAM, CURLE_HTTP3, CURLE_BAD_CONTENT_ENCODING,
            CURLE_UNSUPPORTED_PROTOCOL:
            return .malformedResponse
        case CURLE_FILESIZE_EXCEEDED:
            return .responseTooLarge
        case CURLE_ABORTED_BY_CALLBACK:
            return .cancelled
        case CURLE_URL_MALFORMAT, CURLE_BAD_FUNCTION_ARGUMENT:
            return .invalidRequest
        default:
            return .other
        }
    }

    /// Whether `kind` is a failure to set up a connection (nothing reached the server on it).
    private static func isConnectionSetup(_ kind: TransportError.Kind) -> Bool {
        kind == .connectionRefused || kind == .hostNotFound || kind == .tls
    }

    /// `curl error N (libcurl's text for N)`, then `: detail` when there is one.
    static func describe(_ code: CURLcode, _ detail: String = "") -> String {
        let summary: String
        if let text = curl_easy_strerror(code) {
            summary = "curl error \(code.rawValue) (\(String(cString: text)))"
        } else {
            summary = "curl error \(code.rawValue)"
        }
        return detail.isEmpty ? summary : summary + ": " + detail
    }
}
