// A WebAuthn registration and assertion, verified with DfnsWebAuthn from Swift (no C layer): the
// relying-party side of the library, with no Dfns API and no server (dfns-swift-example, beside
// it, runs the Delegated Signing walkthrough against a sandbox).
//
// The software authenticator plays the user's device; a RelyingPartyPolicy plays the relying
// party. The program prints one line per check and exits 0 when all pass, 1 otherwise.

import DfnsEncoding
import DfnsWebAuthn

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes `text` and a newline to standard error (file descriptor 2).
func printToStandardError(_ text: String) {
    var line = text + "\n"
    line.withUTF8 { buffer in _ = write(2, buffer.baseAddress, buffer.count) }
}

/// A check of the example that did not hold.
struct ExampleFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

@main
struct VerifyExample {
    static let rpId = "example.org"
    static let origin = "https://example.org"

    static func main() {
        do {
            try run()
        } catch {
            printToStandardError("FAIL: \(error)")
            exit(1)
        }
    }

    static func run() throws {
        var checks = 0
        func passed(_ line: String) {
            checks += 1
            print("ok: \(line)")
        }

        print("dfns-bridge Swift verification example (DfnsWebAuthn, no C layer)")

        // 1. The relying party's policy: its RP ID and the one origin it serves.
        let policy = RelyingPartyPolicy(rpId: rpId, allowedOrigins: [origin])
        passed("policy for RP ID \(rpId), origin \(origin)")

        // A real relying party draws a fresh random challenge per ceremony and consumes it once;
        // fixed values keep the example reproducible.
        let registrationChallenge = Array("registration challenge 0123456".utf8)
        let assertionChallenge = Array("assertion challenge 0123456789".utf8)
        let userHandle = Array("user-42".utf8)

        // 2. The user's device creates an ES256K credential with packed self attestation.
        let device = SoftwareAuthenticator()
        let created = try device.register(rpId: rpId, origin: origin, challenge: registrationChallenge,
                                          algorithm: .es256k, attestation: .packedSelf, userHandle: userHandle)
        passed("software authenticator created an ES256K credential (\(created.credentialId.count)-byte ID, "
            + "attestation object \(created.attestationObject.count) bytes)")

        // 3. The relying party verifies the registration against the challenge it issued.
        let registration = try RegistrationVerifier(policy: policy).verify(
            clientDataJSON: created.clientDataJSON, attestationObject: created.attestationObject,
            expectedChallenge: registrationChallenge)
        guard registration.format == "packed", registration.attestationType == .`self` else {
            throw ExampleFailure("expected packed self attestation, got \(registration.format)/\(registration.attestationType.rawValue)")
        }
        passed("registration verified: fmt=\(registration.format), attestation=\(registration.attestationType.rawValue), "
            + "trusted=\(registration.trust.isTrusted ? "yes" : "no"), sign count \(registration.signCount), "
            + "flags \(hex(registration.flags.rawValue))")

        // 4. The record to store: credential ID, public key (kept as COSE bytes, re-imported later).
        guard registration.credentialId == created.credentialId else {
            throw ExampleFailure("the verified credential ID differs from the response's")
        }
        let storedCOSE = registration.credentialPublicKey.coseBytes
        let key = try CredentialPublicKey(coseBytes: storedCOSE)
        guard key.algorithm == .es256k else { throw ExampleFailure("expected an ES256K key, got \(key.algorithm.name)") }
        passed("credential record: \(registration.credentialId.count)-byte ID matches the response, "
            + "\(key.algorithm.name) key (\(storedCOSE.count)-byte COSE_Key) re-imported")

        // 5. Later, the device signs an assertion for a new challenge.
        let asserted = try device.authenticate(rpId: rpId, origin: origin, challenge: assertionChallenge,
                                               credentialId: registration.credentialId)
        guard asserted.userHandle == userHandle else {
            throw ExampleFailure("the assertion's user handle differs from the one registered")
        }
        passed("software authenticator signed an assertion (\(asserted.signature.count)-byte signature, user handle returned)")

        // 6. The relying party verifies it with the stored key and counter.
        let record = StoredCredential(credentialId: registration.credentialId, publicKey: key,
                                      signCount: registration.signCount, backupEligible: registration.backupEligible)
        let verifier = AssertionVerifier(policy: policy)
        let assertion = try verifier.verify(clientDataJSON: asserted.clientDataJSON, authenticatorData: asserted.authenticatorData,
                                            signature: asserted.signature, expectedChallenge: assertionChallenge,
                                            credential: record)
        guard assertion.signCount == 1, !assertion.signCountRegressed else {
            throw ExampleFailure("expected sign count 1 without regression, got \(assertion.signCount)")
        }
        passed("assertion verified: sign count \(assertion.signCount), flags \(hex(assertion.flags.rawValue)), "
            + "counter regressed=\(assertion.signCountRegressed ? "yes" : "no")")

        // 7. A replay of the same assertion after storing the new counter is rejected.
        var updated = record
        updated.signCount = assertion.signCount
        let replay = try expectRejection(.signCountNotIncreased) {
            try verifier.verify(clientDataJSON: asserted.clientDataJSON, authenticatorData: asserted.authenticatorData,
                                signature: asserted.signature, expectedChallenge: assertionChallenge, credential: updated)
        }
        passed("replayed assertion rejected: \(replay)")

        // 8. An assertion answering another challenge is rejected.
        let wrong = try expectRejection(.challengeMismatch) {
            try verifier.verify(clientDataJSON: asserted.clientDataJSON, authenticatorData: asserted.authenticatorData,
                                signature: asserted.signature, expectedChallenge: registrationChallenge, credential: record)
        }
        passed("assertion for another challenge rejected: \(wrong.code.name)")

        print("all \(checks) checks passed")
    }

    /// Runs `body`, which must fail with `code`, and returns the error.
    static func expectRejection(_ code: WebAuthnError.Code, _ body: () throws -> AssertionResult) throws -> WebAuthnError {
        do {
            _ = try body()
        } catch let error as WebAuthnError {
            guard error.code == code else { throw ExampleFailure("expected \(code.name), got \(error)") }
            return error
        }
        throw ExampleFailure("expected \(code.name), but it verified")
    }

    /// A flags byte as 0x45.
    static func hex(_ byte: UInt8) -> String {
        "0x" + Hex.encode(integer: byte)
    }
}
