// libFuzzer target: RegistrationVerifier.verifyAttestation over arbitrary attestation objects: every
// statement format (packed, tpm, android-key, android-safetynet, fido-u2f, apple, none, compound),
// certificate chains against the built-in roots, and the credential key import.
//
// Input framing (so the fuzzer can get past the rpIdHash check and reach the statement verifiers;
// scripts/fuzz.sh builds seeds in this form from the conformance vectors):
//   byte 0       policy bits: 0x01 allowSHA1, 0x02 requireTrustedAttestation, 0x04 requireUserVerification,
//                0x08 no built-in trust anchors, 0x10 no self attestation, 0x20 no none attestation,
//                0x40 compound: at least one (not all)
//   bytes 1..8   verification time, big-endian Int64 Unix seconds
//   byte 9       rpId length L, then L bytes of rpId (UTF-8)
//   32 bytes     clientDataHash
//   the rest     the attestation object
import DfnsCrypto
import DfnsWebAuthn

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRegistration(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = UnsafeBufferPointer(start: data, count: size)
    guard input.count >= 10 else { return 0 }
    let bits = input[0]
    var time: Int64 = 0
    for i in 1...8 { time = time << 8 | Int64(input[i]) }
    let rpIdLength = Int(input[9])
    let rpIdEnd = 10 + rpIdLength
    guard input.count >= rpIdEnd + 32 else { return 0 }
    let rpId = String(decoding: input[10..<rpIdEnd], as: UTF8.self)
    let clientDataHash = Array(input[rpIdEnd..<rpIdEnd + 32])
    let attestationObject = Array(input[(rpIdEnd + 32)...])

    var policy = RelyingPartyPolicy(rpId: rpId, allowedOrigins: ["https://\(rpId)"])
    policy.verificationTime = time
    policy.allowSHA1 = bits & 0x01 != 0
    policy.requireTrustedAttestation = bits & 0x02 != 0
    policy.requireUserVerification = bits & 0x04 != 0
    policy.useBuiltInTrustAnchors = bits & 0x08 == 0
    policy.allowSelfAttestation = bits & 0x10 == 0
    policy.allowNoneAttestation = bits & 0x20 == 0
    policy.compoundRequiresAll = bits & 0x40 == 0
    policy.safetyNet.maxAgeSeconds = nil
    do {
        let result = try RegistrationVerifier(policy: policy).verifyAttestation(
            attestationObject: attestationObject, clientDataHash: clientDataHash)
        _ = result.credentialPublicKey.spkiDER
        _ = result.trust.isTrusted
        _ = result.attestation.trustPath.map(\.subject.description)
    } catch {
        _ = error.description.utf8.count
    }
    return 0
}
