import CDfnsBridgeAPI
import DfnsBridgeC
import DfnsCBOR
import DfnsCrypto
import DfnsWebAuthn
import Testing

/// The extension getters return the authenticator's own encoding of the extension map, byte for
/// byte, not a re-encoding of the decoded map: here a map with its keys out of CTAP2 canonical order
/// and an integer in a longer form than needed, which a re-encoding would change.
@Suite struct ExtensionBytesTests {
    /// {"hmac-secret": true, "credProtect": 2}, "credProtect" after "hmac-secret" (canonical order
    /// is the reverse) and 2 written as 0x18 0x02 (canonical: 0x02).
    static let extensions: [UInt8] = [0xA2, 0x6B] + Array("hmac-secret".utf8) + [0xF5, 0x6B] + Array("credProtect".utf8) + [0x18, 0x02]

    @Test func theFixtureIsNotWhatAnEncoderWouldWrite() throws {
        let decoded = try CBORDecoder.decode(Self.extensions)
        #expect(CBOREncoder.encode(decoded) != Self.extensions)
        #expect(CBOREncoder.encode(decoded, sortKeys: true) != Self.extensions)
        #expect(try AuthenticatorData(bytes: [UInt8](repeating: 0, count: 32) + [0x81, 0, 0, 0, 1] + Self.extensions)
            .extensionBytes.map(Array.init) == Self.extensions)
        #expect(try AuthenticatorData(bytes: [UInt8](repeating: 0, count: 32) + [0x01, 0, 0, 0, 1]).extensionBytes == nil)
    }

    @Test func registrationExtensionsComeBackAsSent() throws {
        // A software-authenticator registration ("none" attestation) whose authenticator data gains
        // the ED flag and the extension map.
        let registration = try SoftwareAuthenticator().register(rpId: rpId, origin: origin, challenge: challenge, attestation: .none)
        guard case .map(let object) = try CBORDecoder.decode(registration.attestationObject),
              case .bytes(var authData)? = object[text: "authData"] else {
            Issue.record("the software authenticator's attestation object has no authData")
            return
        }
        authData[32] |= 0x80
        authData += Self.extensions
        let attestationObject = CBOREncoder.encode(.map(CBORMap([
            (.text("fmt"), .text("none")), (.text("attStmt"), .map(CBORMap())), (.text("authData"), .bytes(authData)),
        ])))
        let policy = makePolicy()
        var handle: OpaquePointer?
        let cdj = registration.clientDataJSON
        expectOK(dfns_registration_verify(policy.pointer, cdj, cdj.count, attestationObject, attestationObject.count,
                                          challenge, challenge.count, &handle))
        let verified = Owned(handle, free: dfns_registration_free)
        var ptr: UnsafePointer<UInt8>?
        var len = 0
        expectOK(dfns_registration_extensions(verified.pointer, &ptr, &len))
        #expect(bytes(ptr, len) == Self.extensions)
    }

    @Test func assertionExtensionsComeBackAsSent() throws {
        let privateKey = try PrivateKey.generate(.ec(.p256))
        let credentialKey = try CredentialPublicKey(publicKey: privateKey.publicKey, algorithm: .es256)
        let authData = SHA256.hash(Array(rpId.utf8)) + [0x81, 0, 0, 0, 7] + Self.extensions
        let cdj = ClientDataJSONBuilder.build(type: "webauthn.get", challenge: challenge, origin: origin)
        let signature = try privateKey.sign(authData + SHA256.hash(cdj), algorithm: .es256)
        let policy = makePolicy()
        let cose = credentialKey.coseBytes
        var keyHandle: OpaquePointer?
        expectOK(dfns_public_key_parse_cose(cose, cose.count, &keyHandle))
        let key = Owned(keyHandle, free: dfns_public_key_free)

        var credential = dfns_stored_credential(key: key.pointer, sign_count: 0, backup_eligible: -1)
        var handle: OpaquePointer?
        expectOK(dfns_assertion_verify(policy.pointer, &credential, cdj, cdj.count, authData, authData.count,
                                       signature, signature.count, challenge, challenge.count, &handle))
        let assertion = Owned(handle, free: dfns_assertion_free)
        var ptr: UnsafePointer<UInt8>?
        var len = 0
        expectOK(dfns_assertion_extensions(assertion.pointer, &ptr, &len))
        #expect(bytes(ptr, len) == Self.extensions)

        var info = dfns_assertion_info()
        expectOK(dfns_assertion_verify_cose(policy.pointer, cose, cose.count, 0, -1, cdj, cdj.count, authData, authData.count,
                                            signature, signature.count, challenge, challenge.count, &info))
        #expect(info.sign_count == 7)
        #expect(bytes(info.extensions, info.extensions_len) == Self.extensions)
        dfns_free(info.extensions)
    }
}
