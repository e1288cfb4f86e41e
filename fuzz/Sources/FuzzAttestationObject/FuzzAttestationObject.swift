// libFuzzer target: AttestationObject(bytes:) (CBOR map {fmt, attStmt, authData} and the
// authenticator data inside it). Input: the raw attestation object.
import DfnsCBOR
import DfnsWebAuthn

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzAttestationObject(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    do {
        let object = try AttestationObject(bytes: bytes)
        // Touch what a verifier reads next, including the diagnostic text of untrusted CBOR.
        _ = object.format.utf8.count
        _ = object.statement.description.utf8.count
        let authData = object.authenticatorData
        _ = authData.matches(rpId: "example.org")
        if let attested = authData.attestedCredentialData {
            _ = attested.aaguidString
            _ = attested.credentialPublicKey.description.utf8.count
        }
        _ = authData.extensions?.description.utf8.count
    } catch {
        _ = error.description.utf8.count
    }
    return 0
}
