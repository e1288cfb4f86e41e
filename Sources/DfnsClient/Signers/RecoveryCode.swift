import DfnsCrypto
import DfnsEncoding

/// A Dfns recovery code: `D1-` and 32 characters of `ABCDEFGHJKLMNPQRSTUVWXYZ23456789` grouped
/// 6-5-5-5-5-6, e.g. `D1-XXXXXX-XXXXX-XXXXX-XXXXX-XXXXX-XXXXXX` (reference/dfns-protocol.md §3.6,
/// TypeScript `randomRecoveryKey`). It is the password of the recovery key's envelope.
///
/// Held in zeroizing ``SecretBytes`` (UTF-8, 40 bytes); `description` never shows it.
public struct RecoveryCode: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The 32 characters a code is drawn from (no I, O, 0 or 1).
    public static let alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    /// The group sizes after `D1-`.
    public static let groups = [6, 5, 5, 5, 5, 6]
    /// The length of a code in bytes (`D1-`, 32 characters, 5 separators).
    public static let length = 40

    /// The code's UTF-8 bytes, wiped when released.
    public let secret: SecretBytes

    /// Draws a new code from the CSPRNG: 32 random bytes, each reduced to 5 bits (the alphabet has
    /// 32 characters, so every character is uniform), about 160 bits of entropy.
    public static func generate() throws(SignerError) -> RecoveryCode {
        var random: [UInt8]
        do {
            random = try SecureRandom.bytes(32)
        } catch {
            throw .cryptoFailure("random recovery code: \(error.description)")
        }
        defer { zeroize(&random) }
        let characters = Array(alphabet.utf8)
        var code: [UInt8] = Array("D1".utf8)
        code.reserveCapacity(length)
        defer { zeroize(&code) }
        var index = 0
        for size in groups {
            code.append(UInt8(ascii: "-"))
            for _ in 0..<size {
                code.append(characters[Int(random[index] & 0x1F)])
                index += 1
            }
        }
        return RecoveryCode(unchecked: SecretBytes(code))
    }

    /// Takes `secret` as a recovery code after checking its format.
    ///
    /// - Throws: ``SignerError/invalidRecoveryCode`` (the message never repeats the input).
    public init(validating secret: SecretBytes) throws(SignerError) {
        let valid = secret.withUnsafeBytes { RecoveryCode.isWellFormed($0) }
        guard valid else { throw .invalidRecoveryCode }
        self.secret = secret
    }

    /// Takes a typed-in code. Its bytes are copied into ``SecretBytes`` and the copy wiped; the
    /// caller's `String` itself cannot be wiped, so prefer the `SecretBytes` initializer when
    /// the code is already held as bytes.
    public init(validating text: String) throws(SignerError) {
        var bytes = Array(text.utf8)
        defer { zeroize(&bytes) }
        try self.init(validating: SecretBytes(bytes))
    }

    private init(unchecked secret: SecretBytes) {
        self.secret = secret
    }

    /// Whether `bytes` is `D1-` and six groups of 6-5-5-5-5-6 alphabet characters separated by `-`.
    public static func isWellFormed(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard bytes.count == length, bytes[0] == UInt8(ascii: "D"), bytes[1] == UInt8(ascii: "1") else { return false }
        var offset = 2
        for size in groups {
            guard bytes[offset] == UInt8(ascii: "-") else { return false }
            offset += 1
            for _ in 0..<size {
                guard isAlphabetCharacter(bytes[offset]) else { return false }
                offset += 1
            }
        }
        return offset == length
    }

    private static func isAlphabetCharacter(_ c: UInt8) -> Bool {
        switch c {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"):
            return c != UInt8(ascii: "I") && c != UInt8(ascii: "O")
        case UInt8(ascii: "2")...UInt8(ascii: "9"):
            return true
        default:
            return false
        }
    }

    /// `RecoveryCode(<redacted>)`.
    public var description: String { "RecoveryCode(<redacted>)" }

    /// Same as ``description``.
    public var debugDescription: String { description }
}
