import DfnsCBOR
import DfnsCrypto

/// Typed access to the members of an `attStmt` map, with errors that name the format and member.
struct AttestationStatementFields {
    let format: String
    let map: CBORMap

    /// Requires `statement` to be a map whose keys are all in `allowed` (the CDDL maps are closed).
    init(_ statement: CBORValue, format: String, allowed: Set<String>) throws(WebAuthnError) {
        guard case .map(let map) = statement else {
            throw WebAuthnError(.malformedAttestationStatement, "\(format) attStmt must be a map, found \(statement.typeName)")
        }
        for (key, _) in map.entries {
            guard case .text(let name) = key else {
                throw WebAuthnError(.malformedAttestationStatement, "\(format) attStmt keys must be text strings")
            }
            guard allowed.contains(name) else {
                throw WebAuthnError(.malformedAttestationStatement, "\(format) attStmt has an unexpected member \"\(name)\"")
            }
        }
        self.format = format
        self.map = map
    }

    func has(_ name: String) -> Bool { map[text: name] != nil }

    func int(_ name: String) throws(WebAuthnError) -> Int64 {
        guard let value = map[text: name] else { throw missing(name) }
        guard let i = value.int64Value else { throw wrongType(name, "an integer", value) }
        return i
    }

    func bytes(_ name: String) throws(WebAuthnError) -> [UInt8] {
        guard let value = map[text: name] else { throw missing(name) }
        guard case .bytes(let b) = value else { throw wrongType(name, "a byte string", value) }
        return b
    }

    func text(_ name: String) throws(WebAuthnError) -> String {
        guard let value = map[text: name] else { throw missing(name) }
        guard case .text(let s) = value else { throw wrongType(name, "a text string", value) }
        return s
    }

    /// The COSE algorithm in `name`, which must be one the library implements.
    func algorithm(_ name: String = "alg") throws(WebAuthnError) -> COSEAlgorithm {
        let raw = try int(name)
        guard let alg = COSEAlgorithm(rawValue: raw) else {
            throw WebAuthnError(.unsupportedAlgorithm, "\(format) attStmt alg \(raw) is not supported")
        }
        return alg
    }

    /// `x5c`: a non-empty array of byte strings, each exactly one DER certificate.
    func certificates(_ name: String = "x5c") throws(WebAuthnError) -> [Certificate] {
        guard let value = map[text: name] else { throw missing(name) }
        guard case .array(let items) = value else { throw wrongType(name, "an array", value) }
        guard !items.isEmpty else {
            throw WebAuthnError(.malformedAttestationStatement, "\(format) attStmt \(name) must not be empty")
        }
        var certificates: [Certificate] = []
        for (index, item) in items.enumerated() {
            guard case .bytes(let der) = item else {
                throw WebAuthnError(.malformedAttestationStatement, "\(format) attStmt \(name)[\(index)] must be a byte string")
            }
            do {
                certificates.append(try Certificate(der: der))
            } catch {
                throw WebAuthnError(.attestationCertificateInvalid, "\(format) attStmt \(name)[\(index)] is not one DER certificate: \(error)")
            }
        }
        return certificates
    }

    private func missing(_ name: String) -> WebAuthnError {
        WebAuthnError(.malformedAttestationStatement, "\(format) attStmt lacks \"\(name)\"")
    }

    private func wrongType(_ name: String, _ expected: String, _ found: CBORValue) -> WebAuthnError {
        WebAuthnError(.malformedAttestationStatement, "\(format) attStmt \"\(name)\" must be \(expected), found \(found.typeName)")
    }
}
