/// Encodes ``CBORValue`` trees as CTAP2 canonical CBOR.
///
/// Output rules:
/// - integers, string lengths, container counts and tag numbers use the shortest argument form;
/// - all lengths are definite;
/// - floats use the shortest of binary16/32/64 that represents the value exactly
///   (RFC 8949 §4.2.2 preferred serialization); NaN is written as `f9 7e00`;
/// - map entries keep their order unless `sortKeys` is `true`, in which case every map, at every
///   level, is written in CTAP2 canonical key order (see ``CBORDecodingOptions/requireCanonical``).
///
/// Implementation choice: a small Swift writer appending to `[UInt8]` rather than libcbor's
/// `cbor_encode_*` helpers. Those write into a caller-sized buffer and return 0 when it is too
/// small, which would need a size pre-pass or retry loop and C pointer arithmetic per item; the
/// Swift writer cannot run out of space, has no failure path (so `encode` does not throw), and
/// keeps the encoder independent of libcbor's width-preserving item model.
public enum CBOREncoder {
    /// Encodes `value`.
    ///
    /// - Parameters:
    ///   - value: The item to encode. Every case is encodable; `.simple` values 24–31 are written
    ///     as `f8 xx` although RFC 8949 calls that not well-formed, so do not construct them.
    ///   - sortKeys: `false` writes map entries in their stored order; `true` sorts them into
    ///     CTAP2 canonical order (major type, then encoded length, then bytes).
    /// - Returns: The encoded bytes.
    public static func encode(_ value: CBORValue, sortKeys: Bool = false) -> [UInt8] {
        var writer = CBORWriter(sortKeys: sortKeys)
        writer.write(value)
        return writer.bytes
    }
}

/// Appends encoded items to a byte array.
struct CBORWriter {
    /// The bytes written so far.
    private(set) var bytes: [UInt8] = []
    /// Whether maps are written in canonical key order.
    let sortKeys: Bool

    init(sortKeys: Bool) {
        self.sortKeys = sortKeys
    }

    /// Writes a header: major type `major` (0...7) with `argument` in shortest form.
    mutating func writeHead(major: UInt8, argument: UInt64) {
        let initial = (major & 0x07) << 5
        switch argument {
        case 0..<24:
            bytes.append(initial | UInt8(truncatingIfNeeded: argument))
        case 24...0xff:
            bytes.append(initial | 24)
            bytes.append(UInt8(truncatingIfNeeded: argument))
        case 0x100...0xffff:
            bytes.append(initial | 25)
            appendBigEndian(argument, byteCount: 2)
        case 0x1_0000...0xffff_ffff:
            bytes.append(initial | 26)
            appendBigEndian(argument, byteCount: 4)
        default:
            bytes.append(initial | 27)
            appendBigEndian(argument, byteCount: 8)
        }
    }

    /// Appends the low `byteCount` bytes of `value`, most significant first.
    private mutating func appendBigEndian(_ value: UInt64, byteCount: Int) {
        var shift = (byteCount - 1) * 8
        while shift >= 0 {
            bytes.append(UInt8(truncatingIfNeeded: value >> UInt64(truncatingIfNeeded: shift)))
            shift -= 8
        }
    }

    /// Writes one item and everything it contains.
    mutating func write(_ value: CBORValue) {
        switch value {
        case .unsigned(let n):
            writeHead(major: 0, argument: n)
        case .negative(let n):
            writeHead(major: 1, argument: n)
        case .bytes(let data):
            writeHead(major: 2, argument: UInt64(truncatingIfNeeded: data.count))
            bytes.append(contentsOf: data)
        case .text(let text):
            let utf8 = text.utf8
            writeHead(major: 3, argument: UInt64(truncatingIfNeeded: utf8.count))
            bytes.append(contentsOf: utf8)
        case .array(let elements):
            writeHead(major: 4, argument: UInt64(truncatingIfNeeded: elements.count))
            for element in elements { write(element) }
        case .map(let map):
            writeMap(map)
        case .tagged(let tag, let content):
            writeHead(major: 6, argument: tag)
            write(content)
        case .bool(let flag):
            bytes.append(flag ? 0xf5 : 0xf4)
        case .null:
            bytes.append(0xf6)
        case .undefined:
            bytes.append(0xf7)
        case .float(let number):
            writeFloat(number)
        case .simple(let code):
            if code < 24 {
                bytes.append(0xe0 | code)
            } else {
                bytes.append(0xf8)
                bytes.append(code)
            }
        }
    }

    /// Writes a map, sorting the entries by encoded key when ``sortKeys`` is set.
    private mutating func writeMap(_ map: CBORMap) {
        let entries = map.storedEntries
        writeHead(major: 5, argument: UInt64(truncatingIfNeeded: entries.count))
        guard sortKeys, entries.count > 1 else {
            for entry in entries {
                write(entry.key)
                write(entry.value)
            }
            return
        }
        var encodedKeys: [(key: [UInt8], value: CBORValue)] = []
        encodedKeys.reserveCapacity(entries.count)
        for entry in entries {
            var keyWriter = CBORWriter(sortKeys: true)
            keyWriter.write(entry.key)
            encodedKeys.append((key: keyWriter.bytes, value: entry.value))
        }
        encodedKeys.sort { CBORCanonicalOrder.precedes($0.key, $1.key) }
        for entry in encodedKeys {
            bytes.append(contentsOf: entry.key)
            write(entry.value)
        }
    }

    /// Writes a float in the shortest exact width.
    private mutating func writeFloat(_ number: Double) {
        if let half = CBORHalfFloat.bits(exactly: number) {
            bytes.append(0xf9)
            appendBigEndian(UInt64(half), byteCount: 2)
            return
        }
        let single = Float(number)
        if Double(single).bitPattern == number.bitPattern {
            bytes.append(0xfa)
            appendBigEndian(UInt64(single.bitPattern), byteCount: 4)
            return
        }
        bytes.append(0xfb)
        appendBigEndian(number.bitPattern, byteCount: 8)
    }
}
