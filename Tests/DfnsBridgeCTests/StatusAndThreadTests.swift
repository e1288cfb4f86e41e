#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CDfnsBridgeAPI
import DfnsBridgeC
import DfnsInspection
import DfnsWebAuthn
import Testing

@Suite struct StatusNameTests {
    @Test func everyWebAuthnCodeHasItsName() {
        for code in WebAuthnError.Code.allCases {
            // A code whose status is its negation is named after it; the calling-error codes
            // have no status of their own (BridgeErrorMappingTests covers where they go).
            switch code {
            case .invalidArgument, .unknownCredential:
                #expect(String(cString: dfns_status_name(-code.rawValue)) == "DFNS_ERR_UNKNOWN")
            case .internalError:
                #expect(String(cString: dfns_status_name(-code.rawValue)) == "DFNS_ERR_INTERNAL")
            default:
                #expect(String(cString: dfns_status_name(-code.rawValue)) == "DFNS_ERR_" + code.name.uppercased())
            }
        }
    }

    @Test func callingErrorsAndUnknownValues() {
        let named: [(dfns_status, String)] = [
            (DFNS_OK, "DFNS_OK"), (DFNS_ERR_INVALID_ARGUMENT, "DFNS_ERR_INVALID_ARGUMENT"),
            (DFNS_ERR_BUFFER_TOO_SMALL, "DFNS_ERR_BUFFER_TOO_SMALL"), (DFNS_ERR_OUT_OF_MEMORY, "DFNS_ERR_OUT_OF_MEMORY"),
            (DFNS_ERR_NOT_FOUND, "DFNS_ERR_NOT_FOUND"), (DFNS_ERR_UNSUPPORTED, "DFNS_ERR_UNSUPPORTED"),
            (DFNS_ERR_CHALLENGE_MISMATCH, "DFNS_ERR_CHALLENGE_MISMATCH"), (DFNS_ERR_SHA1_NOT_ALLOWED, "DFNS_ERR_SHA1_NOT_ALLOWED"),
        ]
        for (status, name) in named {
            #expect(String(cString: dfns_status_name(status.rawValue)) == name)
        }
        for unknown: Int32 in [1, 100, -6, -99, -109, -205, -606, -698, -703, -804, -811, -901, -998, -1000, Int32.min, Int32.max] {
            #expect(String(cString: dfns_status_name(unknown)) == "DFNS_ERR_UNKNOWN")
        }
    }

    @Test func versionMatchesHeader() {
        #expect(String(cString: dfns_version()) == DFNS_BRIDGE_VERSION_STRING)
        #expect(dfns_version_number() == UInt32(DFNS_BRIDGE_VERSION_MAJOR * 10000 + DFNS_BRIDGE_VERSION_MINOR * 100 + DFNS_BRIDGE_VERSION_PATCH))
        #expect(dfns_version_number() == 400)
    }
}

@Suite struct InspectTests {
    @Test func reportsEqualTheSwiftRenderer() throws {
        let made = Registered(alg: DFNS_COSE_ES256)
        let inputs: [([UInt8], InspectKind)] = [
            (made.attestationObject, .attestationObject), (made.clientDataJSON, .clientData),
        ]
        for (input, kind) in inputs {
            for (format, swiftFormat) in [(DFNS_INSPECT_TEXT, InspectFormat.text), (DFNS_INSPECT_JSON, .json)] {
                var out: UnsafeMutablePointer<CChar>?
                expectOK(dfns_inspect(input, input.count, Int32(DFNS_INSPECT_DETECT.rawValue), Int32(format.rawValue), &out))
                let text = out.map { String(cString: $0) }
                dfns_free(out)
                let (decoded, report) = try Inspector.inspect(input)
                #expect(decoded == kind)
                #expect(text == Inspector.render(decoded, report, format: swiftFormat))
            }
        }
        var out: UnsafeMutablePointer<CChar>?
        let ao = made.attestationObject
        expectOK(dfns_inspect(ao, ao.count, Int32(DFNS_INSPECT_ATTESTATION_OBJECT.rawValue), Int32(DFNS_INSPECT_JSON.rawValue), &out))
        let json = out.map { String(cString: $0) } ?? ""
        dfns_free(out)
        #expect(json.hasPrefix("{\n  \"type\": \"attestation-object\""))
        #expect(json.contains("\"fmt\": \"packed\""))
    }
}

@Suite struct ThreadTests {
    @Test func lastErrorIsPerThread() {
        // Both threads fail before either reads its message again (a barrier, not a sleep: the
        // test must not depend on scheduling; issue 6).
        let barrier = UnsafeMutablePointer<pthread_barrier_t>.allocate(capacity: 1)
        #expect(pthread_barrier_init(barrier, nil, 2) == 0)
        defer {
            pthread_barrier_destroy(barrier)
            barrier.deallocate()
        }
        let shared = BarrierPointer(barrier: barrier)
        let results = onThreads(2) { index -> [String] in
            var seen: [String] = [lastError()]
            var out: OpaquePointer?
            if index == 0 {
                _ = dfns_policy_new(nil, &out)
            } else {
                _ = dfns_public_key_parse_cose(nil, 0, &out)
            }
            seen.append(lastError())
            // Once the other thread has failed too, read again: still this thread's message.
            _ = pthread_barrier_wait(shared.barrier)
            seen.append(lastError())
            // A success does not clear it.
            var version = 0
            version = Int(dfns_version_number())
            seen.append(version > 0 ? lastError() : "")
            return seen
        }
        #expect(results.count == 2)
        #expect(results.first?.first == "")
        #expect(results.last?.first == "")
        #expect(results.first?.dropFirst().allSatisfy { $0.hasPrefix("dfns_policy_new: ") } == true)
        #expect(results.last?.dropFirst().allSatisfy { $0.hasPrefix("dfns_public_key_parse_cose: ") } == true)
    }

    @Test func eightThreadsVerifyTheSameAssertion() throws {
        let policy = makePolicy()
        let made = Registered(alg: DFNS_COSE_ES256)
        let (status, registration) = made.verify(policy)
        expectOK(status)
        var key: OpaquePointer?
        expectOK(dfns_registration_public_key(registration.pointer, &key))
        let keyHandle = Owned(key, free: dfns_public_key_free)
        let response = made.authenticate()
        let cdj = field(response.pointer, DFNS_RESPONSE_CLIENT_DATA_JSON)
        let ad = field(response.pointer, DFNS_RESPONSE_AUTHENTICATOR_DATA)
        let sig = field(response.pointer, DFNS_RESPONSE_SIGNATURE)
        var badSig = sig
        badSig[badSig.count - 1] ^= 1
        let badSignature = badSig
        nonisolated(unsafe) let sharedPolicy = policy.pointer
        nonisolated(unsafe) let sharedKey = keyHandle.pointer
        struct Outcome: Equatable, Sendable {
            var statuses: [Int32] = []
            var signCounts: [UInt32] = []
            var flags: [UInt8] = []
        }
        let outcomes = onThreads(8) { _ -> Outcome in
            var outcome = Outcome()
            for round in 0..<50 {
                var credential = dfns_stored_credential(key: sharedKey, sign_count: 0, backup_eligible: -1)
                var assertion: OpaquePointer?
                let signature = round % 5 == 4 ? badSignature : sig
                let status = dfns_assertion_verify(sharedPolicy, &credential, cdj, cdj.count, ad, ad.count, signature, signature.count,
                                                   challenge, challenge.count, &assertion)
                outcome.statuses.append(status)
                var count: UInt32 = 0
                var flags: UInt8 = 0
                if status == DFNS_OK.rawValue {
                    _ = dfns_assertion_sign_count(assertion, &count)
                    _ = dfns_assertion_flags(assertion, &flags)
                }
                outcome.signCounts.append(count)
                outcome.flags.append(flags)
                dfns_assertion_free(&assertion)
            }
            return outcome
        }
        #expect(outcomes.count == 8)
        let first = try #require(outcomes.first)
        #expect(outcomes.allSatisfy { $0 == first })
        #expect(first.statuses.filter { $0 == DFNS_OK.rawValue }.count == 40)
        #expect(first.statuses.filter { $0 == DFNS_ERR_SIGNATURE_INVALID.rawValue }.count == 10)
        #expect(first.signCounts.filter { $0 == 1 }.count == 40)
    }
}

/// A barrier handed to test threads.
private struct BarrierPointer: @unchecked Sendable {
    let barrier: UnsafeMutablePointer<pthread_barrier_t>
}
