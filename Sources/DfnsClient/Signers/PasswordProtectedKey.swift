import DfnsCrypto
import DfnsEncoding

/// The encrypted private key (`encryptedPrivateKey`, `encryptedRecoveryKey`) of PasswordProtectedKey
/// and RecoveryKey credentials, as the TypeScript browser SDK produces it
/// (reference/dfns-protocol.md §3.6):
///
/// - salt = SHA-256(UTF-8(lower-case(trim(username)))), 32 bytes;
/// - KEK = PBKDF2-HMAC-SHA256(UTF-8 password, salt, 100 000 iterations), 32 bytes (AES-256);
/// - IV = 16 random bytes;
/// - wrapped key = AES-256-GCM(KEK, IV, PKCS#8 DER of the private key), no AAD, 16-byte tag appended;
/// - `encryptedPrivateKey` = standard base64 of the compact JSON `{"iv":"<base64>","key":"<base64>"}`.
///
/// Dfns stores the envelope and returns it in challenges; it never sees the password. Passwords
/// (and recovery codes) are taken as `SecretBytes` and every intermediate copy (KEK, password bytes,
/// PKCS#8) is wiped after use.
public struct PasswordProtectedKey: Sendable, Equatable, CustomStringConvertible {
    /// `credentialKind` and assertion `kind` of a password-protected key credential.
    public static let credentialKind = "PasswordProtectedKey"
    /// PBKDF2 iterations.
    public static let iterations = 100_000
    /// The IV length the SDK generates (16 bytes, not GCM's usual 12).
    public static let ivLength = 16

    /// The AES-GCM IV.
    public let iv: [UInt8]
    /// The AES-GCM ciphertext of the PKCS#8 DER followed by the 16-byte tag.
    public let wrappedKey: [UInt8]
    /// The envelope as sent to (or received from) Dfns: the exact text given to
    /// ``init(encryptedPrivateKey:)``, or the one ``wrap(_:password:username:iv:)`` wrote.
    public let encryptedPrivateKey: String

    /// Reads an envelope: standard base64 of a JSON object with exactly the string members `iv`
    /// and `key` (standard base64), in either order (older SDKs wrote `{"key":…,"iv":…}`).
    ///
    /// - Throws: ``SignerError/malformedEnvelope(_:)``.
    public init(encryptedPrivateKey: String) throws(SignerError) {
        let json: [UInt8]
        do {
            json = try Base64.decode(encryptedPrivateKey)
        } catch {
            throw .malformedEnvelope("not standard base64: \(error.message)")
        }
        let value: JSONValue
        do {
            value = try JSONParser().parse(json)
        } catch {
            throw .malformedEnvelope("not JSON: \(error.description)")
        }
        guard case .object(let members) = value else {
            throw .malformedEnvelope("expected a JSON object, found \(value.typeName)")
        }
        guard members.count == 2, case .string(let ivText)? = value["iv"], case .string(let keyText)? = value["key"] else {
            throw .malformedEnvelope("expected exactly the string members \"iv\" and \"key\"")
        }
        let iv: [UInt8]
        let wrapped: [UInt8]
        do {
            iv = try Base64.decode(ivText)
            wrapped = try Base64.decode(keyText)
        } catch {
            throw .malformedEnvelope("iv or key is not standard base64: \(error.message)")
        }
        guard AESGCM.ivLengths.contains(iv.count) else {
            throw .malformedEnvelope("IV of \(iv.count) bytes")
        }
        guard wrapped.count > AESGCM.tagLength else {
            throw .malformedEnvelope("wrapped key of \(wrapped.count) bytes is too short")
        }
        self.iv = iv
        self.wrappedKey = wrapped
        self.encryptedPrivateKey = encryptedPrivateKey
    }

    /// An envelope from its parts (written as `{"iv":…,"key":…}`).
    private init(iv: [UInt8], wrappedKey: [UInt8]) {
        self.iv = iv
        self.wrappedKey = wrappedKey
        let json = JSONWriter.bytes(.object([
            ("iv", .string(Base64.encode(iv))),
            ("key", .string(Base64.encode(wrappedKey))),
        ]))
        self.encryptedPrivateKey = Base64.encode(json)
    }

    // MARK: - Wrapping

    /// Encrypts the private key of a P-256 `credential` (the only key type these credentials use)
    /// under `password` and `username`.
    ///
    /// - Parameters:
    ///   - iv: the 16-byte IV; nil draws it from the CSPRNG. Pass one only for known-answer tests:
    ///     reusing an IV with the same password and username breaks AES-GCM.
    /// - Throws: ``SignerError/unsupportedKeyType(_:)`` for a key other than P-256,
    ///   ``SignerError/invalidArgument(_:)`` for an empty password or username or a wrong IV
    ///   length, ``SignerError/cryptoFailure(_:)``.
    public static func wrap(_ credential: KeyCredential, password: SecretBytes, username: String,
                            iv: [UInt8]? = nil) throws(SignerError) -> PasswordProtectedKey {
        guard credential.kind == .p256 else {
            throw .unsupportedKeyType("password-protected and recovery keys are P-256, not \(credential.kind.rawValue)")
        }
        let chosenIV: [UInt8]
        if let iv {
            guard iv.count == ivLength else { throw .invalidArgument("the IV must be \(ivLength) bytes, got \(iv.count)") }
            chosenIV = iv
        } else {
            do {
                chosenIV = try SecureRandom.bytes(ivLength)
            } catch {
                throw .cryptoFailure("random IV: \(error.description)")
            }
        }
        let kek = try keyEncryptionKey(password: password, username: username)
        let pkcs8 = try credential.privateKeyPKCS8DER()
        do {
            let sealed = try AESGCM.seal(key: kek, iv: chosenIV, plaintext: pkcs8)
            return PasswordProtectedKey(iv: chosenIV, wrappedKey: sealed)
        } catch {
            throw .cryptoFailure("AES-GCM: \(error.description)")
        }
    }

    /// Decrypts the envelope with `password` and `username` and loads the key as a credential.
    ///
    /// - Parameter credentialId: the credential's id (from `allowCredentials.passwordProtectedKey`
    ///   or `allowedRecoveryCredentials`); nil derives it from the public key (§3.6, newest SDKs).
    /// - Throws: ``SignerError/wrongPasswordOrCorruptedEnvelope`` when the tag does not authenticate
    ///   or the plaintext is not a private key (the two are not told apart);
    ///   ``SignerError/invalidArgument(_:)`` for an empty password or username;
    ///   ``SignerError/unsupportedKeyType(_:)`` for a decrypted key of a type a Key credential
    ///   cannot have.
    public func unwrap(password: SecretBytes, username: String, credentialId: String? = nil) throws(SignerError) -> KeyCredential {
        let kek = try PasswordProtectedKey.keyEncryptionKey(password: password, username: username)
        let plaintext: SecretBytes
        do {
            plaintext = try AESGCM.open(key: kek, iv: iv, ciphertext: wrappedKey)
        } catch {
            throw .wrongPasswordOrCorruptedEnvelope
        }
        var der = plaintext.copyBytes()
        defer { zeroize(&der) }
        let key: PrivateKey
        do {
            key = try PrivateKey(pkcs8DER: der)
        } catch {
            throw .wrongPasswordOrCorruptedEnvelope
        }
        return try KeyCredential(privateKey: key, credentialId: credentialId)
    }

    /// Decrypts the envelope and signs `challenge` with the key (a `key.get` assertion, P-256,
    /// SHA-256, DER; §2.6). Send it with ``KeyAssertion/jsonValue(kind:)`` and
    /// ``credentialKind`` (the documented kind; the newest TypeScript SDK sends `Key`).
    ///
    /// - Parameters:
    ///   - allowedCredentialIds: as for ``KeySigner/sign(challenge:allowedCredentialIds:)``.
    public func sign(challenge: String, allowedCredentialIds: [String]?, password: SecretBytes, username: String,
                     credentialId: String) throws(SignerError) -> KeyAssertion {
        try KeySigner.checkAllowed(credentialId, challenge: challenge, allowed: allowedCredentialIds)
        let credential = try unwrap(password: password, username: username, credentialId: credentialId)
        return try KeySigner(credential: credential).sign(challenge: challenge, allowedCredentialIds: allowedCredentialIds)
    }

    // MARK: - Creating a credential

    /// Generates a new P-256 key, wraps it under `password` and `username`, and attests it for the
    /// registration/credential `challenge` as a `PasswordProtectedKey` credential with its
    /// `encryptedPrivateKey`. The returned credential is for immediate use; the envelope is what
    /// Dfns keeps.
    public static func createCredential(challenge: String, password: SecretBytes, username: String,
                                        credentialName: String? = nil)
        throws(SignerError) -> (credential: KeyCredential, envelope: PasswordProtectedKey, attestation: KeyAttestation)
    {
        let credential = try KeyCredential.generate(.p256)
        let envelope = try wrap(credential, password: password, username: username)
        let attestation = try KeyAttestation(credential: credential, challenge: challenge, credentialName: credentialName,
                                             credentialKind: credentialKind,
                                             encryptedPrivateKey: envelope.encryptedPrivateKey)
        return (credential, envelope, attestation)
    }

    // MARK: - Key derivation

    /// The username as it is salted: surrounding white space removed (as JavaScript's `trim`:
    /// Unicode white space, line terminators and U+FEFF), then lower-cased (Unicode default case
    /// mapping, as `toLowerCase`).
    public static func normalizedUsername(_ username: String) -> String {
        let scalars = Array(username.unicodeScalars)
        func isTrimmed(_ s: Unicode.Scalar) -> Bool { s.properties.isWhitespace || s.value == 0xFEFF }
        var start = 0
        var end = scalars.count
        while start < end, isTrimmed(scalars[start]) { start += 1 }
        while end > start, isTrimmed(scalars[end - 1]) { end -= 1 }
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars[start..<end])
        return String(view).lowercased()
    }

    /// SHA-256 of the UTF-8 of ``normalizedUsername(_:)``.
    public static func salt(username: String) -> [UInt8] {
        SHA256.hash(Array(normalizedUsername(username).utf8))
    }

    /// The AES-256 key-encryption key: PBKDF2-HMAC-SHA256(password, ``salt(username:)``, 100 000).
    ///
    /// - Throws: ``SignerError/invalidArgument(_:)`` for an empty password or a username that is
    ///   empty once trimmed; ``SignerError/cryptoFailure(_:)``.
    public static func keyEncryptionKey(password: SecretBytes, username: String) throws(SignerError) -> SecretBytes {
        guard password.count > 0 else { throw .invalidArgument("empty password") }
        let normalized = normalizedUsername(username)
        guard !normalized.isEmpty else { throw .invalidArgument("empty username") }
        let salt = SHA256.hash(Array(normalized.utf8))
        var passwordBytes = password.copyBytes()
        defer { zeroize(&passwordBytes) }
        do {
            return try PBKDF2.sha256(password: passwordBytes, salt: salt, iterations: iterations, length: AESGCM.keyLength)
        } catch {
            throw .cryptoFailure("PBKDF2: \(error.description)")
        }
    }

    /// `PasswordProtectedKey(iv: <n> bytes, key: <n> bytes)`: lengths only.
    public var description: String { "PasswordProtectedKey(iv: \(iv.count) bytes, key: \(wrappedKey.count) bytes)" }
}
