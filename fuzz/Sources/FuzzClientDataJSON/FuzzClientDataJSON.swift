// libFuzzer target: CollectedClientData(bytes:) (BOM handling, the strict JSON parser, member
// rules), then the client data checks against a fixed policy. Input: raw clientDataJSON.
import DfnsWebAuthn

private let policy: RelyingPartyPolicy = {
    var p = RelyingPartyPolicy(rpId: "example.org", allowedOrigins: ["https://example.org", "https://localhost:8443"])
    p.allowCrossOrigin = true
    p.allowedTopOrigins = ["https://top.example.org"]
    return p
}()
private let challenge: [UInt8] = Array(0..<32)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzClientDataJSON(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    do {
        let clientData = try CollectedClientData(bytes: bytes)
        _ = clientData.hash
        for type in ["webauthn.get", "webauthn.create"] {
            do {
                try clientData.verify(expectedType: type, expectedChallenge: challenge, policy: policy)
            } catch {
                _ = error.description.utf8.count
            }
        }
    } catch {
        _ = error.description.utf8.count
    }
    return 0
}
