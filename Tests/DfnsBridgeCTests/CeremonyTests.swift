import CDfnsBridgeAPI
import DfnsBridgeC
import DfnsCrypto
import DfnsWebAuthn
import Testing

let rpId = "example.org"
let origin = "https://login.example.org"
let challenge: [UInt8] = Array(0..<32)

/// A policy for example.org accepting `origin`.
func makePolicy() -> Owned {
    var policy: OpaquePointer?
    expectOK(dfns_policy_new(rpId, &policy))
    expectOK(dfns_policy_add_origin(policy, origin))
    return Owned(policy, free: dfns_policy_free)
}

/// A registration made by the software authenticator through the C functions.
struct Registered {
    let authenticator: Owned
    let response: Owned
    var credentialId: [UInt8] { field(response.pointer, DFNS_RESPONSE_CREDENTIAL_ID) }
    var clientDataJSON: [UInt8] { field(response.pointer, DFNS_RESPONSE_CLIENT_DATA_JSON) }
    var attestationObject: [UInt8] { field(response.pointer, DFNS_RESPONSE_ATTESTATION_OBJECT) }

    init(alg: dfns_cose_alg, attestation: dfns_attestation_kind = DFNS_ATTESTATION_PACKED_SELF, userHandle: [UInt8] = [7, 7, 7]) {
        var authenticator: OpaquePointer?
        expectOK(dfns_authenticator_new(&authenticator))
        self.authenticator = Owned(authenticator, free: dfns_authenticator_free)
        var response: OpaquePointer?
        expectOK(dfns_authenticator_register(authenticator, rpId, origin, challenge, challenge.count, alg.rawValue,
                                             Int32(bitPattern: attestation.rawValue), userHandle, userHandle.count, 1, &response))
        self.response = Owned(response, free: dfns_response_free)
    }

    /// Verifies the registration under `policy` through the C functions.
    func verify(_ policy: Owned, challenge expected: [UInt8] = challenge) -> (Int32, Owned) {
        var registration: OpaquePointer?
        let cdj = clientDataJSON, ao = attestationObject
        let status = dfns_registration_verify(policy.pointer, cdj, cdj.count, ao, ao.count, expected, expected.count, &registration)
        return (status, Owned(registration, free: dfns_registration_free))
    }

    /// An assertion response for the credential.
    func authenticate(challenge: [UInt8] = challenge, userVerified: Int32 = 1) -> Owned {
        var response: OpaquePointer?
        let id = credentialId
        expectOK(dfns_authenticator_authenticate(authenticator.pointer, rpId, origin, challenge, challenge.count, id, id.count,
                                                 userVerified, &response))
        return Owned(response, free: dfns_response_free)
    }
}

/// Verifies an assertion response through the C functions.
func verifyAssertion(_ policy: Owned, _ key: OpaquePointer?, _ response: Owned, signCount: UInt32 = 0, backupEligible: Int32 = -1,
                     challenge expected: [UInt8] = challenge) -> (Int32, Owned) {
    let cdj = field(response.pointer, DFNS_RESPONSE_CLIENT_DATA_JSON)
    let ad = field(response.pointer, DFNS_RESPONSE_AUTHENTICATOR_DATA)
    let sig = field(response.pointer, DFNS_RESPONSE_SIGNATURE)
    var credential = dfns_stored_credential(key: key, sign_count: signCount, backup_eligible: backupEligible)
    var assertion: OpaquePointer?
    let status = dfns_assertion_verify(policy.pointer, &credential, cdj, cdj.count, ad, ad.count, sig, sig.count,
                                       expected, expected.count, &assertion)
    return (status, Owned(assertion, free: dfns_assertion_free))
}

@Suite struct CeremonyTests {
    static let algorithms: [dfns_cose_alg] = [DFNS_COSE_ES256, DFNS_COSE_EDDSA, DFNS_COSE_ES256K, DFNS_COSE_RS256]

    @Test(arguments: algorithms, [DFNS_ATTESTATION_NONE, DFNS_ATTESTATION_PACKED_SELF])
    func registerAndAssert(alg: dfns_cose_alg, attestation: dfns_attestation_kind) throws {
        let policy = makePolicy()
        let made = Registered(alg: alg, attestation: attestation)
        let (status, registration) = made.verify(policy)
        expectOK(status)
        try #require(registration.pointer != nil)

        // The borrowed getters equal what the Swift verifier returns for the same bytes.
        let swift = try RegistrationVerifier(policy: RelyingPartyPolicy(rpId: rpId, allowedOrigins: [origin]))
            .verify(clientDataJSON: made.clientDataJSON, attestationObject: made.attestationObject, expectedChallenge: challenge)
        var ptr: UnsafePointer<UInt8>?
        var len = 0
        expectOK(dfns_registration_credential_id(registration.pointer, &ptr, &len))
        #expect(bytes(ptr, len) == swift.credentialId)
        #expect(bytes(ptr, len) == made.credentialId)
        expectOK(dfns_registration_aaguid(registration.pointer, &ptr, &len))
        #expect(len == 16 && bytes(ptr, len) == swift.aaguid)
        var text: UnsafePointer<CChar>?
        expectOK(dfns_registration_format(registration.pointer, &text))
        #expect(text.map { String(cString: $0) } == swift.format)
        #expect(swift.format == (attestation == DFNS_ATTESTATION_NONE ? "none" : "packed"))
        expectOK(dfns_registration_attestation_type(registration.pointer, &text))
        #expect(text.map { String(cString: $0) } == swift.attestationType.rawValue)
        var trusted: Int32 = -1
        expectOK(dfns_registration_attestation_trusted(registration.pointer, &trusted))
        #expect(trusted == (swift.trust.isTrusted ? 1 : 0))
        var signCount: UInt32 = 99
        expectOK(dfns_registration_sign_count(registration.pointer, &signCount))
        #expect(signCount == swift.signCount)
        var flags: UInt8 = 0
        expectOK(dfns_registration_flags(registration.pointer, &flags))
        #expect(flags == swift.flags.rawValue && flags & 0x45 == 0x45)
        ptr = UnsafePointer(bitPattern: 1)
        len = 5
        expectOK(dfns_registration_extensions(registration.pointer, &ptr, &len))
        #expect(ptr == nil && len == 0)

        // The key: a new reference, its encodings equal the Swift key's.
        var key: OpaquePointer?
        expectOK(dfns_registration_public_key(registration.pointer, &key))
        let keyHandle = Owned(key, free: dfns_public_key_free)
        #expect(dfns_public_key_alg(key) == alg.rawValue)
        expectOK(dfns_public_key_cose(key, &ptr, &len))
        #expect(bytes(ptr, len) == swift.credentialPublicKey.coseBytes)
        expectOK(dfns_public_key_spki(key, &ptr, &len))
        let spki = bytes(ptr, len)
        #expect(spki == swift.credentialPublicKey.spkiDER)
        expectOK(dfns_public_key_pem(key, &text))
        let pem = text.map { String(cString: $0) } ?? ""
        #expect(pem == swift.credentialPublicKey.publicKey.pem)

        // SPKI and PEM import give the same COSE key back.
        for input in [spki, Array(pem.utf8)] {
            var imported: OpaquePointer?
            expectOK(dfns_public_key_parse_spki(input, input.count, alg.rawValue, &imported))
            expectOK(dfns_public_key_cose(imported, &ptr, &len))
            #expect(bytes(ptr, len) == swift.credentialPublicKey.coseBytes)
            dfns_public_key_free(&imported)
            #expect(imported == nil)
        }
        var fromCOSE: OpaquePointer?
        let cose = swift.credentialPublicKey.coseBytes
        expectOK(dfns_public_key_parse_cose(cose, cose.count, &fromCOSE))
        #expect(dfns_public_key_alg(fromCOSE) == alg.rawValue)
        dfns_public_key_free(&fromCOSE)

        // The registration can go; the key stays valid.
        var reg = registration.pointer
        registration.pointer = nil
        dfns_registration_free(&reg)
        #expect(reg == nil)

        // Assertion with the kept key, then the same response again (replay: counter not increased).
        let response = made.authenticate()
        #expect(field(response.pointer, DFNS_RESPONSE_USER_HANDLE) == [7, 7, 7])
        #expect(field(response.pointer, DFNS_RESPONSE_CREDENTIAL_ID) == made.credentialId)
        let (assertStatus, assertion) = verifyAssertion(policy, keyHandle.pointer, response)
        expectOK(assertStatus)
        var newCount: UInt32 = 0
        expectOK(dfns_assertion_sign_count(assertion.pointer, &newCount))
        #expect(newCount == 1)
        expectOK(dfns_assertion_flags(assertion.pointer, &flags))
        #expect(flags == 0x05)
        var regressed: Int32 = -1
        expectOK(dfns_assertion_sign_count_regressed(assertion.pointer, &regressed))
        #expect(regressed == 0)
        expectOK(dfns_assertion_extensions(assertion.pointer, &ptr, &len))
        #expect(ptr == nil && len == 0)

        let (replay, _) = verifyAssertion(policy, keyHandle.pointer, response, signCount: newCount)
        expectFailure(replay, DFNS_ERR_SIGN_COUNT_NOT_INCREASED, in: "dfns_assertion_verify")

        // The primitive: the signature over authenticatorData ‖ SHA-256(clientDataJSON).
        let signed = field(response.pointer, DFNS_RESPONSE_AUTHENTICATOR_DATA) + SHA256.hash(field(response.pointer, DFNS_RESPONSE_CLIENT_DATA_JSON))
        let signature = field(response.pointer, DFNS_RESPONSE_SIGNATURE)
        expectOK(dfns_public_key_verify(keyHandle.pointer, signed, signed.count, signature, signature.count))
        var tampered = signed
        tampered[0] ^= 1
        expectFailure(dfns_public_key_verify(keyHandle.pointer, tampered, tampered.count, signature, signature.count),
                      DFNS_ERR_SIGNATURE_INVALID, in: "dfns_public_key_verify")

        // The hash variants.
        let hash = SHA256.hash(made.clientDataJSON)
        var viaHash: OpaquePointer?
        let ao = made.attestationObject
        expectOK(dfns_registration_verify_hash(policy.pointer, hash, hash.count, ao, ao.count, &viaHash))
        dfns_registration_free(&viaHash)
        let second = made.authenticate()
        let ad2 = field(second.pointer, DFNS_RESPONSE_AUTHENTICATOR_DATA)
        let sig2 = field(second.pointer, DFNS_RESPONSE_SIGNATURE)
        let hash2 = SHA256.hash(field(second.pointer, DFNS_RESPONSE_CLIENT_DATA_JSON))
        var credential = dfns_stored_credential(key: keyHandle.pointer, sign_count: 1, backup_eligible: 0)
        var viaHashAssertion: OpaquePointer?
        expectOK(dfns_assertion_verify_hash(policy.pointer, &credential, hash2, hash2.count, ad2, ad2.count, sig2, sig2.count, &viaHashAssertion))
        expectOK(dfns_assertion_sign_count(viaHashAssertion, &newCount))
        #expect(newCount == 2)
        dfns_assertion_free(&viaHashAssertion)
    }

    @Test func statusesMapAsTheHeaderSays() throws {
        let policy = makePolicy()
        let made = Registered(alg: DFNS_COSE_ES256)

        var wrongChallenge = challenge
        wrongChallenge[0] ^= 0xFF
        expectFailure(made.verify(policy, challenge: wrongChallenge).0, DFNS_ERR_CHALLENGE_MISMATCH, in: "dfns_registration_verify")

        var otherOrigin: OpaquePointer?
        expectOK(dfns_policy_new(rpId, &otherOrigin))
        expectOK(dfns_policy_add_origin(otherOrigin, "https://evil.example"))
        let other = Owned(otherOrigin, free: dfns_policy_free)
        expectFailure(made.verify(other).0, DFNS_ERR_ORIGIN_NOT_ALLOWED, in: "dfns_registration_verify")

        var otherRP: OpaquePointer?
        expectOK(dfns_policy_new("other.example", &otherRP))
        expectOK(dfns_policy_add_origin(otherRP, origin))
        let otherRPPolicy = Owned(otherRP, free: dfns_policy_free)
        expectFailure(made.verify(otherRPPolicy).0, DFNS_ERR_RP_ID_HASH_MISMATCH, in: "dfns_registration_verify")

        let onlyRS256: [Int32] = [DFNS_COSE_RS256.rawValue]
        var restricted: OpaquePointer?
        expectOK(dfns_policy_new(rpId, &restricted))
        expectOK(dfns_policy_add_origin(restricted, origin))
        expectOK(dfns_policy_set_algorithms(restricted, onlyRS256, 1))
        let restrictedPolicy = Owned(restricted, free: dfns_policy_free)
        expectFailure(made.verify(restrictedPolicy).0, DFNS_ERR_ALGORITHM_NOT_ALLOWED, in: "dfns_registration_verify")

        expectOK(dfns_policy_set_option(policy.pointer, Int32(DFNS_POLICY_ALLOW_NONE_ATTESTATION.rawValue), 0))
        let noneMade = Registered(alg: DFNS_COSE_ES256, attestation: DFNS_ATTESTATION_NONE)
        expectFailure(noneMade.verify(policy).0, DFNS_ERR_ATTESTATION_POLICY_VIOLATION, in: "dfns_registration_verify")
        expectOK(dfns_policy_set_option(policy.pointer, Int32(DFNS_POLICY_ALLOW_NONE_ATTESTATION.rawValue), 1))

        let (status, registration) = made.verify(policy)
        expectOK(status)
        var key: OpaquePointer?
        expectOK(dfns_registration_public_key(registration.pointer, &key))
        let keyHandle = Owned(key, free: dfns_public_key_free)

        // Assertion statuses.
        let response = made.authenticate()
        expectFailure(verifyAssertion(policy, key, response, challenge: wrongChallenge).0, DFNS_ERR_CHALLENGE_MISMATCH, in: "dfns_assertion_verify")
        expectFailure(verifyAssertion(otherRPPolicy, key, response).0, DFNS_ERR_RP_ID_HASH_MISMATCH, in: "dfns_assertion_verify")
        expectFailure(verifyAssertion(policy, key, response, backupEligible: 1).0, DFNS_ERR_BACKUP_ELIGIBILITY_CHANGED, in: "dfns_assertion_verify")
        expectFailure(verifyAssertion(policy, key, response, signCount: 5).0, DFNS_ERR_SIGN_COUNT_NOT_INCREASED, in: "dfns_assertion_verify")
        expectOK(dfns_policy_set_option(policy.pointer, Int32(DFNS_POLICY_FLAG_SIGN_COUNT_REGRESSION.rawValue), 1))
        let (flagged, assertion) = verifyAssertion(policy, key, response, signCount: 5)
        expectOK(flagged)
        var regressed: Int32 = 0
        expectOK(dfns_assertion_sign_count_regressed(assertion.pointer, &regressed))
        #expect(regressed == 1)

        let withoutUV = made.authenticate(userVerified: 0)
        expectOK(verifyAssertion(policy, key, withoutUV, signCount: 2).0)
        expectOK(dfns_policy_set_option(policy.pointer, Int32(DFNS_POLICY_REQUIRE_USER_VERIFICATION.rawValue), 1))
        var enabled: Int32 = 0
        expectOK(dfns_policy_get_option(policy.pointer, Int32(DFNS_POLICY_REQUIRE_USER_VERIFICATION.rawValue), &enabled))
        #expect(enabled == 1)
        expectFailure(verifyAssertion(policy, key, withoutUV, signCount: 2).0, DFNS_ERR_USER_VERIFICATION_MISSING, in: "dfns_assertion_verify")

        // A registration response is not an assertion; a tampered signature does not verify.
        var registrationAsAssertion = dfns_stored_credential(key: key, sign_count: 0, backup_eligible: -1)
        let cdj = made.clientDataJSON
        let ad = field(response.pointer, DFNS_RESPONSE_AUTHENTICATOR_DATA)
        var sig = field(response.pointer, DFNS_RESPONSE_SIGNATURE)
        var out: OpaquePointer?
        expectFailure(dfns_assertion_verify(policy.pointer, &registrationAsAssertion, cdj, cdj.count, ad, ad.count, sig, sig.count,
                                            challenge, challenge.count, &out), DFNS_ERR_CLIENT_DATA_TYPE, in: "dfns_assertion_verify")
        sig[sig.count - 1] ^= 1
        let goodCDJ = field(response.pointer, DFNS_RESPONSE_CLIENT_DATA_JSON)
        expectFailure(dfns_assertion_verify(policy.pointer, &registrationAsAssertion, goodCDJ, goodCDJ.count, ad, ad.count, sig, sig.count,
                                            challenge, challenge.count, &out), DFNS_ERR_SIGNATURE_INVALID, in: "dfns_assertion_verify")
        #expect(out == nil)
        _ = keyHandle

        // Unknown credential: DFNS_ERR_NOT_FOUND.
        var missing: OpaquePointer?
        let unknownId: [UInt8] = [1, 2, 3]
        expectFailure(dfns_authenticator_authenticate(made.authenticator.pointer, rpId, origin, challenge, challenge.count, unknownId, 3, 1, &missing),
                      DFNS_ERR_NOT_FOUND, in: "dfns_authenticator_authenticate")
        expectFailure(dfns_authenticator_authenticate(made.authenticator.pointer, "other.example", origin, challenge, challenge.count,
                                                      made.credentialId, made.credentialId.count, 1, &missing),
                      DFNS_ERR_NOT_FOUND, in: "dfns_authenticator_authenticate")
    }

    @Test func verificationTimeAndTrustAnchorsAreAccepted() throws {
        let policy = makePolicy()
        expectOK(dfns_policy_set_verification_time(policy.pointer, 1_800_000_000))
        expectOK(dfns_policy_set_verification_time(policy.pointer, -1))
        let all: [Int32] = CeremonyTests.algorithms.map(\.rawValue) + [DFNS_COSE_RS1.rawValue, DFNS_COSE_ES256.rawValue]
        expectOK(dfns_policy_set_algorithms(policy.pointer, all, all.count))
        let made = Registered(alg: DFNS_COSE_EDDSA)
        expectOK(made.verify(policy).0)

        // Trust anchors as PEM and as DER; a self-attested registration stays untrusted.
        let appleRootPEM = try sharedRootPEM("apple-webauthn-root-ca.pem")
        let pem = Array(appleRootPEM.utf8)
        expectOK(dfns_policy_add_trust_anchor(policy.pointer, "apple", pem, pem.count))
        let der = try Certificate(pem: appleRootPEM).der
        expectOK(dfns_policy_add_trust_anchor(policy.pointer, "packed", der, der.count))
        let (status, registration) = made.verify(policy)
        expectOK(status)
        var trusted: Int32 = -1
        expectOK(dfns_registration_attestation_trusted(registration.pointer, &trusted))
        #expect(trusted == 0)
        let garbage: [UInt8] = [0x30, 0x03, 0x02, 0x01, 0x01]
        expectFailure(dfns_policy_add_trust_anchor(policy.pointer, "packed", garbage, garbage.count),
                      DFNS_ERR_ATTESTATION_CERTIFICATE_INVALID, in: "dfns_policy_add_trust_anchor")
        let notPEM = Array("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n".utf8)
        expectFailure(dfns_policy_add_trust_anchor(policy.pointer, "packed", notPEM, notPEM.count),
                      DFNS_ERR_ATTESTATION_CERTIFICATE_INVALID, in: "dfns_policy_add_trust_anchor")
    }
}
