import CDfnsBridgeAPI
import DfnsBridgeC
import Testing

/// Every function rejects NULL pointers, bad lengths, bad enum values and garbage with a status
/// and a message, and leaves its outputs NULL/0.
@Suite struct ArgumentTests {
    let garbage: [UInt8] = [0xFF, 0x00, 0x13, 0x37, 0xA5]
    /// A length above Int.max (SIZE_MAX) as Swift sees size_t.
    let hugeLength = -1

    @Test func freeAcceptsNull() {
        dfns_free(nil)
        dfns_public_key_free(nil)
        dfns_policy_free(nil)
        dfns_registration_free(nil)
        dfns_assertion_free(nil)
        dfns_authenticator_free(nil)
        dfns_response_free(nil)
        var null: OpaquePointer?
        dfns_public_key_free(&null)
        dfns_policy_free(&null)
        dfns_registration_free(&null)
        dfns_assertion_free(&null)
        dfns_authenticator_free(&null)
        dfns_response_free(&null)
        #expect(null == nil)
    }

    @Test func publicKeys() {
        var out = OpaquePointer(bitPattern: 0x1)
        expectFailure(dfns_public_key_parse_cose(nil, 0, &out), DFNS_ERR_MALFORMED_CBOR, in: "dfns_public_key_parse_cose")
        #expect(out == nil)
        expectFailure(dfns_public_key_parse_cose(nil, 4, &out), in: "dfns_public_key_parse_cose")
        expectFailure(dfns_public_key_parse_cose(garbage, garbage.count, nil), in: "dfns_public_key_parse_cose")
        expectFailure(dfns_public_key_parse_cose(garbage, hugeLength, &out), in: "dfns_public_key_parse_cose")
        expectFailure(dfns_public_key_parse_cose(garbage, (64 << 20) + 1, &out), DFNS_ERR_INPUT_TOO_LARGE, in: "dfns_public_key_parse_cose")
        expectFailure(dfns_public_key_parse_cose(garbage, garbage.count, &out), DFNS_ERR_MALFORMED_CBOR, in: "dfns_public_key_parse_cose")
        let notAKey: [UInt8] = [0xA1, 0x01, 0x02]  // {1: 2}: kty EC2, nothing else
        expectFailure(dfns_public_key_parse_cose(notAKey, notAKey.count, &out), DFNS_ERR_MALFORMED_COSE_KEY, in: "dfns_public_key_parse_cose")
        let trailing: [UInt8] = [0xA0, 0x00]
        expectFailure(dfns_public_key_parse_cose(trailing, trailing.count, &out), DFNS_ERR_TRAILING_BYTES, in: "dfns_public_key_parse_cose")
        #expect(out == nil)

        expectFailure(dfns_public_key_parse_spki(nil, 0, DFNS_COSE_ES256.rawValue, &out), DFNS_ERR_MALFORMED_ENCODING, in: "dfns_public_key_parse_spki")
        expectFailure(dfns_public_key_parse_spki(nil, 9, DFNS_COSE_ES256.rawValue, &out), in: "dfns_public_key_parse_spki")
        expectFailure(dfns_public_key_parse_spki(garbage, garbage.count, DFNS_COSE_ES256.rawValue, nil), in: "dfns_public_key_parse_spki")
        expectFailure(dfns_public_key_parse_spki(garbage, garbage.count, DFNS_COSE_ES256.rawValue, &out), DFNS_ERR_MALFORMED_ENCODING, in: "dfns_public_key_parse_spki")
        let pemGarbage = Array("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n".utf8)
        expectFailure(dfns_public_key_parse_spki(pemGarbage, pemGarbage.count, DFNS_COSE_ES256.rawValue, &out), DFNS_ERR_MALFORMED_ENCODING, in: "dfns_public_key_parse_spki")
        #expect(out == nil)

        // A real key with a wrong or unknown algorithm.
        let made = Registered(alg: DFNS_COSE_ES256)
        let policy = makePolicy()
        let (_, registration) = made.verify(policy)
        var key: OpaquePointer?
        expectOK(dfns_registration_public_key(registration.pointer, &key))
        let owned = Owned(key, free: dfns_public_key_free)
        var ptr: UnsafePointer<UInt8>?
        var len = 0
        expectOK(dfns_public_key_spki(key, &ptr, &len))
        let spki = bytes(ptr, len)
        expectFailure(dfns_public_key_parse_spki(spki, spki.count, DFNS_COSE_ES384.rawValue, &out), DFNS_ERR_UNSUPPORTED_ALGORITHM, in: "dfns_public_key_parse_spki")
        expectFailure(dfns_public_key_parse_spki(spki, spki.count, DFNS_COSE_EDDSA.rawValue, &out), DFNS_ERR_UNSUPPORTED_ALGORITHM, in: "dfns_public_key_parse_spki")
        expectFailure(dfns_public_key_parse_spki(spki, spki.count, 12345, &out), DFNS_ERR_UNSUPPORTED_ALGORITHM, in: "dfns_public_key_parse_spki")
        expectFailure(dfns_public_key_parse_spki(Array(spki.dropLast()), spki.count - 1, DFNS_COSE_ES256.rawValue, &out), DFNS_ERR_MALFORMED_ENCODING, in: "dfns_public_key_parse_spki")
        #expect(out == nil)

        // RS1 keys verify only through a policy.
        var rs1: OpaquePointer?
        let rsa = Registered(alg: DFNS_COSE_RS256)
        let (_, rsaRegistration) = rsa.verify(policy)
        var rsaKey: OpaquePointer?
        expectOK(dfns_registration_public_key(rsaRegistration.pointer, &rsaKey))
        expectOK(dfns_public_key_spki(rsaKey, &ptr, &len))
        let rsaSPKI = bytes(ptr, len)
        dfns_public_key_free(&rsaKey)
        expectOK(dfns_public_key_parse_spki(rsaSPKI, rsaSPKI.count, DFNS_COSE_RS1.rawValue, &rs1))
        let sig: [UInt8] = Array(repeating: 1, count: 256)
        expectFailure(dfns_public_key_verify(rs1, garbage, garbage.count, sig, sig.count), DFNS_ERR_SHA1_NOT_ALLOWED, in: "dfns_public_key_verify")
        dfns_public_key_free(&rs1)

        // Getters.
        #expect(dfns_public_key_alg(nil) == 0)
        #expect(lastError().hasPrefix("dfns_public_key_alg: "))
        ptr = UnsafePointer(bitPattern: 8)
        len = 3
        expectFailure(dfns_public_key_cose(nil, &ptr, &len), in: "dfns_public_key_cose")
        #expect(ptr == nil && len == 0)
        expectFailure(dfns_public_key_cose(key, nil, &len), in: "dfns_public_key_cose")
        expectFailure(dfns_public_key_cose(key, &ptr, nil), in: "dfns_public_key_cose")
        expectFailure(dfns_public_key_spki(nil, &ptr, &len), in: "dfns_public_key_spki")
        expectFailure(dfns_public_key_spki(key, nil, nil), in: "dfns_public_key_spki")
        var pem: UnsafePointer<CChar>? = UnsafePointer(bitPattern: 8)
        expectFailure(dfns_public_key_pem(nil, &pem), in: "dfns_public_key_pem")
        #expect(pem == nil)
        expectFailure(dfns_public_key_pem(key, nil), in: "dfns_public_key_pem")

        // A handle of another kind is refused, not misread.
        expectFailure(dfns_public_key_cose(policy.pointer, &ptr, &len), in: "dfns_public_key_cose")
        #expect(lastError().contains("dfns_policy_t"))
        var wrongKind = policy.pointer
        dfns_public_key_free(&wrongKind)
        #expect(wrongKind == policy.pointer)

        expectFailure(dfns_public_key_verify(nil, garbage, garbage.count, garbage, garbage.count), in: "dfns_public_key_verify")
        expectFailure(dfns_public_key_verify(key, nil, 3, garbage, garbage.count), in: "dfns_public_key_verify")
        expectFailure(dfns_public_key_verify(key, garbage, garbage.count, nil, 3), in: "dfns_public_key_verify")
        expectFailure(dfns_public_key_verify(key, garbage, hugeLength, garbage, garbage.count), in: "dfns_public_key_verify")
        expectFailure(dfns_public_key_verify(key, garbage, garbage.count, nil, 0), DFNS_ERR_SIGNATURE_INVALID, in: "dfns_public_key_verify")
        expectFailure(dfns_public_key_verify(key, garbage, garbage.count, garbage, garbage.count), DFNS_ERR_SIGNATURE_INVALID, in: "dfns_public_key_verify")
        expectFailure(dfns_public_key_verify(key, nil, 0, garbage, garbage.count), DFNS_ERR_SIGNATURE_INVALID, in: "dfns_public_key_verify")
        _ = owned
    }

    @Test func policies() {
        var out = OpaquePointer(bitPattern: 0x1)
        expectFailure(dfns_policy_new(nil, &out), in: "dfns_policy_new")
        #expect(out == nil)
        expectFailure(dfns_policy_new("", &out), in: "dfns_policy_new")
        expectFailure(dfns_policy_new("example.org", nil), in: "dfns_policy_new")
        let invalidUTF8: [CChar] = [CChar(bitPattern: 0xC3), CChar(bitPattern: 0x28), 0]
        expectFailure(dfns_policy_new(invalidUTF8, &out), in: "dfns_policy_new")
        let tooLong = [CChar](repeating: 0x61, count: (64 << 10) + 1) + [0]
        expectFailure(dfns_policy_new(tooLong, &out), in: "dfns_policy_new")
        #expect(out == nil)

        let policy = makePolicy()
        let p = policy.pointer
        expectFailure(dfns_policy_add_origin(nil, "https://a.example"), in: "dfns_policy_add_origin")
        expectFailure(dfns_policy_add_origin(p, nil), in: "dfns_policy_add_origin")
        expectFailure(dfns_policy_add_origin(p, ""), in: "dfns_policy_add_origin")
        expectFailure(dfns_policy_add_top_origin(nil, "https://a.example"), in: "dfns_policy_add_top_origin")
        expectFailure(dfns_policy_add_top_origin(p, nil), in: "dfns_policy_add_top_origin")
        expectOK(dfns_policy_add_top_origin(p, "https://top.example"))

        for option: Int32 in [0, 20, -1, Int32.max, Int32.min] {
            expectFailure(dfns_policy_set_option(p, option, 1), in: "dfns_policy_set_option")
            var enabled: Int32 = 7
            expectFailure(dfns_policy_get_option(p, option, &enabled), in: "dfns_policy_get_option")
            #expect(enabled == 0)
        }
        expectFailure(dfns_policy_set_option(nil, 1, 1), in: "dfns_policy_set_option")
        expectFailure(dfns_policy_get_option(nil, 1, nil), in: "dfns_policy_get_option")
        expectFailure(dfns_policy_get_option(p, 1, nil), in: "dfns_policy_get_option")

        // Defaults as documented, and every option round-trips.
        let defaults: [Int32: Int32] = [1: 0, 2: 0, 3: 1, 4: 0, 5: 1, 6: 0, 7: 1, 8: 1, 9: 1, 10: 0, 11: 1, 12: 0, 13: 1, 14: 1, 15: 0, 16: 1,
                                        17: 1, 18: 0, 19: 0]
        for option in Int32(1)...19 {
            var enabled: Int32 = -1
            expectOK(dfns_policy_get_option(p, option, &enabled))
            #expect(enabled == defaults[option], "option \(option)")
            expectOK(dfns_policy_set_option(p, option, 42))
            expectOK(dfns_policy_get_option(p, option, &enabled))
            #expect(enabled == 1)
            expectOK(dfns_policy_set_option(p, option, 0))
            expectOK(dfns_policy_get_option(p, option, &enabled))
            #expect(enabled == 0)
        }

        let algs: [Int32] = [DFNS_COSE_ES256.rawValue]
        expectFailure(dfns_policy_set_algorithms(nil, algs, 1), in: "dfns_policy_set_algorithms")
        expectFailure(dfns_policy_set_algorithms(p, nil, 1), in: "dfns_policy_set_algorithms")
        expectFailure(dfns_policy_set_algorithms(p, algs, 0), in: "dfns_policy_set_algorithms")
        expectFailure(dfns_policy_set_algorithms(p, algs, hugeLength), in: "dfns_policy_set_algorithms")
        let unknown: [Int32] = [DFNS_COSE_ES256.rawValue, 5]
        expectFailure(dfns_policy_set_algorithms(p, unknown, 2), DFNS_ERR_UNSUPPORTED_ALGORITHM, in: "dfns_policy_set_algorithms")
        expectFailure(dfns_policy_set_verification_time(nil, 0), in: "dfns_policy_set_verification_time")

        let cert: [UInt8] = [0x30, 0x00]
        expectFailure(dfns_policy_add_trust_anchor(nil, "packed", cert, 2), in: "dfns_policy_add_trust_anchor")
        expectFailure(dfns_policy_add_trust_anchor(p, nil, cert, 2), in: "dfns_policy_add_trust_anchor")
        expectFailure(dfns_policy_add_trust_anchor(p, "no-such-format", cert, 2), in: "dfns_policy_add_trust_anchor")
        expectFailure(dfns_policy_add_trust_anchor(p, "packed", nil, 0), in: "dfns_policy_add_trust_anchor")
        expectFailure(dfns_policy_add_trust_anchor(p, "packed", nil, 2), in: "dfns_policy_add_trust_anchor")
        expectFailure(dfns_policy_add_trust_anchor(p, "packed", garbage, garbage.count), DFNS_ERR_ATTESTATION_CERTIFICATE_INVALID, in: "dfns_policy_add_trust_anchor")
    }

    @Test func registrations() {
        let policy = makePolicy()
        let made = Registered(alg: DFNS_COSE_ES256)
        let cdj = made.clientDataJSON, ao = made.attestationObject
        var out = OpaquePointer(bitPattern: 0x1)
        let f = "dfns_registration_verify"
        expectFailure(dfns_registration_verify(nil, cdj, cdj.count, ao, ao.count, challenge, challenge.count, &out), in: f)
        #expect(out == nil)
        expectFailure(dfns_registration_verify(policy.pointer, cdj, cdj.count, ao, ao.count, challenge, challenge.count, nil), in: f)
        expectFailure(dfns_registration_verify(policy.pointer, nil, cdj.count, ao, ao.count, challenge, challenge.count, &out), in: f)
        expectFailure(dfns_registration_verify(policy.pointer, cdj, cdj.count, nil, ao.count, challenge, challenge.count, &out), in: f)
        expectFailure(dfns_registration_verify(policy.pointer, cdj, cdj.count, ao, ao.count, nil, challenge.count, &out), in: f)
        expectFailure(dfns_registration_verify(policy.pointer, cdj, cdj.count, ao, ao.count, challenge, 0, &out), in: f)
        expectFailure(dfns_registration_verify(policy.pointer, cdj, hugeLength, ao, ao.count, challenge, challenge.count, &out), in: f)
        expectFailure(dfns_registration_verify(policy.pointer, nil, 0, ao, ao.count, challenge, challenge.count, &out), DFNS_ERR_MALFORMED_CLIENT_DATA, in: f)
        expectFailure(dfns_registration_verify(policy.pointer, garbage, garbage.count, ao, ao.count, challenge, challenge.count, &out), DFNS_ERR_MALFORMED_CLIENT_DATA, in: f)
        expectFailure(dfns_registration_verify(policy.pointer, cdj, cdj.count, garbage, garbage.count, challenge, challenge.count, &out), DFNS_ERR_MALFORMED_CBOR, in: f)
        expectFailure(dfns_registration_verify(policy.pointer, cdj, cdj.count, nil, 0, challenge, challenge.count, &out), DFNS_ERR_MALFORMED_CBOR, in: f)
        let big = [UInt8](repeating: 0xA0, count: 300 * 1024)
        expectFailure(dfns_registration_verify(policy.pointer, cdj, cdj.count, big, big.count, challenge, challenge.count, &out), DFNS_ERR_INPUT_TOO_LARGE, in: f)
        #expect(out == nil)

        let h = "dfns_registration_verify_hash"
        let hash = [UInt8](repeating: 1, count: 32)
        expectFailure(dfns_registration_verify_hash(nil, hash, 32, ao, ao.count, &out), in: h)
        expectFailure(dfns_registration_verify_hash(policy.pointer, hash, 31, ao, ao.count, &out), in: h)
        expectFailure(dfns_registration_verify_hash(policy.pointer, nil, 32, ao, ao.count, &out), in: h)
        expectFailure(dfns_registration_verify_hash(policy.pointer, hash, 32, ao, ao.count, nil), in: h)
        expectFailure(dfns_registration_verify_hash(policy.pointer, hash, 32, ao, ao.count, &out), DFNS_ERR_SIGNATURE_INVALID, in: h)
        #expect(out == nil)

        var ptr: UnsafePointer<UInt8>? = UnsafePointer(bitPattern: 8)
        var len = 1
        expectFailure(dfns_registration_credential_id(nil, &ptr, &len), in: "dfns_registration_credential_id")
        #expect(ptr == nil && len == 0)
        expectFailure(dfns_registration_aaguid(nil, &ptr, &len), in: "dfns_registration_aaguid")
        expectFailure(dfns_registration_extensions(nil, &ptr, &len), in: "dfns_registration_extensions")
        var key = OpaquePointer(bitPattern: 0x1)
        expectFailure(dfns_registration_public_key(nil, &key), in: "dfns_registration_public_key")
        #expect(key == nil)
        var text: UnsafePointer<CChar>? = UnsafePointer(bitPattern: 8)
        expectFailure(dfns_registration_format(nil, &text), in: "dfns_registration_format")
        #expect(text == nil)
        expectFailure(dfns_registration_attestation_type(nil, &text), in: "dfns_registration_attestation_type")
        var trusted: Int32 = 5
        expectFailure(dfns_registration_attestation_trusted(nil, &trusted), in: "dfns_registration_attestation_trusted")
        #expect(trusted == 0)
        var count: UInt32 = 5
        expectFailure(dfns_registration_sign_count(nil, &count), in: "dfns_registration_sign_count")
        #expect(count == 0)
        var flags: UInt8 = 5
        expectFailure(dfns_registration_flags(nil, &flags), in: "dfns_registration_flags")
        #expect(flags == 0)

        let (status, registration) = made.verify(policy)
        expectOK(status)
        let r = registration.pointer
        expectFailure(dfns_registration_credential_id(r, nil, &len), in: "dfns_registration_credential_id")
        expectFailure(dfns_registration_aaguid(r, &ptr, nil), in: "dfns_registration_aaguid")
        expectFailure(dfns_registration_extensions(r, nil, nil), in: "dfns_registration_extensions")
        expectFailure(dfns_registration_public_key(r, nil), in: "dfns_registration_public_key")
        expectFailure(dfns_registration_format(r, nil), in: "dfns_registration_format")
        expectFailure(dfns_registration_attestation_type(r, nil), in: "dfns_registration_attestation_type")
        expectFailure(dfns_registration_attestation_trusted(r, nil), in: "dfns_registration_attestation_trusted")
        expectFailure(dfns_registration_sign_count(r, nil), in: "dfns_registration_sign_count")
        expectFailure(dfns_registration_flags(r, nil), in: "dfns_registration_flags")
        expectFailure(dfns_registration_flags(policy.pointer, &flags), in: "dfns_registration_flags")
    }

    @Test func assertions() {
        let policy = makePolicy()
        let made = Registered(alg: DFNS_COSE_EDDSA)
        let (_, registration) = made.verify(policy)
        var key: OpaquePointer?
        expectOK(dfns_registration_public_key(registration.pointer, &key))
        let owned = Owned(key, free: dfns_public_key_free)
        let response = made.authenticate()
        let cdj = field(response.pointer, DFNS_RESPONSE_CLIENT_DATA_JSON)
        let ad = field(response.pointer, DFNS_RESPONSE_AUTHENTICATOR_DATA)
        let sig = field(response.pointer, DFNS_RESPONSE_SIGNATURE)
        var credential = dfns_stored_credential(key: key, sign_count: 0, backup_eligible: -1)
        var out = OpaquePointer(bitPattern: 0x1)
        let f = "dfns_assertion_verify"
        expectFailure(dfns_assertion_verify(nil, &credential, cdj, cdj.count, ad, ad.count, sig, sig.count, challenge, challenge.count, &out), in: f)
        #expect(out == nil)
        expectFailure(dfns_assertion_verify(policy.pointer, nil, cdj, cdj.count, ad, ad.count, sig, sig.count, challenge, challenge.count, &out), in: f)
        expectFailure(dfns_assertion_verify(policy.pointer, &credential, cdj, cdj.count, ad, ad.count, sig, sig.count, challenge, challenge.count, nil), in: f)
        expectFailure(dfns_assertion_verify(policy.pointer, &credential, nil, 1, ad, ad.count, sig, sig.count, challenge, challenge.count, &out), in: f)
        expectFailure(dfns_assertion_verify(policy.pointer, &credential, cdj, cdj.count, nil, 1, sig, sig.count, challenge, challenge.count, &out), in: f)
        expectFailure(dfns_assertion_verify(policy.pointer, &credential, cdj, cdj.count, ad, ad.count, nil, 1, challenge, challenge.count, &out), in: f)
        expectFailure(dfns_assertion_verify(policy.pointer, &credential, cdj, cdj.count, ad, ad.count, sig, sig.count, nil, 0, &out), in: f)
        expectFailure(dfns_assertion_verify(policy.pointer, &credential, cdj, cdj.count, ad, ad.count, sig, hugeLength, challenge, challenge.count, &out), in: f)
        expectFailure(dfns_assertion_verify(policy.pointer, &credential, cdj, cdj.count, garbage, garbage.count, sig, sig.count, challenge, challenge.count, &out), DFNS_ERR_MALFORMED_AUTHENTICATOR_DATA, in: f)
        expectFailure(dfns_assertion_verify(policy.pointer, &credential, cdj, cdj.count, ad, ad.count, nil, 0, challenge, challenge.count, &out), DFNS_ERR_SIGNATURE_INVALID, in: f)
        var noKey = dfns_stored_credential(key: nil, sign_count: 0, backup_eligible: -1)
        expectFailure(dfns_assertion_verify(policy.pointer, &noKey, cdj, cdj.count, ad, ad.count, sig, sig.count, challenge, challenge.count, &out), in: f)
        var wrongKind = dfns_stored_credential(key: policy.pointer, sign_count: 0, backup_eligible: -1)
        expectFailure(dfns_assertion_verify(policy.pointer, &wrongKind, cdj, cdj.count, ad, ad.count, sig, sig.count, challenge, challenge.count, &out), in: f)
        var badBE = dfns_stored_credential(key: key, sign_count: 0, backup_eligible: 2)
        expectFailure(dfns_assertion_verify(policy.pointer, &badBE, cdj, cdj.count, ad, ad.count, sig, sig.count, challenge, challenge.count, &out), in: f)
        #expect(out == nil)

        let h = "dfns_assertion_verify_hash"
        let hash = [UInt8](repeating: 0, count: 32)
        expectFailure(dfns_assertion_verify_hash(nil, &credential, hash, 32, ad, ad.count, sig, sig.count, &out), in: h)
        expectFailure(dfns_assertion_verify_hash(policy.pointer, nil, hash, 32, ad, ad.count, sig, sig.count, &out), in: h)
        expectFailure(dfns_assertion_verify_hash(policy.pointer, &credential, hash + [0], 33, ad, ad.count, sig, sig.count, &out), in: h)
        expectFailure(dfns_assertion_verify_hash(policy.pointer, &credential, nil, 0, ad, ad.count, sig, sig.count, &out), in: h)
        expectFailure(dfns_assertion_verify_hash(policy.pointer, &credential, hash, 32, ad, ad.count, sig, sig.count, nil), in: h)
        expectFailure(dfns_assertion_verify_hash(policy.pointer, &credential, hash, 32, ad, ad.count, sig, sig.count, &out), DFNS_ERR_SIGNATURE_INVALID, in: h)
        #expect(out == nil)

        var count: UInt32 = 3
        expectFailure(dfns_assertion_sign_count(nil, &count), in: "dfns_assertion_sign_count")
        #expect(count == 0)
        var flags: UInt8 = 3
        expectFailure(dfns_assertion_flags(nil, &flags), in: "dfns_assertion_flags")
        #expect(flags == 0)
        var regressed: Int32 = 3
        expectFailure(dfns_assertion_sign_count_regressed(nil, &regressed), in: "dfns_assertion_sign_count_regressed")
        #expect(regressed == 0)
        var ptr: UnsafePointer<UInt8>?
        var len = 0
        expectFailure(dfns_assertion_extensions(nil, &ptr, &len), in: "dfns_assertion_extensions")

        let (status, assertion) = verifyAssertion(policy, key, response)
        expectOK(status)
        expectFailure(dfns_assertion_sign_count(assertion.pointer, nil), in: "dfns_assertion_sign_count")
        expectFailure(dfns_assertion_flags(assertion.pointer, nil), in: "dfns_assertion_flags")
        expectFailure(dfns_assertion_sign_count_regressed(assertion.pointer, nil), in: "dfns_assertion_sign_count_regressed")
        expectFailure(dfns_assertion_extensions(assertion.pointer, nil, &len), in: "dfns_assertion_extensions")
        expectFailure(dfns_assertion_sign_count(registration.pointer, &count), in: "dfns_assertion_sign_count")
        _ = owned
    }

    @Test func authenticatorsAndResponses() {
        var out = OpaquePointer(bitPattern: 0x1)
        expectFailure(dfns_authenticator_new(nil), in: "dfns_authenticator_new")
        expectOK(dfns_authenticator_new(&out))
        let authenticator = Owned(out, free: dfns_authenticator_free)
        let a = authenticator.pointer
        let f = "dfns_authenticator_register"
        let es256 = DFNS_COSE_ES256.rawValue
        var response = OpaquePointer(bitPattern: 0x1)
        expectFailure(dfns_authenticator_register(nil, rpId, origin, challenge, 32, es256, 1, nil, 0, 1, &response), in: f)
        #expect(response == nil)
        expectFailure(dfns_authenticator_register(a, nil, origin, challenge, 32, es256, 1, nil, 0, 1, &response), in: f)
        expectFailure(dfns_authenticator_register(a, rpId, nil, challenge, 32, es256, 1, nil, 0, 1, &response), in: f)
        expectFailure(dfns_authenticator_register(a, rpId, origin, nil, 32, es256, 1, nil, 0, 1, &response), in: f)
        expectFailure(dfns_authenticator_register(a, rpId, origin, challenge, 32, es256, 1, nil, 4, 1, &response), in: f)
        expectFailure(dfns_authenticator_register(a, rpId, origin, challenge, 32, es256, 1, nil, 0, 1, nil), in: f)
        expectFailure(dfns_authenticator_register(a, rpId, origin, challenge, 32, es256, 2, nil, 0, 1, &response), in: f)
        expectFailure(dfns_authenticator_register(a, rpId, origin, challenge, 32, es256, -1, nil, 0, 1, &response), in: f)
        expectFailure(dfns_authenticator_register(a, rpId, origin, challenge, 32, DFNS_COSE_ES384.rawValue, 1, nil, 0, 1, &response), DFNS_ERR_UNSUPPORTED_ALGORITHM, in: f)
        expectFailure(dfns_authenticator_register(a, rpId, origin, challenge, 32, 0, 1, nil, 0, 1, &response), DFNS_ERR_UNSUPPORTED_ALGORITHM, in: f)
        #expect(response == nil)

        let g = "dfns_authenticator_authenticate"
        let id: [UInt8] = [1, 2, 3]
        expectFailure(dfns_authenticator_authenticate(nil, rpId, origin, challenge, 32, id, 3, 1, &response), in: g)
        expectFailure(dfns_authenticator_authenticate(a, nil, origin, challenge, 32, id, 3, 1, &response), in: g)
        expectFailure(dfns_authenticator_authenticate(a, rpId, nil, challenge, 32, id, 3, 1, &response), in: g)
        expectFailure(dfns_authenticator_authenticate(a, rpId, origin, nil, 32, id, 3, 1, &response), in: g)
        expectFailure(dfns_authenticator_authenticate(a, rpId, origin, challenge, 32, nil, 3, 1, &response), in: g)
        expectFailure(dfns_authenticator_authenticate(a, rpId, origin, challenge, 32, id, 3, 1, nil), in: g)
        expectFailure(dfns_authenticator_authenticate(a, rpId, origin, challenge, 32, id, 3, 1, &response), DFNS_ERR_NOT_FOUND, in: g)
        #expect(response == nil)

        // Response fields: unknown fields are invalid, fields of the other kind are absent.
        expectOK(dfns_authenticator_register(a, rpId, origin, challenge, 32, es256, 0, nil, 0, 0, &response))
        let registration = Owned(response, free: dfns_response_free)
        var ptr: UnsafePointer<UInt8>? = UnsafePointer(bitPattern: 8)
        var len = 9
        for bad: Int32 in [0, 7, -1, Int32.max] {
            expectFailure(dfns_response_get(registration.pointer, bad, &ptr, &len), in: "dfns_response_get")
            #expect(ptr == nil && len == 0)
        }
        for absent in [DFNS_RESPONSE_AUTHENTICATOR_DATA, DFNS_RESPONSE_SIGNATURE, DFNS_RESPONSE_USER_HANDLE] {
            expectFailure(dfns_response_get(registration.pointer, Int32(absent.rawValue), &ptr, &len), DFNS_ERR_NOT_FOUND, in: "dfns_response_get")
        }
        expectFailure(dfns_response_get(nil, 1, &ptr, &len), in: "dfns_response_get")
        expectFailure(dfns_response_get(registration.pointer, 1, nil, &len), in: "dfns_response_get")
        expectFailure(dfns_response_get(registration.pointer, 1, &ptr, nil), in: "dfns_response_get")
        expectFailure(dfns_response_get(a, 1, &ptr, &len), in: "dfns_response_get")

        // An assertion with an empty user handle has the field, empty.
        let id2 = field(registration.pointer, DFNS_RESPONSE_CREDENTIAL_ID)
        expectOK(dfns_authenticator_authenticate(a, rpId, origin, challenge, 32, id2, id2.count, 0, &response))
        let assertion = Owned(response, free: dfns_response_free)
        expectOK(dfns_response_get(assertion.pointer, Int32(DFNS_RESPONSE_USER_HANDLE.rawValue), &ptr, &len))
        #expect(ptr != nil && len == 0)
        expectFailure(dfns_response_get(assertion.pointer, Int32(DFNS_RESPONSE_ATTESTATION_OBJECT.rawValue), &ptr, &len), DFNS_ERR_NOT_FOUND, in: "dfns_response_get")
    }

    @Test func inspect() {
        var out: UnsafeMutablePointer<CChar>? = UnsafeMutablePointer(bitPattern: 8)
        let f = "dfns_inspect"
        expectFailure(dfns_inspect(garbage, garbage.count, 0, 0, nil), in: f)
        expectFailure(dfns_inspect(nil, 3, 0, 0, &out), in: f)
        #expect(out == nil)
        expectFailure(dfns_inspect(garbage, hugeLength, 0, 0, &out), in: f)
        expectFailure(dfns_inspect(garbage, garbage.count, 5, 0, &out), in: f)
        expectFailure(dfns_inspect(garbage, garbage.count, -1, 0, &out), in: f)
        expectFailure(dfns_inspect(garbage, garbage.count, 0, 2, &out), in: f)
        expectFailure(dfns_inspect(garbage, garbage.count, 0, -1, &out), in: f)
        expectFailure(dfns_inspect(nil, 0, 0, 0, &out), DFNS_ERR_MALFORMED_AUTHENTICATOR_DATA, in: f)
        expectFailure(dfns_inspect(garbage, garbage.count, 1, 1, &out), DFNS_ERR_MALFORMED_CBOR, in: f)
        expectFailure(dfns_inspect(garbage, garbage.count, 3, 0, &out), DFNS_ERR_MALFORMED_CLIENT_DATA, in: f)
        expectFailure(dfns_inspect(garbage, garbage.count, 4, 0, &out), DFNS_ERR_MALFORMED_CBOR, in: f)
        #expect(out == nil)
    }
}
