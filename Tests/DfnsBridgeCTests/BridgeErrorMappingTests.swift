import CDfnsBridgeAPI
@testable import DfnsBridgeC
import DfnsWebAuthn
import Testing

/// The one table of Support/BridgeError.swift: every WebAuthn code becomes the same status at every
/// entry point, whatever the call site.
@Suite struct BridgeErrorMappingTests {
    /// The statuses the header documents for the codes that are not their negation.
    private let exceptions: [WebAuthnError.Code: dfns_status] = [
        .invalidPolicy: DFNS_ERR_INVALID_POLICY,
        .invalidArgument: DFNS_ERR_INVALID_ARGUMENT,
        .unknownCredential: DFNS_ERR_NOT_FOUND,
        .internalError: DFNS_ERR_INTERNAL,
    ]

    @Test func everyCodeMapsToItsDocumentedStatus() {
        for code in WebAuthnError.Code.allCases {
            let error = BridgeError(WebAuthnError(code, "m"))
            let expected = exceptions[code] ?? dfns_status(rawValue: -code.rawValue)
            #expect(error.status == expected.rawValue, "\(code.name) became \(error.status)")
            #expect(error.message == "\(code.name): m")
            // A status the header names (no code falls through to DFNS_ERR_UNKNOWN).
            #expect(String(cString: dfns_status_name(error.status)) != "DFNS_ERR_UNKNOWN", "\(code.name)")
        }
    }

    @Test func theSplitOfTheOldInvalidArgument() {
        #expect(BridgeError(WebAuthnError(.invalidPolicy, "empty rpId")).status == DFNS_ERR_INVALID_POLICY.rawValue)
        #expect(BridgeError(WebAuthnError(.invalidArgument, "hash length")).status == DFNS_ERR_INVALID_ARGUMENT.rawValue)
        #expect(BridgeError(WebAuthnError(.unknownCredential, "no such id")).status == DFNS_ERR_NOT_FOUND.rawValue)
        // The table holds exactly the exceptions, and verifications map like any other call.
        #expect(BridgeError.webAuthnStatusExceptions == exceptions)
        #expect((try? verifying { () throws(WebAuthnError) in 1 }) == 1)
        do {
            _ = try verifying { () throws(WebAuthnError) -> Int in throw WebAuthnError(.invalidArgument, "x") }
            Issue.record("verifying returned")
        } catch {
            #expect(error.status == DFNS_ERR_INVALID_ARGUMENT.rawValue)
        }
    }

    /// An unusable policy is DFNS_ERR_INVALID_POLICY through the verification entry points. The C
    /// ABI cannot make one (dfns_policy_new refuses an empty RP ID), so the handle is built here.
    @Test func anEmptyRPIdPolicyIsInvalidPolicyThroughTheCFunctions() throws {
        let policy = Owned(Handle.retained(PolicyBox(RelyingPartyPolicy(rpId: "", allowedOrigins: [origin]))),
                           free: dfns_policy_free)
        let made = Registered(alg: DFNS_COSE_ES256)
        let (status, registration) = made.verify(policy)
        #expect(status == DFNS_ERR_INVALID_POLICY.rawValue, "\(lastError())")
        #expect(registration.pointer == nil)
    }
}
