/// The attestation statement formats the library verifies, as typed values (`fmt` strings are
/// their raw values), with what a relying party may configure for each.
public enum AttestationFormat: String, Sendable, CaseIterable {
    /// `none` (§8.7): no statement, nothing to chain.
    case none
    /// `packed` (§8.2).
    case packed
    /// `tpm` (§8.3).
    case tpm
    /// `android-key` (§8.4).
    case androidKey = "android-key"
    /// `android-safetynet` (§8.5).
    case androidSafetyNet = "android-safetynet"
    /// `fido-u2f` (§8.6).
    case fidoU2F = "fido-u2f"
    /// `apple` (§8.8).
    case apple
    /// `compound` (§8.9): its sub-statements are chained under their own formats.
    case compound

    /// Whether a chain in this format's statements can be evaluated against trust anchors, so that
    /// anchors configured for it (``RelyingPartyPolicy/trustAnchors``) are used. `none` has no
    /// chain; `compound` has none of its own (each sub-statement uses its format's anchors).
    public var takesTrustAnchors: Bool {
        switch self {
        case .none, .compound: return false
        case .packed, .tpm, .androidKey, .androidSafetyNet, .fidoU2F, .apple: return true
        }
    }

    /// The formats for which trust anchors can be configured, in declaration order.
    public static var takingTrustAnchors: [AttestationFormat] { allCases.filter(\.takesTrustAnchors) }
}
