// swift-tools-version:6.0
//
// dfns-bridge: WebAuthn verification (and, later, Dfns Delegated Signing) as Swift packages and a C ABI.
// Layers (a lower layer never imports a higher one):
//   C system modules (CLibCBOR, COpenSSL, CSecp256k1, COpenSSLShims, CCurl), DfnsLocking, DfnsEncoding
//   -> DfnsCBOR -> DfnsCrypto -> DfnsWebAuthn -> DfnsInspection, DfnsConformance
//   DfnsEncoding -> DfnsProtocol (wire types, user-action rules; shared with the sandbox)
//   DfnsProtocol, DfnsWebAuthn, DfnsCrypto -> DfnsClient -> DfnsCurlTransport (libcurl)
//   -> DfnsBridgeC (the C ABI) and tools (dfns-bridge CLI, benchmarks)
import PackageDescription

// The C library for C, C++ and Python hosts is built with
//   DFNS_BRIDGE_SHARED=1 swift build -c release --product dfns_bridge
// (scripts/build-shared.sh). Only then are the Swift runtime linked in statically, the exported
// symbols limited to dfns_* by a version script, and a soname set. Without the variable the
// manifest has no unsafe flags, so `swift test` links and Swift packages can depend on this one.
let sharedLibraryFlags: [LinkerSetting] =
    Context.environment["DFNS_BRIDGE_SHARED"] == "1"
    ? [.unsafeFlags([
        "-static-stdlib",
        // swift-asn1 imports FoundationEssentials; its static archive needs these as well (the
        // library itself no longer imports Synchronization, so nothing else pulls that one in).
        "-l_FoundationCollections", "-l_FoundationCShims", "-lswiftSynchronization",
        // Any undefined symbol is a link error; never unmap on dlclose (thread-exit destructors).
        "-Xlinker", "-z", "-Xlinker", "defs",
        "-Xlinker", "-z", "-Xlinker", "nodelete",
        "-Xlinker", "--version-script=\(Context.packageDirectory)/dfns_bridge.map",
        "-Xlinker", "-soname=libdfns_bridge.so.0",
        "-Xlinker", "-z", "-Xlinker", "noexecstack",
        "-Xlinker", "-z", "-Xlinker", "relro",
        "-Xlinker", "-z", "-Xlinker", "now",
    ], .when(platforms: [.linux]))]
    : []

let package = Package(
    name: "dfns-bridge",
    products: [
        .library(name: "DfnsEncoding", targets: ["DfnsEncoding"]),
        .library(name: "DfnsCBOR", targets: ["DfnsCBOR"]),
        .library(name: "DfnsCrypto", targets: ["DfnsCrypto"]),
        .library(name: "DfnsWebAuthn", targets: ["DfnsWebAuthn"]),
        .library(name: "DfnsInspection", targets: ["DfnsInspection"]),
        .library(name: "DfnsProtocol", targets: ["DfnsProtocol"]),
        .library(name: "DfnsClient", targets: ["DfnsClient"]),
        // The default HTTP transport on libcurl; Swift hosts with their own HTTP stack need not link it.
        .library(name: "DfnsCurlTransport", targets: ["DfnsCurlTransport"]),
        // libdfns_bridge.so: the C ABI of include/dfns_bridge.h.
        .library(name: "dfns_bridge", type: .dynamic, targets: ["DfnsBridgeC"]),
        .executable(name: "dfns-bridge", targets: ["DfnsBridgeTool"]),
        .executable(name: "dfns-bench", targets: ["DfnsBenchmarks"]),
        .executable(name: "dfns-client-bench", targets: ["DfnsClientBenchmarks"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-asn1", from: "1.7.4"),
        // ML-DSA-65/87 verification (MLDSA65/MLDSA87 on its vendored, symbol-prefixed BoringSSL);
        // only DfnsCrypto's MLDSAPublicKey.swift imports it. OpenSSL 3.0 has no ML-DSA.
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
    ],
    targets: [
        // MARK: C system modules
        .systemLibrary(name: "CLibCBOR", pkgConfig: "libcbor", providers: [.apt(["libcbor-dev"])]),
        .systemLibrary(name: "COpenSSL", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CSecp256k1", pkgConfig: "libsecp256k1", providers: [.apt(["libsecp256k1-dev"])]),
        // Thin C wrappers for OpenSSL function-like macros that Swift cannot call.
        .target(name: "COpenSSLShims", dependencies: ["COpenSSL"]),
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        // Non-variadic wrappers for curl_easy_setopt / curl_easy_getinfo (Swift cannot call C variadics).
        .target(name: "CCurlShims", dependencies: ["CCurl"]),

        // MARK: Swift layers
        // A pthread-backed lock for per-object caches, visible to ThreadSanitizer (Locked.swift).
        .target(name: "DfnsLocking"),
        // Hex, base64/base64url, PEM armour, the strict JSON parser and writer, civil dates: written
        // once, used by every layer above.
        .target(name: "DfnsEncoding"),
        .target(name: "DfnsCBOR", dependencies: ["CLibCBOR", "DfnsEncoding"]),
        .target(
            name: "DfnsCrypto",
            dependencies: ["COpenSSL", "COpenSSLShims", "CSecp256k1", "DfnsEncoding", "DfnsLocking",
                           .product(name: "Crypto", package: "swift-crypto")]
        ),
        .target(
            name: "DfnsWebAuthn",
            dependencies: [
                "DfnsEncoding", "DfnsCBOR", "DfnsCrypto", "DfnsLocking",
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ]
        ),

        // Human- and JSON-readable reports of WebAuthn structures (the CLI's inspect, dfns_inspect).
        .target(name: "DfnsInspection", dependencies: ["DfnsWebAuthn", "DfnsCBOR", "DfnsCrypto", "DfnsEncoding"]),

        // MARK: Dfns client and its default transport
        // The Dfns protocol shared by the client and the sandbox: wire types, Key clientData layouts,
        // user-action rules, the error envelope, pagination.
        .target(name: "DfnsProtocol", dependencies: ["DfnsEncoding"]),
        // The Dfns client: the Transport protocol (Transport/) and the layers built on it.
        .target(name: "DfnsClient", dependencies: ["DfnsProtocol", "DfnsWebAuthn", "DfnsCrypto", "DfnsEncoding", "DfnsLocking"]),
        // CurlTransport: the default Transport, on libcurl. CDfnsBridgeAPI only for the version macro.
        .target(
            name: "DfnsCurlTransport",
            dependencies: ["DfnsClient", "DfnsLocking", "CCurl", "CCurlShims", "CDfnsBridgeAPI"]
        ),

        // MARK: C ABI
        // include/dfns_bridge.h as a Swift module, so @c @implementation checks every signature.
        .systemLibrary(name: "CDfnsBridgeAPI"),
        .target(
            name: "DfnsBridgeC",
            dependencies: ["DfnsWebAuthn", "DfnsInspection", "DfnsCrypto", "DfnsEncoding", "DfnsLocking", "CDfnsBridgeAPI",
                           "DfnsClient", "DfnsCurlTransport", "DfnsProtocol"],
            linkerSettings: sharedLibraryFlags
        ),

        // Runs third-party WebAuthn vector files against the library (used by the CLI and the tests).
        .target(name: "DfnsConformance", dependencies: ["DfnsWebAuthn", "DfnsCBOR", "DfnsCrypto", "DfnsEncoding"]),

        // MARK: Tools
        .executableTarget(
            name: "DfnsBridgeTool",
            dependencies: [
                "DfnsWebAuthn", "DfnsCBOR", "DfnsCrypto", "DfnsConformance", "DfnsInspection", "DfnsEncoding",
                "DfnsClient",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "DfnsBenchmarks",
            dependencies: ["DfnsWebAuthn", "DfnsCrypto", "COpenSSL", "CSecp256k1"]
        ),

        // dfns-client-bench: user-action signing, webhook and recovery checks against raw OpenSSL /
        // libsecp256k1 in the same run (scripts/bench-client.sh).
        .executableTarget(
            name: "DfnsClientBenchmarks",
            dependencies: ["DfnsClient", "DfnsProtocol", "DfnsCrypto", "DfnsEncoding", "COpenSSL", "CSecp256k1"]
        ),

        // MARK: Tests
        .testTarget(name: "DfnsLockingTests", dependencies: ["DfnsLocking"]),
        .testTarget(name: "DfnsEncodingTests", dependencies: ["DfnsEncoding"]),
        .testTarget(name: "DfnsCBORTests", dependencies: ["DfnsCBOR", "DfnsEncoding"]),
        .testTarget(name: "DfnsCryptoTests", dependencies: ["DfnsCrypto", "DfnsEncoding", "DfnsLocking",
                                                      .product(name: "Crypto", package: "swift-crypto")]),
        .testTarget(name: "DfnsBridgeCTests", dependencies: ["DfnsBridgeC", "CDfnsBridgeAPI", "DfnsWebAuthn", "DfnsCrypto", "DfnsInspection", "DfnsEncoding"]),
        .testTarget(name: "DfnsWebAuthnTests", dependencies: ["DfnsWebAuthn", "DfnsCBOR", "DfnsCrypto", "DfnsConformance", "DfnsEncoding",
                                                        .product(name: "Crypto", package: "swift-crypto")]),
        // Test support, not a product: a loopback HTTP/1.1 server with byte-level control of replies.
        .target(name: "DfnsTestHTTPServer", dependencies: ["DfnsClient", "DfnsLocking"], path: "Tests/DfnsTestHTTPServer"),
        .testTarget(name: "DfnsClientTests", dependencies: [
            "DfnsClient", "DfnsProtocol", "DfnsCrypto", "DfnsEncoding", "DfnsLocking", "DfnsWebAuthn", "DfnsCurlTransport", "DfnsTestHTTPServer",
            .product(name: "SwiftASN1", package: "swift-asn1"),
        ]),
        .testTarget(name: "DfnsCurlTransportTests", dependencies: ["DfnsCurlTransport", "DfnsClient", "DfnsTestHTTPServer"]),
    ]
)
