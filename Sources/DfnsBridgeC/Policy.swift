import CDfnsBridgeAPI
import DfnsCrypto
import DfnsWebAuthn

// Relying-party policy (include/dfns_bridge.h, "Relying-party policy").

/// A `dfns_policy_t`: a ``RelyingPartyPolicy`` and the verifiers built from it. Non-const calls
/// (one thread) change it and rebuild the verifiers; const calls only read them.
final class PolicyBox: HandleBox {
    override class var typeName: String { "dfns_policy_t" }

    private(set) var policy: RelyingPartyPolicy
    private(set) var registrationVerifier: RegistrationVerifier
    private(set) var assertionVerifier: AssertionVerifier

    init(_ policy: RelyingPartyPolicy) {
        self.policy = policy
        self.registrationVerifier = RegistrationVerifier(policy: policy)
        self.assertionVerifier = AssertionVerifier(policy: policy)
    }

    /// Applies `change` and rebuilds the verifiers.
    func update(_ change: (inout RelyingPartyPolicy) -> Void) {
        change(&policy)
        registrationVerifier = RegistrationVerifier(policy: policy)
        assertionVerifier = AssertionVerifier(policy: policy)
    }
}

/// The boolean options of dfns_policy_option, as key paths into the policy.
enum PolicyOption {
    static func keyPath(_ option: Int32) throws(BridgeError) -> WritableKeyPath<RelyingPartyPolicy, Bool> {
        switch dfns_policy_option(rawValue: UInt32(bitPattern: option)) {
        case DFNS_POLICY_ALLOW_CROSS_ORIGIN: return \.allowCrossOrigin
        case DFNS_POLICY_REQUIRE_USER_VERIFICATION: return \.requireUserVerification
        case DFNS_POLICY_REQUIRE_USER_PRESENCE: return \.requireUserPresence
        case DFNS_POLICY_ALLOW_SHA1: return \.allowSHA1
        case DFNS_POLICY_USE_BUILTIN_TRUST_ANCHORS: return \.useBuiltInTrustAnchors
        case DFNS_POLICY_REQUIRE_TRUSTED_ATTESTATION: return \.requireTrustedAttestation
        case DFNS_POLICY_ALLOW_SELF_ATTESTATION: return \.allowSelfAttestation
        case DFNS_POLICY_ALLOW_NONE_ATTESTATION: return \.allowNoneAttestation
        case DFNS_POLICY_COMPOUND_REQUIRES_ALL: return \.compoundRequiresAll
        case DFNS_POLICY_FLAG_SIGN_COUNT_REGRESSION: return \.flagSignCountRegression
        case DFNS_POLICY_ENFORCE_CERTIFICATE_PROFILE: return \.enforceCertificateProfile
        case DFNS_POLICY_ALLOW_INDEFINITE_LENGTH_CBOR: return \.allowIndefiniteLengthCBOR
        case DFNS_POLICY_ANDROID_KEY_REQUIRE_ORIGIN_GENERATED: return \.androidKey.requireOriginGenerated
        case DFNS_POLICY_ANDROID_KEY_REQUIRE_PURPOSE_SIGN: return \.androidKey.requirePurposeSign
        case DFNS_POLICY_ANDROID_KEY_TEE_ENFORCED_ONLY: return \.androidKey.teeEnforcedOnly
        case DFNS_POLICY_SAFETYNET_REQUIRE_CTS_PROFILE_MATCH: return \.safetyNet.requireCTSProfileMatch
        case DFNS_POLICY_SAFETYNET_CHECK_TIMESTAMP: return \.checkSafetyNetTimestamp
        case DFNS_POLICY_ALLOW_SUBDOMAIN_ORIGINS: return \.allowSubdomainOrigins
        case DFNS_POLICY_ALLOW_ANY_LOOPBACK_PORT: return \.allowAnyLoopbackPort
        default: throw .argument("option \(option) is not a dfns_policy_option")
        }
    }
}

extension RelyingPartyPolicy {
    /// ``signCountPolicy`` as the boolean DFNS_POLICY_FLAG_SIGN_COUNT_REGRESSION.
    fileprivate var flagSignCountRegression: Bool {
        get { signCountPolicy == .flag }
        set { signCountPolicy = newValue ? .flag : .reject }
    }

    /// The SafetyNet freshness check as the boolean DFNS_POLICY_SAFETYNET_CHECK_TIMESTAMP: on means
    /// the default window (``SafetyNetPolicy/maxAgeSeconds`` of a new policy), off means no check.
    fileprivate var checkSafetyNetTimestamp: Bool {
        get { safetyNet.maxAgeSeconds != nil }
        set { safetyNet.maxAgeSeconds = newValue ? (safetyNet.maxAgeSeconds ?? SafetyNetPolicy().maxAgeSeconds) : nil }
    }
}


@c @implementation
public func dfns_policy_new(_ rp_id: UnsafePointer<CChar>?, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    out?.pointee = nil
    return guarded("dfns_policy_new") { () throws(BridgeError) in
        let out = try Arguments.output(out, "out")
        let rpId = try Arguments.string(rp_id, "rp_id")
        out.pointee = Handle.retained(PolicyBox(RelyingPartyPolicy(rpId: rpId, allowedOrigins: [])))
    }
}

@c @implementation
public func dfns_policy_free(_ policy: UnsafeMutablePointer<OpaquePointer?>?) {
    Handle.release(policy, as: PolicyBox.self)
}

@c @implementation
public func dfns_policy_add_origin(_ policy: OpaquePointer?, _ origin: UnsafePointer<CChar>?) -> Int32 {
    guarded("dfns_policy_add_origin") { () throws(BridgeError) in
        let box = try Handle.borrow(policy, as: PolicyBox.self, name: "policy")
        let origin = try Arguments.string(origin, "origin")
        box.update { if !$0.allowedOrigins.contains(origin) { $0.allowedOrigins.append(origin) } }
    }
}

@c @implementation
public func dfns_policy_add_top_origin(_ policy: OpaquePointer?, _ origin: UnsafePointer<CChar>?) -> Int32 {
    guarded("dfns_policy_add_top_origin") { () throws(BridgeError) in
        let box = try Handle.borrow(policy, as: PolicyBox.self, name: "policy")
        let origin = try Arguments.string(origin, "origin")
        box.update { if !$0.allowedTopOrigins.contains(origin) { $0.allowedTopOrigins.append(origin) } }
    }
}

@c @implementation
public func dfns_policy_set_option(_ policy: OpaquePointer?, _ option: Int32, _ enabled: Int32) -> Int32 {
    guarded("dfns_policy_set_option") { () throws(BridgeError) in
        let box = try Handle.borrow(policy, as: PolicyBox.self, name: "policy")
        let keyPath = try PolicyOption.keyPath(option)
        box.update { $0[keyPath: keyPath] = enabled != 0 }
    }
}

@c @implementation
public func dfns_policy_get_option(_ policy: OpaquePointer?, _ option: Int32, _ enabled: UnsafeMutablePointer<Int32>?) -> Int32 {
    scalar("dfns_policy_get_option", enabled, zero: 0) { () throws(BridgeError) in
        let box = try Handle.borrow(policy, as: PolicyBox.self, name: "policy")
        return box.policy[keyPath: try PolicyOption.keyPath(option)] ? 1 : 0
    }
}

@c @implementation
public func dfns_policy_set_algorithms(_ policy: OpaquePointer?, _ algs: UnsafePointer<Int32>?, _ count: Int) -> Int32 {
    guarded("dfns_policy_set_algorithms") { () throws(BridgeError) in
        let box = try Handle.borrow(policy, as: PolicyBox.self, name: "policy")
        guard let algs else { throw .argument("algs is NULL") }
        guard count > 0 else { throw .argument("count is 0: a policy must accept at least one algorithm") }
        guard count <= 1024 else { throw .argument("count is \(count), more than 1024 algorithms") }
        var algorithms: [COSEAlgorithm] = []
        for value in UnsafeBufferPointer(start: algs, count: count) {
            guard let algorithm = COSEAlgorithm(rawValue: Int64(value)) else {
                throw BridgeError(DFNS_ERR_UNSUPPORTED_ALGORITHM, "\(value) is not a dfns_cose_alg")
            }
            if !algorithms.contains(algorithm) { algorithms.append(algorithm) }
        }
        box.update { $0.allowedAlgorithms = algorithms }
    }
}

@c @implementation
public func dfns_policy_set_verification_time(_ policy: OpaquePointer?, _ unix_seconds: Int64) -> Int32 {
    guarded("dfns_policy_set_verification_time") { () throws(BridgeError) in
        let box = try Handle.borrow(policy, as: PolicyBox.self, name: "policy")
        // X.509 times end at 9999-12-31T23:59:59Z; a later time can only be a mistake.
        guard unix_seconds <= 253_402_300_799 else {
            throw .argument("unix_seconds \(unix_seconds) is after 9999-12-31T23:59:59Z")
        }
        box.update { $0.verificationTime = unix_seconds < 0 ? nil : unix_seconds }
    }
}

@c @implementation
public func dfns_policy_add_trust_anchor(_ policy: OpaquePointer?, _ format: UnsafePointer<CChar>?, _ cert: UnsafePointer<UInt8>?, _ cert_len: Int) -> Int32 {
    guarded("dfns_policy_add_trust_anchor") { () throws(BridgeError) in
        let box = try Handle.borrow(policy, as: PolicyBox.self, name: "policy")
        let name = try Arguments.string(format, "format")
        guard let format = AttestationFormat(rawValue: name), format.takesTrustAnchors else {
            let accepted = AttestationFormat.takingTrustAnchors.map(\.rawValue).sorted().joined(separator: ", ")
            throw .argument("format \"\(name)\" is not one of \(accepted)")
        }
        let bytes = try Arguments.bytes(cert, cert_len, "cert")
        guard !bytes.isEmpty else { throw .argument("cert is empty") }
        let certificates: [Certificate]
        do throws(CryptoError) {
            certificates = try Certificate.parse(derOrPEM: bytes)
        } catch {
            throw BridgeError(DFNS_ERR_ATTESTATION_CERTIFICATE_INVALID, error.description)
        }
        box.update { $0.trustAnchors[format.rawValue, default: []].append(contentsOf: certificates) }
    }
}

/// The most clientData types one ceremony accepts through dfns_policy_set_client_data_types.
private let maxClientDataTypes = 64

@c @implementation
public func dfns_policy_add_rp_id(_ policy: OpaquePointer?, _ rp_id: UnsafePointer<CChar>?) -> Int32 {
    guarded("dfns_policy_add_rp_id") { () throws(BridgeError) in
        let box = try Handle.borrow(policy, as: PolicyBox.self, name: "policy")
        let rpId = try Arguments.string(rp_id, "rp_id")
        box.update { if !$0.acceptedRpIds.contains(rpId) { $0.additionalRpIds.append(rpId) } }
    }
}

@c @implementation
public func dfns_policy_set_client_data_types(_ policy: OpaquePointer?, _ ceremony: Int32, _ types: UnsafePointer<UnsafePointer<CChar>?>?, _ count: Int) -> Int32 {
    guarded("dfns_policy_set_client_data_types") { () throws(BridgeError) in
        let box = try Handle.borrow(policy, as: PolicyBox.self, name: "policy")
        let keyPath: WritableKeyPath<RelyingPartyPolicy, [String]>
        switch dfns_ceremony(rawValue: UInt32(bitPattern: ceremony)) {
        case DFNS_CEREMONY_REGISTRATION: keyPath = \.registrationClientDataTypes
        case DFNS_CEREMONY_ASSERTION: keyPath = \.assertionClientDataTypes
        default: throw .argument("ceremony \(ceremony) is not a dfns_ceremony (1 registration, 2 assertion)")
        }
        guard let types else { throw .argument("types is NULL") }
        guard count > 0 else { throw .argument("count is 0: a ceremony must accept at least one type") }
        guard count <= maxClientDataTypes else { throw .argument("count is \(count), more than \(maxClientDataTypes) types") }
        var accepted: [String] = []
        for (index, pointer) in UnsafeBufferPointer(start: types, count: count).enumerated() {
            let type = try Arguments.string(pointer, "types[\(index)]")
            if !accepted.contains(type) { accepted.append(type) }
        }
        box.update { $0[keyPath: keyPath] = accepted }
    }
}

@c @implementation
public func dfns_policy_set_appid(_ policy: OpaquePointer?, _ appid: UnsafePointer<CChar>?) -> Int32 {
    guarded("dfns_policy_set_appid") { () throws(BridgeError) in
        let box = try Handle.borrow(policy, as: PolicyBox.self, name: "policy")
        let value = try appid.map { (pointer) throws(BridgeError) in try Arguments.string(pointer, "appid") }
        box.update { $0.appid = value }
    }
}

@c @implementation
public func dfns_policy_add_tpm_manufacturer(_ policy: OpaquePointer?, _ manufacturer: UnsafePointer<CChar>?) -> Int32 {
    guarded("dfns_policy_add_tpm_manufacturer") { () throws(BridgeError) in
        let box = try Handle.borrow(policy, as: PolicyBox.self, name: "policy")
        let text = try Arguments.string(manufacturer, "manufacturer")
        guard let id = TPMManufacturer.normalized(text) else {
            throw .argument("manufacturer \"\(text)\" is not \"id:\" followed by eight hex digits (e.g. id:414D4400)")
        }
        box.update { if !$0.tpm.allowedManufacturers.contains(id) { $0.tpm.allowedManufacturers.append(id) } }
    }
}
