import DfnsEncoding
import Foundation
import SwiftASN1
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

    /// The whole document, parsed with the project's strict parser (read once per test process).
    static func document() throws -> JSONValue {
        try loaded.get()
    }

    private static let loaded: Result<JSONValue, any Error> = Result {
        let url = sharedDirectory.appendingPathComponent("vectors/dfns/reference.json")
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw Missing(description: "cannot read \(url.path)")
        }
        return try JSONParser().parse([UInt8](data))
    }

    /// The value at `path` (object member names).
    static func value(_ path: String...) throws -> JSONValue {
        try value(path)
    }

    /// The string at `path`.
    static func string(_ path: String...) throws -> String {
        guard case .string(let text) = try value(path) else {
            throw Missing(description: "\(path.joined(separator: ".")) is not a string")
        }
        return text
    }

    /// The UTF-8 bytes of the string at `path`.
    static func bytes(_ path: String...) throws -> [UInt8] {
        guard case .string(let text) = try value(path) else {
            throw Missing(description: "\(path.joined(separator: ".")) is not a string")
        }
        return Array(text.utf8)
    }

    private static func value(_ path: [String]) throws -> JSONValue {
        var current = try document()
        for name in path {
            guard let next = current[name] else { throw Missing(description: "no member \(path.joined(separator: "."))") }
            current = next
        }
        return current
    }
}

/// The traditional private-key encodings, built from PKCS#8 with swift-asn1 for the load tests.
enum TestDER {
    /// The privateKey OCTET STRING content of a PKCS#8 PrivateKeyInfo (SEQUENCE { INTEGER,
    /// AlgorithmIdentifier, OCTET STRING, ... }): PKCS#1 for RSA, SEC1 without parameters for EC.
    static func pkcs8PrivateKey(_ der: [UInt8]) throws -> [UInt8] {
        let children = try constructed(DER.parse(der))
        guard children.count >= 3, case .primitive(let key) = children[2].content,
              children[2].identifier == .octetString else { throw DERError("not a PKCS#8 PrivateKeyInfo") }
        return Array(key)
    }

    /// A SEC1 ECPrivateKey with the named curve `oid` (the full OID TLV) added as [0]:
    /// SEQUENCE { 1, OCTET STRING d, [0] oid, [1] BIT STRING pub } from the one inside PKCS#8.
    static func sec1WithCurve(fromPKCS8 der: [UInt8], curveOID: [UInt8]) throws -> [UInt8] {
        let fields = try constructed(DER.parse(pkcs8PrivateKey(der)))
        guard fields.count >= 2 else { throw DERError("not a SEC1 ECPrivateKey") }
        var serializer = DER.Serializer()
        try serializer.appendConstructedNode(identifier: .sequence) { sequence in
            sequence.serializeRawBytes(fields[0].encodedBytes)
            sequence.serializeRawBytes(fields[1].encodedBytes)
            try sequence.appendConstructedNode(identifier: ASN1Identifier(tagWithNumber: 0, tagClass: .contextSpecific)) {
                $0.serializeRawBytes(curveOID)
            }
            for field in fields.dropFirst(2) where field.identifier == ASN1Identifier(tagWithNumber: 1, tagClass: .contextSpecific) {
                sequence.serializeRawBytes(field.encodedBytes)
            }
        }
        return serializer.serializedBytes
    }

    private static func constructed(_ node: ASN1Node) throws -> [ASN1Node] {
        guard case .constructed(let children) = node.content else { throw DERError("expected a constructed node") }
        return Array(children)
    }

    struct DERError: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }
}
