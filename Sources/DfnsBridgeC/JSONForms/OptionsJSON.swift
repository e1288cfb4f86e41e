import CDfnsBridgeAPI
import DfnsClient
import DfnsEncoding
import DfnsProtocol
import DfnsWebAuthn

// Options JSON out (include/dfns_bridge.h, "WebAuthn JSON forms"): from a policy and per-ceremony
// inputs (RelyingPartyPolicy+Options), and from Dfns challenges (DfnsClient.DfnsChallengeOptions).

@c @implementation
public func dfns_creation_options_json(_ policy: OpaquePointer?, _ inputs: UnsafePointer<dfns_creation_options_inputs>?, _ json: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?, _ challenge: UnsafeMutablePointer<UnsafeMutablePointer<UInt8>?>?, _ challenge_len: UnsafeMutablePointer<Int>?) -> Int32 {
    json?.pointee = nil
    challenge?.pointee = nil
    challenge_len?.pointee = 0
    return guarded("dfns_creation_options_json") { () throws(BridgeError) in
        let json = try Arguments.output(json, "json")
        let box = try Handle.borrow(policy, as: PolicyBox.self, name: "policy")
        let i = try OptionsInputs.read(inputs, "inputs")
        guard let rpName = try OptionsInputs.optionalString(i.rp_name, "inputs->rp_name") else { throw .argument("inputs->rp_name is NULL") }
        guard let userName = try OptionsInputs.optionalString(i.user_name, "inputs->user_name") else { throw .argument("inputs->user_name is NULL") }
        let displayName = try OptionsInputs.optionalString(i.user_display_name, "inputs->user_display_name", allowEmpty: true) ?? ""
        let userId = try Arguments.bytes(i.user_id, i.user_id_len, "inputs->user_id")
        var ceremony = RegistrationOptionsInputs(rpName: rpName, userId: userId, userName: userName, userDisplayName: displayName)
        ceremony.challenge = try OptionsInputs.challenge(i.challenge, i.challenge_len)
        ceremony.excludeCredentials = try OptionsInputs.descriptors(i.exclude_credentials, i.exclude_credential_count, "inputs->exclude_credentials")
        ceremony.attestation = try OptionsInputs.enumeration(i.attestation, "inputs->attestation", AttestationConveyancePreference.self) ?? .none
        ceremony.residentKey = try OptionsInputs.enumeration(i.resident_key, "inputs->resident_key", ResidentKeyRequirement.self)
        ceremony.authenticatorAttachment = try OptionsInputs.enumeration(i.authenticator_attachment, "inputs->authenticator_attachment", AuthenticatorAttachment.self)
        ceremony.userVerification = try OptionsInputs.enumeration(i.user_verification, "inputs->user_verification", UserVerificationRequirement.self)
        ceremony.hints = try OptionsInputs.hints(i.hints, i.hint_count, "inputs->hints")
        ceremony.extensions.credProps = i.cred_props != 0
        ceremony.extensions.appidExclude = try OptionsInputs.optionalString(i.appid_exclude, "inputs->appid_exclude")
        ceremony.extensions.other = try OptionsInputs.extensions(i.extensions_json, "inputs->extensions_json")
        ceremony.timeout = i.timeout_ms == 0 ? nil : i.timeout_ms
        let rpPolicy = box.registrationVerifier.policy
        let options = try webAuthn { () throws(WebAuthnError) in try rpPolicy.creationOptions(ceremony) }
        try handOverOptions(options.text, options.challenge, json, challenge, challenge_len)
    }
}

@c @implementation
public func dfns_request_options_json(_ policy: OpaquePointer?, _ inputs: UnsafePointer<dfns_request_options_inputs>?, _ json: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?, _ challenge: UnsafeMutablePointer<UnsafeMutablePointer<UInt8>?>?, _ challenge_len: UnsafeMutablePointer<Int>?) -> Int32 {
    json?.pointee = nil
    challenge?.pointee = nil
    challenge_len?.pointee = 0
    return guarded("dfns_request_options_json") { () throws(BridgeError) in
        let json = try Arguments.output(json, "json")
        let box = try Handle.borrow(policy, as: PolicyBox.self, name: "policy")
        let i = try OptionsInputs.read(inputs, "inputs")
        var ceremony = AuthenticationOptionsInputs()
        ceremony.challenge = try OptionsInputs.challenge(i.challenge, i.challenge_len)
        ceremony.allowCredentials = try OptionsInputs.descriptors(i.allow_credentials, i.allow_credential_count, "inputs->allow_credentials")
        ceremony.userVerification = try OptionsInputs.enumeration(i.user_verification, "inputs->user_verification", UserVerificationRequirement.self)
        ceremony.hints = try OptionsInputs.hints(i.hints, i.hint_count, "inputs->hints")
        ceremony.extensions.appid = try OptionsInputs.optionalString(i.appid, "inputs->appid")
        ceremony.extensions.other = try OptionsInputs.extensions(i.extensions_json, "inputs->extensions_json")
        ceremony.timeout = i.timeout_ms == 0 ? nil : i.timeout_ms
        let rpPolicy = box.assertionVerifier.policy
        let options = try webAuthn { () throws(WebAuthnError) in try rpPolicy.requestOptions(ceremony) }
        try handOverOptions(options.text, options.challenge, json, challenge, challenge_len)
    }
}

/// The largest Dfns challenge document accepted.
private let maxChallengeJSON = 1 << 20

/// Runs a Dfns challenge conversion, its shape errors as DFNS_ERR_INVALID_ARGUMENT.
private func converting<T>(_ body: () throws(WireShapeError) -> T) throws(BridgeError) -> T {
    do {
        return try body()
    } catch {
        throw .argument("challenge_json: \(error.description)")
    }
}

@c @implementation
public func dfns_user_action_challenge_request_options(_ challenge_json: UnsafePointer<CChar>?, _ rp_id: UnsafePointer<CChar>?, _ timeout_ms: UInt32, _ json: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    json?.pointee = nil
    return guarded("dfns_user_action_challenge_request_options") { () throws(BridgeError) in
        let json = try Arguments.output(json, "json")
        let document = try Arguments.jsonObject(challenge_json, "challenge_json", limit: maxChallengeJSON).value
        let rpId = try OptionsInputs.optionalString(rp_id, "rp_id")
        let options = try converting { () throws(WireShapeError) in
            try DfnsChallengeOptions.requestOptions(userActionChallenge: document, rpId: rpId, timeout: timeout_ms == 0 ? nil : timeout_ms)
        }
        json.pointee = try CString.handOver(options.text, "the options JSON")
    }
}

@c @implementation
public func dfns_registration_challenge_creation_options(_ challenge_json: UnsafePointer<CChar>?, _ rp_id: UnsafePointer<CChar>?, _ rp_name: UnsafePointer<CChar>?, _ timeout_ms: UInt32, _ json: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    json?.pointee = nil
    return guarded("dfns_registration_challenge_creation_options") { () throws(BridgeError) in
        let json = try Arguments.output(json, "json")
        let document = try Arguments.jsonObject(challenge_json, "challenge_json", limit: maxChallengeJSON).value
        let rpId = try OptionsInputs.optionalString(rp_id, "rp_id")
        let rpName = try OptionsInputs.optionalString(rp_name, "rp_name")
        let options = try converting { () throws(WireShapeError) in
            try DfnsChallengeOptions.creationOptions(registrationChallenge: document, rpId: rpId, rpName: rpName,
                                                     timeout: timeout_ms == 0 ? nil : timeout_ms)
        }
        json.pointee = try CString.handOver(options.text, "the options JSON")
    }
}
