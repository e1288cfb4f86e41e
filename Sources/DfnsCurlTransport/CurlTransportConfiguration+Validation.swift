import DfnsClient

/// The checks on the configuration strings libcurl receives as C strings (a NUL would cut one
/// short; a control byte in the User-Agent would inject a header line).
extension CurlTransportConfiguration {
    /// Throws when a string setting cannot be handed to libcurl as given.
    func validate() throws(TransportError) {
        if let caBundlePath, caBundlePath.utf8.contains(0) || caBundlePath.isEmpty {
            throw TransportError(.invalidRequest, "configuration: caBundlePath is empty or contains a NUL byte")
        }
        if let userAgentSuffix {
            for byte in userAgentSuffix.utf8 where (byte < 0x20 && byte != 0x09) || byte == 0x7F {
                throw TransportError(.invalidRequest, "configuration: userAgentSuffix contains control byte 0x\(hex(byte))")
            }
        }
        if case .url(let proxyURL) = proxy {
            guard !proxyURL.isEmpty else {
                throw TransportError(.invalidRequest, "configuration: the proxy URL is empty (use .disabled for no proxy)")
            }
            for byte in proxyURL.utf8 where byte <= 0x20 || byte >= 0x7F {
                throw TransportError(.invalidRequest, "configuration: the proxy URL contains byte 0x\(hex(byte)), which is not printable ASCII")
            }
        }
    }
}

