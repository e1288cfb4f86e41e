import DfnsWebAuthn
import Testing

/// ``WebAuthnError/Code`` as values: the numbers and names are the contract (the C ABI and the
/// conformance tool print them), equality and hashing look at the number only.
@Suite struct WebAuthnErrorCodeTests {
    /// Every code with its number and name, as they were when codes were an enum (900 split in 0.4).
    static let table: [(WebAuthnError.Code, Int32, String)] = [
        (.malformedCBOR, 100, "malformed_cbor"), (.trailingBytes, 101, "trailing_bytes"),
        (.malformedClientData, 102, "malformed_client_data"), (.malformedAttestationObject, 103, "malformed_attestation_object"),
        (.malformedAuthenticatorData, 104, "malformed_authenticator_data"), (.malformedCOSEKey, 105, "malformed_cose_key"),
        (.malformedEncoding, 106, "malformed_encoding"), (.inputTooLarge, 107, "input_too_large"), (.malformedCredentialJSON, 108, "malformed_credential_json"),
        (.clientDataType, 200, "client_data_type"), (.challengeMismatch, 201, "challenge_mismatch"),
        (.originNotAllowed, 202, "origin_not_allowed"), (.crossOriginNotAllowed, 203, "cross_origin_not_allowed"),
        (.topOriginNotAllowed, 204, "top_origin_not_allowed"),
        (.rpIdHashMismatch, 300, "rp_id_hash_mismatch"), (.userPresenceMissing, 301, "user_presence_missing"),
        (.userVerificationMissing, 302, "user_verification_missing"),
        (.backupStateWithoutEligibility, 303, "backup_state_without_eligibility"),
        (.backupEligibilityChanged, 304, "backup_eligibility_changed"),
        (.attestedCredentialDataMissing, 305, "attested_credential_data_missing"),
        (.unexpectedAttestedCredentialData, 306, "unexpected_attested_credential_data"),
        (.credentialIdTooLong, 307, "credential_id_too_long"), (.signCountNotIncreased, 308, "sign_count_not_increased"),
        (.credentialIdMismatch, 309, "credential_id_mismatch"),
        (.unsupportedAlgorithm, 400, "unsupported_algorithm"), (.algorithmNotAllowed, 401, "algorithm_not_allowed"),
        (.invalidPublicKey, 402, "invalid_public_key"), (.signatureInvalid, 403, "signature_invalid"),
        (.unsupportedAttestationFormat, 500, "unsupported_attestation_format"),
        (.malformedAttestationStatement, 501, "malformed_attestation_statement"),
        (.attestationCertificateInvalid, 502, "attestation_certificate_invalid"),
        (.attestationNotTrusted, 503, "attestation_not_trusted"), (.aaguidMismatch, 504, "aaguid_mismatch"),
        (.attestedKeyMismatch, 505, "attested_key_mismatch"), (.attestationBindingMismatch, 506, "attestation_binding_mismatch"),
        (.attestationPolicyViolation, 507, "attestation_policy_violation"), (.sha1NotAllowed, 508, "sha1_not_allowed"),
        (.metadataInvalid, 510, "metadata_invalid"), (.authenticatorStatusNotAccepted, 511, "authenticator_status_not_accepted"),
        (.metadataEntryMissing, 512, "metadata_entry_missing"),
        (.invalidPolicy, 900, "invalid_policy"), (.invalidArgument, 901, "invalid_argument"),
        (.unknownCredential, 902, "unknown_credential"),
        (.internalError, 999, "internal_error"),
    ]

    @Test func numbersAndNamesAreTheContract() {
        for (code, value, name) in Self.table {
            #expect(code.rawValue == value, "\(name)")
            #expect(code.name == name)
            #expect(code.description == name)
            #expect(WebAuthnError.Code(rawValue: value) == code)
            #expect(WebAuthnError.Code(rawValue: value)?.name == name)
        }
        #expect(WebAuthnError.Code.allCases.map(\.rawValue) == Self.table.map(\.1))
    }

    @Test func allCasesIsAscendingWithoutDuplicates() {
        let values = WebAuthnError.Code.allCases.map(\.rawValue)
        #expect(values == values.sorted())
        #expect(Set(values).count == values.count)
        #expect(Set(WebAuthnError.Code.allCases.map(\.name)).count == values.count)
    }

    @Test func unknownNumbersAreNotCodes() {
        for value: Int32 in [0, -100, 99, 109, 205, 310, 404, 509, 899, 903, 998, 1000, .min, .max] {
            #expect(WebAuthnError.Code(rawValue: value) == nil, "\(value)")
        }
    }

    @Test func equalityAndHashingUseTheNumberOnly() {
        let codes = WebAuthnError.Code.allCases
        for (i, a) in codes.enumerated() {
            for (j, b) in codes.enumerated() {
                #expect((a == b) == (i == j))
            }
        }
        #expect(Set(codes).count == codes.count)
        let dictionary = Dictionary(uniqueKeysWithValues: codes.map { ($0, $0.name) })
        for code in codes {
            var left = Hasher(), right = Hasher()
            left.combine(code)
            right.combine(WebAuthnError.Code(rawValue: code.rawValue)!)
            #expect(left.finalize() == right.finalize())
            #expect(dictionary[code] == code.name)
        }
    }

    @Test func switchesMatchByValue() {
        func kind(_ code: WebAuthnError.Code) -> String {
            switch code {
            case .invalidPolicy: return "policy"
            case .invalidArgument, .unknownCredential: return "argument"
            default: return "check"
            }
        }
        #expect(kind(WebAuthnError.Code(rawValue: 900)!) == "policy")
        #expect(kind(.unknownCredential) == "argument")
        #expect(kind(.signatureInvalid) == "check")
        #expect(WebAuthnError(.challengeMismatch, "m") == WebAuthnError(.challengeMismatch, "m"))
        #expect(WebAuthnError(.challengeMismatch, "m") != WebAuthnError(.originNotAllowed, "m"))
        #expect(WebAuthnError(.challengeMismatch, "expected a, found b").description == "challenge_mismatch: expected a, found b")
    }
}
