import DfnsCrypto
import Foundation
import XCTest
import DfnsEncoding

/// Loads real certificates from the shared, read-only test data (`../shared` next to the package
/// root): PEM roots and the x5c arrays inside WebAuthn vector JSON files. Nothing is copied into the
/// project. Test code may use Foundation; the library does not.
enum CertificateFixtures {
    struct FixtureError: Error, CustomStringConvertible {
        let description: String
    }

    /// `<package root>/../shared`, derived from this file's path.
    static let sharedDirectory: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // DfnsCryptoTests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()  // package root
        .deletingLastPathComponent()
        .appendingPathComponent("shared")

    static func rootPEM(_ name: String) throws -> String {
        let url = sharedDirectory.appendingPathComponent("roots").appendingPathComponent(name)
        return try String(contentsOf: url, encoding: .utf8)
    }

    static func root(_ name: String) throws -> Certificate {
        try Certificate(pem: rootPEM(name))
    }

    static func vector(_ name: String) throws -> [String: Any] {
        let url = sharedDirectory.appendingPathComponent("vectors/webauthn").appendingPathComponent(name)
        let data = try Data(contentsOf: url)
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw FixtureError(description: "\(name) is not a JSON object")
        }
        return object
    }

    /// The DER certificates of `attStmt.x5c` in a registration vector, leaf first.
    static func x5cDER(_ name: String) throws -> [[UInt8]] {
        let json = try vector(name)
        guard let encoded = json["attestationObject_b64url"] as? String else {
            throw FixtureError(description: "\(name) has no attestationObject")
        }
        return try x5cArray(in: base64URLDecode(encoded))
    }

    static func x5c(_ name: String) throws -> [Certificate] {
        try x5cDER(name).map { try Certificate(der: $0) }
    }

    /// The W3C test-vector attestation CA (`w3c-trust-anchor-attestation-ca.json`).
    static func w3cAttestationCA() throws -> Certificate {
        let json = try vector("w3c-trust-anchor-attestation-ca.json")
        guard let encoded = json["attestation_ca_cert_der_b64url"] as? String else {
            throw FixtureError(description: "no attestation_ca_cert_der_b64url")
        }
        return try Certificate(der: base64URLDecode(encoded))
    }

    /// The certificates of the JWS `x5c` header inside an android-safetynet `attStmt.response`.
    static func safetyNetX5c(_ name: String) throws -> [Certificate] {
        let json = try vector(name)
        guard let encoded = json["attestationObject_b64url"] as? String else {
            throw FixtureError(description: "\(name) has no attestationObject")
        }
        let attestation = try base64URLDecode(encoded)
        let response = try byteString(after: Array("response".utf8), in: attestation)
        guard let jws = String(bytes: response, encoding: .utf8),
              let headerPart = jws.split(separator: ".").first
        else {
            throw FixtureError(description: "response is not a JWS")
        }
        let header = try base64URLDecode(String(headerPart))
        guard let object = try JSONSerialization.jsonObject(with: Data(header)) as? [String: Any],
              let chain = object["x5c"] as? [String]
        else {
            throw FixtureError(description: "JWS header has no x5c")
        }
        return try chain.map { item in
            guard let der = Data(base64Encoded: item) else {
                throw FixtureError(description: "x5c entry is not base64")
            }
            return try Certificate(der: [UInt8](der))
        }
    }

    static func base64URLDecode(_ text: String) throws -> [UInt8] {
        var standard = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while standard.count % 4 != 0 { standard += "=" }
        guard let data = Data(base64Encoded: standard) else {
            throw FixtureError(description: "invalid base64url")
        }
        return [UInt8](data)
    }

    static func hex(_ bytes: [UInt8]) -> String {
        bytes.map { String(format: "%02X", $0) }.joined(separator: ":")
    }

    static func bytes(hex: String) throws -> [UInt8] {
        try Hex.decode(hex)
    }

    // MARK: - A tiny CBOR reader: just enough to find `"x5c": [bstr, ...]` and `"response": bstr`.

    private static func head(_ bytes: [UInt8], _ index: inout Int) throws -> (major: UInt8, value: Int) {
        guard index < bytes.count else { throw FixtureError(description: "CBOR truncated") }
        let initial = bytes[index]
        index += 1
        let info = initial & 0x1F
        let major = initial >> 5
        if info < 24 { return (major, Int(info)) }
        let size: Int
        switch info {
        case 24: size = 1
        case 25: size = 2
        case 26: size = 4
        default: throw FixtureError(description: "unsupported CBOR length")
        }
        guard index + size <= bytes.count else { throw FixtureError(description: "CBOR truncated") }
        var value = 0
        for byte in bytes[index..<(index + size)] { value = value << 8 | Int(byte) }
        index += size
        return (major, value)
    }

    private static func find(_ key: [UInt8], in bytes: [UInt8]) throws -> Int {
        // The text-string key with its CBOR header (major type 3, short length).
        let needle = [0x60 | UInt8(key.count)] + key
        guard needle.count <= bytes.count else { throw FixtureError(description: "key not found") }
        for start in 0...(bytes.count - needle.count) where Array(bytes[start..<(start + needle.count)]) == needle {
            return start + needle.count
        }
        throw FixtureError(description: "key \(String(decoding: key, as: UTF8.self)) not found")
    }

    static func x5cArray(in bytes: [UInt8]) throws -> [[UInt8]] {
        var index = try find(Array("x5c".utf8), in: bytes)
        let array = try head(bytes, &index)
        guard array.major == 4 else { throw FixtureError(description: "x5c is not an array") }
        var certificates: [[UInt8]] = []
        for _ in 0..<array.value {
            let item = try head(bytes, &index)
            guard item.major == 2, index + item.value <= bytes.count else {
                throw FixtureError(description: "x5c item is not a byte string")
            }
            certificates.append(Array(bytes[index..<(index + item.value)]))
            index += item.value
        }
        return certificates
    }

    static func byteString(after key: [UInt8], in bytes: [UInt8]) throws -> [UInt8] {
        var index = try find(key, in: bytes)
        let item = try head(bytes, &index)
        guard item.major == 2, index + item.value <= bytes.count else {
            throw FixtureError(description: "value is not a byte string")
        }
        return Array(bytes[index..<(index + item.value)])
    }
}

/// Checks that the fixtures themselves load, so that a missing `../shared` is reported clearly.
final class CertificateFixtureTests: XCTestCase {
    func testSharedDataIsPresent() throws {
        XCTAssertTrue(
            FileManager.default.fileExists(atPath: CertificateFixtures.sharedDirectory.path),
            "expected the shared test data at \(CertificateFixtures.sharedDirectory.path)")
        XCTAssertEqual(try CertificateFixtures.x5cDER("pywebauthn-reg-apple-verify-attestation-apple-passkey.json").count, 2)
    }
}
