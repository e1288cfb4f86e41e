import CDfnsBridgeAPI
import DfnsEncoding
import DfnsWebAuthn

// Reading the options input structs (include/dfns_bridge.h, "WebAuthn JSON forms"): pointers,
// counts and strings checked here; the strings' meaning is DfnsWebAuthn's (WebAuthnEnumeration).

enum OptionsInputs {
    /// The most descriptors or strings one list may hold.
    static let maxListCount = 4096
    /// The longest extensions_json accepted.
    static let maxExtensionsJSON = 64 << 10
    /// A sanity bound on `struct_size` (a garbage value is refused, not read).
    static let maximumStructSize = 4096

    /// The struct at `pointer` (argument `name`), whose first member is its `struct_size`: at least
    /// this library's size; a larger one only with zero trailing bytes (fields of a newer header
    /// left at their defaults).
    static func read<T>(_ pointer: UnsafePointer<T>?, _ name: String) throws(BridgeError) -> T {
        guard let pointer else { throw .argument("\(name) is NULL") }
        let raw = UnsafeRawPointer(pointer)
        let size = raw.load(as: Int.self)
        let own = MemoryLayout<T>.size
        guard size >= own else { throw .argument("\(name)->struct_size is \(size), expected at least \(own) (sizeof the struct)") }
        guard size <= maximumStructSize else { throw .argument("\(name)->struct_size is \(size), larger than \(maximumStructSize)") }
        for offset in own..<size where raw.load(fromByteOffset: offset, as: UInt8.self) != 0 {
            throw BridgeError(DFNS_ERR_UNSUPPORTED,
                              "\(name) sets fields this library version (\(DFNS_BRIDGE_VERSION_STRING)) does not know (byte \(offset) of \(size))")
        }
        return pointer.pointee
    }

    /// An optional string field: nil for NULL.
    static func optionalString(_ pointer: UnsafePointer<CChar>?, _ name: String, allowEmpty: Bool = false) throws(BridgeError) -> String? {
        guard let pointer else { return nil }
        return try Arguments.string(pointer, name, allowEmpty: allowEmpty)
    }

    /// An optional enumeration field, its string checked by DfnsWebAuthn.
    static func enumeration<E: WebAuthnEnumeration>(_ pointer: UnsafePointer<CChar>?, _ name: String, _: E.Type) throws(BridgeError) -> E? {
        guard let text = try optionalString(pointer, name) else { return nil }
        return try webAuthn { () throws(WebAuthnError) in try E(parsing: text, name) }
    }

    /// `count` strings at `pointer`.
    static func strings(_ pointer: UnsafePointer<UnsafePointer<CChar>>?, _ count: Int, _ name: String) throws(BridgeError) -> [String] {
        try checkCount(count, pointer != nil, name)
        guard let pointer else { return [] }
        var result: [String] = []
        for index in 0..<count { result.append(try Arguments.string(pointer[index], "\(name)[\(index)]")) }
        return result
    }

    /// `count` hints at `pointer`.
    static func hints(_ pointer: UnsafePointer<UnsafePointer<CChar>>?, _ count: Int, _ name: String) throws(BridgeError) -> [PublicKeyCredentialHint] {
        var hints: [PublicKeyCredentialHint] = []
        for (index, text) in try strings(pointer, count, name).enumerated() {
            hints.append(try webAuthn { () throws(WebAuthnError) in try PublicKeyCredentialHint(parsing: text, "\(name)[\(index)]") })
        }
        return hints
    }

    /// `count` descriptors at `pointer`.
    static func descriptors(_ pointer: UnsafePointer<dfns_credential_descriptor>?, _ count: Int, _ name: String) throws(BridgeError) -> [PublicKeyCredentialDescriptorJSON] {
        try checkCount(count, pointer != nil, name)
        guard let pointer else { return [] }
        var result: [PublicKeyCredentialDescriptorJSON] = []
        for index in 0..<count {
            let item = pointer[index]
            let id = try Arguments.bytes(item.id, item.id_len, "\(name)[\(index)].id")
            let transports = try strings(item.transports, item.transport_count, "\(name)[\(index)].transports")
            result.append(PublicKeyCredentialDescriptorJSON(id: id, transports: transports))
        }
        return result
    }

    /// The further extension inputs: a JSON object, or nil for NULL.
    static func extensions(_ pointer: UnsafePointer<CChar>?, _ name: String) throws(BridgeError) -> JSONValue? {
        guard pointer != nil else { return nil }
        return try Arguments.jsonObject(pointer, name, limit: maxExtensionsJSON).value
    }

    /// An optional challenge: nil for NULL / 0 (the library draws one).
    static func challenge(_ pointer: UnsafePointer<UInt8>?, _ len: Int) throws(BridgeError) -> [UInt8]? {
        guard pointer != nil || len != 0 else { return nil }
        return try Arguments.bytes(pointer, len, "inputs->challenge")
    }

    private static func checkCount(_ count: Int, _ present: Bool, _ name: String) throws(BridgeError) {
        guard count >= 0, count <= maxListCount else { throw .argument("\(name) count is \(count), expected 0...\(maxListCount)") }
        guard present || count == 0 else { throw .argument("\(name) is NULL but its count is \(count)") }
    }
}

/// Hands over `json` and, when asked, `challenge`: all or nothing.
func handOverOptions(_ json: String, _ challenge: [UInt8], _ jsonOut: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>,
                     _ challengeOut: UnsafeMutablePointer<UnsafeMutablePointer<UInt8>?>?, _ challengeLenOut: UnsafeMutablePointer<Int>?) throws(BridgeError) {
    guard (challengeOut == nil) == (challengeLenOut == nil) else {
        throw .argument("challenge and challenge_len must both be NULL or both be set")
    }
    let text = try CString.handOver(json, "the options JSON")
    if let challengeOut, let challengeLenOut {
        guard let copy = challenge.withUnsafeBytes({ CMemory.copy($0) }) else {
            dfns_free(text)
            throw .outOfMemory("the challenge")
        }
        challengeOut.pointee = copy
        challengeLenOut.pointee = challenge.count
    }
    jsonOut.pointee = text
}
