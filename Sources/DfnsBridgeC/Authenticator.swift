import CDfnsBridgeAPI
import DfnsCrypto
import DfnsWebAuthn

// Software authenticator and its responses (include/dfns_bridge.h, "Software authenticator").

/// A `dfns_authenticator_t`. ``SoftwareAuthenticator`` locks internally, so const calls may run
/// on many threads at once.
final class AuthenticatorBox: HandleBox {
    override class var typeName: String { "dfns_authenticator_t" }
    let authenticator = SoftwareAuthenticator()
}

/// A `dfns_response_t`: the fields of a registration or assertion response, copied once.
final class ResponseBox: HandleBox {
    override class var typeName: String { "dfns_response_t" }

    /// The fields this kind of response has, keyed by dfns_response_field.
    let fields: [UInt32: CBuffer]

    init(_ registration: SoftwareAuthenticator.Registration) throws(BridgeError) {
        fields = [
            DFNS_RESPONSE_CREDENTIAL_ID.rawValue: try CBuffer(registration.credentialId),
            DFNS_RESPONSE_CLIENT_DATA_JSON.rawValue: try CBuffer(registration.clientDataJSON),
            DFNS_RESPONSE_ATTESTATION_OBJECT.rawValue: try CBuffer(registration.attestationObject),
        ]
    }

    init(_ assertion: SoftwareAuthenticator.Assertion) throws(BridgeError) {
        fields = [
            DFNS_RESPONSE_CREDENTIAL_ID.rawValue: try CBuffer(assertion.credentialId),
            DFNS_RESPONSE_CLIENT_DATA_JSON.rawValue: try CBuffer(assertion.clientDataJSON),
            DFNS_RESPONSE_AUTHENTICATOR_DATA.rawValue: try CBuffer(assertion.authenticatorData),
            DFNS_RESPONSE_SIGNATURE.rawValue: try CBuffer(assertion.signature),
            DFNS_RESPONSE_USER_HANDLE.rawValue: try CBuffer(assertion.userHandle),
        ]
    }
}

@c @implementation
public func dfns_authenticator_new(_ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    out?.pointee = nil
    return guarded("dfns_authenticator_new") { () throws(BridgeError) in
        let out = try Arguments.output(out, "out")
        out.pointee = Handle.retained(AuthenticatorBox())
    }
}

@c @implementation
public func dfns_authenticator_free(_ authenticator: UnsafeMutablePointer<OpaquePointer?>?) {
    Handle.release(authenticator, as: AuthenticatorBox.self)
}

@c @implementation
public func dfns_authenticator_register(_ authenticator: OpaquePointer?, _ rp_id: UnsafePointer<CChar>?, _ origin: UnsafePointer<CChar>?, _ challenge: UnsafePointer<UInt8>?, _ challenge_len: Int, _ alg: Int32, _ attestation: Int32, _ user_handle: UnsafePointer<UInt8>?, _ user_handle_len: Int, _ user_verified: Int32, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    out?.pointee = nil
    return guarded("dfns_authenticator_register") { () throws(BridgeError) in
        let out = try Arguments.output(out, "out")
        let box = try Handle.borrow(authenticator, as: AuthenticatorBox.self, name: "authenticator")
        let rpId = try Arguments.string(rp_id, "rp_id")
        let origin = try Arguments.string(origin, "origin")
        let challenge = try Arguments.bytes(challenge, challenge_len, "challenge")
        let userHandle = try Arguments.bytes(user_handle, user_handle_len, "user_handle")
        guard let algorithm = COSEAlgorithm(rawValue: Int64(alg)), SoftwareAuthenticator.supportedAlgorithms.contains(algorithm) else {
            throw BridgeError(DFNS_ERR_UNSUPPORTED_ALGORITHM, "alg \(alg) is not one of \(SoftwareAuthenticator.supportedAlgorithmList)")
        }
        let kind: SoftwareAuthenticator.Attestation
        switch dfns_attestation_kind(rawValue: UInt32(bitPattern: attestation)) {
        case DFNS_ATTESTATION_NONE: kind = .none
        case DFNS_ATTESTATION_PACKED_SELF: kind = .packedSelf
        default: throw .argument("attestation \(attestation) is not a dfns_attestation_kind")
        }
        let registration = try webAuthn { () throws(WebAuthnError) in
            try box.authenticator.register(rpId: rpId, origin: origin, challenge: challenge, algorithm: algorithm,
                                           attestation: kind, userHandle: userHandle, userVerified: user_verified != 0)
        }
        out.pointee = Handle.retained(try ResponseBox(registration))
    }
}

@c @implementation
public func dfns_authenticator_authenticate(_ authenticator: OpaquePointer?, _ rp_id: UnsafePointer<CChar>?, _ origin: UnsafePointer<CChar>?, _ challenge: UnsafePointer<UInt8>?, _ challenge_len: Int, _ credential_id: UnsafePointer<UInt8>?, _ credential_id_len: Int, _ user_verified: Int32, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    out?.pointee = nil
    return guarded("dfns_authenticator_authenticate") { () throws(BridgeError) in
        let out = try Arguments.output(out, "out")
        let box = try Handle.borrow(authenticator, as: AuthenticatorBox.self, name: "authenticator")
        let rpId = try Arguments.string(rp_id, "rp_id")
        let origin = try Arguments.string(origin, "origin")
        let challenge = try Arguments.bytes(challenge, challenge_len, "challenge")
        let credentialId = try Arguments.bytes(credential_id, credential_id_len, "credential_id")
        let assertion = try webAuthn { () throws(WebAuthnError) in
            try box.authenticator.authenticate(rpId: rpId, origin: origin, challenge: challenge, credentialId: credentialId,
                                               userVerified: user_verified != 0)
        }
        out.pointee = Handle.retained(try ResponseBox(assertion))
    }
}

@c @implementation
public func dfns_response_free(_ response: UnsafeMutablePointer<OpaquePointer?>?) {
    Handle.release(response, as: ResponseBox.self)
}

@c @implementation
public func dfns_response_get(_ response: OpaquePointer?, _ field: Int32, _ ptr: UnsafeMutablePointer<UnsafePointer<UInt8>?>?, _ len: UnsafeMutablePointer<Int>?) -> Int32 {
    borrowedBytes("dfns_response_get", ptr, len) { () throws(BridgeError) in
        let box = try Handle.borrow(response, as: ResponseBox.self, name: "response")
        guard (DFNS_RESPONSE_CREDENTIAL_ID.rawValue...DFNS_RESPONSE_USER_HANDLE.rawValue).contains(UInt32(bitPattern: field)) else {
            throw .argument("field \(field) is not a dfns_response_field")
        }
        guard let buffer = box.fields[UInt32(bitPattern: field)] else {
            throw BridgeError(DFNS_ERR_NOT_FOUND, "field \(field) does not exist in this kind of response")
        }
        return buffer
    }
}
