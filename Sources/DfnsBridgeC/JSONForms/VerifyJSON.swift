import CDfnsBridgeAPI
import DfnsWebAuthn

// Verifying toJSON() documents (include/dfns_bridge.h, "WebAuthn JSON forms"). The documents are
// read by DfnsWebAuthn (RegistrationResponseJSON, AuthenticationResponseJSON); this layer checks
// arguments and builds handles.

/// Hands `outputs` to the caller when it asked for them.
private func handOverOutputs(_ outputs: CredentialClientOutputs, to slot: UnsafeMutablePointer<OpaquePointer?>?) throws(BridgeError) {
    guard let slot else { return }
    slot.pointee = Handle.retained(try ClientOutputsBox(outputs))
}

@c @implementation
public func dfns_registration_verify_json(_ policy: OpaquePointer?, _ json: UnsafePointer<UInt8>?, _ json_len: Int, _ challenge: UnsafePointer<UInt8>?, _ challenge_len: Int, _ out: UnsafeMutablePointer<OpaquePointer?>?, _ client_outputs: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    out?.pointee = nil
    client_outputs?.pointee = nil
    return guarded("dfns_registration_verify_json") { () throws(BridgeError) in
        let out = try Arguments.output(out, "out")
        let box = try Handle.borrow(policy, as: PolicyBox.self, name: "policy")
        let document = try Arguments.bytes(json, json_len, "json")
        let challenge = try challengeBytes(challenge, challenge_len)
        let verifier = box.registrationVerifier
        let result = try verifying { () throws(WebAuthnError) in
            try verifier.verify(responseJSON: document, expectedChallenge: challenge)
        }
        let registration = try RegistrationBox(result.registration)
        try handOverOutputs(result.clientOutputs, to: client_outputs)
        out.pointee = Handle.retained(registration)
    }
}

@c @implementation
public func dfns_assertion_json_credential_id(_ json: UnsafePointer<UInt8>?, _ json_len: Int, _ credential_id: UnsafeMutablePointer<UnsafeMutablePointer<UInt8>?>?, _ credential_id_len: UnsafeMutablePointer<Int>?, _ user_handle: UnsafeMutablePointer<UnsafeMutablePointer<UInt8>?>?, _ user_handle_len: UnsafeMutablePointer<Int>?) -> Int32 {
    credential_id?.pointee = nil
    credential_id_len?.pointee = 0
    user_handle?.pointee = nil
    user_handle_len?.pointee = 0
    return guarded("dfns_assertion_json_credential_id") { () throws(BridgeError) in
        let idOut = try Arguments.output(credential_id, "credential_id")
        let idLenOut = try Arguments.output(credential_id_len, "credential_id_len")
        let handleOut = try Arguments.output(user_handle, "user_handle")
        let handleLenOut = try Arguments.output(user_handle_len, "user_handle_len")
        let document = try Arguments.bytes(json, json_len, "json")
        let response = try webAuthn { () throws(WebAuthnError) in try AuthenticationResponseJSON(json: document) }
        let id = try CMemory.handOver(response.rawId, "credential_id")
        if let handle = response.userHandle {
            guard let copy = handle.withUnsafeBytes({ CMemory.copy($0) }) else {
                dfns_free(id)
                throw .outOfMemory("\(handle.count) bytes of user_handle")
            }
            handleOut.pointee = copy
            handleLenOut.pointee = handle.count
        }
        idOut.pointee = id
        idLenOut.pointee = response.rawId.count
    }
}

@c @implementation
public func dfns_assertion_verify_json(_ policy: OpaquePointer?, _ credential: UnsafePointer<dfns_stored_credential>?, _ credential_id: UnsafePointer<UInt8>?, _ credential_id_len: Int, _ json: UnsafePointer<UInt8>?, _ json_len: Int, _ challenge: UnsafePointer<UInt8>?, _ challenge_len: Int, _ out: UnsafeMutablePointer<OpaquePointer?>?, _ client_outputs: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    out?.pointee = nil
    client_outputs?.pointee = nil
    return guarded("dfns_assertion_verify_json") { () throws(BridgeError) in
        let out = try Arguments.output(out, "out")
        let box = try Handle.borrow(policy, as: PolicyBox.self, name: "policy")
        let id = try Arguments.bytes(credential_id, credential_id_len, "credential_id")
        guard !id.isEmpty else { throw .argument("credential_id is empty") }
        let stored = try storedCredential(credential, id: id)
        let document = try Arguments.bytes(json, json_len, "json")
        let challenge = try challengeBytes(challenge, challenge_len)
        let response = try verifying { () throws(WebAuthnError) in try AuthenticationResponseJSON(json: document) }
        let verifier = box.assertionVerifier
        let result = try verifying { () throws(WebAuthnError) in
            try verifier.verify(response: response, expectedChallenge: challenge, credential: stored)
        }
        let assertion = try AssertionBox(result.assertion, authenticatorData: response.authenticatorData)
        try handOverOutputs(result.clientOutputs, to: client_outputs)
        out.pointee = Handle.retained(assertion)
    }
}
