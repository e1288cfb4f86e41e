import DfnsCBOR
import DfnsCrypto

/// Encodes public keys as canonical COSE_Key maps (the form authenticators put in authenticator data).
enum COSEKeyEncoder {
    /// Encodes `components` for `algorithm` in CTAP2 canonical form.
    static func encode(_ components: PublicKeyComponents, algorithm: COSEAlgorithm) throws(WebAuthnError) -> [UInt8] {
        let alg = CBORValue(algorithm.rawValue)
        let entries: [(CBORValue, CBORValue)]
        switch components {
        case let .ec(curve, x, y):
            guard algorithm.expectedCurve == curve else {
                throw WebAuthnError(.invalidPublicKey, "\(algorithm.name) cannot be used with this EC key")
            }
            entries = [(CBORValue(1), CBORValue(COSEKeyType.ec2.rawValue)), (CBORValue(3), alg),
                       (CBORValue(-1), CBORValue(curve.coseCurve)), (CBORValue(-2), .bytes(x)), (CBORValue(-3), .bytes(y))]
        case let .okp(curve, x):
            switch (algorithm, curve) {
            case (.edDSA, .ed25519), (.ed25519, .ed25519), (.ed448, .ed448): break  // WebAuthn §5.8.5: -8 only with crv 6
            default: throw WebAuthnError(.invalidPublicKey, "\(algorithm.name) cannot be used with this OKP key")
            }
            entries = [(CBORValue(1), CBORValue(COSEKeyType.okp.rawValue)), (CBORValue(3), alg),
                       (CBORValue(-1), CBORValue(curve.coseCurve)), (CBORValue(-2), .bytes(x))]
        case let .rsa(modulus, exponent):
            guard algorithm.isRSA else {
                throw WebAuthnError(.invalidPublicKey, "\(algorithm.name) cannot be used with an RSA key")
            }
            entries = [(CBORValue(1), CBORValue(COSEKeyType.rsa.rawValue)), (CBORValue(3), alg),
                       (CBORValue(-1), .bytes(modulus)), (CBORValue(-2), .bytes(exponent))]
        case let .mlDSA(parameterSet, publicKey):
            guard algorithm.mlDSAParameterSet == parameterSet else {
                throw WebAuthnError(.invalidPublicKey, "\(algorithm.name) cannot be used with an \(parameterSet.name) key")
            }
            entries = [(CBORValue(1), CBORValue(COSEKeyType.akp.rawValue)), (CBORValue(3), alg),
                       (CBORValue(-1), .bytes(publicKey))]
        }
        return CBOREncoder.encode(.map(CBORMap(entries)), sortKeys: true)
    }
}
