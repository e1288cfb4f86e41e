#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CDfnsBridgeAPI
import DfnsEncoding

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

    /// A ``string(_:_:allowEmpty:)`` that goes into an HTTP header (a bearer token, a User-Agent
    /// suffix): no CR, LF or other control character.
    static func headerText(_ pointer: UnsafePointer<CChar>?, _ name: String, allowEmpty: Bool = false) throws(BridgeError) -> String {
        let text = try string(pointer, name, allowEmpty: allowEmpty)
        guard !text.utf8.contains(where: { $0 < 0x20 || $0 == 0x7F }) else {
            throw .argument("\(name) contains a control character (CR, LF, ...)")
        }
        return text
    }

    /// A long NUL-terminated UTF-8 text (a JSON body, a challenge document) of at most `limit`
    /// bytes, as its bytes, or nil for NULL. A longer one is DFNS_ERR_INPUT_TOO_LARGE.
    static func text(_ pointer: UnsafePointer<CChar>?, _ name: String, limit: Int) throws(BridgeError) -> [UInt8]? {
        guard let pointer else { return nil }
        let length = strnlen(pointer, limit + 1)
        guard length <= limit else { throw BridgeError(DFNS_ERR_INPUT_TOO_LARGE, "\(name) is longer than \(limit) bytes") }
        let raw = UnsafeRawBufferPointer(start: UnsafeRawPointer(pointer), count: length)
        guard String(validating: raw, as: UTF8.self) != nil else { throw .argument("\(name) is not valid UTF-8") }
        return Array(raw)
    }

    /// A JSON document argument of at most `limit` bytes, not NULL, parsed strictly (no duplicate
    /// members, bounded depth): its bytes and its value.
    static func json(_ pointer: UnsafePointer<CChar>?, _ name: String, limit: Int) throws(BridgeError) -> (bytes: [UInt8], value: JSONValue) {
        guard let pointer else { throw .argument("\(name) is NULL") }
        let length = strnlen(pointer, limit + 1)
        guard length <= limit else { throw BridgeError(DFNS_ERR_INPUT_TOO_LARGE, "\(name) is longer than \(limit) bytes") }
        // No separate UTF-8 pass (``text(_:_:limit:)`` makes one): the strict parser accepts only
        // ASCII outside strings and validates every string, so a document it accepts is valid UTF-8.
        let bytes = Array(UnsafeRawBufferPointer(start: UnsafeRawPointer(pointer), count: length))
        var parser = JSONParser()
        parser.maxLength = limit
        do {
            return (bytes, try parser.parse(bytes))
        } catch {
            throw .argument("\(name) is not JSON: \(error.description)")
        }
    }

    /// A JSON object argument (see ``json(_:_:limit:)``).
    static func jsonObject(_ pointer: UnsafePointer<CChar>?, _ name: String, limit: Int) throws(BridgeError) -> (bytes: [UInt8], value: JSONValue) {
        let document = try json(pointer, name, limit: limit)
        guard case .object = document.value else { throw .argument("\(name) is a JSON \(document.value.typeName), not an object") }
        return document
    }

    /// An output pointer that must not be NULL (argument `name`).
    static func output<T>(_ pointer: UnsafeMutablePointer<T>?, _ name: String) throws(BridgeError) -> UnsafeMutablePointer<T> {
        guard let pointer else { throw .argument("\(name) is NULL") }
        return pointer
    }
}
