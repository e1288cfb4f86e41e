#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CDfnsBridgeAPI

// dfns_client_options (include/dfns_bridge.h, "Dfns API client"): defaults, and reading a struct
// that may come from an older or newer header (its struct_size says which).

/// The client settings a `dfns_client_options` carries, checked.
struct ClientSettings {
    var connectTimeoutMs: UInt32 = 10_000
    var timeoutMs: UInt32 = 30_000
    var maxAttempts: UInt32 = 3
    var verifyReturnedSignatures = true
    var allowInsecureHTTP = false
    var userAgentSuffix: String?
    var caBundlePath: String?

    /// The size of the 0.2 struct: the smallest `struct_size` accepted.
    static let minimumStructSize = MemoryLayout<dfns_client_options>.size
    /// A sanity bound on `struct_size` (a garbage value is refused, not read).
    static let maximumStructSize = 4096
    /// The most attempts a request may make.
    static let maximumAttempts: UInt32 = 10

    /// The settings in `options`, or the defaults for NULL.
    static func read(_ options: UnsafePointer<dfns_client_options>?) throws(BridgeError) -> ClientSettings {
        var settings = ClientSettings()
        guard let options else { return settings }
        // Only the first member is read before the size is known to cover the whole 0.2 struct.
        let size = UnsafeRawPointer(options).load(as: Int.self)
        try checkStructSize(size, name: "options->struct_size")
        if size > minimumStructSize {
            // Fields of a newer header: refused unless they are all zero (left at their defaults).
            let raw = UnsafeRawPointer(options)
            for offset in minimumStructSize..<size where raw.load(fromByteOffset: offset, as: UInt8.self) != 0 {
                throw BridgeError(DFNS_ERR_UNSUPPORTED,
                                  "options sets fields this library version (\(DFNS_BRIDGE_VERSION_STRING)) does not know (byte \(offset) of \(size))")
            }
        }
        let o = options.pointee
        guard o.connect_timeout_ms >= 1 else { throw .argument("options->connect_timeout_ms is 0") }
        guard o.timeout_ms >= 1 else { throw .argument("options->timeout_ms is 0") }
        guard (1...maximumAttempts).contains(o.max_attempts) else {
            throw .argument("options->max_attempts is \(o.max_attempts), expected 1...\(maximumAttempts)")
        }
        settings.connectTimeoutMs = o.connect_timeout_ms
        settings.timeoutMs = o.timeout_ms
        settings.maxAttempts = o.max_attempts
        settings.verifyReturnedSignatures = o.verify_returned_signatures != 0
        settings.allowInsecureHTTP = o.allow_insecure_http != 0
        if let suffix = o.user_agent_suffix {
            let text = try Arguments.headerText(suffix, "options->user_agent_suffix", allowEmpty: true)
            settings.userAgentSuffix = text.isEmpty ? nil : text
        }
        if let path = o.ca_bundle_path {
            settings.caBundlePath = try Arguments.string(path, "options->ca_bundle_path")
        }
        return settings
    }

    static func checkStructSize(_ size: Int, name: String) throws(BridgeError) {
        guard size >= minimumStructSize else {
            throw .argument("\(name) is \(size), expected at least \(minimumStructSize) (set it with dfns_client_options_init)")
        }
        guard size <= maximumStructSize else { throw .argument("\(name) is \(size), larger than \(maximumStructSize)") }
    }
}

@c @implementation
public func dfns_client_options_init(_ options: UnsafeMutablePointer<dfns_client_options>?, _ struct_size: Int) -> Int32 {
    guarded("dfns_client_options_init") { () throws(BridgeError) in
        let options = try Arguments.output(options, "options")
        try ClientSettings.checkStructSize(struct_size, name: "struct_size")
        memset(options, 0, struct_size)
        let defaults = ClientSettings()
        options.pointee.struct_size = struct_size
        options.pointee.connect_timeout_ms = defaults.connectTimeoutMs
        options.pointee.timeout_ms = defaults.timeoutMs
        options.pointee.max_attempts = defaults.maxAttempts
        options.pointee.verify_returned_signatures = defaults.verifyReturnedSignatures ? 1 : 0
        options.pointee.allow_insecure_http = defaults.allowInsecureHTTP ? 1 : 0
        options.pointee.user_agent_suffix = nil
        options.pointee.ca_bundle_path = nil
    }
}
