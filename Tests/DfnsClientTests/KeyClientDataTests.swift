import DfnsCrypto
import DfnsEncoding
import DfnsProtocol
import Testing

@Suite("Key clientData layouts")
struct KeyClientDataTests {
    @Test("key.get assertion clientData is byte-exact with the reference vector")
    func assertionLayout() throws {
        let challenge = try DfnsReferenceVectors.string("key_assertion", "challenge")
        let bytes = KeyClientData.assertion(challenge: challenge)
        #expect(bytes == (try DfnsReferenceVectors.bytes("key_assertion", "clientData_json")))
        #expect(Base64URL.encode(bytes) == (try DfnsReferenceVectors.string("key_assertion", "clientData_b64url")))
    }

    @Test("key.create attestation clientData and fingerprint are byte-exact with the reference vector")
    func attestationLayout() throws {
        let challenge = try DfnsReferenceVectors.string("key_assertion", "challenge")
        let bytes = KeyClientData.attestation(challenge: challenge)
        #expect(bytes == (try DfnsReferenceVectors.bytes("key_attestation", "clientData_json")))
        #expect(Base64URL.encode(bytes) == (try DfnsReferenceVectors.string("key_attestation", "clientData_b64url")))
        let hash = SHA256.hash(bytes)
        #expect(Hex.encode(hash) == (try DfnsReferenceVectors.string("key_attestation", "clientDataHash_hex")))
        let pem = try DfnsReferenceVectors.string("keys", "p256_public_pem")
        #expect(KeyClientData.credentialInfoFingerprint(clientDataHash: hash, publicKeyPEM: pem)
                == (try DfnsReferenceVectors.bytes("key_attestation", "fingerprint_json")))
    }

    @Test("challenges are escaped as JSON.stringify escapes them and read back verbatim")
    func escaping() throws {
        let challenge = "a\"b\\c\n\u{01}é/😀"
        let bytes = KeyClientData.assertion(challenge: challenge)
        #expect(String(decoding: bytes, as: UTF8.self) == #"{"type":"key.get","challenge":"a\"b\\c\n\u0001é/😀"}"#)
        let parsed = try KeyClientData.parse(bytes, expecting: .get)
        #expect(parsed == KeyClientData.Parsed(kind: .get, challenge: challenge))
        let created = try KeyClientData.parse(KeyClientData.attestation(challenge: challenge), expecting: .create)
        #expect(created.challenge == challenge)
        #expect(created.kind == .create)
    }

    @Test("every clientData variant of the SDKs is read, in any member order")
    func variants() throws {
        let cases: [(String, KeyClientData.Parsed)] = [
            (#"{"type":"key.get","challenge":"c1"}"#, .init(kind: .get, challenge: "c1")),
            (#"{"challenge":"c1","crossOrigin":false,"type":"key.get"}"#, .init(kind: .get, challenge: "c1", crossOrigin: false)),
            (#"{"type":"key.get","challenge":"c1","crossOrigin":false}"#, .init(kind: .get, challenge: "c1", crossOrigin: false)),
            (#"{"type":"key.get","challenge":"c1","origin":"https://app.dfns.io","crossOrigin":false}"#,
             .init(kind: .get, challenge: "c1", origin: "https://app.dfns.io", crossOrigin: false)),
            (#" { "origin" : "https://x" , "challenge" : "c1" , "type" : "key.create" } "#,
             .init(kind: .create, challenge: "c1", origin: "https://x")),
        ]
        for (text, expected) in cases {
            #expect(try KeyClientData.parse(Array(text.utf8)) == expected, "\(text)")
        }
    }

    @Test("wrong types and malformed documents are refused with a clear message")
    func refusals() throws {
        func message(_ text: String, _ kind: KeyClientData.Kind? = nil) -> String? {
            do {
                _ = try KeyClientData.parse(Array(text.utf8), expecting: kind)
                return nil
            } catch {
                return error.description
            }
        }
        let webauthn = message(#"{"type":"webauthn.get","challenge":"c"}"#, .get)
        #expect(webauthn?.contains(#"clientData type is "webauthn.get", expected "key.get""#) == true)
        let swapped = message(#"{"type":"key.get","challenge":"c"}"#, .create)
        #expect(swapped?.contains(#"expected "key.create""#) == true)
        #expect(message(#"{"type":"key.list","challenge":"c"}"#)?.contains(#""key.get" or "key.create""#) == true)
        #expect(message(#"{"challenge":"c"}"#)?.contains("missing member \"type\"") == true)
        #expect(message(#"{"type":"key.get"}"#)?.contains("missing member \"challenge\"") == true)
        #expect(message(#"{"type":"key.get","challenge":1}"#)?.contains("challenge") == true)
        #expect(message(#"{"type":"key.get","challenge":"c","crossOrigin":"false"}"#)?.contains("crossOrigin") == true)
        #expect(message(#"{"type":"key.get","challenge":"c","origin":null}"#)?.contains("origin") == true)
        #expect(message(#"{"type":"key.get","challenge":"c","extra":1}"#)?.contains("unexpected member") == true)
        #expect(message(#"{"type":"key.get","challenge":"c","challenge":"d"}"#)?.contains("not valid JSON") == true)
        #expect(message(#"["key.get"]"#)?.contains("expected a JSON object") == true)
        #expect(message("")?.contains("not valid JSON") == true)
        #expect(message(#"{"type":"key.get","challenge":"c"} x"#)?.contains("not valid JSON") == true)
        // A long wrong type is shortened in the message.
        let long = String(repeating: "x", count: 500)
        let shortened = message(#"{"type":"\#(long)","challenge":"c"}"#)
        #expect((shortened?.count ?? 1000) < 200)
    }

    @Test("arbitrary bytes never trap the parser")
    func garbage() {
        var generator = SystemRandomNumberGenerator()
        for length in 0..<200 {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            _ = try? KeyClientData.parse(bytes)
        }
        let valid = Array(#"{"type":"key.get","challenge":"c"}"#.utf8)
        for cut in 0..<valid.count {
            #expect(throws: KeyClientData.ParseError.self) { try KeyClientData.parse(Array(valid[0..<cut])) }
        }
    }
}
