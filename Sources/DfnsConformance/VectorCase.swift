import DfnsCBOR
import DfnsCrypto
import DfnsWebAuthn
import DfnsEncoding

/// One vector and the verifier configuration its source used.
struct VectorCase {
    let vector: JSONValue
    let trustAnchors: [Certificate]

    private var source: String { vector["source"]?.stringValue ?? "" }
    private var options: JSONValue { vector["verifier_options_in_source"] ?? .null }
    /// The source's relying-party configuration, when a suite gives one as an object.
    private var rpConfig: JSONValue { vector["rp_config_in_source"] ?? .null }

    /// A relying-party setting: `rp_config_in_source` first, then `verifier_options_in_source`,
    /// under any of `names`.
    private func setting(_ names: String...) -> JSONValue? {
        for container in [rpConfig, options] {
            guard case .object = container else { continue }
            for name in names { if let value = container[name], value != .null { return value } }
        }
        return nil
    }

    /// A setting that is a string or a list of strings, as a list.
    private func strings(_ names: String...) -> [String]? {
        for name in names {
            switch setting(name) {
            case .string(let s)?: return [s]
            case .array(let items)?: return items.compactMap(\.stringValue)
            default: continue
            }
        }
        return nil
    }

    /// The vector's RP IDs: `rpId` as a string or a list (the first is the primary), then the
    /// configuration's `rp_ids`; nil when the vector gives none.
    private var rpIds: [String]? {
        var ids: [String]
        switch vector["rpId"] {
        case .string(let s)?: ids = [s]
        case .array(let items)?: ids = items.compactMap(\.stringValue)
        default: ids = []
        }
        for extra in strings("rp_ids", "rpIds", "additional_rp_ids") ?? [] where !ids.contains(extra) { ids.append(extra) }
        return ids.isEmpty ? nil : ids
    }

    /// Whether the client reported `appid: true` in the vector's `clientExtensionResults`.
    private var appidExtensionUsed: Bool {
        vector["clientExtensionResults"]?["appid"]?.boolValue == true
    }

    func run(kind: String) throws -> String {
        switch kind {
        case "registration": return try runRegistration(lowLevel: false)
        case "registration-lowlevel": return try runRegistration(lowLevel: true)
        case "authentication": return try runAuthentication(lowLevel: false)
        case "authentication-lowlevel": return try runAuthentication(lowLevel: true)
        case "authdata-parse":
            let authData = try AuthenticatorData(bytes: try bytes("authenticatorData_b64url"))
            return "authenticator data parsed, flags 0x\(String(authData.flags.rawValue, radix: 16))"
        default:
            throw VectorError(code: "malformed_vector", message: "unknown vector kind \"\(kind)\"")
        }
    }

    // MARK: - Fields

    private func bytes(_ field: String) throws -> [UInt8] {
        guard let text = vector[field]?.stringValue else {
            throw VectorError(code: "malformed_vector", message: "the vector lacks \(field)")
        }
        do {
            return try Base64URL.decode(text)
        } catch {
            throw WebAuthnError(.malformedEncoding, "\(field) is not base64url: \(error)")
        }
    }

    private var origins: [String]? {
        switch vector["origin"] {
        case .string(let s)?: return [s]
        case .array(let items)?: return items.compactMap(\.stringValue)
        default: return nil
        }
    }

    /// The challenge the source expected; when it gives none, the one in clientDataJSON.
    private func challenge(clientDataJSON: [UInt8]) throws -> [UInt8] {
        if vector["challenge_b64url"]?.stringValue != nil { return try bytes("challenge_b64url") }
        let clientData = try CollectedClientData(bytes: clientDataJSON)
        return try Base64URL.decode(clientData.challenge)
    }

    private var verificationTime: Int64? {
        for field in ["fixed_time_for_cert_validation", "suggested_verification_time"] {
            if let text = vector[field]?.stringValue, let t = CivilDate.unixSeconds(iso8601: text) { return t }
        }
        return nil
    }

    // MARK: - The source's configuration

    /// The policy the vector's source configured, as far as the library can express it: the
    /// generic relying-party settings a suite may give (``applyGenericSettings(to:ceremony:)``),
    /// then the rules of the known sources.
    func policy(rpIds: [String], origins: [String], ceremony: Ceremony) -> RelyingPartyPolicy {
        var policy = RelyingPartyPolicy(rpId: rpIds.first ?? "", allowedOrigins: origins)
        policy.additionalRpIds = Array(rpIds.dropFirst())
        policy.verificationTime = verificationTime
        let isW3C = source.hasPrefix("w3c/webauthn")
        // Every library these vectors come from accepts RS1 for TPM and packed attestation except
        // the W3C set, which has no SHA-1; its sources verify RS1 credentials when offered.
        policy.allowSHA1 = !isW3C
        if policy.allowSHA1 { policy.allowedAlgorithms.append(.rs1) }
        if let algs = (options["pubKeyCredParams"] ?? options["supported_pub_key_algs"])?.arrayValue {
            policy.allowedAlgorithms = algs.compactMap { $0.int64Value.flatMap(COSEAlgorithm.init(rawValue:)) }
        }
        if options["up"]?.stringValue == "FIDO_OPT_FALSE" { policy.requireUserPresence = false }
        // Fixed captures: freshness of SafetyNet timestamps cannot be judged against today, unless
        // the source says it checks them (verify_timestamp_ms: true).
        policy.safetyNet.maxAgeSeconds = nil
        applyGenericSettings(to: &policy, ceremony: ceremony)

        if isW3C {
            for fmt in ["packed", "tpm", "android-key", "apple", "fido-u2f"] { policy.trustAnchors[fmt] = trustAnchors }
            // The W3C android-key vector has empty authorization lists (webauthn-verification.md §4.5).
            policy.androidKey.requireOriginGenerated = false
            policy.androidKey.requirePurposeSign = false
        } else if source.hasPrefix("go-webauthn/webauthn") {
            // Without a metadata provider (mds = nil) go-webauthn evaluates no attestation chain.
            if options["mds"] == .null || options["mds"] == nil { policy.useBuiltInTrustAnchors = false }
        } else if source.hasPrefix("Yubico/libfido2") {
            // fido_cred_verify checks the attestation signature only, not the certificate profile.
            policy.enforceCertificateProfile = false
        } else if source.hasPrefix("Yubico/java-webauthn-server") {
            // attestationTrustSource = null: the source evaluates no attestation trust. Its CBOR
            // parser (Jackson) accepts the indefinite-length maps its own test data uses.
            policy.useBuiltInTrustAnchors = false
            policy.allowIndefiniteLengthCBOR = true
        } else if source.hasPrefix("duo-labs/py_webauthn") {
            // py_webauthn's built-in roots cover apple, android-key and android-safetynet.
            if let roots = options["pem_root_certs_bytes_by_fmt"]?.stringValue, roots.contains("PACKED"), roots.contains("globalsign_r2") {
                policy.trustAnchors["packed"] = BuiltInTrustAnchors.certificates(forFormat: "android-safetynet")
                    .filter { $0.subject.values(oid: "2.5.4.11").contains("GlobalSign Root CA - R2") }
            }
        }
        return policy
    }

    /// Which ceremony a policy is built for: the clientData types a suite lists apply to it.
    enum Ceremony {
        case registration, assertion
    }

    /// The relying-party settings any suite may state, under the names relying-party libraries
    /// use, in `rp_config_in_source` or `verifier_options_in_source`: `require_user_verification`,
    /// `allow_cross_origin`, `allowed_top_origins`, `allow_subdomains_origin`, `allow_any_port`,
    /// `expected_type(s)`, `appid`, `tpm_manufacturers`, `verify_timestamp_ms` and
    /// `cts_profile_match` (whether ctsProfileMatch must be true).
    private func applyGenericSettings(to policy: inout RelyingPartyPolicy, ceremony: Ceremony) {
        if setting("require_user_verification", "requireUserVerification")?.boolValue == true { policy.requireUserVerification = true }
        if setting("allow_cross_origin", "allowCrossOrigin")?.boolValue == true { policy.allowCrossOrigin = true }
        if let tops = strings("allowed_top_origins", "top_origins") { policy.allowedTopOrigins = tops }
        if let on = setting("allow_subdomains_origin", "allow_subdomain_origins", "allowSubdomains")?.boolValue {
            policy.allowSubdomainOrigins = on
        }
        if let on = setting("allow_any_port", "allow_any_loopback_port", "allowAnyPort")?.boolValue {
            policy.allowAnyLoopbackPort = on
        }
        if let types = strings("expected_types", "expected_type", "expectedType"), !types.isEmpty {
            switch ceremony {
            case .registration: policy.registrationClientDataTypes = types
            case .assertion: policy.assertionClientDataTypes = types
            }
        }
        if let appid = setting("appid", "appId")?.stringValue, !appid.isEmpty { policy.appid = appid }
        if let manufacturers = strings("tpm_manufacturers", "tpmManufacturers") { policy.tpm.allowedManufacturers = manufacturers }
        if let check = setting("verify_timestamp_ms")?.boolValue {
            policy.safetyNet.maxAgeSeconds = check ? SafetyNetPolicy().maxAgeSeconds : nil
        }
        if let required = setting("cts_profile_match", "require_cts_profile_match", "ctsProfileMatch")?.boolValue {
            policy.safetyNet.requireCTSProfileMatch = required
        }
    }

    // MARK: - Ceremonies

    private func runRegistration(lowLevel: Bool) throws -> String {
        let attestationObject = try bytes("attestationObject_b64url")
        let result: String
        if lowLevel {
            guard let rpIds else {
                throw VectorError(code: "malformed_vector", message: "low-level vector without rpId")
            }
            let verifier = RegistrationVerifier(policy: policy(rpIds: rpIds, origins: [], ceremony: .registration))
            let registration = try verifier.verifyAttestation(attestationObject: attestationObject, clientDataHash: try bytes("clientDataHash_b64url"))
            try checkExpectations(registration)
            result = describe(registration)
        } else {
            let clientDataJSON = try bytes("clientDataJSON_b64url")
            if let rpIds, let origins {
                let verifier = RegistrationVerifier(policy: policy(rpIds: rpIds, origins: origins, ceremony: .registration))
                let rawId = vector["credential_id_b64url"]?.stringValue != nil ? try bytes("credential_id_b64url") : nil
                let registration = try verifier.verify(clientDataJSON: clientDataJSON, attestationObject: attestationObject,
                                                       expectedChallenge: try challenge(clientDataJSON: clientDataJSON),
                                                       rawId: rawId)
                try checkExpectations(registration)
                result = describe(registration)
            } else {
                // The source verified the attestation statement only (no RP ID or origin given).
                result = try runStatementOnly(attestationObject: attestationObject, clientDataHash: SHA256.hash(clientDataJSON))
            }
        }
        return result
    }

    private func runStatementOnly(attestationObject: [UInt8], clientDataHash: [UInt8]) throws -> String {
        let policy = policy(rpIds: ["statement-only.invalid"], origins: [], ceremony: .registration)
        let object = try AttestationObject(bytes: attestationObject, allowIndefiniteLength: policy.allowIndefiniteLengthCBOR)
        guard let attested = object.authenticatorData.attestedCredentialData else {
            throw WebAuthnError(.attestedCredentialDataMissing, "registration authenticator data has no attested credential data")
        }
        let key = try CredentialPublicKey(coseBytes: attested.credentialPublicKeyBytes)
        let context = AttestationContext(statement: object.statement, authenticatorData: object.authenticatorData,
                                         clientDataHash: clientDataHash, credentialPublicKey: key, policy: policy)
        let attestation = try AttestationFormats.verify(fmt: object.format, context)
        let trust = try AttestationTrust.evaluate(attestation, policy: policy)
        if let fmt = vector["expected_fmt"]?.stringValue, fmt != object.format {
            throw VectorError(code: "expectation_mismatch", message: "fmt is \(object.format), the source expects \(fmt)")
        }
        if let type = vector["expected_attestation_type"]?.stringValue, !VectorCase.attestationType(attestation.type, matches: type) {
            throw VectorError(code: "expectation_mismatch", message: "attestation type is \(attestation.type.rawValue), the source expects \(type)")
        }
        return "statement \(object.format) verified: \(attestation.type.rawValue), \(trust.isTrusted ? "trusted" : "no chain evaluated")"
    }

    /// Whether `type` matches a source's name for it (the library's names or the FIDO MDS names
    /// `basic_full`, `basic_surrogate`, `attca`, `anonca`, `none`).
    static func attestationType(_ type: AttestationType, matches name: String) -> Bool {
        let word = name.lowercased().split(separator: " ").first.map(String.init) ?? ""
        switch type {
        case .basic: return word == "basic" || word == "basic_full"
        case .self: return word == "self" || word == "basic_surrogate"
        case .attestationCA: return word == "attca"
        case .anonymizationCA: return word == "anonca"
        case .none: return word == "none"
        case .compound: return word == "compound"
        }
    }

    private func runAuthentication(lowLevel: Bool) throws -> String {
        guard let rpIds else {
            throw VectorError(code: "malformed_vector", message: "authentication vector without rpId")
        }
        let key = try CredentialPublicKey(coseBytes: try bytes("credentialPublicKey_b64url"))
        let signCount = UInt32(clamping: vector["currentSignCount"]?.int64Value ?? 0)
        let credentialId = (try? bytes("credential_id_b64url")) ?? []
        let credential = StoredCredential(credentialId: credentialId, publicKey: key, signCount: signCount)
        let authenticatorData = try bytes("authenticatorData_b64url")
        let signature = try bytes("signature_b64url")
        let assertion: AssertionResult
        if lowLevel {
            let verifier = AssertionVerifier(policy: policy(rpIds: rpIds, origins: [], ceremony: .assertion))
            assertion = try verifier.verify(clientDataHash: try bytes("clientDataHash_b64url"), authenticatorData: authenticatorData,
                                            signature: signature, credential: credential, appidExtensionUsed: appidExtensionUsed)
        } else {
            guard let origins else { throw VectorError(code: "malformed_vector", message: "authentication vector without origin") }
            let clientDataJSON = try bytes("clientDataJSON_b64url")
            let verifier = AssertionVerifier(policy: policy(rpIds: rpIds, origins: origins, ceremony: .assertion))
            assertion = try verifier.verify(clientDataJSON: clientDataJSON, authenticatorData: authenticatorData, signature: signature,
                                            expectedChallenge: try challenge(clientDataJSON: clientDataJSON), credential: credential,
                                            appidExtensionUsed: appidExtensionUsed)
        }
        if let expectedCount = vector["expected_newSignCount"]?.int64Value, expectedCount != Int64(assertion.signCount) {
            throw VectorError(code: "expectation_mismatch", message: "new sign count is \(assertion.signCount), the source expects \(expectedCount)")
        }
        let via = assertion.appidUsed ? ", rpIdHash of the AppID" : rpIds.count > 1 ? ", RP ID \(assertion.rpId)" : ""
        return "assertion verified with \(key.algorithm.name), sign count \(assertion.signCount)\(via)"
    }

    /// Compares a registration with the vector's `expected_*` values.
    private func checkExpectations(_ r: RegistrationResult) throws {
        if let id = vector["expected_credentialId_b64url"]?.stringValue, id != Base64URL.encode(r.credentialId) {
            throw VectorError(code: "expectation_mismatch", message: "credential ID is \(Base64URL.encode(r.credentialId)), the source expects \(id)")
        }
        if let fmt = vector["expected_fmt"]?.stringValue, fmt != r.format {
            throw VectorError(code: "expectation_mismatch", message: "fmt is \(r.format), the source expects \(fmt)")
        }
        if let aaguid = vector["expected_aaguid_hex"]?.stringValue, aaguid.lowercased() != Hex.encode(r.aaguid) {
            throw VectorError(code: "expectation_mismatch", message: "AAGUID is \(Hex.encode(r.aaguid)), the source expects \(aaguid)")
        }
        if let count = vector["expected_signCount"]?.int64Value, count != Int64(r.signCount) {
            throw VectorError(code: "expectation_mismatch", message: "sign count is \(r.signCount), the source expects \(count)")
        }
    }

    private func describe(_ r: RegistrationResult) -> String {
        let trust: String
        switch r.trust {
        case .trusted(let chain): trust = "chained to an anchor (\(chain.count) certificates)"
        case .noTrustAnchors: trust = "no trust anchors configured"
        case .notApplicable: trust = "no chain"
        }
        return "registration verified: fmt \(r.format), \(r.attestationType.rawValue) attestation, \(r.algorithm.name), \(trust)"
    }
}
