// libFuzzer target: CredentialPublicKey(coseBytes:) (strict CBOR, COSE_Key rules, EC/OKP/RSA import
// into OpenSSL and libsecp256k1). An imported key then exports its SPKI, re-imports it, and
// verifies a garbage signature (which must fail cleanly). Input: raw COSE_Key bytes.
import DfnsCrypto
import DfnsWebAuthn

private let message: [UInt8] = Array(repeating: 0x5A, count: 69)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCOSEKey(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    do {
        let key = try CredentialPublicKey(coseBytes: bytes)
        let spki = key.spkiDER
        if let again = try? PublicKey(spkiDER: spki), !again.isEqual(to: key.publicKey) {
            fatalError("SPKI round trip changed the key")
        }
        // A signature made of the input itself: wrong, often malformed; must throw, never trap.
        let signature = Array(bytes.prefix(600))
        if (try? key.publicKey.verify(signature: signature, message: message, algorithm: key.algorithm, allowSHA1: true)) != nil {
            // Accepting the input as a signature over an unrelated message would be a forgery.
            fatalError("garbage signature verified")
        }
    } catch {
        _ = error.description.utf8.count
    }
    return 0
}
