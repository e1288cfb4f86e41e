import Testing
@testable import DfnsCrypto

@Suite("Key import and export")
struct KeyImportExportTests {
    @Test func ecComponentsRoundTrip() throws {
        for curve in EllipticCurve.allCases {
            let key = try PrivateKey.generate(.ec(curve))
            #expect(key.type == .ec(curve))
            guard case .ec(let c, let x, let y)? = key.publicKey.components else {
                Issue.record("no EC components for \(curve)")
                continue
            }
            #expect(c == curve && x.count == curve.coordinateLength && y.count == curve.coordinateLength)
            let rebuilt = try PublicKey.ec(curve: curve, x: x, y: y)
            #expect(rebuilt.isEqual(to: key.publicKey))
            #expect(rebuilt.components == key.publicKey.components)
            #expect(rebuilt.rsaModulusBits == nil)
        }
    }

    @Test func ecRejectsBadPoints() throws {
        let x = RFC6979P256.x, y = RFC6979P256.y
        _ = try PublicKey.ec(curve: .p256, x: x, y: y)
        var offCurve = y
        offCurve[31] ^= 1
        #expect(throws: CryptoError.self) { try PublicKey.ec(curve: .p256, x: x, y: offCurve) }
        let zero = [UInt8](repeating: 0, count: 32)
        #expect(throws: CryptoError.self) { try PublicKey.ec(curve: .p256, x: zero, y: zero) }
        #expect(throws: CryptoError.self) { try PublicKey.ec(curve: .p256, x: Array(x.dropFirst()), y: y) }
        #expect(throws: CryptoError.self) { try PublicKey.ec(curve: .p256, x: [0] + x, y: [0] + y) }
        #expect(throws: CryptoError.self) { try PublicKey.ec(curve: .p384, x: x, y: y) }
        // A P-256 point is not on secp256k1.
        #expect(throws: CryptoError.self) { try PublicKey.ec(curve: .secp256k1, x: x, y: y) }
        // Coordinates >= p are rejected (x = p).
        let p = hex("ffffffff00000001000000000000000000000000ffffffffffffffffffffffff")
        #expect(throws: CryptoError.self) { try PublicKey.ec(curve: .p256, x: p, y: y) }
    }

    /// The point at infinity encoded as a single 0x00 inside an SPKI is rejected.
    @Test func infinityInSPKIRejected() throws {
        let prefix = hex("3019301306072a8648ce3d020106082a8648ce3d030107030200")
        #expect(throws: CryptoError.self) { try PublicKey(spkiDER: prefix + [0x00]) }
    }

    @Test func okpKeys() throws {
        _ = try PublicKey.okp(curve: .ed25519, x: RFC8032Test1.publicKey)
        #expect(throws: CryptoError.self) { try PublicKey.okp(curve: .ed25519, x: Array(RFC8032Test1.publicKey.dropLast())) }
        #expect(throws: CryptoError.self) { try PublicKey.okp(curve: .ed448, x: RFC8032Test1.publicKey) }
        let ed448 = try #require(TestKeys.ed448)
        guard case .okp(.ed448, let x)? = ed448.publicKey.components else {
            Issue.record("no Ed448 components")
            return
        }
        #expect(x.count == 57)
        #expect(try PublicKey.okp(curve: .ed448, x: x).isEqual(to: ed448.publicKey))
    }

    @Test func rsaComponents() throws {
        let key = try #require(TestKeys.rsa2048)
        #expect(key.type == .rsa(bits: 2048))
        #expect(key.publicKey.rsaModulusBits == 2048)
        guard case .rsa(let n, let e)? = key.publicKey.components else {
            Issue.record("no RSA components")
            return
        }
        #expect(n.count == 256 && n[0] != 0)
        #expect(e == [0x01, 0x00, 0x01])
        // Leading zeros on input are tolerated; output is minimal.
        let rebuilt = try PublicKey.rsa(modulus: [0, 0] + n, exponent: [0] + e)
        #expect(rebuilt.isEqual(to: key.publicKey))
        #expect(rebuilt.components == .rsa(modulus: n, exponent: e))

        #expect(throws: CryptoError.self) { try PublicKey.rsa(modulus: n, exponent: [0x01, 0x00, 0x00]) }   // even
        #expect(throws: CryptoError.self) { try PublicKey.rsa(modulus: n, exponent: [0x01]) }               // < 3
        #expect(throws: CryptoError.self) { try PublicKey.rsa(modulus: n, exponent: []) }
        #expect(throws: CryptoError.self) { try PublicKey.rsa(modulus: Array(n.prefix(126)) + [0x01], exponent: e) } // <= 1016 bits
        var even = n
        even[even.count - 1] &= 0xfe
        #expect(throws: CryptoError.self) { try PublicKey.rsa(modulus: even, exponent: e) }
        #expect(throws: CryptoError.self) { try PublicKey.rsa(modulus: n, exponent: n) }   // e >= n
        // 1024 bits is accepted at import (policy lives elsewhere).
        var n1024 = [UInt8](repeating: 0xff, count: 128)
        n1024[127] = 0xf1
        _ = try PublicKey.rsa(modulus: n1024, exponent: [3])
    }

    @Test func spkiAndPEMRoundTrip() throws {
        let keys: [PrivateKey] = try [TestKeys.p256, TestKeys.p384, TestKeys.p521, TestKeys.secp256k1,
                                      TestKeys.ed25519, TestKeys.ed448, TestKeys.rsa2048].map { try #require($0) }
        for key in keys {
            let der = key.publicKey.spkiDER
            #expect(!der.isEmpty)
            let fromDER = try PublicKey(spkiDER: der)
            #expect(fromDER.isEqual(to: key.publicKey))
            #expect(fromDER.components == key.publicKey.components)
            let pem = key.publicKey.pem
            #expect(pem.hasPrefix("-----BEGIN PUBLIC KEY-----\n") && pem.hasSuffix("-----END PUBLIC KEY-----\n"))
            for line in pem.split(separator: "\n") { #expect(line.count <= 64) }
            let fromPEM = try PublicKey(pem: pem)
            #expect(fromPEM.spkiDER == der)
            // Trailing bytes and truncation are rejected.
            #expect(throws: CryptoError.self) { try PublicKey(spkiDER: der + [0]) }
            #expect(throws: CryptoError.self) { try PublicKey(spkiDER: Array(der.dropLast())) }
        }
        let p256 = try #require(TestKeys.p256)
        #expect(!p256.publicKey.isEqual(to: try #require(TestKeys.p384).publicKey))
        #expect(throws: CryptoError.self) { try PublicKey(spkiDER: []) }
        #expect(throws: CryptoError.self) { try PublicKey(pem: "") }
        #expect(throws: CryptoError.self) {
            try PublicKey(pem: p256.publicKey.pem.replacingOccurrences(of: "PUBLIC KEY", with: "CERTIFICATE"))
        }
    }

    /// Known SPKI prefixes from webauthn-verification.md §3.4 produce the same keys as components.
    @Test func spkiPrefixes() throws {
        let spki = hex("3059301306072a8648ce3d020106082a8648ce3d030107034200") + [0x04] + RFC6979P256.x + RFC6979P256.y
        let key = try PublicKey(spkiDER: spki)
        #expect(key.components == .ec(.p256, x: RFC6979P256.x, y: RFC6979P256.y))
        #expect(key.spkiDER == spki)
        // A compressed point in an SPKI is accepted; components are still full coordinates.
        let compressed = try PublicKey(spkiDER: hex("3039301306072a8648ce3d020106082a8648ce3d030107032200") + [0x03] + RFC6979P256.x)
        #expect(compressed.components == key.components)
        #expect(compressed.isEqual(to: key))
        #expect(throws: CryptoError.self) {
            try PublicKey(spkiDER: hex("3039301306072a8648ce3d020106082a8648ce3d030107032200") + [0x05] + RFC6979P256.x)
        }
        let ed = try PublicKey(spkiDER: hex("302a300506032b6570032100") + RFC8032Test1.publicKey)
        #expect(ed.components == .okp(.ed25519, x: RFC8032Test1.publicKey))
        // X25519 is not a signature key type.
        #expect(throws: CryptoError.self) { try PublicKey(spkiDER: hex("302a300506032b656e032100") + RFC8032Test1.publicKey) }
    }

    @Test func privateKeyFromScalar() throws {
        let key = try PrivateKey.ec(curve: .p256, scalar: RFC6979P256.scalar)
        #expect(key.publicKey.components == .ec(.p256, x: RFC6979P256.x, y: RFC6979P256.y))
        let signature = try key.sign([1, 2, 3], algorithm: .es256)
        try PublicKey.ec(curve: .p256, x: RFC6979P256.x, y: RFC6979P256.y)
            .verify(signature: signature, message: [1, 2, 3], algorithm: .es256)
        #expect(throws: CryptoError.self) { try PrivateKey.ec(curve: .p256, scalar: [UInt8](repeating: 0, count: 32)) }
        #expect(throws: CryptoError.self) { try PrivateKey.ec(curve: .p256, scalar: [UInt8](repeating: 0xff, count: 32)) }
        #expect(throws: CryptoError.self) { try PrivateKey.ec(curve: .p256, scalar: [1]) }
        let k1 = try PrivateKey.ec(curve: .secp256k1, scalar: fixedLength([1], 32))
        let k1sig = try k1.sign([9], algorithm: .es256k)
        try k1.publicKey.verify(signature: k1sig, message: [9], algorithm: .es256k)
        let p521 = try PrivateKey.ec(curve: .p521, scalar: fixedLength([7], 66))
        try p521.publicKey.verify(signature: try p521.sign([9], algorithm: .es512), message: [9], algorithm: .es512)
        #expect(throws: CryptoError.self) { try PrivateKey.ed25519(seed: [1, 2, 3]) }
    }

    @Test func privateKeyPKCS8RoundTrip() throws {
        let keys: [PrivateKey] = try [TestKeys.p256, TestKeys.secp256k1, TestKeys.ed25519, TestKeys.ed448,
                                      TestKeys.rsa2048].map { try #require($0) }
        for key in keys {
            let der = try key.pkcs8DER()
            let fromDER = try PrivateKey(pkcs8DER: der.copyBytes())
            #expect(fromDER.type == key.type)
            #expect(fromDER.publicKey.isEqual(to: key.publicKey))
            let pem = try key.pkcs8PEM()
            #expect(pem.hasPrefix("-----BEGIN PRIVATE KEY-----\n"))
            let fromPEM = try PrivateKey(pem: pem)
            #expect(fromPEM.publicKey.isEqual(to: key.publicKey))
            #expect(throws: CryptoError.self) { try PrivateKey(pkcs8DER: der.copyBytes() + [0]) }
        }
        #expect(throws: CryptoError.self) { try PrivateKey(pem: "") }
        #expect(throws: CryptoError.self) { try PrivateKey(pkcs8DER: [0x30, 0x00]) }
        #expect(throws: CryptoError.self) { try PrivateKey.generate(.rsa(bits: 512)) }
    }

    /// SEC1 (`EC PRIVATE KEY`) PEM and the Dfns reference PKCS#8 PEMs.
    @Test func pemVariants() throws {
        let sec1 = """
        -----BEGIN EC PRIVATE KEY-----
        MHcCAQEEIMmvqdhFunUWa1whV2ex1pNOUMPbNuibEnuKYisSD2choAoGCCqGSM49
        AwEHoUQDQgAEYP7UuiVanTHJYet0xjVtaMBJuJI7Yfps5mliLmDyn7Z5A/4QCLi8
        maQa6elWKLxk8vGyDC1+n1F3o8KU1EYimQ==
        -----END EC PRIVATE KEY-----
        """
        let key = try PrivateKey(pem: sec1)
        #expect(key.publicKey.components == .ec(.p256, x: RFC6979P256.x, y: RFC6979P256.y))
        let ed = try PrivateKey(pem: "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIJ1hsZ3v/VpguoRK9JLsLMREScVpezJpGXA7rAMcrn9g\n-----END PRIVATE KEY-----\n")
        #expect(ed.type == .ed25519)
        #expect(try ed.sign([], algorithm: .edDSA) == RFC8032Test1.signature)
        // Encrypted PEM is refused without prompting.
        let encrypted = "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIGbMFcGCSqGSIb3DQEFDTBKMCkGCSqGSIb3DQEFDDAcBAh2sHhH8Yk0bQICCAAw\nDAYIKoZIhvcNAgkFADAdBglghkgBZQMEASoEEBBBBBBBBBBBBBBBBBBBBBBEQOAA\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n"
        #expect(throws: CryptoError.self) { try PrivateKey(pem: encrypted) }
    }
}
