import DfnsCrypto
import Glibc

/// Everything a relying party decides about a ceremony, stated explicitly.
///
/// A policy is a plain value: build it once per relying party and share it across threads.
public struct RelyingPartyPolicy: Sendable {
    /// The RP ID (a registrable domain such as `example.org`); `rpIdHash` must be its SHA-256.
    public var rpId: String
    /// Origins accepted in clientDataJSON: web origins (`https://login.example.org`; a configured
    /// `http`/`https` origin also matches its serialization, so `https://Example.org:443/` accepts
    /// `https://example.org`; what the client sends is compared exactly),
    /// Android app origins (`android:apk-key-hash:<base64url SHA-256 of the signing certificate>`)
    /// and iOS/macOS app origins (the associated domain's `https://` origin).
    public var allowedOrigins: [String]
    /// Whether `crossOrigin: true` (an iframe on another site) is accepted.
    public var allowCrossOrigin: Bool = false
    /// Top-level origins accepted in `topOrigin` (only meaningful with ``allowCrossOrigin``).
    /// Compared as ``allowedOrigins`` are, without the subdomain and loopback-port opt-ins.
    public var allowedTopOrigins: [String] = []

    // Relying-party options (0.4). Each is off by default; docs/DECISIONS.md, "Relying-party
    // options (0.4)", names the threat each one reopens.

    /// RP IDs accepted besides ``rpId``, for a relying party serving several domains: `rpIdHash`
    /// may be SHA-256 of any of them. Empty by default. Each one widens the set of sites whose
    /// credentials this relying party accepts: list only domains it controls.
    public var additionalRpIds: [String] = []
    /// Accept subdomains of a configured `http`/`https` origin (webauthn-rs's
    /// `allow_subdomains_origin`): `https://example.org` configured also accepts
    /// `https://login.example.org` and `https://a.b.example.org`, same scheme and port, never
    /// `https://badexample.org` or `https://example.org.evil.com`. Off by default: any subdomain
    /// (a user-content host, a forgotten staging site) can then run ceremonies for the RP.
    public var allowSubdomainOrigins: Bool = false
    /// Accept any port on a configured loopback origin, for development: `http://localhost`
    /// configured accepts `http://localhost:5173`; `127.0.0.1` and `[::1]` likewise, each only when
    /// configured itself. Only loopback hosts; the scheme must match. Off by default: any local
    /// process listening on another port can then run ceremonies for the RP.
    public var allowAnyLoopbackPort: Bool = false
    /// The clientData `type` values a registration accepts (step 7). Defaults to exactly
    /// `["webauthn.create"]`; a host with a custom ceremony sets its own list (never empty).
    public var registrationClientDataTypes: [String] = ["webauthn.create"]
    /// The clientData `type` values an assertion accepts (step 11). Defaults to exactly
    /// `["webauthn.get"]`; a host with a custom ceremony (such as `payment.get`) sets its own list.
    public var assertionClientDataTypes: [String] = ["webauthn.get"]
    /// The FIDO AppID (a URL such as `https://example.org/app-id.json`) the relying party sent in
    /// the `appid` extension of its assertion options, for credentials registered with the U2F API.
    /// When set, and the caller reports the client's `appid: true` extension output
    /// (`appidExtensionUsed`), an assertion's `rpIdHash` may be SHA-256 of this string instead of
    /// an RP ID; without the caller's report an AppID hash is refused. nil by default.
    /// `appidExclude` (registration) needs no check here: it only makes the client refuse to
    /// create a credential over an excluded U2F one, and leaves no trace in the response.
    public var appid: String? = nil
    /// Whether the UV flag must be set (`userVerification: "required"`).
    public var requireUserVerification: Bool = false
    /// Whether the UP flag must be set. Only a conditional-mediation registration may relax it;
    /// assertions always require UP unless this is false (low-level CTAP use).
    public var requireUserPresence: Bool = true
    /// Credential algorithms accepted (registration step 20: `pubKeyCredParams`).
    public var allowedAlgorithms: [COSEAlgorithm] = RelyingPartyPolicy.defaultAlgorithms
    /// The time a ceremony is verified at, in Unix seconds: certificate validity periods and the
    /// SafetyNet freshness window are both checked at it. nil means the current time, read once per
    /// ceremony (see ``AttestationContext/verificationTime``).
    public var verificationTime: Int64? = nil
    /// Accept SHA-1: RS1 attestation signatures (old TPMs), SHA-1-signed attestation certificates,
    /// and RS1 credential keys when RS1 is also in ``allowedAlgorithms``.
    public var allowSHA1: Bool = false
    /// Trust anchors per attestation format (`"packed"`, `"tpm"`, `"fido-u2f"`, ...), added to the
    /// built-in vendor roots. A certificate here may be a root, an intermediate or the attestation
    /// certificate itself.
    public var trustAnchors: [String: [Certificate]] = [:]
    /// Use the built-in vendor roots (Apple WebAuthn root for `apple`, Google hardware attestation
    /// roots for `android-key`, GlobalSign for `android-safetynet`).
    public var useBuiltInTrustAnchors: Bool = true
    /// Fail a registration whose attestation cannot be chained to a trust anchor. When false, an
    /// attestation with no anchors configured for its format is accepted and reported as not
    /// trusted; an attestation whose anchors are configured but do not match always fails.
    public var requireTrustedAttestation: Bool = false
    /// Accept self attestation (packed without x5c, or a self-signed fido-u2f certificate).
    public var allowSelfAttestation: Bool = true
    /// Accept `none` attestation.
    public var allowNoneAttestation: Bool = true
    /// Enforce the attestation certificate profile of §8.2.1 on packed attestation certificates
    /// (version 3; subject C, O, OU "Authenticator Attestation", CN; not a CA). Turn off only to
    /// reproduce verifiers that check the attestation signature alone (CTAP-level tools).
    public var enforceCertificateProfile: Bool = true
    /// Accept indefinite-length CBOR items in the attestation object's encoding. Off by default
    /// (CTAP2 canonical CBOR has none; browsers send none); some non-browser clients built on
    /// general-purpose CBOR encoders (Jackson) emit them. Duplicate keys and trailing bytes are
    /// rejected either way, and authenticator data and COSE keys stay strict.
    public var allowIndefiniteLengthCBOR: Bool = false
    /// Rules for `android-key` statements.
    public var androidKey = AndroidKeyPolicy()
    /// Rules for `android-safetynet` statements.
    public var safetyNet = SafetyNetPolicy()
    /// Rules for `tpm` statements.
    public var tpm = TPMPolicy()
    /// Whether every sub-statement of a `compound` statement must verify (true), or at least one.
    public var compoundRequiresAll: Bool = true
    /// What to do when an assertion's signature counter does not increase.
    public var signCountPolicy: SignCountPolicy = .reject
    /// FIDO metadata (MDS3) for registration trust evaluation: entry roots as anchors, refused
    /// statuses, optionally a required entry (see ``MetadataPolicy``). nil: metadata is not used.
    public var metadata: MetadataPolicy? = nil

    /// The algorithms accepted when a policy does not choose: every algorithm the library verifies
    /// except RS1. ML-DSA-65 and ML-DSA-87 come last (the least preferred where order matters);
    /// docs/DECISIONS.md "ML-DSA-65 and ML-DSA-87 through swift-crypto (0.4)" says why they are in.
    public static let defaultAlgorithms: [COSEAlgorithm] = [
        .es256, .esp256, .es384, .esp384, .es512, .esp512, .es256k, .edDSA, .ed25519, .ed448,
        .rs256, .rs384, .rs512, .ps256, .ps384, .ps512, .mlDSA65, .mlDSA87,
    ]

    /// Creates a policy for `rpId` accepting exactly `allowedOrigins`.
    public init(rpId: String, allowedOrigins: [String]) {
        self.rpId = rpId
        self.allowedOrigins = allowedOrigins
    }

    /// Every RP ID accepted: ``rpId`` first, then ``additionalRpIds``.
    public var acceptedRpIds: [String] { [rpId] + additionalRpIds }

    /// Throws ``WebAuthnError/Code/originNotAllowed`` unless `origin` is allowed.
    func checkOrigin(_ origin: String) throws(WebAuthnError) {
        let matching = OriginMatching(allowSubdomains: allowSubdomainOrigins, allowAnyLoopbackPort: allowAnyLoopbackPort)
        guard WebOrigin.isAllowed(origin, among: allowedOrigins, matching: matching) else {
            var relaxed: [String] = []
            if allowSubdomainOrigins { relaxed.append("their subdomains") }
            if allowAnyLoopbackPort { relaxed.append("any loopback port") }
            let suffix = relaxed.isEmpty ? "" : " (nor " + relaxed.joined(separator: ", ") + ")"
            throw WebAuthnError(.originNotAllowed, "origin \"\(origin)\" is not among the allowed origins \(allowedOrigins)\(suffix)")
        }
    }

    /// The instant to verify at, in Unix seconds: ``verificationTime`` when set, otherwise the wall
    /// clock. The one place the WebAuthn layer reads the clock; a ceremony reads it once, through
    /// ``pinningVerificationTime()``.
    var resolvedVerificationTime: Int64 { verificationTime ?? Int64(time(nil)) }

    /// This policy with ``verificationTime`` fixed to ``resolvedVerificationTime``, so that every
    /// time-dependent check of one ceremony (attestation statement checks such as SafetyNet
    /// freshness, and the certificate chain evaluation) sees the same instant.
    func pinningVerificationTime() -> RelyingPartyPolicy {
        var pinned = self
        pinned.verificationTime = resolvedVerificationTime
        return pinned
    }

    /// Throws ``WebAuthnError/Code/invalidPolicy`` when the policy itself is unusable: an empty
    /// RP ID (primary or additional), an empty clientData type list or type, an empty AppID, or a
    /// TPM manufacturer that is not `id:` and eight hex digits. Verifiers run it once, when built.
    func validate() throws(WebAuthnError) {
        guard !rpId.isEmpty else { throw WebAuthnError(.invalidPolicy, "the policy's rpId is empty") }
        if additionalRpIds.contains(where: \.isEmpty) {
            throw WebAuthnError(.invalidPolicy, "the policy's additionalRpIds contain an empty RP ID")
        }
        for (name, types) in [("registrationClientDataTypes", registrationClientDataTypes),
                              ("assertionClientDataTypes", assertionClientDataTypes)] {
            guard !types.isEmpty else {
                throw WebAuthnError(.invalidPolicy, "the policy's \(name) is empty: a ceremony must accept at least one type")
            }
            if types.contains(where: \.isEmpty) {
                throw WebAuthnError(.invalidPolicy, "the policy's \(name) contain an empty type")
            }
        }
        if let appid, appid.isEmpty {
            throw WebAuthnError(.invalidPolicy, "the policy's appid is empty; use nil for no AppID")
        }
        for manufacturer in tpm.allowedManufacturers where TPMManufacturer.normalized(manufacturer) == nil {
            throw WebAuthnError(.invalidPolicy,
                                "the policy's TPM manufacturer \"\(manufacturer)\" is not \"id:\" followed by eight hex digits (e.g. id:414D4400)")
        }
    }
}

/// What a relying party does when an assertion's signature counter does not increase
/// (assertion step 22: a possible cloned authenticator).
public enum SignCountPolicy: Sendable {
    /// Fail the assertion with ``WebAuthnError/Code/signCountNotIncreased``.
    case reject
    /// Accept, and report it in ``AssertionResult/signCountRegressed``.
    case flag
}

/// Rules for `android-key` attestation (WebAuthn §8.4).
public struct AndroidKeyPolicy: Sendable {
    /// Require `origin` (tag 702) to be KM_ORIGIN_GENERATED (0).
    public var requireOriginGenerated: Bool = true
    /// Require `purpose` (tag 1) to contain KM_PURPOSE_SIGN (2).
    public var requirePurposeSign: Bool = true
    /// Look at `teeEnforced` only (true) or at the union of both authorization lists (false).
    public var teeEnforcedOnly: Bool = false
    /// Minimum `attestationSecurityLevel` (0 software, 1 TEE, 2 StrongBox).
    public var minimumSecurityLevel: Int = 0
    /// Creates the default rules.
    public init() {}
}

/// Rules for `tpm` attestation (WebAuthn §8.3).
public struct TPMPolicy: Sendable {
    /// The TPM manufacturers accepted, as TCG vendor IDs in the AIK certificate's tpmManufacturer
    /// attribute (`id:414D4400` AMD, `id:49465800` Infineon, ...; see ``TPMManufacturer/registry``).
    /// Empty (the default) accepts any manufacturer, as before 0.4; the attribute itself is always
    /// required (§8.3.1). A manufacturer outside a non-empty list is an
    /// ``WebAuthnError/Code/attestationPolicyViolation``. Compared without regard to hex case.
    public var allowedManufacturers: [String] = []
    /// Creates the default rules.
    public init() {}
}

/// Rules for `android-safetynet` attestation (WebAuthn §8.5).
public struct SafetyNetPolicy: Sendable {
    /// Require `ctsProfileMatch` to be true. Turning it off accepts devices that failed Android
    /// compatibility testing (rooted, custom ROMs, emulators), as some relying-party libraries allow.
    public var requireCTSProfileMatch: Bool = true
    /// Accept a `timestampMs` at most this many seconds before the verification time; nil skips
    /// the freshness check.
    public var maxAgeSeconds: Int64? = 60
    /// Accept a `timestampMs` at most this many seconds after the verification time (clock skew).
    public var maxClockSkewSeconds: Int64 = 10
    /// Creates the default rules.
    public init() {}
}
