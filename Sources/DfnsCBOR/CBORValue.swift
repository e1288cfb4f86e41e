/// One CBOR data item (RFC 8949 §3), as produced by ``CBORDecoder`` and consumed by ``CBOREncoder``.
///
/// Integers keep CBOR's sign/magnitude split so that the full range of both major types fits:
/// `.unsigned(n)` is `n`, `.negative(n)` is `-1 - n`. Use ``int64Value`` or ``init(_:)`` to move
/// between this form and `Int64`.
///
/// Equality is structural, except that maps compare without regard to entry order (see
/// ``CBORMap``) and floats compare as `Double` does (`NaN != NaN`, `0.0 == -0.0`).
public indirect enum CBORValue: Sendable, Hashable {
    /// Major type 0: an unsigned integer `0...UInt64.max`.
    case unsigned(UInt64)
    /// Major type 1: the negative integer `-1 - n`, so `.negative(0)` is -1 and
    /// `.negative(UInt64.max)` is -2^64.
    case negative(UInt64)
    /// Major type 2: a byte string.
    case bytes([UInt8])
    /// Major type 3: a text string (valid UTF-8; the decoder rejects anything else).
    case text(String)
    /// Major type 4: an array.
    case array([CBORValue])
    /// Major type 5: a map with unique keys, in decoded (or constructed) entry order.
    case map(CBORMap)
    /// Major type 6: tag number and tagged content. Tags are not interpreted.
    case tagged(UInt64, CBORValue)
    /// Simple values 20 (`false`) and 21 (`true`).
    case bool(Bool)
    /// Simple value 22.
    case null
    /// Simple value 23.
    case undefined
    /// A half, single or double precision float (major type 7, additional information 25–27),
    /// widened to `Double`. The encoder writes the shortest width that keeps the value exact.
    case float(Double)
    /// Any other simple value. libcbor 0.8 rejects all unassigned simple values, so the decoder
    /// never produces this case; it exists so that callers can build and encode such values.
    /// Values 24–31 are not well-formed CBOR (RFC 8949 §3.3) and must not be used.
    case simple(UInt8)
}

extension CBORValue {
    /// Creates `.unsigned` for non-negative values and `.negative` for negative ones.
    ///
    /// Every `Int64` fits: `CBORValue(-1)` is `.negative(0)`, `CBORValue(.min)` is
    /// `.negative(UInt64(Int64.max))`.
    public init(_ int: Int64) {
        if int >= 0 {
            self = .unsigned(UInt64(bitPattern: int))
        } else {
            // -1 - int == ~int, which is non-negative and cannot overflow.
            self = .negative(UInt64(bitPattern: ~int))
        }
    }

    /// The integer as `Int64`, or `nil` if this is not an integer or the value is outside
    /// `Int64.min...Int64.max`.
    public var int64Value: Int64? {
        switch self {
        case .unsigned(let n):
            return Int64(exactly: n)
        case .negative(let n):
            guard let magnitude = Int64(exactly: n) else { return nil }
            return ~magnitude
        default:
            return nil
        }
    }

    /// The value of an `.unsigned` item, or `nil` for every other case (including negatives).
    public var uint64Value: UInt64? {
        if case .unsigned(let n) = self { return n }
        return nil
    }

    /// The bytes of a `.bytes` item, or `nil`.
    public var bytesValue: [UInt8]? {
        if case .bytes(let bytes) = self { return bytes }
        return nil
    }

    /// The string of a `.text` item, or `nil`.
    public var textValue: String? {
        if case .text(let text) = self { return text }
        return nil
    }

    /// The map of a `.map` item, or `nil`.
    public var mapValue: CBORMap? {
        if case .map(let map) = self { return map }
        return nil
    }

    /// The elements of an `.array` item, or `nil`.
    public var arrayValue: [CBORValue]? {
        if case .array(let elements) = self { return elements }
        return nil
    }

    /// The value of a `.bool` item, or `nil`.
    public var boolValue: Bool? {
        if case .bool(let flag) = self { return flag }
        return nil
    }

    /// The value of a `.float` item, or `nil` (integers are not converted).
    public var doubleValue: Double? {
        if case .float(let number) = self { return number }
        return nil
    }

    /// The tag number and content of a `.tagged` item, or `nil`.
    public var taggedValue: (tag: UInt64, value: CBORValue)? {
        if case .tagged(let tag, let value) = self { return (tag, value) }
        return nil
    }
}
