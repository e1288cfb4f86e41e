// swift-tools-version:6.0
//
// libFuzzer targets for every dfns-bridge parser that reads untrusted input. A separate package, so
// the main package's `swift build` / `swift test` never see these targets. Build one target with
// (scripts/fuzz.sh does this for all of them):
//
//   swift build --product <Target> --sanitize=fuzzer -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library
//
// The targets have no `main`: libFuzzer supplies it, so a plain `swift build` of this package does
// not link. See README.md.
import PackageDescription

// The dfns-bridge package this fuzzes: the repository root. SwiftPM names a path dependency after
// its directory (lowercased), so derive that name from this manifest's location rather than
// assuming the checkout is called "main".
let dfnsRoot = ".."
let dfnsIdentity: String = {
    let parts = "\(#filePath)".split(separator: "/")  // .../<repository>/fuzz/Package.swift
    return parts.count >= 3 ? parts[parts.count - 3].lowercased() : "main"
}()

let webAuthn: Target.Dependency = .product(name: "DfnsWebAuthn", package: dfnsIdentity)
let crypto: Target.Dependency = .product(name: "DfnsCrypto", package: dfnsIdentity)
let cbor: Target.Dependency = .product(name: "DfnsCBOR", package: dfnsIdentity)
let client: Target.Dependency = .product(name: "DfnsClient", package: dfnsIdentity)
let dfnsProtocol: Target.Dependency = .product(name: "DfnsProtocol", package: dfnsIdentity)
let encoding: Target.Dependency = .product(name: "DfnsEncoding", package: dfnsIdentity)

let package = Package(
    name: "dfns-bridge-fuzz",
    dependencies: [
        .package(path: dfnsRoot),
    ],
    targets: [
        // AttestationObject(bytes:): CBOR map {fmt, attStmt, authData} and the authenticator data inside.
        .executableTarget(name: "FuzzAttestationObject", dependencies: [webAuthn, cbor]),
        // AuthenticatorData(bytes:): the binary layout, attested credential data, COSE key and extensions CBOR.
        .executableTarget(name: "FuzzAuthenticatorData", dependencies: [webAuthn, cbor]),
        // CollectedClientData(bytes:): the JSON parser and the client data member rules.
        .executableTarget(name: "FuzzClientDataJSON", dependencies: [webAuthn]),
        // CredentialPublicKey(coseBytes:): strict CBOR, COSE_Key rules, key import into OpenSSL/libsecp256k1.
        .executableTarget(name: "FuzzCOSEKey", dependencies: [webAuthn, crypto]),
        // Certificate(der:) and its extension accessors (AAGUID, Android key description, Apple nonce,
        // subjectAltName directoryNames, extendedKeyUsage, basicConstraints).
        .executableTarget(name: "FuzzCertificate", dependencies: [webAuthn, crypto]),
        // RegistrationVerifier.verifyAttestation over arbitrary attestation objects (all statement formats).
        .executableTarget(name: "FuzzRegistration", dependencies: [webAuthn, crypto]),
        // What a Dfns API server answers: error envelopes, wire types, outcomes (Dfns client).
        .executableTarget(name: "FuzzAPIResponse", dependencies: [client, dfnsProtocol, encoding]),
    ]
)
