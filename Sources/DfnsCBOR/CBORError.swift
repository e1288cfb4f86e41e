/// Errors thrown by ``CBORDecoder``.
///
/// Every case renders, through ``description``, as a single line that says what the decoder
/// expected and what it found, so the text can be logged or passed through a C ABI as is.
public enum CBORError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The input holds no bytes at all.
    case empty
    /// The input ends inside an item: a header, a string body or a container's children are cut off.
    case truncated
    /// The bytes are not well-formed CBOR; the payload names the problem and, when known, its offset.
    case malformed(String)
    /// `CBORDecoder.decode` found a complete item followed
    /// by `count` further bytes.
    case trailingBytes(count: Int)
    /// An indefinite-length string, array or map (additional information 31) was found while
    /// ``CBORDecodingOptions/allowIndefiniteLength`` is off or ``CBORDecodingOptions/requireCanonical`` is on.
    case indefiniteLength
    /// A map holds the same key twice; the payload is a short diagnostic rendering of the key.
    case duplicateMapKey(String)
    /// With ``CBORDecodingOptions/requireCanonical``: a non-shortest integer, length or tag
    /// argument, or map keys out of CTAP2 canonical order. The payload says which and where.
    case nonCanonical(String)
    /// Containers (arrays, maps and tags) are nested deeper than `limit` levels.
    case tooDeep(limit: Int)
    /// The input is longer than ``CBORDecodingOptions/maxInputLength`` (`limit` bytes).
    case tooLarge(limit: Int)
    /// A declared string length, or the total of declared array and map slots, is larger than the
    /// input could possibly hold. Checked before libcbor allocates anything, because libcbor 0.8
    /// allocates containers from the declared count.
    case declaredLengthExceedsInput
    /// A well-formed item this decoder does not produce, such as an unassigned simple value.
    case unsupported(String)

    /// A one-line explanation: what was expected, and what was found.
    public var description: String {
        switch self {
        case .empty:
            return "expected one CBOR data item, found empty input"
        case .truncated:
            return "expected a complete CBOR data item, found input that ends inside an item"
        case .malformed(let detail):
            return "expected well-formed CBOR, found \(detail)"
        case .trailingBytes(let count):
            return "expected the item to end with the input, found \(count) trailing byte\(count == 1 ? "" : "s")"
        case .indefiniteLength:
            return "expected definite lengths only, found an indefinite-length item"
        case .duplicateMapKey(let key):
            return "expected unique map keys, found key \(key) more than once"
        case .nonCanonical(let detail):
            return "expected canonical CTAP2 CBOR, found \(detail)"
        case .tooDeep(let limit):
            return "expected containers nested at most \(limit) deep, found deeper nesting"
        case .tooLarge(let limit):
            return "expected at most \(limit) bytes of input, found more"
        case .declaredLengthExceedsInput:
            return "expected declared lengths and counts that fit in the input, found a declaration larger than the input"
        case .unsupported(let detail):
            return "expected a supported CBOR item, found \(detail)"
        }
    }
}
