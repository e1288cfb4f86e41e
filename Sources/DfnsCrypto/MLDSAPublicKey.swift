internal import Crypto

/// An ML-DSA public key held by swift-crypto (`MLDSA65.PublicKey` / `MLDSA87.PublicKey`, on its
/// vendored BoringSSL). The only file of this module that imports swift-crypto, so none of its
/// types reaches DfnsCrypto's public API. Immutable; safe to share across threads.
internal struct MLDSAPublicKey: Sendable {
    /// The parameter set, fixed at init.
    let parameterSet: MLDSAParameterSet
    /// The FIPS 204 encoding of the key (what COSE `pub` and the SPKI BIT STRING carry).
    let rawRepresentation: [UInt8]
    /// The parsed key.
    private let key: Key

    private enum Key: Sendable {
        case mlDSA65(MLDSA65.PublicKey)
        case mlDSA87(MLDSA87.PublicKey)
    }

    /// Parses the FIPS 204 encoding of a `parameterSet` public key.
    ///
    /// - Throws: ``CryptoError/invalidKey(_:)`` when `raw` is not exactly
    ///   ``MLDSAParameterSet/publicKeyLength`` bytes or swift-crypto refuses it.
    init(parameterSet: MLDSAParameterSet, raw: [UInt8]) throws(CryptoError) {
        guard raw.count == parameterSet.publicKeyLength else {
            throw .invalidKey("\(parameterSet.name) public key must be \(parameterSet.publicKeyLength) bytes, found \(raw.count)")
        }
        do {
            switch parameterSet {
            case .mlDSA65: key = .mlDSA65(try MLDSA65.PublicKey(rawRepresentation: raw))
            case .mlDSA87: key = .mlDSA87(try MLDSA87.PublicKey(rawRepresentation: raw))
            }
        } catch {
            throw .invalidKey("\(parameterSet.name) public key rejected: \(error)")
        }
        self.parameterSet = parameterSet
        self.rawRepresentation = raw
    }

    /// True when `signature` is a valid pure ML-DSA signature over `message` with an empty context
    /// string (RFC 9964 §4: COSE and WebAuthn sign with the empty context). The caller checks the
    /// signature length first.
    func isValidSignature(_ signature: UnsafeRawBufferPointer, message: UnsafeRawBufferPointer) -> Bool {
        switch key {
        case .mlDSA65(let key): return key.isValidSignature(signature, for: message)
        case .mlDSA87(let key): return key.isValidSignature(signature, for: message)
        }
    }
}
