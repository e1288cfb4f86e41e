#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CDfnsBridgeAPI
import DfnsClient
import DfnsCrypto
import DfnsEncoding

// Key generation, password-protected key envelopes, recovery codes and recovery keys
// (include/dfns_bridge.h, "Signers and Dfns cryptography").

/// Secret outputs written straight into the `malloc`ed buffer handed to the caller, so that no
/// Swift `String` or array copy of the secret outlives the call.
enum SecretOutput {
    private static let alphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// The PEM block of `der` under `label` (64-character lines, `\n`, a final newline), NUL-terminated.
    static func pem(_ der: SecretBytes, label: String) throws(BridgeError) -> UnsafeMutablePointer<CChar> {
        let header = Array("-----BEGIN \(label)-----\n".utf8)
        let footer = Array("-----END \(label)-----\n".utf8)
        let base64Length = (der.count + 2) / 3 * 4
        let newlines = (base64Length + 63) / 64
        let total = header.count + base64Length + newlines + footer.count + 1
        guard let raw = malloc(total) else { throw .outOfMemory("\(total) bytes") }
        let out = raw.bindMemory(to: UInt8.self, capacity: total)
        var index = 0
        func emit(_ byte: UInt8) {
            out[index] = byte
            index += 1
        }
        for byte in header { emit(byte) }
        der.withUnsafeBytes { source in
            var column = 0
            func emitEncoded(_ character: UInt8) {
                emit(character)
                column += 1
                if column == 64 {
                    emit(UInt8(ascii: "\n"))
                    column = 0
                }
            }
            var offset = 0
            while offset < source.count {
                let available = min(3, source.count - offset)
                let b0 = source[offset]
                let b1: UInt8 = available > 1 ? source[offset + 1] : 0
                let b2: UInt8 = available > 2 ? source[offset + 2] : 0
                // Emitted one by one: no array of the secret's base64 characters is ever allocated
                // (it would be freed unwiped).
                emitEncoded(alphabet[Int(b0 >> 2)])
                emitEncoded(alphabet[Int((b0 & 0x03) << 4 | b1 >> 4)])
                emitEncoded(available > 1 ? alphabet[Int((b1 & 0x0F) << 2 | b2 >> 6)] : UInt8(ascii: "="))
                emitEncoded(available > 2 ? alphabet[Int(b2 & 0x3F)] : UInt8(ascii: "="))
                offset += 3
            }
            if column > 0 { emit(UInt8(ascii: "\n")) }
        }
        for byte in footer { emit(byte) }
        emit(0)
        return raw.bindMemory(to: CChar.self, capacity: total)
    }

    /// A NUL-terminated copy of `secret`.
    static func text(_ secret: SecretBytes) throws(BridgeError) -> UnsafeMutablePointer<CChar> {
        guard let copy = secret.withUnsafeBytes({ CMemory.copy($0) }) else { throw .outOfMemory("\(secret.count + 1) bytes") }
        return UnsafeMutableRawPointer(copy).assumingMemoryBound(to: CChar.self)
    }

    /// Wipes and frees a secret C string.
    static func release(_ pointer: UnsafeMutablePointer<CChar>?) {
        guard let pointer else { return }
        explicit_bzero(pointer, strlen(pointer))
        free(pointer)
    }
}

@c @implementation
public func dfns_key_generate(_ key_kind: Int32, _ rsa_bits: Int32, _ private_key_pem: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?, _ public_key_pem: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?, _ credential_id: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    private_key_pem?.pointee = nil
    public_key_pem?.pointee = nil
    credential_id?.pointee = nil
    return guarded("dfns_key_generate") { () throws(BridgeError) in
        let privateOut = try Arguments.output(private_key_pem, "private_key_pem")
        let kind = try SignerMaterial.keyKind(key_kind, "key_kind")
        // Ignored for other kinds; for RSA, 0 is 2048 and KeyCredential.generate checks the range.
        let bits = rsa_bits == 0 ? KeyCredentialKind.minimumRSABits : Int(rsa_bits)
        let credential = try signerCall { () throws(SignerError) in try KeyCredential.generate(kind, rsaBits: bits) }
        let der = try signerCall { () throws(SignerError) in try credential.privateKeyPKCS8DER() }
        let privatePEM = try SecretOutput.pem(der, label: "PRIVATE KEY")
        var publicPEM: UnsafeMutablePointer<CChar>? = nil
        var id: UnsafeMutablePointer<CChar>? = nil
        do throws(BridgeError) {
            if public_key_pem != nil { publicPEM = try CString.handOver(credential.publicKeyPEM, "the public key") }
            if credential_id != nil { id = try CString.handOver(credential.credentialId, "the credential id") }
        } catch {
            SecretOutput.release(privatePEM)
            free(publicPEM)
            free(id)
            throw error
        }
        privateOut.pointee = privatePEM
        public_key_pem?.pointee = publicPEM
        credential_id?.pointee = id
    }
}

@c @implementation
public func dfns_password_protected_key_wrap(_ private_key: UnsafePointer<UInt8>?, _ private_key_len: Int, _ password: UnsafePointer<UInt8>?, _ password_len: Int, _ username: UnsafePointer<CChar>?, _ encrypted_private_key: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    encrypted_private_key?.pointee = nil
    return guarded("dfns_password_protected_key_wrap") { () throws(BridgeError) in
        let out = try Arguments.output(encrypted_private_key, "encrypted_private_key")
        let username = try Arguments.string(username, "username")
        let secret = try SignerMaterial.secret(password, password_len, "password")
        let credential = try SignerMaterial.keyCredential(private_key, private_key_len, "private_key", credentialId: nil)
        let envelope = try signerCall { () throws(SignerError) in
            try PasswordProtectedKey.wrap(credential, password: secret, username: username)
        }
        out.pointee = try CString.handOver(envelope.encryptedPrivateKey, "the envelope")
    }
}

@c @implementation
public func dfns_password_protected_key_unwrap(_ encrypted_private_key: UnsafePointer<CChar>?, _ password: UnsafePointer<UInt8>?, _ password_len: Int, _ username: UnsafePointer<CChar>?, _ private_key_pem: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    private_key_pem?.pointee = nil
    return guarded("dfns_password_protected_key_unwrap") { () throws(BridgeError) in
        let out = try Arguments.output(private_key_pem, "private_key_pem")
        let envelopeText = try Arguments.string(encrypted_private_key, "encrypted_private_key")
        let username = try Arguments.string(username, "username")
        let secret = try SignerMaterial.secret(password, password_len, "password")
        let der = try signerCall { () throws(SignerError) in
            let envelope = try PasswordProtectedKey(encryptedPrivateKey: envelopeText)
            return try envelope.unwrap(password: secret, username: username).privateKeyPKCS8DER()
        }
        out.pointee = try SecretOutput.pem(der, label: "PRIVATE KEY")
    }
}

@c @implementation
public func dfns_password_protected_key_create(_ challenge: UnsafePointer<CChar>?, _ password: UnsafePointer<UInt8>?, _ password_len: Int, _ username: UnsafePointer<CChar>?, _ credential_name: UnsafePointer<CChar>?, _ credential_json: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    credential_json?.pointee = nil
    return guarded("dfns_password_protected_key_create") { () throws(BridgeError) in
        let out = try Arguments.output(credential_json, "credential_json")
        let challenge = try Arguments.string(challenge, "challenge")
        let username = try Arguments.string(username, "username")
        let name = try SignerMaterial.optionalString(credential_name, "credential_name")
        let secret = try SignerMaterial.secret(password, password_len, "password")
        let created = try signerCall { () throws(SignerError) in
            try PasswordProtectedKey.createCredential(challenge: challenge, password: secret, username: username,
                                                      credentialName: name)
        }
        out.pointee = try CString.handOver(JSONWriter.string(created.attestation.jsonValue), "the credential")
    }
}

@c @implementation
public func dfns_recovery_code_generate(_ recovery_code: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    recovery_code?.pointee = nil
    return guarded("dfns_recovery_code_generate") { () throws(BridgeError) in
        let out = try Arguments.output(recovery_code, "recovery_code")
        let code = try signerCall { () throws(SignerError) in try RecoveryCode.generate() }
        out.pointee = try SecretOutput.text(code.secret)
    }
}

@c @implementation
public func dfns_recovery_key_create(_ challenge: UnsafePointer<CChar>?, _ recovery_code: UnsafePointer<UInt8>?, _ recovery_code_len: Int, _ username: UnsafePointer<CChar>?, _ credential_name: UnsafePointer<CChar>?, _ credential_json: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    credential_json?.pointee = nil
    return guarded("dfns_recovery_key_create") { () throws(BridgeError) in
        let out = try Arguments.output(credential_json, "credential_json")
        let challenge = try Arguments.string(challenge, "challenge")
        let username = try Arguments.string(username, "username")
        let name = try SignerMaterial.optionalString(credential_name, "credential_name")
        let secret = try SignerMaterial.secret(recovery_code, recovery_code_len, "recovery_code")
        let created = try signerCall { () throws(SignerError) in
            let code = try RecoveryCode(validating: secret)
            return try RecoveryKey.createCredential(challenge: challenge, recoveryCode: code, username: username,
                                                    credentialName: name)
        }
        out.pointee = try CString.handOver(JSONWriter.string(created.attestation.jsonValue), "the credential")
    }
}
