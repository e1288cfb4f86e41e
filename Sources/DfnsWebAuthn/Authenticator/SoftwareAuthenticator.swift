import DfnsCBOR
import DfnsCrypto
import DfnsLocking

/// A software WebAuthn authenticator that creates real registrations and assertions with real
/// keys: for tests, demos, and hosts' own tests. Keys live in memory only.
///
/// Not a security device: its keys are plain process memory. Thread-safe.
public final class SoftwareAuthenticator: Sendable {
    /// The attestation a registration carries.
    public enum Attestation: Sendable {
        /// `none`: an empty statement.
        case none
        /// `packed` self attestation, signed by the new credential key.
        case packedSelf
    }

    /// A registration response as a browser would return it.
    public struct Registration: Sendable {
        /// The new credential's ID.
        public let credentialId: [UInt8]
        /// `response.clientDataJSON`.
        public let clientDataJSON: [UInt8]
        /// `response.attestationObject`.
        public let attestationObject: [UInt8]
    }

    /// An assertion response as a browser would return it.
    public struct Assertion: Sendable {
        /// The credential that signed.
        public let credentialId: [UInt8]
        /// `response.clientDataJSON`.
        public let clientDataJSON: [UInt8]
        /// `response.authenticatorData`.
        public let authenticatorData: [UInt8]
        /// `response.signature`.
        public let signature: [UInt8]
        /// `response.userHandle`.
        public let userHandle: [UInt8]
    }

    private struct Credential {
        let rpId: String
        let privateKey: PrivateKey
        let algorithm: COSEAlgorithm
        let userHandle: [UInt8]
        let backupEligible: Bool
        var signCount: UInt32
    }

    /// The algorithms this authenticator can create credentials for.
    public static let supportedAlgorithms: [COSEAlgorithm] = [.es256, .edDSA, .es256k, .rs256]

    /// ``supportedAlgorithms`` for messages: names and COSE values, e.g. `ES256 (-7), EdDSA (-8)`.
    public static var supportedAlgorithmList: String {
        supportedAlgorithms.map { "\($0.name) (\($0.rawValue))" }.joined(separator: ", ")
    }

    /// The AAGUID written into attested credential data.
    public let aaguid: [UInt8]
    private let credentials = Locked<[[UInt8]: Credential]>([:])

    /// Creates an authenticator with `aaguid` (16 bytes; all zero by default).
    public init(aaguid: [UInt8] = [UInt8](repeating: 0, count: 16)) {
        self.aaguid = aaguid.count == 16 ? aaguid : [UInt8](repeating: 0, count: 16)
    }

    /// Creates a credential and returns the registration response.
    ///
    /// - Parameters:
    ///   - rpId: the RP ID whose hash goes into authenticator data.
    ///   - origin: the origin written into clientDataJSON.
    ///   - challenge: the relying party's challenge.
    ///   - algorithm: one of ``supportedAlgorithms``.
    ///   - attestation: `none` or packed self attestation.
    ///   - userHandle: the user handle returned with assertions.
    ///   - userVerified: whether to set UV.
    ///   - backupEligible: whether to set BE (and BS).
    public func register(rpId: String, origin: String, challenge: [UInt8], algorithm: COSEAlgorithm = .es256,
                         attestation: Attestation = .packedSelf, userHandle: [UInt8] = [],
                         userVerified: Bool = true, backupEligible: Bool = false) throws(WebAuthnError) -> Registration {
        guard userHandle.count <= 64 else {
            throw WebAuthnError(.invalidArgument, "a user handle is at most 64 bytes, found \(userHandle.count)")
        }
        let keyType: KeyType
        switch algorithm {
        case .es256: keyType = .ec(.p256)
        case .es256k: keyType = .ec(.secp256k1)
        case .edDSA: keyType = .ed25519
        case .rs256: keyType = .rsa(bits: 2048)
        default:
            throw WebAuthnError(.unsupportedAlgorithm, "the software authenticator creates \(SoftwareAuthenticator.supportedAlgorithmList) credentials, not \(algorithm.name)")
        }
        let privateKey: PrivateKey
        let credentialId: [UInt8]
        do {
            privateKey = try PrivateKey.generate(keyType)
            credentialId = try SecureRandom.bytes(32)
        } catch {
            throw WebAuthnError(.internalError, "key generation failed: \(error)")
        }
        let publicKey = try CredentialPublicKey(publicKey: privateKey.publicKey, algorithm: algorithm)

        var flags: AuthenticatorFlags = [.userPresent, .attestedCredentialData]
        if userVerified { flags.insert(.userVerified) }
        if backupEligible { flags.formUnion([.backupEligible, .backupState]) }
        var authData = SHA256.hash(Array(rpId.utf8))
        authData.append(flags.rawValue)
        authData += [0, 0, 0, 0]
        authData += aaguid
        authData += [UInt8(credentialId.count >> 8), UInt8(credentialId.count & 0xFF)]
        authData += credentialId
        authData += publicKey.coseBytes

        let clientDataJSON = ClientDataJSONBuilder.build(type: "webauthn.create", challenge: challenge, origin: origin)
        let statement: CBORValue
        switch attestation {
        case .none:
            statement = .map(CBORMap([]))
        case .packedSelf:
            let signature: [UInt8]
            do {
                signature = try privateKey.sign(authData + SHA256.hash(clientDataJSON), algorithm: algorithm)
            } catch {
                throw WebAuthnError(.internalError, "signing failed: \(error)")
            }
            statement = .map(CBORMap([(.text("alg"), CBORValue(algorithm.rawValue)), (.text("sig"), .bytes(signature))]))
        }
        let fmt = attestation == .none ? "none" : "packed"
        let object = CBOREncoder.encode(.map(CBORMap([(.text("fmt"), .text(fmt)), (.text("attStmt"), statement),
                                                      (.text("authData"), .bytes(authData))])), sortKeys: true)
        credentials.withLock {
            $0[credentialId] = Credential(rpId: rpId, privateKey: privateKey, algorithm: algorithm,
                                          userHandle: userHandle, backupEligible: backupEligible, signCount: 0)
        }
        return Registration(credentialId: credentialId, clientDataJSON: clientDataJSON, attestationObject: object)
    }

    /// Signs an assertion with the credential `credentialId`, incrementing its counter.
    ///
    /// - Throws: ``WebAuthnError/Code/unknownCredential`` for an unknown credential or an RP ID other
    ///   than the one it was created for.
    public func authenticate(rpId: String, origin: String, challenge: [UInt8], credentialId: [UInt8],
                             userVerified: Bool = true) throws(WebAuthnError) -> Assertion {
        let found: Credential? = credentials.withLock { store in
            guard var credential = store[credentialId], credential.rpId == rpId else { return nil }
            credential.signCount &+= 1
            store[credentialId] = credential
            return credential
        }
        guard let credential = found else {
            throw WebAuthnError(.unknownCredential, "no credential with this ID for RP ID \"\(rpId)\"")
        }
        var flags: AuthenticatorFlags = [.userPresent]
        if userVerified { flags.insert(.userVerified) }
        if credential.backupEligible { flags.formUnion([.backupEligible, .backupState]) }
        var authData = SHA256.hash(Array(rpId.utf8))
        authData.append(flags.rawValue)
        let count = credential.signCount
        authData += [UInt8(count >> 24), UInt8((count >> 16) & 0xFF), UInt8((count >> 8) & 0xFF), UInt8(count & 0xFF)]
        let clientDataJSON = ClientDataJSONBuilder.build(type: "webauthn.get", challenge: challenge, origin: origin)
        let signature: [UInt8]
        do {
            signature = try credential.privateKey.sign(authData + SHA256.hash(clientDataJSON), algorithm: credential.algorithm)
        } catch {
            throw WebAuthnError(.internalError, "signing failed: \(error)")
        }
        return Assertion(credentialId: credentialId, clientDataJSON: clientDataJSON, authenticatorData: authData,
                         signature: signature, userHandle: credential.userHandle)
    }
}

// MARK: - Keeping a credential across processes

extension SoftwareAuthenticator {
    /// One credential's complete state, private key included: what a host that keeps its
    /// authenticator between runs stores (the CLI's `dfns-bridge device`, which plays an end user's
    /// phone in its own process) and hands back to ``importCredential(_:)`` on the next run.
    ///
    /// Holds the private key: the host is responsible for storing it safely. The key's DER is
    /// available through ``DfnsCrypto/PrivateKey/pkcs8DER()`` (wiped on release).
    public struct CredentialState: Sendable {
        /// The credential's ID.
        public let credentialId: [UInt8]
        /// The RP ID the credential was created for.
        public let rpId: String
        /// The credential's private key.
        public let privateKey: PrivateKey
        /// The credential's algorithm (one of ``SoftwareAuthenticator/supportedAlgorithms``).
        public let algorithm: COSEAlgorithm
        /// The user handle returned with assertions (at most 64 bytes).
        public let userHandle: [UInt8]
        /// Whether the credential sets BE and BS.
        public let backupEligible: Bool
        /// The signature counter of the last assertion (0 before the first); the next assertion
        /// carries this value plus one.
        public let signCount: UInt32

        /// A credential state from its parts (checked by ``SoftwareAuthenticator/importCredential(_:)``).
        public init(credentialId: [UInt8], rpId: String, privateKey: PrivateKey, algorithm: COSEAlgorithm,
                    userHandle: [UInt8], backupEligible: Bool = false, signCount: UInt32) {
            self.credentialId = credentialId
            self.rpId = rpId
            self.privateKey = privateKey
            self.algorithm = algorithm
            self.userHandle = userHandle
            self.backupEligible = backupEligible
            self.signCount = signCount
        }
    }

    /// The current state of the credential `credentialId` (its counter as of the last assertion),
    /// or nil when this authenticator does not hold it.
    public func exportCredential(_ credentialId: [UInt8]) -> CredentialState? {
        credentials.withLock { store in
            store[credentialId].map {
                CredentialState(credentialId: credentialId, rpId: $0.rpId, privateKey: $0.privateKey,
                                algorithm: $0.algorithm, userHandle: $0.userHandle,
                                backupEligible: $0.backupEligible, signCount: $0.signCount)
            }
        }
    }

    /// Adds a credential exported earlier (by this or another authenticator), replacing any
    /// credential with the same ID. Assertions then continue from its counter.
    ///
    /// - Throws: ``WebAuthnError/Code/invalidArgument`` for an empty credential ID or one longer than
    ///   1023 bytes, an empty RP ID, or a user handle longer than 64 bytes;
    ///   ``WebAuthnError/Code/unsupportedAlgorithm`` for an algorithm this authenticator does not
    ///   create or a private key of another type than the algorithm needs.
    public func importCredential(_ state: CredentialState) throws(WebAuthnError) {
        guard !state.credentialId.isEmpty, state.credentialId.count <= 1023 else {
            throw WebAuthnError(.invalidArgument, "a credential ID is 1 to 1023 bytes, found \(state.credentialId.count)")
        }
        guard !state.rpId.isEmpty else { throw WebAuthnError(.invalidArgument, "empty RP ID") }
        guard state.userHandle.count <= 64 else {
            throw WebAuthnError(.invalidArgument, "a user handle is at most 64 bytes, found \(state.userHandle.count)")
        }
        let keyMatches: Bool
        switch (state.algorithm, state.privateKey.type) {
        case (.es256, .ec(.p256)), (.es256k, .ec(.secp256k1)), (.edDSA, .ed25519): keyMatches = true
        case (.rs256, .rsa): keyMatches = true
        default: keyMatches = false
        }
        guard SoftwareAuthenticator.supportedAlgorithms.contains(state.algorithm), keyMatches else {
            throw WebAuthnError(.unsupportedAlgorithm, "a \(state.algorithm.name) credential cannot be imported with this private key type")
        }
        let credential = Credential(rpId: state.rpId, privateKey: state.privateKey, algorithm: state.algorithm,
                                    userHandle: state.userHandle, backupEligible: state.backupEligible,
                                    signCount: state.signCount)
        credentials.withLock { $0[state.credentialId] = credential }
    }
}
