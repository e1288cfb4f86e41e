import CDfnsBridgeAPI
import DfnsClient
import DfnsEncoding
import DfnsLocking
import DfnsProtocol

// The one table from the client's Swift errors to C statuses (include/dfns_bridge.h, "Dfns API
// client"). Messages are the errors' descriptions: they name statuses, error ids, request ids and
// what was wrong, never a bearer token, a user-action token or key material.

/// What a call learned on the way that a ``DfnsError`` cannot carry: the exact status of a host
/// transport callback's broken contract, and the ``SignerError`` behind a ``DfnsError/signer(_:)``.
/// One per C call, reached by the transport and the signer through ``CallRecorder/current``.
final class CallRecorder: Sendable {
    /// The recorder of the C call the current task runs for.
    @TaskLocal static var current: CallRecorder?

    private let state = Locked<(transport: BridgeError?, signer: SignerError?)>((nil, nil))

    /// Records why the host transport failed (the last failure wins: retries replace it).
    func recordTransport(_ error: BridgeError) {
        state.withLock { $0.transport = error }
    }

    /// Records the signer's own error.
    func recordSigner(_ error: SignerError) {
        state.withLock { $0.signer = error }
    }

    var transportFailure: BridgeError? { state.withLock { $0.transport } }
    var signerFailure: SignerError? { state.withLock { $0.signer } }
}

extension BridgeError {
    /// A ``DfnsError``:
    ///
    /// | DfnsError | status |
    /// |---|---|
    /// | api | DFNS_ERR_API |
    /// | transport: connectionRefused, hostNotFound | DFNS_ERR_TRANSPORT_CONNECT |
    /// | transport: timeout | DFNS_ERR_TRANSPORT_TIMEOUT |
    /// | transport: tls | DFNS_ERR_TRANSPORT_TLS |
    /// | transport: malformedResponse | DFNS_ERR_TRANSPORT_MALFORMED_RESPONSE |
    /// | transport: responseTooLarge | DFNS_ERR_TRANSPORT_RESPONSE_TOO_LARGE |
    /// | transport: invalidRequest (nothing was sent) | DFNS_ERR_INVALID_ARGUMENT |
    /// | transport: cancelled, other | DFNS_ERR_TRANSPORT |
    /// | transport, from a host callback that broke its contract | DFNS_ERR_TRANSPORT_CALLBACK (recorded) |
    /// | invalidResponse | DFNS_ERR_API_INVALID_RESPONSE |
    /// | signer | DFNS_ERR_SIGNER, or the ``SignerError`` table's status when recorded (DFNS_ERR_SIGNER_CALLBACK for external signers) |
    /// | signerRequired | DFNS_ERR_SIGNER_REQUIRED |
    /// | signatureVerification | DFNS_ERR_RETURNED_SIGNATURE_INVALID |
    /// | invalidArgument | DFNS_ERR_INVALID_ARGUMENT |
    init(_ error: DfnsError, recorded: CallRecorder?) {
        let status: dfns_status
        switch error {
        case .api:
            status = DFNS_ERR_API
        case .transport(let transport):
            if transport.kind == .other, let recorded = recorded?.transportFailure {
                self = recorded
                return
            }
            switch transport.kind {
            case .connectionRefused, .hostNotFound: status = DFNS_ERR_TRANSPORT_CONNECT
            case .timeout: status = DFNS_ERR_TRANSPORT_TIMEOUT
            case .tls: status = DFNS_ERR_TRANSPORT_TLS
            case .malformedResponse: status = DFNS_ERR_TRANSPORT_MALFORMED_RESPONSE
            case .responseTooLarge: status = DFNS_ERR_TRANSPORT_RESPONSE_TOO_LARGE
            case .invalidRequest: status = DFNS_ERR_INVALID_ARGUMENT
            case .cancelled, .other: status = DFNS_ERR_TRANSPORT
            }
        case .invalidResponse:
            status = DFNS_ERR_API_INVALID_RESPONSE
        case .signer:
            if let signerError = recorded?.signerFailure {
                self.init(signerError)
                return
            }
            status = DFNS_ERR_SIGNER
        case .signerRequired:
            status = DFNS_ERR_SIGNER_REQUIRED
        case .signatureVerification:
            status = DFNS_ERR_RETURNED_SIGNATURE_INVALID
        case .invalidArgument:
            status = DFNS_ERR_INVALID_ARGUMENT
        }
        self.init(status, error.description)
    }
}

/// A signer that records its ``SignerError`` in the call's ``CallRecorder`` before the client turns
/// it into ``DfnsError/signer(_:)``, so that the C status can tell a host callback's failure apart.
struct RecordingSigner: UserActionSigner {
    let inner: any UserActionSigner

    func sign(_ challenge: UserActionChallenge) async throws -> JSONValue {
        do {
            return try await inner.sign(challenge)
        } catch let error as SignerError {
            CallRecorder.current?.recordSigner(error)
            throw error
        }
    }
}
