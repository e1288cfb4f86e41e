#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CDfnsBridgeAPI

/// Validation of what C callers pass: pointer/length pairs and NUL-terminated UTF-8 strings.
enum Arguments {
    /// The largest byte input any entry point accepts (the WebAuthn parsers' own limits are far
    /// lower); larger inputs fail with DFNS_ERR_INPUT_TOO_LARGE before anything is copied.
    static let maxInputLength = 64 << 20
    /// The longest string argument accepted (RP IDs, origins, format names).
    static let maxStringLength = 64 << 10

    /// Copies `len` bytes at `pointer` (argument `name`). `pointer` may be NULL only when `len`
    /// is 0; a `size_t` above `Int.max` arrives negative and is rejected.
    static func bytes(_ pointer: UnsafePointer<UInt8>?, _ len: Int, _ name: String) throws(BridgeError) -> [UInt8] {
        guard len >= 0 else { throw .argument("\(name)_len is larger than SIZE_MAX / 2") }
        guard len <= maxInputLength else {
            throw BridgeError(DFNS_ERR_INPUT_TOO_LARGE, "\(name) is \(len) bytes, the limit is \(maxInputLength)")
        }
        guard let pointer else {
            guard len == 0 else { throw .argument("\(name) is NULL but \(name)_len is \(len)") }
            return []
        }
        return Array(UnsafeBufferPointer(start: pointer, count: len))
    }

    /// A NUL-terminated UTF-8 string (argument `name`): not NULL, valid UTF-8, at most
    /// ``maxStringLength`` bytes, and not empty unless `allowEmpty`.
    static func string(_ pointer: UnsafePointer<CChar>?, _ name: String, allowEmpty: Bool = false) throws(BridgeError) -> String {
        guard let pointer else { throw .argument("\(name) is NULL") }
        let length = strnlen(pointer, maxStringLength + 1)
        guard length <= maxStringLength else { throw .argument("\(name) is longer than \(maxStringLength) bytes") }
        let raw = UnsafeRawBufferPointer(start: UnsafeRawPointer(pointer), count: length)
        guard let string = String(validating: raw, as: UTF8.self) else {
            throw .argument("\(name) is not valid UTF-8")
        }
        guard allowEmpty || !string.isEmpty else { throw .argument("\(name) is empty") }
        return string
    }

    /// An output pointer that must not be NULL (argument `name`).
    static func output<T>(_ pointer: UnsafeMutablePointer<T>?, _ name: String) throws(BridgeError) -> UnsafeMutablePointer<T> {
        guard let pointer else { throw .argument("\(name) is NULL") }
        return pointer
    }
}
