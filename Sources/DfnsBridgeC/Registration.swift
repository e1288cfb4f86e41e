import CDfnsBridgeAPI
import DfnsWebAuthn

// Registration (include/dfns_bridge.h, "Registration").

/// A `dfns_registration_t`: a verified registration with every borrowed value copied once.
final class RegistrationBox: HandleBox {
    override class var typeName: String { "dfns_registration_t" }

    let result: RegistrationResult
    let credentialId: CBuffer
    let aaguid: CBuffer
    let format: CString
    let attestationType: CString
    let rpId: CString
    let extensions: CBuffer?
    let publicKey: PublicKeyBox
    /// The metadata entry's description and latest status (dfns_registration_metadata_*), if any.
    let metadataDescription: CString?
    let metadataStatus: CString?

    init(_ result: RegistrationResult) throws(BridgeError) {
        self.result = result
        credentialId = try CBuffer(result.credentialId)
        aaguid = try CBuffer(result.aaguid)
        format = try CString(result.format)
        attestationType = try CString(result.attestationType.rawValue)
        rpId = try CString(result.rpId)
        extensions = try result.authenticatorData.extensionBytes.map { (bytes) throws(BridgeError) in try CBuffer(bytes) }
        publicKey = try PublicKeyBox(result.credentialPublicKey)
        metadataDescription = try result.metadata?.description.map { (text) throws(BridgeError) in try CString(text) }
        metadataStatus = try result.metadata?.status.map { (status) throws(BridgeError) in try CString(status.rawValue) }
    }
}

/// Runs a verification: its error maps through the one code table of ``webAuthn(_:)`` (an
/// unusable policy, ``WebAuthnError/Code/invalidPolicy``, is DFNS_ERR_INVALID_POLICY there).
/// Kept as the verification entry points' name for that call.
@inline(__always)
func verifying<T>(_ body: () throws(WebAuthnError) -> T) throws(BridgeError) -> T {
    try webAuthn(body)
}

/// The challenge of a ceremony: never empty (an empty challenge would accept any replay).
func challengeBytes(_ challenge: UnsafePointer<UInt8>?, _ len: Int) throws(BridgeError) -> [UInt8] {
    let bytes = try Arguments.bytes(challenge, len, "challenge")
    guard !bytes.isEmpty else { throw .argument("challenge is empty") }
    return bytes
}

/// A 32-byte clientDataHash.
func clientDataHashBytes(_ hash: UnsafePointer<UInt8>?, _ len: Int) throws(BridgeError) -> [UInt8] {
    // The length is checked before anything is read.
    guard len == 32 else { throw .argument("client_data_hash must be 32 bytes, found client_data_hash_len \(len)") }
    return try Arguments.bytes(hash, len, "client_data_hash")
}

@c @implementation
public func dfns_registration_verify(_ policy: OpaquePointer?, _ client_data_json: UnsafePointer<UInt8>?, _ client_data_json_len: Int, _ attestation_object: UnsafePointer<UInt8>?, _ attestation_object_len: Int, _ challenge: UnsafePointer<UInt8>?, _ challenge_len: Int, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    out?.pointee = nil
    return guarded("dfns_registration_verify") { () throws(BridgeError) in
        let out = try Arguments.output(out, "out")
        let box = try Handle.borrow(policy, as: PolicyBox.self, name: "policy")
        let clientDataJSON = try Arguments.bytes(client_data_json, client_data_json_len, "client_data_json")
        let attestationObject = try Arguments.bytes(attestation_object, attestation_object_len, "attestation_object")
        let challenge = try challengeBytes(challenge, challenge_len)
        let verifier = box.registrationVerifier
        let result = try verifying { () throws(WebAuthnError) in
            try verifier.verify(clientDataJSON: clientDataJSON, attestationObject: attestationObject, expectedChallenge: challenge)
        }
        out.pointee = Handle.retained(try RegistrationBox(result))
    }
}

@c @implementation
public func dfns_registration_verify_hash(_ policy: OpaquePointer?, _ client_data_hash: UnsafePointer<UInt8>?, _ client_data_hash_len: Int, _ attestation_object: UnsafePointer<UInt8>?, _ attestation_object_len: Int, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    out?.pointee = nil
    return guarded("dfns_registration_verify_hash") { () throws(BridgeError) in
        let out = try Arguments.output(out, "out")
        let box = try Handle.borrow(policy, as: PolicyBox.self, name: "policy")
        let hash = try clientDataHashBytes(client_data_hash, client_data_hash_len)
        let attestationObject = try Arguments.bytes(attestation_object, attestation_object_len, "attestation_object")
        let verifier = box.registrationVerifier
        let result = try verifying { () throws(WebAuthnError) in
            try verifier.verifyAttestation(attestationObject: attestationObject, clientDataHash: hash)
        }
        out.pointee = Handle.retained(try RegistrationBox(result))
    }
}

@c @implementation
public func dfns_registration_free(_ registration: UnsafeMutablePointer<OpaquePointer?>?) {
    Handle.release(registration, as: RegistrationBox.self)
}

@c @implementation
public func dfns_registration_credential_id(_ registration: OpaquePointer?, _ ptr: UnsafeMutablePointer<UnsafePointer<UInt8>?>?, _ len: UnsafeMutablePointer<Int>?) -> Int32 {
    borrowedBytes("dfns_registration_credential_id", ptr, len) { () throws(BridgeError) in
        try Handle.borrow(registration, as: RegistrationBox.self, name: "registration").credentialId
    }
}

@c @implementation
public func dfns_registration_aaguid(_ registration: OpaquePointer?, _ ptr: UnsafeMutablePointer<UnsafePointer<UInt8>?>?, _ len: UnsafeMutablePointer<Int>?) -> Int32 {
    borrowedBytes("dfns_registration_aaguid", ptr, len) { () throws(BridgeError) in
        try Handle.borrow(registration, as: RegistrationBox.self, name: "registration").aaguid
    }
}

@c @implementation
public func dfns_registration_public_key(_ registration: OpaquePointer?, _ key: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    key?.pointee = nil
    return guarded("dfns_registration_public_key") { () throws(BridgeError) in
        let key = try Arguments.output(key, "key")
        let box = try Handle.borrow(registration, as: RegistrationBox.self, name: "registration")
        key.pointee = Handle.retained(box.publicKey)
    }
}

@c @implementation
public func dfns_registration_format(_ registration: OpaquePointer?, _ fmt: UnsafeMutablePointer<UnsafePointer<CChar>?>?) -> Int32 {
    borrowedString("dfns_registration_format", fmt) { () throws(BridgeError) in
        try Handle.borrow(registration, as: RegistrationBox.self, name: "registration").format
    }
}

@c @implementation
public func dfns_registration_rp_id(_ registration: OpaquePointer?, _ rp_id: UnsafeMutablePointer<UnsafePointer<CChar>?>?) -> Int32 {
    borrowedString("dfns_registration_rp_id", rp_id) { () throws(BridgeError) in
        try Handle.borrow(registration, as: RegistrationBox.self, name: "registration").rpId
    }
}

@c @implementation
public func dfns_registration_attestation_type(_ registration: OpaquePointer?, _ type: UnsafeMutablePointer<UnsafePointer<CChar>?>?) -> Int32 {
    borrowedString("dfns_registration_attestation_type", type) { () throws(BridgeError) in
        try Handle.borrow(registration, as: RegistrationBox.self, name: "registration").attestationType
    }
}

@c @implementation
public func dfns_registration_attestation_trusted(_ registration: OpaquePointer?, _ trusted: UnsafeMutablePointer<Int32>?) -> Int32 {
    scalar("dfns_registration_attestation_trusted", trusted, zero: 0) { () throws(BridgeError) in
        try Handle.borrow(registration, as: RegistrationBox.self, name: "registration").result.trust.isTrusted ? 1 : 0
    }
}

@c @implementation
public func dfns_registration_sign_count(_ registration: OpaquePointer?, _ sign_count: UnsafeMutablePointer<UInt32>?) -> Int32 {
    scalar("dfns_registration_sign_count", sign_count, zero: 0) { () throws(BridgeError) in
        try Handle.borrow(registration, as: RegistrationBox.self, name: "registration").result.signCount
    }
}

@c @implementation
public func dfns_registration_flags(_ registration: OpaquePointer?, _ flags: UnsafeMutablePointer<UInt8>?) -> Int32 {
    scalar("dfns_registration_flags", flags, zero: 0) { () throws(BridgeError) in
        try Handle.borrow(registration, as: RegistrationBox.self, name: "registration").result.flags.rawValue
    }
}

@c @implementation
public func dfns_registration_extensions(_ registration: OpaquePointer?, _ ptr: UnsafeMutablePointer<UnsafePointer<UInt8>?>?, _ len: UnsafeMutablePointer<Int>?) -> Int32 {
    borrowedBytes("dfns_registration_extensions", ptr, len) { () throws(BridgeError) in
        try Handle.borrow(registration, as: RegistrationBox.self, name: "registration").extensions
    }
}
