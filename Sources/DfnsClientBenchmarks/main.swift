// dfns-client-bench: the Dfns client's hot paths against the same cryptography called directly, in
// the same run. Not a test: it prints numbers, ratios and a verdict per target, and exits 0 unless an
// input is wrong.
//   - user-action challenge signing (clientData build, hash, sign, encode, the /auth/action body)
//     with a Key credential, P-256, Ed25519, secp256k1 and RSA-2048, against raw signing of the same
//     clientData bytes (OpenSSL EVP_DigestSign; libsecp256k1 for secp256k1); target >= 0.90;
//   - webhook verification of a 2 KiB event against a raw HMAC-SHA256 and comparison; target >= 0.90;
//   - a returned secp256k1 signature checked by public-key recovery against a raw libsecp256k1
//     recover; target >= 0.90.
// Usage: dfns-client-bench [seconds-per-case (default 1)] [rounds (default 3)]
import COpenSSL
import DfnsClient
import DfnsCrypto
import DfnsEncoding
import DfnsProtocol
import Glibc

let arguments = Array(CommandLine.arguments.dropFirst())
let seconds = arguments.first.flatMap(Double.init) ?? 1
let rounds = arguments.count > 1 ? Int(arguments[1]) ?? 3 : 3
/// `--breakdown` (third argument): also time the signature alone and the signer alone.
let breakdown = arguments.contains("--breakdown")

struct Case {
    let name: String
    let target: Double
    let library: () -> Bool
    let raw: () -> Bool
}

func fail(_ message: String) -> Never {
    fatalError("dfns-client-bench: \(message)")
}

/// The secp256k1 private scalar of `pem` (for the libsecp256k1 baseline).
func secp256k1Secret(pem: String) -> [UInt8] {
    var bytes = Array(pem.utf8)
    guard let bio = BIO_new_mem_buf(&bytes, Int32(bytes.count)), let pkey = PEM_read_bio_PrivateKey(bio, nil, nil, nil) else {
        fail("cannot read the secp256k1 PEM")
    }
    defer { EVP_PKEY_free(pkey); BIO_free(bio) }
    var bn: OpaquePointer? = nil
    guard EVP_PKEY_get_bn_param(pkey, "priv", &bn) == 1, let bn else { fail("no private scalar") }
    defer { BN_clear_free(bn) }
    var out = [UInt8](repeating: 0, count: 32)
    guard BN_bn2binpad(bn, &out, 32) == 32 else { fail("scalar does not fit 32 bytes") }
    return out
}

// A challenge and identifier of the sizes the API hands out.
let challenge = Base64URL.encode(Array("ch-3k1pe-9v7ud-8tlqk6ij3n8sagdp-0123456789".utf8))
let challengeIdentifier = "eyJ0eXAiOiJKV1QiLCJhbGciOiJFUzI1NiJ9." + Base64URL.encode([UInt8](repeating: 0x5a, count: 180)) + "."
    + Base64URL.encode([UInt8](repeating: 0xa5, count: 64))

var cases: [Case] = []
for kind in [KeyCredentialKind.p256, .ed25519, .secp256k1, .rsa] {
    let credential: KeyCredential
    let privateKey: PrivateKey
    let pem: String
    do {
        let type: KeyType = kind == .p256 ? .ec(.p256) : kind == .secp256k1 ? .ec(.secp256k1) : kind == .ed25519 ? .ed25519 : .rsa(bits: 2048)
        privateKey = try PrivateKey.generate(type)
        credential = try KeyCredential(privateKey: privateKey)
        pem = try credential.privateKeyPEM()
    } catch {
        fail("key generation for \(kind): \(error)")
    }
    let signer = KeySigner(credential: credential)
    let allowed = [credential.credentialId]
    let clientData = KeyClientData.assertion(challenge: challenge)
    let library: () -> Bool = {
        guard let assertion = try? signer.sign(challenge: challenge, allowedCredentialIds: allowed) else { return false }
        let body = JSONWriter.bytes(UserActionSignatureRequest(challengeIdentifier: challengeIdentifier,
                                                               firstFactor: assertion.jsonValue).jsonValue)
        return body.count > 100
    }
    let raw: () -> Bool
    if kind == .secp256k1 {
        guard let baseline = RawBaselines.Secp256k1Signer(secret: secp256k1Secret(pem: pem)) else { fail("libsecp256k1 context") }
        raw = { baseline.sign(clientData) }
    } else {
        guard let baseline = RawBaselines.EVPSigner(pem: pem, sha256: kind != .ed25519) else { fail("EVP key for \(kind)") }
        raw = { baseline.sign(clientData) }
    }
    cases.append(Case(name: "user action, \(kind)", target: 0.90, library: library, raw: raw))
    if breakdown {
        // Where the time goes: the signature alone through the library, then the whole assertion.
        cases.append(Case(name: "  \(kind): PrivateKey.sign", target: 0, library: {
            (try? privateKey.sign(clientData, algorithm: kind == .ed25519 ? .edDSA : kind == .rsa ? .rs256 : kind == .p256 ? .es256 : .es256k)) != nil
        }, raw: raw))
        cases.append(Case(name: "  \(kind): KeySigner.sign", target: 0, library: {
            (try? signer.sign(challenge: challenge, allowedCredentialIds: allowed)) != nil
        }, raw: raw))
        guard let fixedAssertion = try? signer.sign(challenge: challenge, allowedCredentialIds: allowed) else { fail("sign") }
        cases.append(Case(name: "  \(kind): body only", target: 0, library: {
            JSONWriter.bytes(UserActionSignatureRequest(challengeIdentifier: challengeIdentifier,
                                                        firstFactor: fixedAssertion.jsonValue).jsonValue).count > 100
        }, raw: raw))
    }
}

// Webhook: a 2 KiB event, verified with its signature header and a maximum age.
do {
    let now: Int64 = 1_764_000_000
    let filler = String(repeating: "x", count: 1_800)
    let body = Array((#"{"id":"whe-1","kind":"wallet.transfer.confirmed","date":"2025-11-24T15:46:40.000Z","status":"Delivered","deliveryAttempt":1,"timestampSent":"#
        + String(now) + #","data":{"transfer":{"id":"xfr-1","walletId":"wa-1","status":"Confirmed","memo":""# + filler + #""}}}"#).utf8)
    let secretBytes = Array("whs-benchmark-secret-0123456789".utf8)
    let header = WebhookSigner.signatureHeader(body: body, secret: SecretBytes(secretBytes))
    let verifier = WebhookVerifier(secret: SecretBytes(secretBytes))
    guard let expected = try? Hex.decode(String(header.dropFirst("sha256=".count))) else { fail("webhook header") }
    cases.append(Case(name: "webhook, \(body.count) B", target: 0.90,
                      library: { (try? verifier.verify(body: body, signatureHeader: header, now: now)) != nil },
                      raw: { RawBaselines.hmacMatches(key: secretBytes, message: body, expected: expected) }))
}

// A returned secp256k1 signature: recovery of the public key, compared with the key's.
do {
    let key: PrivateKey
    let compact: [UInt8]
    let recid: Int
    let digest = (0..<32).map { UInt8($0 &* 7 &+ 3) }
    do {
        key = try PrivateKey.generate(.ec(.secp256k1))
        (compact, recid) = try key.signRecoverableSecp256k1(digest: digest)
    } catch {
        fail("secp256k1 signing: \(error)")
    }
    guard case .ec(_, let x, let y)? = key.publicKey.components else { fail("no key components") }
    let publicKeyHex = "04" + Hex.encode(x + y)
    let r = "0x" + Hex.encode(compact.prefix(32))
    let s = "0x" + Hex.encode(compact.suffix(32))
    guard let baseline = RawBaselines.Secp256k1Signer(secret: [UInt8](repeating: 1, count: 32)) else { fail("libsecp256k1 context") }
    cases.append(Case(name: "secp256k1 recovery check", target: 0.90,
                      library: { (try? ReturnedSignatureVerifier.verifySecp256k1(digest: digest, r: r, s: s, recid: recid,
                                                                                 publicKeyHex: publicKeyHex)) != nil },
                      raw: { baseline.recover(compact: compact, recid: Int32(recid), digest: digest) }))
}

print("dfns-client-bench: \(fixed(seconds, 1)) s per case, best of \(rounds) interleaved rounds; load \(String(decoding: (try? loadAverage()) ?? [], as: UTF8.self))")
for c in cases { _ = perSecond(seconds: 0.2, c.library); _ = perSecond(seconds: 0.2, c.raw) }   // warm-up
var best = [(library: Double, raw: Double)](repeating: (0, 0), count: cases.count)
for round in 0..<rounds {
    for (index, c) in cases.enumerated() {
        // Alternate which side goes first, so both see the same machine conditions.
        if round % 2 == 0 {
            best[index].library = max(best[index].library, perSecond(seconds: seconds, c.library))
            best[index].raw = max(best[index].raw, perSecond(seconds: seconds, c.raw))
        } else {
            best[index].raw = max(best[index].raw, perSecond(seconds: seconds, c.raw))
            best[index].library = max(best[index].library, perSecond(seconds: seconds, c.library))
        }
    }
}
print(pad("case", 28) + pad("library/s", 12) + pad("raw/s", 12) + pad("ratio", 8) + pad("target", 8) + "  verdict")
for (index, c) in cases.enumerated() {
    let ratio = best[index].library / max(best[index].raw, 1e-9)
    print(pad(c.name, 28) + pad(fixed(best[index].library, 0), 12) + pad(fixed(best[index].raw, 0), 12)
          + pad(fixed(ratio, 3), 8) + pad(fixed(c.target, 2), 8) + "  " + (ratio >= c.target ? "meets" : "BELOW"))
}

func loadAverage() throws -> [UInt8] {
    guard let file = fopen("/proc/loadavg", "r") else { return [] }
    defer { fclose(file) }
    var buffer = [CChar](repeating: 0, count: 64)
    guard fgets(&buffer, 64, file) != nil else { return [] }
    return Array(buffer.prefix { $0 != 0 && $0 != 10 }.map { UInt8(bitPattern: $0) }.prefix(14))
}
