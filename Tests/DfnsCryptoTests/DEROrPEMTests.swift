import DfnsCrypto
import XCTest

/// ``EncodedForm``, ``PublicKey/init(derOrPEM:)`` and ``Certificate/parse(derOrPEM:)``: one reader
/// for either form, with the refusals of the form it picked.
final class DEROrPEMTests: XCTestCase {
    private typealias F = CertificateFixtures

    func testEncodedFormLooksAtTheFirstByte() {
        XCTAssertEqual(EncodedForm(of: []), .der)
        XCTAssertEqual(EncodedForm(of: [0x30, 0x00]), .der)
        XCTAssertEqual(EncodedForm(of: Array("-----BEGIN PUBLIC KEY-----".utf8)), .pem)
        XCTAssertEqual(EncodedForm(of: Array("\n  -----BEGIN".utf8)), .pem)
        XCTAssertEqual(EncodedForm(of: [0x31]), .pem)
    }

    func testPublicKeyFromEitherForm() throws {
        for type in [KeyType.ec(.p256), .ed25519, .ec(.secp256k1)] {
            let key = try PrivateKey.generate(type).publicKey
            XCTAssertEqual(try PublicKey(derOrPEM: key.spkiDER).spkiDER, key.spkiDER)
            XCTAssertEqual(try PublicKey(derOrPEM: Array(key.pem.utf8)).spkiDER, key.spkiDER)
        }
        XCTAssertThrowsError(try PublicKey(derOrPEM: []))
        XCTAssertThrowsError(try PublicKey(derOrPEM: [0x30, 0x03, 0x02, 0x01, 0x00]))
        XCTAssertThrowsError(try PublicKey(derOrPEM: Array("-----BEGIN PUBLIC KEY-----\n\u{00ff}\n".utf8) + [0xFF])) { error in
            guard case CryptoError.invalidEncoding(let message) = error else { return XCTFail("\(error)") }
            XCTAssertTrue(message.contains("UTF-8"), message)
        }
        // A certificate's PEM is not a PUBLIC KEY block.
        XCTAssertThrowsError(try PublicKey(derOrPEM: Array(try F.rootPEM("apple-webauthn-root-ca.pem").utf8)))
    }

    func testCertificatesFromEitherForm() throws {
        let apple = try F.rootPEM("apple-webauthn-root-ca.pem")
        let google = try F.rootPEM("google-hardware-attestation-root-2.pem")
        let der = try F.root("apple-webauthn-root-ca.pem").der
        XCTAssertEqual(try Certificate.parse(derOrPEM: der).map(\.der), [der])
        XCTAssertEqual(try Certificate.parse(derOrPEM: Array(apple.utf8)).map(\.der), [der])
        let bundle = try Certificate.parse(derOrPEM: Array((apple + "\n" + google).utf8))
        XCTAssertEqual(bundle.count, 2)
        XCTAssertEqual(bundle.first?.der, der)
        XCTAssertThrowsError(try Certificate.parse(derOrPEM: der + [0]))
        XCTAssertThrowsError(try Certificate.parse(derOrPEM: Array("no certificate here\n".utf8)))
        XCTAssertThrowsError(try Certificate.parse(derOrPEM: Array("-----BEGIN CERTIFICATE-----\n".utf8) + [0xFF, 0xFE])) { error in
            guard case CryptoError.certificate(let message) = error else { return XCTFail("\(error)") }
            XCTAssertTrue(message.contains("UTF-8"), message)
        }
        XCTAssertThrowsError(try Certificate.parse(derOrPEM: []))
    }
}
