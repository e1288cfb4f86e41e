import CDfnsBridgeAPI
import DfnsClient
@testable import DfnsBridgeC
import Testing

/// The table of Client/ClientStatus.swift: every DfnsError case (every TransportError kind) maps to
/// the documented status, and what the call recorded (a host callback's broken contract, a
/// SignerError) takes precedence where the table says so. The C test (tests/c/test_client.c)
/// reaches the cases a host transport and the loopback server can produce; this covers the rest.
@Suite struct ClientStatusTests {
    private func status(_ error: DfnsError, recorded: CallRecorder? = nil) -> dfns_status {
        dfns_status(rawValue: BridgeError(error, recorded: recorded).status)
    }

    @Test func everyTransportKind() {
        let expected: [TransportError.Kind: dfns_status] = [
            .connectionRefused: DFNS_ERR_TRANSPORT_CONNECT, .hostNotFound: DFNS_ERR_TRANSPORT_CONNECT,
            .timeout: DFNS_ERR_TRANSPORT_TIMEOUT, .tls: DFNS_ERR_TRANSPORT_TLS,
            .malformedResponse: DFNS_ERR_TRANSPORT_MALFORMED_RESPONSE,
            .responseTooLarge: DFNS_ERR_TRANSPORT_RESPONSE_TOO_LARGE,
            .invalidRequest: DFNS_ERR_INVALID_ARGUMENT, .cancelled: DFNS_ERR_TRANSPORT, .other: DFNS_ERR_TRANSPORT,
        ]
        for kind in TransportError.Kind.allCases {
            #expect(status(.transport(TransportError(kind, "x"))) == expected[kind], "\(kind)")
        }
    }

    @Test func theOtherCases() {
        let api = APIError(status: 404, errorId: "NotFound", message: "m", details: nil, requestId: "r", body: [])
        #expect(status(.api(api)) == DFNS_ERR_API)
        #expect(status(.invalidResponse(status: 200, message: "m", requestId: nil)) == DFNS_ERR_API_INVALID_RESPONSE)
        #expect(status(.signer("m")) == DFNS_ERR_SIGNER)
        #expect(status(.signerRequired(method: "POST", path: "/wallets")) == DFNS_ERR_SIGNER_REQUIRED)
        #expect(status(.signatureVerification("m")) == DFNS_ERR_RETURNED_SIGNATURE_INVALID)
        #expect(status(.invalidArgument("m")) == DFNS_ERR_INVALID_ARGUMENT)
    }

    @Test func recordedFailuresTakePrecedence() {
        let recorder = CallRecorder()
        recorder.recordTransport(BridgeError(DFNS_ERR_TRANSPORT_CALLBACK, "broken"))
        recorder.recordSigner(.externalSignerFailed("returned 7"))
        #expect(status(.transport(TransportError(.other, "x")), recorded: recorder) == DFNS_ERR_TRANSPORT_CALLBACK)
        // A network failure the callback reported keeps its own status.
        #expect(status(.transport(TransportError(.timeout, "x")), recorded: recorder) == DFNS_ERR_TRANSPORT_TIMEOUT)
        #expect(status(.signer("returned 7"), recorded: recorder) == DFNS_ERR_SIGNER_CALLBACK)
    }
}
