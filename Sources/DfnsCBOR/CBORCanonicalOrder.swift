/// CTAP2 canonical ordering of encoded map keys (CTAP 2.1 §8, "CTAP2 canonical CBOR encoding form").
///
/// Keys compare by their encoded bytes:
/// 1. lower major type first (the top three bits of the first byte);
/// 2. then shorter encoding first;
/// 3. then bytewise lexicographic order.
///
/// This differs from RFC 7049 §3.9 "length first" only when a key of a lower major type has a
/// longer encoding, e.g. `24` (`18 18`) sorts before `-1` (`20`) here. For the all-small labels
/// of COSE keys and the text keys of attestation objects both rules agree.
enum CBORCanonicalOrder {
    /// Compares two encoded keys; `.equal` means the encodings are identical.
    static func compare<A: Collection<UInt8>, B: Collection<UInt8>>(_ lhs: A, _ rhs: B) -> Ordering {
        let lhsMajor = lhs.first.map { $0 >> 5 } ?? 0
        let rhsMajor = rhs.first.map { $0 >> 5 } ?? 0
        if lhs.isEmpty != rhs.isEmpty { return lhs.isEmpty ? .ascending : .descending }
        if lhsMajor != rhsMajor { return lhsMajor < rhsMajor ? .ascending : .descending }
        let lhsCount = lhs.count
        let rhsCount = rhs.count
        if lhsCount != rhsCount { return lhsCount < rhsCount ? .ascending : .descending }
        for (left, right) in zip(lhs, rhs) where left != right {
            return left < right ? .ascending : .descending
        }
        return .equal
    }

    /// Whether `lhs` sorts strictly before `rhs`.
    static func precedes<A: Collection<UInt8>, B: Collection<UInt8>>(_ lhs: A, _ rhs: B) -> Bool {
        compare(lhs, rhs) == .ascending
    }

    /// The result of ``compare(_:_:)``.
    enum Ordering: Equatable {
        case ascending, equal, descending
    }
}
