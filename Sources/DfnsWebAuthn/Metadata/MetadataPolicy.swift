/// How a relying party uses FIDO metadata in registration trust evaluation
/// (``RelyingPartyPolicy/metadata``).
///
/// For an attestation with a certificate chain, the entry is looked up by the authenticator's
/// AAGUID (by the attestation certificate's key identifier for `fido-u2f`). When found: its latest
/// status must not be one of ``refusedStatuses``
/// (``WebAuthnError/Code/authenticatorStatusNotAccepted``), and its
/// `attestationRootCertificates` become trust anchors for that ceremony, besides the policy's
/// own. When none is found and ``requireEntry`` is set, the registration fails
/// (``WebAuthnError/Code/metadataEntryMissing``); self and none attestation then fail too, since
/// their AAGUID is not attested.
public struct MetadataPolicy: Sendable {
    /// The verified, indexed BLOB.
    public var index: MetadataIndex
    /// Refuse an attested authenticator that has no metadata entry (and any self or none attestation).
    public var requireEntry: Bool = false
    /// The statuses refused when they are an entry's latest; default
    /// ``AuthenticatorStatus/refusedByDefault`` (REVOKED and the compromise and bypass statuses).
    public var refusedStatuses: Set<AuthenticatorStatus> = AuthenticatorStatus.refusedByDefault

    /// Uses `index`, optionally requiring an entry for every registration.
    public init(index: MetadataIndex, requireEntry: Bool = false) {
        self.index = index
        self.requireEntry = requireEntry
    }
}
