/// Limits and strictness for ``CBORDecoder``.
///
/// The defaults suit WebAuthn payloads: 1 MiB of input, containers nested at most 16 deep,
/// and canonical form not enforced. Duplicate keys and oversized declared lengths are rejected
/// in every mode; indefinite lengths unless ``allowIndefiniteLength`` is set.
public struct CBORDecodingOptions: Sendable, Equatable {
    /// The largest input, in bytes, the decoder looks at. Longer inputs throw
    /// ``CBORError/tooLarge(limit:)`` before any parsing. Negative values act as 0.
    ///
    /// For `CBORDecoder.decodePrefix` the limit applies to the
    /// whole buffer passed in, not only to the item found at its start.
    public var maxInputLength: Int = 1 << 20

    /// The deepest container nesting accepted. Arrays, maps and tags each open one level:
    /// a scalar needs depth 0, `[1]` depth 1, `{1: [tag 2(h'')]}` depth 3.
    ///
    /// Negative values act as 0. Values above ``depthCeiling`` act as ``depthCeiling``, because
    /// building and releasing the tree recurses once per level.
    public var maxDepth: Int = 16

    /// When `true`, also reject what CTAP2 canonical CBOR forbids: integers, lengths and tag
    /// numbers not in their shortest form, and map keys not in CTAP2 canonical order (sorted by
    /// major type, then encoded length, then bytewise). Floating-point widths are not checked,
    /// because CTAP2 leaves float representations unchanged.
    public var requireCanonical: Bool = false

    /// Accept indefinite-length strings, arrays and maps (RFC 8949 §3.2). Off by default: CTAP2
    /// canonical CBOR has none, and WebAuthn hardening rejects them. Some non-browser clients
    /// (Jackson-based encoders) emit them in attestation objects; a caller may opt in for those.
    /// Never combined with `requireCanonical`, which still rejects them.
    public var allowIndefiniteLength: Bool = false

    /// The hard upper bound applied to ``maxDepth``.
    public static let depthCeiling: Int = 512

    /// Options with every field at its default.
    public static let `default` = CBORDecodingOptions()

    /// The default limits with ``requireCanonical`` switched on.
    public static let strict = CBORDecodingOptions(requireCanonical: true)

    /// Creates options; every parameter defaults to the value documented on its property.
    public init(maxInputLength: Int = 1 << 20, maxDepth: Int = 16, requireCanonical: Bool = false,
                allowIndefiniteLength: Bool = false) {
        self.maxInputLength = maxInputLength
        self.maxDepth = maxDepth
        self.requireCanonical = requireCanonical
        self.allowIndefiniteLength = allowIndefiniteLength
    }

    /// ``maxInputLength`` clamped to be non-negative.
    var effectiveMaxInputLength: Int { max(0, maxInputLength) }

    /// ``maxDepth`` clamped to `0...depthCeiling`.
    var effectiveMaxDepth: Int { min(max(0, maxDepth), Self.depthCeiling) }
}
