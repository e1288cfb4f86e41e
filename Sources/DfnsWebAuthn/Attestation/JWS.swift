import DfnsCrypto
import DfnsEncoding

/// A JWS in compact serialization (RFC 7515 §7.1): `B64URL(header).B64URL(payload).B64URL(signature)`,
/// with its certificate chain in the `x5c` header, as SafetyNet responses and FIDO MDS3 BLOBs carry it.
///
/// Parsing checks structure only (three non-empty base64url parts, JSON objects without duplicate
/// members, an `alg` text, a non-empty `x5c` of standard-base64 DER certificates, no `crit`);
/// ``verifySignature()`` checks the signature with the `x5c[0]` key.
struct CompactJWS {
    /// The largest JWS accepted, in bytes.
    static let maxLength = 64 * 1024

    /// The ASCII bytes `B64URL(header) "." B64URL(payload)`: what the signature covers.
    let signingInput: [UInt8]
    /// The decoded protected header.
    let header: JSONValue
    /// The decoded payload.
    let payload: JSONValue
    /// The decoded signature bytes.
    let signature: [UInt8]
    /// The header `alg`.
    let algorithm: String
    /// The header `x5c` certificates, leaf first.
    let certificates: [Certificate]

    /// Parses `bytes` as a compact JWS of at most `maxLength` bytes; `what` names it in error messages.
    init(_ bytes: [UInt8], what: String, maxLength: Int = CompactJWS.maxLength) throws(WebAuthnError) {
        guard bytes.count <= maxLength else {
            throw WebAuthnError(.inputTooLarge, "\(what) must be at most \(maxLength) bytes, found \(bytes.count)")
        }
        let dot = UInt8(ascii: ".")
        let parts = bytes.split(separator: dot, omittingEmptySubsequences: false)
        guard parts.count == 3 else {
            throw WebAuthnError(.malformedAttestationStatement,
                                "\(what) must be a compact JWS of three dot-separated parts, found \(parts.count)")
        }
        let names = ["header", "payload", "signature"]
        var decoded: [[UInt8]] = []
        for (index, part) in parts.enumerated() {
            let name = names[index]
            guard !part.isEmpty else {
                throw WebAuthnError(.malformedAttestationStatement, "\(what) \(name) part must not be empty")
            }
            guard let text = String(validating: part, as: UTF8.self) else {
                throw WebAuthnError(.malformedEncoding, "\(what) \(name) part must be base64url text, found non-UTF-8 bytes")
            }
            do {
                decoded.append(try Base64URL.decode(text))
            } catch {
                throw WebAuthnError(.malformedEncoding, "\(what) \(name) part must be unpadded base64url: \(error)")
            }
        }
        signingInput = Array(bytes[parts[0].startIndex..<parts[1].endIndex])
        signature = decoded[2]
        header = try CompactJWS.object(decoded[0], "\(what) header")
        payload = try CompactJWS.object(decoded[1], "\(what) payload", maxLength: maxLength)

        guard let alg = header["alg"] else {
            throw WebAuthnError(.malformedAttestationStatement, "\(what) header lacks \"alg\"")
        }
        guard let algText = alg.stringValue else {
            throw WebAuthnError(.malformedAttestationStatement, "\(what) header \"alg\" must be a string, found \(alg.typeName)")
        }
        algorithm = algText
        guard header["crit"] == nil else {
            throw WebAuthnError(.malformedAttestationStatement, "\(what) header must not carry \"crit\" (no JWS extensions are understood)")
        }
        guard let x5c = header["x5c"] else {
            throw WebAuthnError(.malformedAttestationStatement, "\(what) header lacks \"x5c\"")
        }
        guard let items = x5c.arrayValue, !items.isEmpty else {
            throw WebAuthnError(.malformedAttestationStatement, "\(what) header \"x5c\" must be a non-empty array, found \(x5c.typeName)")
        }
        var certificates: [Certificate] = []
        for (index, item) in items.enumerated() {
            guard let text = item.stringValue else {
                throw WebAuthnError(.malformedAttestationStatement, "\(what) header x5c[\(index)] must be a string, found \(item.typeName)")
            }
            let der: [UInt8]
            do {
                der = try Base64.decode(text)
            } catch {
                throw WebAuthnError(.malformedEncoding, "\(what) header x5c[\(index)] must be standard padded base64: \(error)")
            }
            do {
                certificates.append(try Certificate(der: der))
            } catch {
                throw WebAuthnError(.attestationCertificateInvalid, "\(what) header x5c[\(index)] is not one DER certificate: \(error)")
            }
        }
        self.certificates = certificates
    }

    /// Verifies the signature with the `x5c[0]` key, accepting only the `alg` values in `algorithms`
    /// (by default RS256, RSASSA-PKCS1-v1_5 with SHA-256: the only algorithm SafetyNet ever used;
    /// FIDO MDS3 BLOBs also use ES256, whose JWS signature is raw r ‖ s, RFC 7518 §3.4).
    func verifySignature(what: String, algorithms: [String] = ["RS256"]) throws(WebAuthnError) {
        guard algorithms.contains(algorithm) else {
            throw WebAuthnError(.unsupportedAlgorithm, "\(what) header alg must be one of \(algorithms), found \"\(algorithm)\"")
        }
        guard let leaf = certificates.first else {
            throw WebAuthnError(.malformedAttestationStatement, "\(what) header x5c is empty")
        }
        let key: PublicKey
        do {
            key = try leaf.publicKey()
        } catch {
            throw WebAuthnError(.attestationCertificateInvalid, "\(what) x5c[0] key cannot be used: \(error)")
        }
        do throws(CryptoError) {
            switch algorithm {
            case "ES256":
                let der = try ECDSASignatureFormat.der(fromRaw: signature, curve: .p256)
                try key.verify(signature: der, message: signingInput, algorithm: .es256)
            case "RS256":
                try key.verify(signature: signature, message: signingInput, algorithm: .rs256)
            default:
                throw CryptoError.unsupportedAlgorithm("JWS alg \"\(algorithm)\"")
            }
        } catch {
            throw WebAuthnError.signature(error, in: "\(what) signature")
        }
    }

    /// Parses `bytes` as a JSON object of at most `maxLength` bytes.
    private static func object(_ bytes: [UInt8], _ what: String, maxLength: Int = CompactJWS.maxLength) throws(WebAuthnError) -> JSONValue {
        let value: JSONValue
        do {
            var parser = JSONParser()
            parser.maxLength = max(maxLength, parser.maxLength)
            value = try parser.parse(bytes)
        } catch {
            throw WebAuthnError(.malformedAttestationStatement, "\(what) must be JSON: \(error)")
        }
        guard case .object = value else {
            throw WebAuthnError(.malformedAttestationStatement, "\(what) must be a JSON object, found \(value.typeName)")
        }
        return value
    }
}
