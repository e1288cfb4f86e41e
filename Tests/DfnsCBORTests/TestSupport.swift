import Glibc
@testable import DfnsCBOR
import DfnsEncoding

/// Parses hex such as "a2 01 02"; spaces are ignored. Test input only: a typo is a test bug, so
/// it stops the test run.
func hex(_ text: String) -> [UInt8] {
    do {
        return try Hex.decode(String(text.unicodeScalars.filter { $0 != " " }.map(Character.init)))
    } catch {
        fatalError("test hex literal \"\(text)\": \(error)")
    }
}

/// Lowercase hex rendering for messages.
func hexString(_ bytes: [UInt8]) -> String {
    Hex.encode(bytes)
}

/// Deterministic xorshift64* generator, so failures reproduce.
struct TestRandom {
    private var state: UInt64

    init(seed: UInt64) { state = seed == 0 ? 0x9E37_79B9_7F4A_7C15 : seed }

    mutating func next() -> UInt64 {
        state ^= state >> 12
        state ^= state << 25
        state ^= state >> 27
        return state &* 0x2545_F491_4F6C_DD1D
    }

    mutating func below(_ bound: Int) -> Int {
        guard bound > 0 else { return 0 }
        return Int(next() % UInt64(bound))
    }

    mutating func byte() -> UInt8 { UInt8(truncatingIfNeeded: next()) }
}

/// An ES256 COSE key in canonical form: {1: 2, 3: -7, -1: 1, -2: h'..32..', -3: h'..32..'}.
/// 77 bytes, the length webauthn-verification.md §8.1 reports for such a key.
let coseKeyES256: [UInt8] = {
    var bytes = hex("a5 01 02 03 26 20 01 21 58 20")
    bytes += (0..<32).map { UInt8($0) }
    bytes += hex("22 58 20")
    bytes += (0..<32).map { UInt8(0xff - $0) }
    return bytes
}()

/// An attestation-object-like map: {"fmt": "none", "attStmt": {}, "authData": h'..'}.
let attestationLike: [UInt8] = {
    var bytes = hex("a3 63 666d74 64 6e6f6e65 67 61747453746d74 a0 68 6175746844617461 58 25")
    bytes += (0..<37).map { UInt8(truncatingIfNeeded: $0 &* 7) }
    return bytes
}()

/// The peak resident set size of this process, in KiB.
func peakRSSKiB() -> Int {
    var usage = rusage()
    guard getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage) == 0 else { return 0 }
    return usage.ru_maxrss
}

/// Whether the value tree holds a float (floats re-encode in their shortest width, so
/// byte-exact round trips only hold without them) or a NaN (which is not equal to itself).
func containsFloat(_ value: CBORValue) -> Bool {
    switch value {
    case .float: return true
    case .array(let elements): return elements.contains(where: containsFloat)
    case .map(let map): return map.contains(where: { containsFloat($0.key) || containsFloat($0.value) })
    case .tagged(_, let content): return containsFloat(content)
    default: return false
    }
}

/// Decodes and returns the thrown error, or nil on success.
func decodeError(_ bytes: [UInt8], options: CBORDecodingOptions = .default) -> CBORError? {
    do {
        _ = try CBORDecoder.decode(bytes, options: options)
        return nil
    } catch {
        return error
    }
}
