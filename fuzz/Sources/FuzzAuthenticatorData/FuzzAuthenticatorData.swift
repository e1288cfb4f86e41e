// libFuzzer target: AuthenticatorData(bytes:) (fixed header, attested credential data, COSE key
// CBOR prefix, extensions CBOR map, trailing-byte rules). Input: raw authenticator data.
import DfnsCBOR
import DfnsWebAuthn

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzAuthenticatorData(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    do {
        let authData = try AuthenticatorData(bytes: bytes)
        _ = authData.matches(rpId: "example.org")
        _ = authData.flags.rawValue
        _ = authData.signCount
        if let attested = authData.attestedCredentialData {
            _ = attested.aaguidString
            _ = attested.credentialPublicKey.description.utf8.count
            // Re-encoding must not trap on anything the strict decoder accepted.
            _ = CBOREncoder.encode(attested.credentialPublicKey).count
        }
        if let extensions = authData.extensions {
            _ = extensions.description.utf8.count
            _ = CBOREncoder.encode(extensions).count
        }
    } catch {
        _ = error.description.utf8.count
    }
    return 0
}
