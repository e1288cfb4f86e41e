import DfnsEncoding
import Foundation
import Testing

/// `../shared/vectors/dfns/reference.json`, read at test time (never copied into the repository):
/// `$DFNS_SHARED_DIR/vectors/dfns/reference.json` when the variable is set, otherwise the `shared`
/// folder beside the package root (found from this file's path).
enum DfnsReferenceVectors {
    struct Missing: Error, CustomStringConvertible {
        let description: String
    }

    /// The package root: this file is `<root>/Tests/DfnsClientTests/DfnsReferenceVectors.swift`.
    static var packageRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    /// The shared folder.
    static var sharedDirectory: URL {
        if let env = ProcessInfo.processInfo.environment["DFNS_SHARED_DIR"], !env.isEmpty {
            return URL(fileURLWithPath: env)
        }
        return packageRoot.deletingLastPathComponent().appendingPathComponent("shared")
    }

    /// The whole document, parsed with the project's strict parser.
    static func document() throws -> JSONValue {
        let url = sharedDirectory.appendingPathComponent("vectors/dfns/reference.json")
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw Missing(description: "cannot read \(url.path)")
        }
        return try JSONParser().parse([UInt8](data))
    }

    /// The value at `path` (object member names).
    static func value(_ path: String...) throws -> JSONValue {
        var current = try document()
        for name in path {
            guard let next = current[name] else { throw Missing(description: "no member \(path.joined(separator: "."))") }
            current = next
        }
        return current
    }

    /// The string at `path`.
    static func string(_ path: String...) throws -> String {
        var current = try document()
        for name in path {
            guard let next = current[name] else { throw Missing(description: "no member \(path.joined(separator: "."))") }
            current = next
        }
        guard case .string(let text) = current else { throw Missing(description: "\(path.joined(separator: ".")) is not a string") }
        return text
    }

    /// The UTF-8 bytes of the string at `path`.
    static func bytes(_ path: String...) throws -> [UInt8] {
        var current = try document()
        for name in path {
            guard let next = current[name] else { throw Missing(description: "no member \(path.joined(separator: "."))") }
            current = next
        }
        guard case .string(let text) = current else { throw Missing(description: "\(path.joined(separator: ".")) is not a string") }
        return Array(text.utf8)
    }
}

/// Small DER helpers for building the traditional key encodings from PKCS#8 in tests.
enum TestDER {
    /// Reads one TLV at `offset`: (tag, value range, end offset). Definite lengths only.
    static func tlv(_ bytes: [UInt8], at offset: Int) -> (tag: UInt8, value: Range<Int>, end: Int)? {
        guard offset + 2 <= bytes.count else { return nil }
        let tag = bytes[offset]
        var index = offset + 1
        let first = bytes[index]
        index += 1
        var length = 0
        if first < 0x80 {
            length = Int(first)
        } else {
            let count = Int(first & 0x7F)
            guard count >= 1, count <= 3, index + count <= bytes.count else { return nil }
            for _ in 0..<count {
                length = length << 8 | Int(bytes[index])
                index += 1
            }
        }
        guard index + length <= bytes.count else { return nil }
        return (tag, index..<(index + length), index + length)
    }

    /// A definite DER length.
    static func length(_ n: Int) -> [UInt8] {
        if n < 0x80 { return [UInt8(n)] }
        if n <= 0xFF { return [0x81, UInt8(n)] }
        return [0x82, UInt8(n >> 8), UInt8(n & 0xFF)]
    }

    /// The privateKey OCTET STRING content of a PKCS#8 PrivateKeyInfo (SEQUENCE { INTEGER,
    /// AlgorithmIdentifier, OCTET STRING, ... }).
    static func pkcs8PrivateKey(_ der: [UInt8]) -> [UInt8]? {
        guard let outer = tlv(der, at: 0), outer.tag == 0x30,
              let version = tlv(der, at: outer.value.lowerBound), version.tag == 0x02,
              let algorithm = tlv(der, at: version.end), algorithm.tag == 0x30,
              let key = tlv(der, at: algorithm.end), key.tag == 0x04 else { return nil }
        return Array(der[key.value])
    }

    /// A SEC1 ECPrivateKey with the named curve `oid` (full TLV of the OID) added as [0]:
    /// SEQUENCE { 1, OCTET STRING d, [0] oid, [1] BIT STRING pub } from the parameter-less one
    /// inside PKCS#8.
    static func sec1WithCurve(fromPKCS8 der: [UInt8], curveOID: [UInt8]) -> [UInt8]? {
        guard let inner = pkcs8PrivateKey(der),
              let seq = tlv(inner, at: 0), seq.tag == 0x30,
              let version = tlv(inner, at: seq.value.lowerBound), version.tag == 0x02,
              let d = tlv(inner, at: version.end), d.tag == 0x04 else { return nil }
        var body = Array(inner[seq.value.lowerBound..<d.end])
        body += [0xA0] + length(curveOID.count) + curveOID
        var rest = d.end
        while rest < seq.value.upperBound, let field = tlv(inner, at: rest) {
            if field.tag == 0xA1 { body += Array(inner[rest..<field.end]) }
            rest = field.end
        }
        return [0x30] + length(body.count) + body
    }
}
