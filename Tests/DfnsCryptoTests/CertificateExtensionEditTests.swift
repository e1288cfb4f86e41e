import DfnsCrypto
import XCTest

/// Edits the extension list of real certificates (signatures become invalid, which parsing does not
/// check) to exercise duplicated, malformed and missing extensions.
final class CertificateExtensionEditTests: XCTestCase {
    private typealias F = CertificateFixtures

    private static let basicConstraintsOID = "2.5.29.19"
    private static let subjectAltNameOID = "2.5.29.17"
    private static let extendedKeyUsageOID = "2.5.29.37"

    func testDuplicateBasicConstraintsIsRejected() throws {
        let root = try F.root("apple-webauthn-root-ca.pem")
        let edited = try TinyDER.editExtensions(of: root.der) { extensions in
            extensions + extensions.filter { TinyDER.extensionOID($0) == TinyDER.oidBytes(Self.basicConstraintsOID) }
        }
        guard let certificate = try? Certificate(der: edited) else { return }  // rejecting at parse time is fine too
        XCTAssertThrowsError(try certificate.basicConstraints)
        XCTAssertThrowsError(try certificate.extensionValue(oid: Self.basicConstraintsOID))
        XCTAssertNotNil(try certificate.extensionValue(oid: "2.5.29.14"))
    }

    func testDuplicateSANAndEKUAreRejected() throws {
        let aik = try XCTUnwrap(try F.x5c("w3c-reg-tpm-es256.json").first)
        for oid in [Self.subjectAltNameOID, Self.extendedKeyUsageOID] {
            let edited = try TinyDER.editExtensions(of: aik.der) { extensions in
                extensions + extensions.filter { TinyDER.extensionOID($0) == TinyDER.oidBytes(oid) }
            }
            guard let certificate = try? Certificate(der: edited) else { continue }
            XCTAssertThrowsError(try certificate.extensionValue(oid: oid), oid)
            if oid == Self.subjectAltNameOID {
                XCTAssertThrowsError(try certificate.subjectAlternativeNameDirectoryNames)
                XCTAssertNotNil(try certificate.extendedKeyUsage)
            } else {
                XCTAssertThrowsError(try certificate.extendedKeyUsage)
                XCTAssertEqual(try certificate.subjectAlternativeNameDirectoryNames.count, 1)
            }
        }
    }

    func testMalformedExtensionValuesThrow() throws {
        let aik = try XCTUnwrap(try F.x5c("w3c-reg-tpm-es256.json").first)
        let garbage: [UInt8] = [0x30, 0x03, 0x02, 0x01]  // truncated SEQUENCE
        let edited = try TinyDER.editExtensions(of: aik.der) { extensions in
            extensions.map { ext in
                let oid = TinyDER.extensionOID(ext)
                guard [Self.basicConstraintsOID, Self.subjectAltNameOID, Self.extendedKeyUsageOID]
                    .contains(where: { TinyDER.oidBytes($0) == oid })
                else { return ext }
                return TinyDER.encode(0x30, TinyDER.encode(0x06, oid) + TinyDER.encode(0x04, garbage))
            }
        }
        let certificate = try Certificate(der: edited)
        XCTAssertThrowsError(try certificate.basicConstraints)
        XCTAssertThrowsError(try certificate.subjectAlternativeNameDirectoryNames)
        XCTAssertThrowsError(try certificate.extendedKeyUsage)
        // The raw accessor still returns the bytes, with criticality defaulting to false.
        let raw = try XCTUnwrap(try certificate.extensionValue(oid: Self.basicConstraintsOID))
        XCTAssertEqual(raw.value, garbage)
        XCTAssertFalse(raw.critical)
    }

    func testMissingExtensions() throws {
        let aik = try XCTUnwrap(try F.x5c("w3c-reg-tpm-es256.json").first)
        let edited = try TinyDER.editExtensions(of: aik.der) { extensions in
            extensions.filter { ext in
                ![Self.basicConstraintsOID, Self.subjectAltNameOID, Self.extendedKeyUsageOID]
                    .contains(where: { TinyDER.oidBytes($0) == TinyDER.extensionOID(ext) })
            }
        }
        let certificate = try Certificate(der: edited)
        XCTAssertNil(try certificate.basicConstraints)
        XCTAssertNil(try certificate.extendedKeyUsage)
        XCTAssertEqual(try certificate.subjectAlternativeNameDirectoryNames, [])
        XCTAssertNil(try certificate.extensionValue(oid: Self.subjectAltNameOID))
    }
}

/// Just enough DER to take a certificate apart and put it back together.
enum TinyDER {
    struct Failure: Error {}

    /// (tag, content range, end) of the element at `start`.
    static func element(_ bytes: [UInt8], at start: Int) throws -> (tag: UInt8, content: Range<Int>, end: Int) {
        guard start + 2 <= bytes.count else { throw Failure() }
        let tag = bytes[start]
        var index = start + 1
        var length = Int(bytes[index])
        index += 1
        if length & 0x80 != 0 {
            let count = length & 0x7F
            guard count > 0, count <= 3, index + count <= bytes.count else { throw Failure() }
            length = 0
            for byte in bytes[index..<(index + count)] { length = length << 8 | Int(byte) }
            index += count
        }
        guard index + length <= bytes.count else { throw Failure() }
        return (tag, index..<(index + length), index + length)
    }

    static func children(_ bytes: [UInt8], _ range: Range<Int>) throws -> [(tag: UInt8, whole: Range<Int>, content: Range<Int>)] {
        var result: [(tag: UInt8, whole: Range<Int>, content: Range<Int>)] = []
        var index = range.lowerBound
        while index < range.upperBound {
            let item = try element(bytes, at: index)
            result.append((item.tag, index..<item.end, item.content))
            index = item.end
        }
        return result
    }

    static func encode(_ tag: UInt8, _ content: [UInt8]) -> [UInt8] {
        let count = content.count
        let length: [UInt8]
        switch count {
        case ..<0x80: length = [UInt8(count)]
        case ..<0x100: length = [0x81, UInt8(count)]
        default: length = [0x82, UInt8(count >> 8), UInt8(count & 0xFF)]
        }
        return [tag] + length + content
    }

    /// The OID content bytes of an encoded Extension.
    static func extensionOID(_ ext: [UInt8]) -> [UInt8] {
        guard let outer = try? element(ext, at: 0), let oid = try? element(ext, at: outer.content.lowerBound) else {
            return []
        }
        return Array(ext[oid.content])
    }

    /// The content bytes of a dotted OID (arcs below 2^14 only).
    static func oidBytes(_ dotted: String) -> [UInt8] {
        let arcs = dotted.split(separator: ".").compactMap { Int($0) }
        guard arcs.count >= 2 else { return [] }
        var out: [UInt8] = [UInt8(arcs[0] * 40 + arcs[1])]
        for arc in arcs.dropFirst(2) {
            if arc >= 0x80 { out.append(UInt8(0x80 | (arc >> 7))) }
            out.append(UInt8(arc & 0x7F))
        }
        return out
    }

    /// Rebuilds `certificate` with its extensions (each a full DER Extension) passed through `edit`.
    static func editExtensions(of certificate: [UInt8], _ edit: ([[UInt8]]) -> [[UInt8]]) throws -> [UInt8] {
        let outer = try element(certificate, at: 0)
        let parts = try children(certificate, outer.content)
        guard parts.count == 3 else { throw Failure() }
        let tbs = parts[0]
        var tbsContent: [UInt8] = []
        var found = false
        for field in try children(certificate, tbs.content) {
            guard field.tag == 0xA3 else {
                tbsContent += certificate[field.whole]
                continue
            }
            found = true
            let list = try element(certificate, at: field.content.lowerBound)
            let extensions = try children(certificate, list.content).map { Array(certificate[$0.whole]) }
            tbsContent += encode(0xA3, encode(0x30, edit(extensions).flatMap { $0 }))
        }
        guard found else { throw Failure() }
        let rest = parts.dropFirst().flatMap { Array(certificate[$0.whole]) }
        return encode(0x30, encode(0x30, tbsContent) + rest)
    }
}
