import DfnsCBOR
import DfnsCrypto

/// A credential public key: the COSE_Key bytes an authenticator produced, its algorithm, and the
/// imported, validated key ready to verify signatures.
///
/// Import once (at registration, or when loading a stored credential) and keep it: verifying an
/// assertion with a kept key does no parsing or key import. Immutable; safe to share across threads.
public final class CredentialPublicKey: Sendable {
    /// The COSE_Key bytes (what a relying party stores).
    public let coseBytes: [UInt8]
    /// The COSE algorithm (label 3).
    public let algorithm: COSEAlgorithm
    /// The imported public key.
    public let publicKey: PublicKey

    /// Parses and validates COSE_Key bytes (strict CBOR, nothing after the map).
    public convenience init(coseBytes: [UInt8]) throws(WebAuthnError) {
        let value: CBORValue
        do {
            value = try CBORDecoder.decode(coseBytes, options: .strict)
        } catch {
            throw WebAuthnError.cbor(error, in: "COSE key")
        }
        try self.init(coseBytes: coseBytes, decoded: value)
    }

    /// Builds from already decoded COSE_Key bytes (as found in authenticator data).
    init(coseBytes: [UInt8], decoded: CBORValue) throws(WebAuthnError) {
        let (algorithm, key) = try CredentialPublicKey.importKey(decoded)
        self.coseBytes = coseBytes
        self.algorithm = algorithm
        self.publicKey = key
    }

    /// Wraps an existing key, encoding it as a COSE_Key for `algorithm`.
    ///
    /// - Throws: ``WebAuthnError/Code/invalidPublicKey`` when the key cannot be used with `algorithm`.
    public init(publicKey: PublicKey, algorithm: COSEAlgorithm) throws(WebAuthnError) {
        guard let components = publicKey.components else {
            throw WebAuthnError(.invalidPublicKey, "the key type cannot be expressed as a COSE key")
        }
        self.coseBytes = try COSEKeyEncoder.encode(components, algorithm: algorithm)
        self.algorithm = algorithm
        self.publicKey = publicKey
    }

    /// The key as DER SubjectPublicKeyInfo.
    public var spkiDER: [UInt8] { publicKey.spkiDER }

    /// Verifies `signature` over `authenticatorData ‖ clientDataHash` (the assertion and packed
    /// self-attestation signed data).
    func verify(signature: [UInt8], authenticatorData: [UInt8], clientDataHash: [UInt8],
                allowSHA1: Bool) throws(CryptoError) {
        try publicKey.verify(signature: signature, message: authenticatorData + clientDataHash,
                             algorithm: algorithm, allowSHA1: allowSHA1)
    }

    // MARK: - COSE_Key import (RFC 9052/9053, RFC 8230, RFC 9964, WebAuthn §5.8.5)

    /// COSE ML-DSA-44, which swift-crypto does not offer: refused with its name.
    private static let mlDSA44: Int64 = -48

    static func importKey(_ value: CBORValue) throws(WebAuthnError) -> (COSEAlgorithm, PublicKey) {
        guard case .map(let map) = value else {
            throw WebAuthnError(.malformedCOSEKey, "COSE key must be a map, found \(value.typeName)")
        }
        guard let ktyValue = map[int: 1]?.int64Value else {
            throw WebAuthnError(.malformedCOSEKey, "COSE key lacks an integer kty (label 1)")
        }
        guard let algValue = map[int: 3]?.int64Value else {
            throw WebAuthnError(.malformedCOSEKey, "COSE key lacks an integer alg (label 3)")
        }
        guard let kty = COSEKeyType(rawValue: ktyValue) else {
            throw WebAuthnError(.unsupportedAlgorithm, "COSE key type \(ktyValue) is not supported")
        }
        if kty == .akp, algValue == CredentialPublicKey.mlDSA44 {
            throw WebAuthnError(.unsupportedAlgorithm,
                                "COSE algorithm -48 (ML-DSA-44) is not supported: swift-crypto, which verifies ML-DSA here, offers only ML-DSA-65 (-49) and ML-DSA-87 (-50)")
        }
        guard let algorithm = COSEAlgorithm(rawValue: algValue) else {
            throw WebAuthnError(.unsupportedAlgorithm, "COSE algorithm \(algValue) is not supported")
        }
        func bytes(_ label: Int64, _ name: String) throws(WebAuthnError) -> [UInt8] {
            guard let entry = map[int: label] else {
                throw WebAuthnError(.malformedCOSEKey, "COSE key lacks \(name) (label \(label))")
            }
            guard case .bytes(let b) = entry else {
                throw WebAuthnError(.malformedCOSEKey, "COSE key \(name) (label \(label)) must be a byte string, found \(entry.typeName)")
            }
            return b
        }
        do {
            switch kty {
            case .ec2:
                guard let crv = map[int: -1]?.int64Value, let curve = EllipticCurve(coseCurve: crv) else {
                    throw WebAuthnError(.malformedCOSEKey, "EC2 key has a missing or unsupported crv (label -1)")
                }
                guard algorithm.expectedCurve == curve else {
                    throw WebAuthnError(.invalidPublicKey, "\(algorithm.name) requires \(algorithm.expectedCurveName), the key's crv is \(crv)")
                }
                if let y = map[int: -3], case .bool = y {
                    throw WebAuthnError(.invalidPublicKey, "compressed EC points are not allowed in WebAuthn")
                }
                let x = try bytes(-2, "x"), y = try bytes(-3, "y")
                guard x.count == curve.coordinateLength, y.count == curve.coordinateLength else {
                    throw WebAuthnError(.invalidPublicKey, "EC2 coordinates must be \(curve.coordinateLength) bytes, found x \(x.count) and y \(y.count)")
                }
                return (algorithm, try PublicKey.ec(curve: curve, x: x, y: y))
            case .okp:
                guard let crv = map[int: -1]?.int64Value else {
                    throw WebAuthnError(.malformedCOSEKey, "OKP key lacks crv (label -1)")
                }
                let curve: EdwardsCurve
                switch crv {
                case 6: curve = .ed25519
                case 7: curve = .ed448
                default: throw WebAuthnError(.unsupportedAlgorithm, "OKP curve \(crv) is not a signature curve")
                }
                switch (algorithm, curve) {
                case (.edDSA, .ed25519), (.ed25519, .ed25519), (.ed448, .ed448): break  // WebAuthn §5.8.5: -8 only with crv 6
                default:
                    throw WebAuthnError(.invalidPublicKey, "\(algorithm.name) cannot be used with OKP curve \(crv)")
                }
                let x = try bytes(-2, "x")
                guard x.count == curve.keyLength else {
                    throw WebAuthnError(.invalidPublicKey, "OKP x must be \(curve.keyLength) bytes, found \(x.count)")
                }
                return (algorithm, try PublicKey.okp(curve: curve, x: x))
            case .rsa:
                guard algorithm.isRSA else {
                    throw WebAuthnError(.invalidPublicKey, "\(algorithm.name) cannot be used with an RSA key")
                }
                let n = try bytes(-1, "n"), e = try bytes(-2, "e")
                return (algorithm, try PublicKey.rsa(modulus: n, exponent: e))
            case .akp:
                // RFC 9964 §6: an AKP key names its algorithm; `pub` (label -1) is the FIPS 204 encoding.
                guard let parameterSet = algorithm.mlDSAParameterSet else {
                    throw WebAuthnError(.invalidPublicKey, "\(algorithm.name) cannot be used with an AKP key (ML-DSA-65 or ML-DSA-87 expected)")
                }
                let pub = try bytes(-1, "pub")
                guard pub.count == parameterSet.publicKeyLength else {
                    throw WebAuthnError(.invalidPublicKey, "AKP pub for \(parameterSet.name) must be \(parameterSet.publicKeyLength) bytes, found \(pub.count)")
                }
                return (algorithm, try PublicKey.mlDSA(parameterSet, publicKey: pub))
            }
        } catch let error as WebAuthnError {
            throw error
        } catch let error as CryptoError {
            throw WebAuthnError(.invalidPublicKey, "credential public key: \(error)")
        } catch {
            throw WebAuthnError(.internalError, "credential public key: \(error)")
        }
    }
}

extension COSEAlgorithm {
    /// The curve an ECDSA algorithm requires, nil for other algorithms.
    var expectedCurve: EllipticCurve? {
        switch self {
        case .es256, .esp256: return .p256
        case .es384, .esp384: return .p384
        case .es512, .esp512: return .p521
        case .es256k: return .secp256k1
        default: return nil
        }
    }

    var expectedCurveName: String {
        switch expectedCurve {
        case .p256: return "P-256 (crv 1)"
        case .p384: return "P-384 (crv 2)"
        case .p521: return "P-521 (crv 3)"
        case .secp256k1: return "secp256k1 (crv 8)"
        case nil: return "no EC curve"
        }
    }

    /// Whether this is an RSA algorithm (PKCS#1 v1.5 or PSS).
    var isRSA: Bool {
        switch self {
        case .rs256, .rs384, .rs512, .rs1, .ps256, .ps384, .ps512: return true
        default: return false
        }
    }
}
