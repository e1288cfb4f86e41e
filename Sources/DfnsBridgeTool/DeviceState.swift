import DfnsCrypto
import DfnsEncoding
import DfnsWebAuthn

/// What `dfns-bridge device` keeps between runs: one passkey of the library's
/// ``SoftwareAuthenticator`` (its private key, credential ID, RP ID, user handle and signature
/// counter) and the origin the device writes into clientDataJSON.
///
/// On disk it is one JSON object (see ``jsonBytes()``), written by ``DeviceStateFile`` with mode
/// 0600. It holds the private key in the clear: the device is a demonstration of where the
/// credential lives, not a secure element.
struct DeviceState {
    /// The `format` member, so that an unrelated JSON file is never taken for a device state.
    static let format = "dfns-bridge-device-state"
    /// The `version` member of the layout written here.
    static let version: Int64 = 1

    /// The passkey as the software authenticator holds it (counter included).
    var credential: SoftwareAuthenticator.CredentialState
    /// The origin written into clientDataJSON, e.g. `https://app.example.com`.
    let origin: String

    /// `credId`: the credential ID as base64url without padding.
    var credId: String { Base64URL.encode(credential.credentialId) }

    /// The state file's text:
    /// `{"format":"dfns-bridge-device-state","version":1,"credId":…,"rpId":…,"origin":…,`
    /// `"userHandle":…,"algorithm":-7,"signCount":N,"privateKeyPkcs8":…}` (binary members base64url
    /// without padding; `privateKeyPkcs8` is the unencrypted DER PKCS#8 key). The caller wipes the
    /// returned bytes with ``zeroize(_:)`` once written.
    func jsonBytes() throws(ToolError) -> [UInt8] {
        let der: SecretBytes
        do {
            der = try credential.privateKey.pkcs8DER()
        } catch {
            throw ToolError(code: "internal_error", message: "cannot export the device key: \(error)")
        }
        // The base64url text of the key is a Swift String, which cannot be wiped; the DER copy can.
        var derCopy = der.copyBytes()
        let keyText = Base64URL.encode(derCopy)
        zeroize(&derCopy)
        let value: JSONValue = .object([
            ("format", .string(DeviceState.format)),
            ("version", .number(String(DeviceState.version))),
            ("credId", .string(credId)),
            ("rpId", .string(credential.rpId)),
            ("origin", .string(origin)),
            ("userHandle", .string(Base64URL.encode(credential.userHandle))),
            ("algorithm", .number(String(credential.algorithm.rawValue))),
            ("signCount", .number(String(credential.signCount))),
            ("privateKeyPkcs8", .string(keyText)),
        ])
        // Reserved once so that growing never leaves an unwiped copy of the key text behind.
        var out: [UInt8] = []
        out.reserveCapacity(4096 + keyText.utf8.count)
        JSONWriter.write(value, to: &out)
        out.append(UInt8(ascii: "\n"))
        return out
    }

    /// `{"credId":…,"rpId":…,"origin":…,"signCount":N}`: what `device show` prints (never the key).
    var publicSummary: JSONValue {
        .object([
            ("credId", .string(credId)),
            ("rpId", .string(credential.rpId)),
            ("origin", .string(origin)),
            ("signCount", .number(String(credential.signCount))),
        ])
    }

    /// Reads a state file's text (as written by ``jsonBytes()``). `path` only names the file in
    /// errors; no error echoes the key.
    init(json bytes: [UInt8], path: String) throws(ToolError) {
        let value: JSONValue
        do {
            value = try JSONParser().parse(bytes)
        } catch {
            throw ToolError(code: "malformed_state", message: "\(path) is not a device state file (not valid JSON at byte \(error.offset))")
        }
        guard case .object = value, value["format"]?.stringValue == DeviceState.format else {
            throw ToolError(code: "malformed_state", message: "\(path) is not a device state file (no \"format\": \"\(DeviceState.format)\")")
        }
        guard value["version"]?.int64Value == DeviceState.version else {
            throw ToolError(code: "malformed_state", message: "\(path): unsupported device state version (this tool reads version \(DeviceState.version))")
        }
        func string(_ name: String) throws(ToolError) -> String {
            guard let text = value[name]?.stringValue, !text.isEmpty else {
                throw ToolError(code: "malformed_state", message: "\(path): missing or empty \"\(name)\"")
            }
            return text
        }
        func base64url(_ name: String, allowEmpty: Bool = false) throws(ToolError) -> [UInt8] {
            guard let text = value[name]?.stringValue, allowEmpty || !text.isEmpty else {
                throw ToolError(code: "malformed_state", message: "\(path): missing or empty \"\(name)\"")
            }
            do {
                return try Base64URL.decode(text)
            } catch {
                throw ToolError(code: "malformed_state", message: "\(path): \"\(name)\" is not base64url")
            }
        }
        let credentialId = try base64url("credId")
        let rpId = try string("rpId")
        let origin = try string("origin")
        let userHandle = try base64url("userHandle", allowEmpty: true)
        guard let algorithmValue = value["algorithm"]?.int64Value, let algorithm = COSEAlgorithm(rawValue: algorithmValue) else {
            throw ToolError(code: "malformed_state", message: "\(path): \"algorithm\" is not a COSE algorithm number")
        }
        guard let count = value["signCount"]?.int64Value, let signCount = UInt32(exactly: count) else {
            throw ToolError(code: "malformed_state", message: "\(path): \"signCount\" is not an integer from 0 to \(UInt32.max)")
        }
        var der = try base64url("privateKeyPkcs8")
        defer { zeroize(&der) }
        let privateKey: PrivateKey
        do {
            privateKey = try PrivateKey(pkcs8DER: der)
        } catch {
            throw ToolError(code: "malformed_state", message: "\(path): \"privateKeyPkcs8\" is not a PKCS#8 private key")
        }
        self.credential = SoftwareAuthenticator.CredentialState(
            credentialId: credentialId, rpId: rpId, privateKey: privateKey, algorithm: algorithm,
            userHandle: userHandle, backupEligible: false, signCount: signCount)
        self.origin = origin
    }

    /// A state for a passkey just created (or used) on an authenticator.
    init(credential: SoftwareAuthenticator.CredentialState, origin: String) {
        self.credential = credential
        self.origin = origin
    }
}
