import CDfnsBridgeAPI
import DfnsCrypto
import DfnsWebAuthn

/// A failure of a C entry point: the `dfns_status` it returns and the message `dfns_last_error`
/// shows. Messages say what was expected and what was found; they never contain secrets.
struct BridgeError: Error {
    /// The (negative) status code.
    let status: Int32
    /// What went wrong, for a person.
    let message: String

    init(_ status: dfns_status, _ message: String) {
        self.status = status.rawValue
        self.message = message
    }

    /// A calling error: NULL where a pointer is required, a bad length or enum value.
    static func argument(_ message: String) -> BridgeError {
        BridgeError(DFNS_ERR_INVALID_ARGUMENT, message)
    }

    /// An allocation failed.
    static func outOfMemory(_ what: String) -> BridgeError {
        BridgeError(DFNS_ERR_OUT_OF_MEMORY, "cannot allocate \(what)")
    }

    /// The statuses of the WebAuthn codes whose status is not their negated value. Every other
    /// code `c` becomes `-c.rawValue`, which the header defines as `DFNS_ERR_<NAME>`.
    static let webAuthnStatusExceptions: [WebAuthnError.Code: dfns_status] = [
        .invalidPolicy: DFNS_ERR_INVALID_POLICY,
        .invalidArgument: DFNS_ERR_INVALID_ARGUMENT,
        .unknownCredential: DFNS_ERR_NOT_FOUND,
        .internalError: DFNS_ERR_INTERNAL,
    ]

    /// The status of a WebAuthn code: from ``webAuthnStatusExceptions``, else the negated value.
    static func status(of code: WebAuthnError.Code) -> dfns_status {
        webAuthnStatusExceptions[code] ?? dfns_status(rawValue: -code.rawValue)
    }

    /// A WebAuthn failure, its status from ``status(of:)``: the same code gives the same status at
    /// every entry point.
    init(_ error: WebAuthnError) {
        self.init(BridgeError.status(of: error.code), error.description)
    }

    /// A DfnsCrypto failure, mapped to the closest status.
    init(_ error: CryptoError) {
        let status: dfns_status
        switch error {
        case .invalidKey: status = DFNS_ERR_INVALID_PUBLIC_KEY
        case .unsupportedAlgorithm, .algorithmKeyMismatch: status = DFNS_ERR_UNSUPPORTED_ALGORITHM
        case .signatureInvalid, .malformedSignature: status = DFNS_ERR_SIGNATURE_INVALID
        case .invalidEncoding: status = DFNS_ERR_MALFORMED_ENCODING
        case .certificate, .chainValidation: status = DFNS_ERR_ATTESTATION_CERTIFICATE_INVALID
        case .sha1NotAllowed: status = DFNS_ERR_SHA1_NOT_ALLOWED
        case .openSSL: status = DFNS_ERR_INTERNAL
        }
        self.init(status, error.description)
    }
}

/// Runs the body of the C entry point `function`: DFNS_OK when it returns, otherwise the error's
/// status, with "<function>: <message>" stored as the calling thread's last error.
@inline(__always)
func guarded(_ function: StaticString, _ body: () throws(BridgeError) -> Void) -> Int32 {
    do {
        try body()
        return DFNS_OK.rawValue
    } catch {
        LastError.set("\(function): \(error.message)")
        return error.status
    }
}

/// Runs a WebAuthn operation, converting its error through the one code table (``BridgeError/status(of:)``).
@inline(__always)
func webAuthn<T>(_ body: () throws(WebAuthnError) -> T) throws(BridgeError) -> T {
    do {
        return try body()
    } catch {
        throw BridgeError(error)
    }
}

/// Runs a DfnsCrypto operation, converting its error (see ``BridgeError/init(_:)``).
@inline(__always)
func crypto<T>(_ body: () throws(CryptoError) -> T) throws(BridgeError) -> T {
    do {
        return try body()
    } catch {
        throw BridgeError(error)
    }
}
