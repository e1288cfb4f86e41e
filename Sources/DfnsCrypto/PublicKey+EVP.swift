import COpenSSL
import COpenSSLShims

/// The `EVP_PKEY` plumbing under the importers (and ``PrivateKey``): building a key from
/// parameters, the EC point import on per-curve templates, and reading back the key family and
/// components of any `EVP_PKEY`.
extension PublicKey {
    /// `EVP_PKEY_PUBLIC_KEY` (public key plus all parameters).
    internal static let publicKeySelection: Int32 = 0x02 | 0x04 | 0x80
    /// `EVP_PKEY_KEYPAIR` (private and public key plus all parameters).
    internal static let keyPairSelection: Int32 = 0x01 | 0x02 | 0x04 | 0x80

    /// Builds an `EVP_PKEY` with `EVP_PKEY_fromdata` from parameters pushed by `push`.
    internal static func fromData(
        type: String, selection: Int32,
        push: (OpaquePointer) throws(CryptoError) -> Void
    ) throws(CryptoError) -> OpaquePointer {
        guard let bld = OSSL_PARAM_BLD_new() else { throw openSSLFailure("OSSL_PARAM_BLD_new") }
        defer { OSSL_PARAM_BLD_free(bld) }
        try push(bld)
        guard let params = OSSL_PARAM_BLD_to_param(bld) else { throw openSSLFailure("OSSL_PARAM_BLD_to_param") }
        defer { dfns_ossl_param_free(params) }
        guard let ctx = EVP_PKEY_CTX_new_from_name(nil, type, nil) else {
            throw openSSLFailure("EVP_PKEY_CTX_new_from_name")
        }
        defer { EVP_PKEY_CTX_free(ctx) }
        guard EVP_PKEY_fromdata_init(ctx) == 1 else { throw openSSLFailure("EVP_PKEY_fromdata_init") }
        var pkey: OpaquePointer? = nil
        let rc = EVP_PKEY_fromdata(ctx, &pkey, selection, params)
        guard rc == 1, let pkey else {
            if let pkey { EVP_PKEY_free(pkey) }
            throw .invalidKey("\(type) key rejected: \(drainOpenSSLErrors())")
        }
        return pkey
    }

    /// An `EVP_PKEY` for the uncompressed point `04 ‖ x ‖ y` on `curve`.
    ///
    /// Imports by duplicating a parameters-only key of the curve and setting the encoded point:
    /// EVP_PKEY_fromdata would rebuild the curve's group on every call (more than half the cost of an
    /// import). Setting the point decodes it with EC_POINT_oct2point, which rejects points off the
    /// curve; the fixed `04 ‖ x ‖ y` form cannot encode the point at infinity.
    internal static func importECPoint(curve: EllipticCurve, point: [UInt8]) throws(CryptoError) -> OpaquePointer {
        guard point.count == 1 + 2 * curve.coordinateLength, point.first == 0x04 else {
            throw .invalidKey("\(curve.name) point must be 04 ‖ x ‖ y of \(1 + 2 * curve.coordinateLength) bytes")
        }
        guard let template = ECKeyTemplates.template(for: curve), let pkey = EVP_PKEY_dup(template) else {
            throw openSSLFailure("EVP_PKEY_dup")
        }
        let accepted = point.withUnsafeBufferPointer { buf in
            EVP_PKEY_set1_encoded_public_key(pkey, buf.baseAddress, buf.count) == 1
        }
        guard accepted else {
            EVP_PKEY_free(pkey)
            ERR_clear_error()
            throw .invalidKey("\(curve.name) point is not on the curve")
        }
        return pkey
    }

    /// Parameters-only EC keys, one per curve, built once and only read afterwards (EVP_PKEY_dup of a
    /// shared key is safe from many threads).
    enum ECKeyTemplates {
        nonisolated(unsafe) private static let templates: [EllipticCurve: OpaquePointer] = {
            var result: [EllipticCurve: OpaquePointer] = [:]
            for curve in EllipticCurve.allCases {
                // EVP_PKEY_KEY_PARAMETERS (0x84): the group only.
                if let pkey = try? PublicKey.fromData(type: "EC", selection: 0x04 | 0x80, push: { (bld) throws(CryptoError) in
                    guard OSSL_PARAM_BLD_push_utf8_string(bld, ParamKey.groupName.pointer, curve.groupNameCString, 0) == 1 else {
                        throw openSSLFailure("OSSL_PARAM_BLD_push")
                    }
                }) {
                    result[curve] = pkey
                }
            }
            return result
        }()

        /// The template for `curve`, or nil if OpenSSL could not build it.
        static func template(for curve: EllipticCurve) -> OpaquePointer? { templates[curve] }
    }

    /// Determines the key family and components of any `EVP_PKEY`.
    internal static func classify(_ pkey: OpaquePointer) -> (Kind, PublicKeyComponents?) {
        defer { ERR_clear_error() }
        let id = EVP_PKEY_get_base_id(pkey)
        switch id {
        case EVP_PKEY_EC:
            guard let curve = ecCurve(of: pkey) else { return (.unsupported("EC (unsupported curve)"), nil) }
            guard let x = bnParam(pkey, OSSL_PKEY_PARAM_EC_PUB_X, paddedTo: curve.coordinateLength),
                  let y = bnParam(pkey, OSSL_PKEY_PARAM_EC_PUB_Y, paddedTo: curve.coordinateLength) else {
                return (.ec(curve), nil)
            }
            return (.ec(curve), .ec(curve, x: x, y: y))
        case EVP_PKEY_ED25519, EVP_PKEY_ED448:
            let curve: EdwardsCurve = id == EVP_PKEY_ED25519 ? .ed25519 : .ed448
            var raw = [UInt8](repeating: 0, count: curve.keyLength)
            var length = raw.count
            let ok = raw.withUnsafeMutableBufferPointer { buf -> Int32 in
                EVP_PKEY_get_raw_public_key(pkey, buf.baseAddress, &length)
            }
            guard ok == 1, length == curve.keyLength else { return (.okp(curve), nil) }
            return (.okp(curve), .okp(curve, x: raw))
        case EVP_PKEY_RSA:
            let bits = Int(EVP_PKEY_get_bits(pkey))
            guard let n = bnParam(pkey, OSSL_PKEY_PARAM_RSA_N, paddedTo: nil),
                  let e = bnParam(pkey, OSSL_PKEY_PARAM_RSA_E, paddedTo: nil) else {
                return (.rsa(bits: bits), nil)
            }
            return (.rsa(bits: bits), .rsa(modulus: n, exponent: e))
        default:
            let name = EVP_PKEY_get0_type_name(pkey).map { String(cString: $0) } ?? "id \(id)"
            return (.unsupported(name), nil)
        }
    }

    /// The named curve of an EC key, if it is one of ours.
    internal static func ecCurve(of pkey: OpaquePointer) -> EllipticCurve? {
        var name = [CChar](repeating: 0, count: 80)
        var length = 0
        let ok = name.withUnsafeMutableBufferPointer { buf -> Int32 in
            EVP_PKEY_get_group_name(pkey, buf.baseAddress, buf.count, &length)
        }
        guard ok == 1, length > 0, length < name.count else { return nil }
        var nid = OBJ_sn2nid(name)
        if nid == NID_undef { nid = EC_curve_nist2nid(name) }
        return EllipticCurve(nid: nid)
    }

    /// Reads a BIGNUM parameter as big-endian bytes.
    private static func bnParam(_ pkey: OpaquePointer, _ key: String, paddedTo length: Int?) -> [UInt8]? {
        var bn: OpaquePointer? = nil
        guard EVP_PKEY_get_bn_param(pkey, key, &bn) == 1, let bn else { return nil }
        defer { BN_free(bn) }
        return bignumBytes(bn, paddedTo: length)
    }
}
