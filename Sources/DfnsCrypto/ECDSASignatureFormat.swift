/// Conversion between the two ECDSA signature encodings: DER `Ecdsa-Sig-Value` (WebAuthn, X.509,
/// what ``PublicKey/verify(signature:message:algorithm:allowSHA1:)`` accepts) and raw fixed-length
/// r ‖ s (JWS/COSE, and the `r`, `s` of the signatures the Dfns API returns). Verification never
/// accepts raw r ‖ s; convert explicitly where a format defines it.
public enum ECDSASignatureFormat {
    /// DER-encodes a raw r ‖ s signature of exactly `2 * curve.coordinateLength` bytes.
    public static func der(fromRaw raw: [UInt8], curve: EllipticCurve) throws(CryptoError) -> [UInt8] {
        let n = curve.coordinateLength
        guard raw.count == 2 * n else {
            throw .malformedSignature("raw \(curve.name) signature must be \(2 * n) bytes, got \(raw.count)")
        }
        let r = derInteger(raw[0..<n])
        let s = derInteger(raw[n...])
        let body = r + s
        return [0x30] + derLength(body.count) + body
    }

    /// Decodes a strict DER signature into raw r ‖ s with `curve.coordinateLength`-byte halves.
    public static func raw(fromDER der: [UInt8], curve: EllipticCurve) throws(CryptoError) -> [UInt8] {
        var reader = DERReader(bytes: der)
        let sequence = try reader.read(tag: 0x30)
        guard reader.isAtEnd else { throw .malformedSignature("trailing bytes after ECDSA signature") }
        var inner = DERReader(bytes: sequence)
        let r = try inner.readUnsignedInteger()
        let s = try inner.readUnsignedInteger()
        guard inner.isAtEnd else { throw .malformedSignature("extra fields in ECDSA signature") }
        let n = curve.coordinateLength
        guard r.count <= n, s.count <= n else { throw .malformedSignature("ECDSA integer longer than the curve order") }
        return [UInt8](repeating: 0, count: n - r.count) + r + [UInt8](repeating: 0, count: n - s.count) + s
    }

    /// A minimal DER INTEGER for an unsigned big-endian value.
    private static func derInteger(_ value: ArraySlice<UInt8>) -> [UInt8] {
        var v = Array(value.drop(while: { $0 == 0 }))
        if v.isEmpty { v = [0] }
        if let first = v.first, first & 0x80 != 0 { v.insert(0, at: 0) }
        return [0x02] + derLength(v.count) + v
    }

    /// A definite DER length (short form, or 0x81/0x82 long form; signatures stay far below 64 KiB).
    private static func derLength(_ length: Int) -> [UInt8] {
        if length < 0x80 { return [UInt8(truncatingIfNeeded: length)] }
        if length <= 0xFF { return [0x81, UInt8(truncatingIfNeeded: length)] }
        return [0x82, UInt8(truncatingIfNeeded: length >> 8), UInt8(truncatingIfNeeded: length)]
    }

    /// A tiny strict DER reader for the two-integer SEQUENCE.
    private struct DERReader {
        let bytes: [UInt8]
        var offset = 0

        var isAtEnd: Bool { offset == bytes.count }

        mutating func read(tag: UInt8) throws(CryptoError) -> [UInt8] {
            guard offset < bytes.count, bytes[offset] == tag else { throw .malformedSignature("unexpected DER tag") }
            offset += 1
            guard offset < bytes.count else { throw .malformedSignature("truncated DER") }
            let first = bytes[offset]
            offset += 1
            var length = 0
            if first < 0x80 {
                length = Int(first)
            } else if first == 0x81 {
                guard offset < bytes.count, bytes[offset] >= 0x80 else { throw .malformedSignature("non-minimal DER length") }
                length = Int(bytes[offset])
                offset += 1
            } else {
                throw .malformedSignature("unsupported DER length form")
            }
            guard length <= bytes.count - offset else { throw .malformedSignature("truncated DER") }
            let value = Array(bytes[offset..<(offset + length)])
            offset += length
            return value
        }

        /// Reads a non-negative minimal INTEGER and returns its magnitude without leading zeros.
        mutating func readUnsignedInteger() throws(CryptoError) -> [UInt8] {
            let value = try read(tag: 0x02)
            guard let first = value.first else { throw .malformedSignature("empty DER INTEGER") }
            guard first & 0x80 == 0 else { throw .malformedSignature("negative DER INTEGER") }
            if value.count > 1, first == 0, value[1] & 0x80 == 0 {
                throw .malformedSignature("non-minimal DER INTEGER")
            }
            return Array(value.drop(while: { $0 == 0 }))
        }
    }
}
