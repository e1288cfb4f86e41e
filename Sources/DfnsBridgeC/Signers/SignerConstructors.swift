import CDfnsBridgeAPI
import DfnsClient
import DfnsCrypto
import DfnsEncoding
import DfnsWebAuthn

// Signer handles (include/dfns_bridge.h, "Signers and Dfns cryptography"): constructors, free,
// credential id.

/// The host's `dfns_sign_fn` as an ``ExternalSigner``. The C function and its `user` pointer are
/// immutable; whether concurrent calls are safe is the host's contract (documented in the header).
final class CallbackSigningBackend: ExternalSigner, @unchecked Sendable {
    let function: dfns_sign_fn
    let user: UnsafeMutableRawPointer?
    let freeUser: dfns_user_free_fn?
    /// Set once the signer is handed to the caller: from then on `user` is released with the
    /// backend. A constructor that fails leaves `user` to the caller.
    private var ownsUser = false

    init(function: dfns_sign_fn, user: UnsafeMutableRawPointer?, freeUser: dfns_user_free_fn?) {
        self.function = function
        self.user = user
        self.freeUser = freeUser
    }

    /// Takes ownership of `user` (called before any other thread can see the backend).
    func adoptUser() { ownsUser = true }

    deinit {
        if ownsUser, let freeUser { freeUser(user) }
    }

    /// A failure the callback reported or a broken contract; the text names only numbers.
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    func sign(_ message: [UInt8], keyKind: KeyCredentialKind) throws -> [UInt8] {
        let capacity = Int(DFNS_SIGNATURE_CAPACITY)
        var buffer = [UInt8](repeating: 0, count: capacity)
        var length = 0
        let kind = SignerMaterial.cValue(keyKind)
        let result: Int32? = message.withUnsafeBufferPointer { messageBuffer -> Int32? in
            guard let messageBase = messageBuffer.baseAddress else { return nil }
            return buffer.withUnsafeMutableBufferPointer { signatureBuffer -> Int32? in
                guard let signatureBase = signatureBuffer.baseAddress else { return nil }
                return withUnsafeMutablePointer(to: &length) { lengthPointer in
                    function(user, kind, messageBase, messageBuffer.count, signatureBase, capacity, lengthPointer)
                }
            }
        }
        guard let result else { throw Failure(description: "nothing to sign") }
        guard result == 0 else { throw Failure(description: "the signing callback returned \(result)") }
        // size_t values above Int.max arrive negative.
        guard length >= 0, length <= capacity else {
            throw Failure(description: "the signing callback reported \(UInt(bitPattern: length)) bytes, more than the \(capacity)-byte buffer")
        }
        return Array(buffer[0..<length])
    }
}

/// Writes a new signer handle for `signer` to `out`.
func hand(_ signer: any UserActionSigner, to out: UnsafeMutablePointer<OpaquePointer?>) {
    out.pointee = Handle.retained(SignerBox(signer))
}

@c @implementation
public func dfns_signer_new_key(_ private_key: UnsafePointer<UInt8>?, _ private_key_len: Int, _ credential_id: UnsafePointer<CChar>?, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    out?.pointee = nil
    return guarded("dfns_signer_new_key") { () throws(BridgeError) in
        let out = try Arguments.output(out, "out")
        let credentialId = try SignerMaterial.optionalString(credential_id, "credential_id")
        let credential = try SignerMaterial.keyCredential(private_key, private_key_len, "private_key", credentialId: credentialId)
        hand(KeySigner(credential: credential), to: out)
    }
}

@c @implementation
public func dfns_signer_new_external(_ credential_id: UnsafePointer<CChar>?, _ public_key: UnsafePointer<UInt8>?, _ public_key_len: Int, _ sign: dfns_sign_fn?, _ user: UnsafeMutableRawPointer?, _ free_user: dfns_user_free_fn?, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    out?.pointee = nil
    return guarded("dfns_signer_new_external") { () throws(BridgeError) in
        let out = try Arguments.output(out, "out")
        guard let sign else { throw .argument("sign is NULL") }
        let credentialId = try Arguments.string(credential_id, "credential_id")
        let key = try SignerMaterial.publicKey(public_key, public_key_len, "public_key")
        let kind = try signerCall { () throws(SignerError) in try KeyCredentialKind(publicKey: key) }
        let backend = CallbackSigningBackend(function: sign, user: user, freeUser: free_user)
        let signer = try signerCall { () throws(SignerError) in
            try ExternalKeySigner(credentialId: credentialId, keyKind: kind, publicKey: key, backend: backend)
        }
        backend.adoptUser()
        hand(signer, to: out)
    }
}

@c @implementation
public func dfns_signer_new_webauthn(_ authenticator: OpaquePointer?, _ rp_id: UnsafePointer<CChar>?, _ origin: UnsafePointer<CChar>?, _ credential_id: UnsafePointer<UInt8>?, _ credential_id_len: Int, _ user_verified: Int32, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    out?.pointee = nil
    return guarded("dfns_signer_new_webauthn") { () throws(BridgeError) in
        let out = try Arguments.output(out, "out")
        let box = try Handle.borrow(authenticator, as: AuthenticatorBox.self, name: "authenticator")
        let rpId = try Arguments.string(rp_id, "rp_id")
        let origin = try Arguments.string(origin, "origin")
        let credentialId = try Arguments.bytes(credential_id, credential_id_len, "credential_id")
        guard !credentialId.isEmpty else { throw .argument("credential_id is empty") }
        guard let state = box.authenticator.exportCredential(credentialId), state.rpId == rpId else {
            throw BridgeError(DFNS_ERR_NOT_FOUND, "the authenticator holds no credential with this id for rp_id \(rpId)")
        }
        let signer = try signerCall { () throws(SignerError) in
            try WebAuthnSigner(authenticator: box.authenticator, credentialId: credentialId, rpId: rpId, origin: origin,
                               userVerified: user_verified != 0)
        }
        hand(signer, to: out)
    }
}

@c @implementation
public func dfns_signer_new_password_protected_key(_ encrypted_private_key: UnsafePointer<CChar>?, _ password: UnsafePointer<UInt8>?, _ password_len: Int, _ username: UnsafePointer<CChar>?, _ credential_id: UnsafePointer<CChar>?, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    out?.pointee = nil
    return guarded("dfns_signer_new_password_protected_key") { () throws(BridgeError) in
        let out = try Arguments.output(out, "out")
        let envelopeText = try Arguments.string(encrypted_private_key, "encrypted_private_key")
        let username = try Arguments.string(username, "username")
        let credentialId = try SignerMaterial.optionalString(credential_id, "credential_id")
        let secret = try SignerMaterial.secret(password, password_len, "password")
        let credential = try signerCall { () throws(SignerError) in
            let envelope = try PasswordProtectedKey(encryptedPrivateKey: envelopeText)
            return try envelope.unwrap(password: secret, username: username, credentialId: credentialId)
        }
        hand(UnwrappedKeySigner.passwordProtected(credential), to: out)
    }
}

@c @implementation
public func dfns_signer_new_recovery_key(_ encrypted_recovery_key: UnsafePointer<CChar>?, _ recovery_code: UnsafePointer<UInt8>?, _ recovery_code_len: Int, _ username: UnsafePointer<CChar>?, _ credential_id: UnsafePointer<CChar>?, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    out?.pointee = nil
    return guarded("dfns_signer_new_recovery_key") { () throws(BridgeError) in
        let out = try Arguments.output(out, "out")
        let envelopeText = try Arguments.string(encrypted_recovery_key, "encrypted_recovery_key")
        let username = try Arguments.string(username, "username")
        let credentialId = try SignerMaterial.optionalString(credential_id, "credential_id")
        let secret = try SignerMaterial.secret(recovery_code, recovery_code_len, "recovery_code")
        let credential = try signerCall { () throws(SignerError) in
            let code = try RecoveryCode(validating: secret)
            let envelope = try PasswordProtectedKey(encryptedPrivateKey: envelopeText)
            return try envelope.unwrap(password: code.secret, username: username, credentialId: credentialId)
        }
        hand(UnwrappedKeySigner.recovery(credential), to: out)
    }
}

@c @implementation
public func dfns_signer_free(_ signer: UnsafeMutablePointer<OpaquePointer?>?) {
    Handle.release(signer, as: SignerBox.self)
}

@c @implementation
public func dfns_signer_credential_id(_ signer: OpaquePointer?, _ credential_id: UnsafeMutablePointer<UnsafePointer<CChar>?>?) -> Int32 {
    borrowedString("dfns_signer_credential_id", credential_id) { () throws(BridgeError) -> CString in
        try Handle.borrow(signer, as: SignerBox.self, name: "signer").credentialId()
    }
}
