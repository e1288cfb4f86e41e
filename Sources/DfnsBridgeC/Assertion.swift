#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CDfnsBridgeAPI
import DfnsWebAuthn

// Assertion (include/dfns_bridge.h, "Assertion").

/// A `dfns_assertion_t`: a verified assertion.
final class AssertionBox: HandleBox {
    override class var typeName: String { "dfns_assertion_t" }

    let result: AssertionResult
    let extensions: CBuffer?
    let rpId: CString

    /// `result`, verified from `authenticatorData`.
    init(_ result: AssertionResult, authenticatorData: [UInt8]) throws(BridgeError) {
        self.result = result
        extensions = try extensionBytes(of: result, in: authenticatorData).map { (bytes) throws(BridgeError) in try CBuffer(bytes) }
        rpId = try CString(result.rpId)
    }
}

/// The extension map of a verified assertion exactly as its authenticator data carries it (a
/// slice of `authenticatorData`, read by ``AuthenticatorData``), or nil when it has none. The
/// result keeps only the decoded map, so the bytes are located again, and only when there is one.
private func extensionBytes(of result: AssertionResult, in authenticatorData: [UInt8]) throws(BridgeError) -> ArraySlice<UInt8>? {
    guard result.extensions != nil else { return nil }
    return try webAuthn { () throws(WebAuthnError) in try AuthenticatorData(bytes: authenticatorData).extensionBytes }
}

/// A stored backup-eligibility value (0, 1, or -1 to skip the check) as the verifier wants it.
private func backupEligibility(_ value: Int32, _ name: String) throws(BridgeError) -> Bool? {
    switch value {
    case 0: return false
    case 1: return true
    case -1: return nil
    default: throw .argument("\(name) must be 0, 1 or -1, found \(value)")
    }
}

/// Reads a `dfns_stored_credential`; `id` is the credential ID a caller checks `rawId` against (the
/// JSON path), empty when none is checked.
func storedCredential(_ credential: UnsafePointer<dfns_stored_credential>?, id: [UInt8] = []) throws(BridgeError) -> StoredCredential {
    guard let credential else { throw .argument("credential is NULL") }
    let record = credential.pointee
    guard let keyPointer: OpaquePointer = record.key else { throw .argument("credential->key is NULL") }
    let key = try Handle.borrow(keyPointer, as: PublicKeyBox.self, name: "credential->key")
    let backupEligible = try backupEligibility(record.backup_eligible, "credential->backup_eligible")
    return StoredCredential(credentialId: id, publicKey: key.key, signCount: record.sign_count, backupEligible: backupEligible)
}

@c @implementation
public func dfns_assertion_verify(_ policy: OpaquePointer?, _ credential: UnsafePointer<dfns_stored_credential>?, _ client_data_json: UnsafePointer<UInt8>?, _ client_data_json_len: Int, _ authenticator_data: UnsafePointer<UInt8>?, _ authenticator_data_len: Int, _ signature: UnsafePointer<UInt8>?, _ signature_len: Int, _ challenge: UnsafePointer<UInt8>?, _ challenge_len: Int, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    out?.pointee = nil
    return guarded("dfns_assertion_verify") { () throws(BridgeError) in
        try verifyAssertion(policy, credential, client_data_json, client_data_json_len, authenticator_data, authenticator_data_len,
                            signature, signature_len, challenge, challenge_len, appidExtensionUsed: false, out)
    }
}

@c @implementation
public func dfns_assertion_verify_ex(_ policy: OpaquePointer?, _ credential: UnsafePointer<dfns_stored_credential>?, _ client_data_json: UnsafePointer<UInt8>?, _ client_data_json_len: Int, _ authenticator_data: UnsafePointer<UInt8>?, _ authenticator_data_len: Int, _ signature: UnsafePointer<UInt8>?, _ signature_len: Int, _ challenge: UnsafePointer<UInt8>?, _ challenge_len: Int, _ flags: UInt32, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    out?.pointee = nil
    return guarded("dfns_assertion_verify_ex") { () throws(BridgeError) in
        let known = DFNS_ASSERTION_APPID_EXTENSION_USED.rawValue
        guard flags & ~known == 0 else {
            throw .argument("flags 0x\(String(flags, radix: 16)) has bits that are not dfns_assertion_verify_flag values (known: 0x\(String(known, radix: 16)))")
        }
        try verifyAssertion(policy, credential, client_data_json, client_data_json_len, authenticator_data, authenticator_data_len,
                            signature, signature_len, challenge, challenge_len,
                            appidExtensionUsed: flags & known != 0, out)
    }
}

/// The body of dfns_assertion_verify and dfns_assertion_verify_ex: argument checks, then the
/// policy's verifier.
private func verifyAssertion(_ policy: OpaquePointer?, _ credential: UnsafePointer<dfns_stored_credential>?, _ client_data_json: UnsafePointer<UInt8>?, _ client_data_json_len: Int, _ authenticator_data: UnsafePointer<UInt8>?, _ authenticator_data_len: Int, _ signature: UnsafePointer<UInt8>?, _ signature_len: Int, _ challenge: UnsafePointer<UInt8>?, _ challenge_len: Int, appidExtensionUsed: Bool, _ out: UnsafeMutablePointer<OpaquePointer?>?) throws(BridgeError) {
    let out = try Arguments.output(out, "out")
    let box = try Handle.borrow(policy, as: PolicyBox.self, name: "policy")
    let stored = try storedCredential(credential)
    let clientDataJSON = try Arguments.bytes(client_data_json, client_data_json_len, "client_data_json")
    let authenticatorData = try Arguments.bytes(authenticator_data, authenticator_data_len, "authenticator_data")
    let signature = try Arguments.bytes(signature, signature_len, "signature")
    let challenge = try challengeBytes(challenge, challenge_len)
    let verifier = box.assertionVerifier
    let result = try verifying { () throws(WebAuthnError) in
        try verifier.verify(clientDataJSON: clientDataJSON, authenticatorData: authenticatorData, signature: signature,
                            expectedChallenge: challenge, credential: stored, appidExtensionUsed: appidExtensionUsed)
    }
    out.pointee = Handle.retained(try AssertionBox(result, authenticatorData: authenticatorData))
}

@c @implementation
public func dfns_assertion_verify_hash(_ policy: OpaquePointer?, _ credential: UnsafePointer<dfns_stored_credential>?, _ client_data_hash: UnsafePointer<UInt8>?, _ client_data_hash_len: Int, _ authenticator_data: UnsafePointer<UInt8>?, _ authenticator_data_len: Int, _ signature: UnsafePointer<UInt8>?, _ signature_len: Int, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    out?.pointee = nil
    return guarded("dfns_assertion_verify_hash") { () throws(BridgeError) in
        let out = try Arguments.output(out, "out")
        let box = try Handle.borrow(policy, as: PolicyBox.self, name: "policy")
        let stored = try storedCredential(credential)
        let hash = try clientDataHashBytes(client_data_hash, client_data_hash_len)
        let authenticatorData = try Arguments.bytes(authenticator_data, authenticator_data_len, "authenticator_data")
        let signature = try Arguments.bytes(signature, signature_len, "signature")
        let verifier = box.assertionVerifier
        let result = try verifying { () throws(WebAuthnError) in
            try verifier.verify(clientDataHash: hash, authenticatorData: authenticatorData, signature: signature, credential: stored)
        }
        out.pointee = Handle.retained(try AssertionBox(result, authenticatorData: authenticatorData))
    }
}

/// Import-per-call verification: the COSE key is parsed for this call only (no `PublicKeyBox`, no
/// copy of its encodings), and the result is written into the caller's struct (no `AssertionBox`),
/// so a host that keeps only COSE bytes crosses the ABI once per verification.
@c @implementation
public func dfns_assertion_verify_cose(_ policy: OpaquePointer?, _ cose_key: UnsafePointer<UInt8>?, _ cose_key_len: Int, _ sign_count: UInt32, _ backup_eligible: Int32, _ client_data_json: UnsafePointer<UInt8>?, _ client_data_json_len: Int, _ authenticator_data: UnsafePointer<UInt8>?, _ authenticator_data_len: Int, _ signature: UnsafePointer<UInt8>?, _ signature_len: Int, _ challenge: UnsafePointer<UInt8>?, _ challenge_len: Int, _ info: UnsafeMutablePointer<dfns_assertion_info>?) -> Int32 {
    info?.pointee = dfns_assertion_info()
    return guarded("dfns_assertion_verify_cose") { () throws(BridgeError) in
        // The key first, as dfns_public_key_parse_cose then dfns_assertion_verify would report it:
        // the same status for the same input, whichever of the two steps fails.
        let coseBytes = try Arguments.bytes(cose_key, cose_key_len, "cose_key")
        let key = try webAuthn { () throws(WebAuthnError) in try CredentialPublicKey(coseBytes: coseBytes) }
        let box = try Handle.borrow(policy, as: PolicyBox.self, name: "policy")
        let backupEligible = try backupEligibility(backup_eligible, "backup_eligible")
        let clientDataJSON = try Arguments.bytes(client_data_json, client_data_json_len, "client_data_json")
        let authenticatorData = try Arguments.bytes(authenticator_data, authenticator_data_len, "authenticator_data")
        let signature = try Arguments.bytes(signature, signature_len, "signature")
        let challenge = try challengeBytes(challenge, challenge_len)
        let stored = StoredCredential(credentialId: [], publicKey: key, signCount: sign_count, backupEligible: backupEligible)
        let verifier = box.assertionVerifier
        let result = try verifying { () throws(WebAuthnError) in
            try verifier.verify(clientDataJSON: clientDataJSON, authenticatorData: authenticatorData, signature: signature,
                                expectedChallenge: challenge, credential: stored)
        }
        guard let info else { return }
        let bytes = try extensionBytes(of: result, in: authenticatorData)
        let extensions = try bytes.map { (bytes) throws(BridgeError) in try CMemory.handOver(bytes, "extensions") }
        info.pointee = dfns_assertion_info(sign_count: result.signCount, flags: result.flags.rawValue,
                                           sign_count_regressed: result.signCountRegressed ? 1 : 0,
                                           extensions: extensions, extensions_len: bytes?.count ?? 0)
    }
}

@c @implementation
public func dfns_assertion_free(_ assertion: UnsafeMutablePointer<OpaquePointer?>?) {
    Handle.release(assertion, as: AssertionBox.self)
}

@c @implementation
public func dfns_assertion_sign_count(_ assertion: OpaquePointer?, _ sign_count: UnsafeMutablePointer<UInt32>?) -> Int32 {
    scalar("dfns_assertion_sign_count", sign_count, zero: 0) { () throws(BridgeError) in
        try Handle.borrow(assertion, as: AssertionBox.self, name: "assertion").result.signCount
    }
}

@c @implementation
public func dfns_assertion_flags(_ assertion: OpaquePointer?, _ flags: UnsafeMutablePointer<UInt8>?) -> Int32 {
    scalar("dfns_assertion_flags", flags, zero: 0) { () throws(BridgeError) in
        try Handle.borrow(assertion, as: AssertionBox.self, name: "assertion").result.flags.rawValue
    }
}

@c @implementation
public func dfns_assertion_sign_count_regressed(_ assertion: OpaquePointer?, _ regressed: UnsafeMutablePointer<Int32>?) -> Int32 {
    scalar("dfns_assertion_sign_count_regressed", regressed, zero: 0) { () throws(BridgeError) in
        try Handle.borrow(assertion, as: AssertionBox.self, name: "assertion").result.signCountRegressed ? 1 : 0
    }
}

@c @implementation
public func dfns_assertion_rp_id(_ assertion: OpaquePointer?, _ rp_id: UnsafeMutablePointer<UnsafePointer<CChar>?>?) -> Int32 {
    borrowedString("dfns_assertion_rp_id", rp_id) { () throws(BridgeError) in
        try Handle.borrow(assertion, as: AssertionBox.self, name: "assertion").rpId
    }
}

@c @implementation
public func dfns_assertion_extensions(_ assertion: OpaquePointer?, _ ptr: UnsafeMutablePointer<UnsafePointer<UInt8>?>?, _ len: UnsafeMutablePointer<Int>?) -> Int32 {
    borrowedBytes("dfns_assertion_extensions", ptr, len) { () throws(BridgeError) in
        try Handle.borrow(assertion, as: AssertionBox.self, name: "assertion").extensions
    }
}
