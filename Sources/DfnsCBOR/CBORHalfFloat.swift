/// Conversions between `Double` and IEEE 754 binary16, for preferred float serialization.
///
/// Written by hand rather than through `Float16`, which is not available on every platform
/// Swift targets (it is missing on macOS x86_64), and to make exactness explicit.
enum CBORHalfFloat {
    /// The binary16 bit pattern that represents `value` exactly, or `nil` when binary16 would
    /// lose information. NaNs map to the canonical quiet NaN `0x7e00` (payloads are dropped).
    static func bits(exactly value: Double) -> UInt16? {
        let bits = value.bitPattern
        let sign: UInt16 = (bits >> 63) == 0 ? 0 : 0x8000
        if value.isNaN { return 0x7e00 }
        if value.isInfinite { return sign | 0x7c00 }
        if value == 0 { return sign }
        let biasedExponent = Int((bits >> 52) & 0x7ff)          // 0...2047, cannot trap
        let mantissa = bits & 0x000f_ffff_ffff_ffff
        guard biasedExponent != 0 else { return nil }          // double subnormals are far below binary16
        let exponent = biasedExponent - 1023
        if exponent >= -14 && exponent <= 15 {
            // Normal binary16: 10 mantissa bits, so the low 42 bits of the double's must be zero.
            guard mantissa & ((1 << 42) - 1) == 0 else { return nil }
            let halfExponent = UInt16(truncatingIfNeeded: exponent + 15) << 10
            return sign | halfExponent | UInt16(truncatingIfNeeded: mantissa >> 42)
        }
        if exponent >= -24 && exponent < -14 {
            // Subnormal binary16: value = m * 2^-24 with m in 1...1023.
            let significand = (UInt64(1) << 52) | mantissa
            let shift = UInt64(truncatingIfNeeded: 28 - exponent)                  // 43...52
            guard significand & ((UInt64(1) << shift) - 1) == 0 else { return nil }
            return sign | UInt16(truncatingIfNeeded: significand >> shift)
        }
        return nil
    }
}
