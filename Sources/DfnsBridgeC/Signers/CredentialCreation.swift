import CDfnsBridgeAPI
import DfnsClient
import DfnsEncoding

// dfns_fido2_credential_create and dfns_signer_sign_recovery (include/dfns_bridge.h, "Signers and
// Dfns cryptography"): the device's side of registration and recovery, the two ceremonies whose
// signed bytes are not a user-action challenge.

@c @implementation
public func dfns_fido2_credential_create(_ authenticator: OpaquePointer?, _ rp_id: UnsafePointer<CChar>?, _ origin: UnsafePointer<CChar>?, _ challenge_json: UnsafePointer<CChar>?, _ credential_name: UnsafePointer<CChar>?, _ credential_json: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?, _ signer: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    credential_json?.pointee = nil
    signer?.pointee = nil
    return guarded("dfns_fido2_credential_create") { () throws(BridgeError) in
        let out = try Arguments.output(credential_json, "credential_json")
        let box = try Handle.borrow(authenticator, as: AuthenticatorBox.self, name: "authenticator")
        let rpId = try Arguments.string(rp_id, "rp_id")
        let origin = try Arguments.string(origin, "origin")
        let challenge = try Arguments.jsonObject(challenge_json, "challenge_json", limit: ChallengeInput.maxLength).value
        let name = try SignerMaterial.optionalString(credential_name, "credential_name")
        let (created, passkey) = try signerCall { () throws(SignerError) -> (Fido2Attestation, WebAuthnSigner?) in
            let created = try Fido2Attestation(challenge: challenge, authenticator: box.authenticator, rpId: rpId, origin: origin,
                                               credentialName: name)
            return (created, signer == nil ? nil : try created.signer(on: box.authenticator))
        }
        let text = try CString.handOver(JSONWriter.string(created.jsonValue), "the credential")
        out.pointee = text
        if let signer, let passkey { hand(passkey, to: signer) }
    }
}

@c @implementation
public func dfns_signer_sign_recovery(_ signer: OpaquePointer?, _ new_credentials_json: UnsafePointer<CChar>?, _ recovery_json: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    recovery_json?.pointee = nil
    return guarded("dfns_signer_sign_recovery") { () throws(BridgeError) in
        let out = try Arguments.output(recovery_json, "recovery_json")
        let box = try Handle.borrow(signer, as: SignerBox.self, name: "signer")
        guard let recovery = box.signer as? UnwrappedKeySigner, recovery.kind == RecoveryKey.credentialKind else {
            throw BridgeError(DFNS_ERR_UNSUPPORTED, "only a recovery key signer (dfns_signer_new_recovery_key) signs a recovery")
        }
        let newCredentials = try Arguments.jsonObject(new_credentials_json, "new_credentials_json",
                                                      limit: ChallengeInput.maxLength).value
        let challenge = RecoveryAPI.recoveryChallenge(for: newCredentials)
        let assertion = try signerCall { () throws(SignerError) -> JSONValue in
            try KeySigner(credential: recovery.credential).sign(challenge: challenge, allowedCredentialIds: nil)
                .jsonValue(kind: RecoveryKey.credentialKind)
        }
        out.pointee = try CString.handOver(JSONWriter.string(assertion), "the recovery")
    }
}
