// swift-tools-version:6.0
//
// dfns-sandbox: a local, Dfns-compatible API server for development and tests (Hummingbird 2 + GRDB
// on SQLite). A separate package beside the library, as fuzz/ is, so that Hummingbird, SwiftNIO and
// GRDB never enter the dependency graph of a Swift host that uses dfns-bridge. It depends on the
// library's protocol, WebAuthn and crypto products by path, and verifies every signature with them.
//
// It is a development sandbox, not a custody product: its keys are stored unencrypted.
import PackageDescription

// The dfns-bridge package: the repository root. SwiftPM names a path dependency after its directory
// (lowercased), so derive that name from this manifest's location rather than assuming a name.
let dfnsRoot = ".."
let dfnsIdentity: String = {
    let parts = "\(#filePath)".split(separator: "/")  // .../<repository>/sandbox/Package.swift
    return parts.count >= 3 ? parts[parts.count - 3].lowercased() : "main"
}()

func dfns(_ product: String) -> Target.Dependency { .product(name: product, package: dfnsIdentity) }

let package = Package(
    name: "dfns-sandbox",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "dfns-sandbox", targets: ["DfnsSandboxCommand"]),
        .executable(name: "dfns-walkthrough", targets: ["DfnsWalkthrough"]),
        .executable(name: "dfns-sandbox-bench", targets: ["DfnsSandboxBenchmark"]),
    ],
    dependencies: [
        .package(path: dfnsRoot),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
    ],
    targets: [
        // The server: App/ (configuration, router, bootstrap), Store/ (migrations, records),
        // Domain/ (tokens, challenges, credential checks, keys, policies, audit log, webhooks),
        // Middleware/ (bearer token, user action, errors), Routes/ (one file per API area).
        .target(
            name: "DfnsSandbox",
            dependencies: [
                dfns("DfnsProtocol"), dfns("DfnsWebAuthn"), dfns("DfnsCrypto"), dfns("DfnsEncoding"),
                dfns("DfnsClient"), dfns("DfnsCurlTransport"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ]
        ),
        // `dfns-sandbox`: serve, and `audit verify`.
        .executableTarget(
            name: "DfnsSandboxCommand",
            dependencies: ["DfnsSandbox", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        // `dfns-walkthrough`: the README's main job, Delegated Signing end to end against a sandbox,
        // with the library's client over libcurl and the CLI's `device` in other processes.
        .executableTarget(
            name: "DfnsWalkthrough",
            dependencies: [
                dfns("DfnsClient"), dfns("DfnsCurlTransport"), dfns("DfnsProtocol"), dfns("DfnsCrypto"),
                dfns("DfnsEncoding"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // `dfns-sandbox-bench`: N concurrent clients doing full user-action round trips.
        .executableTarget(
            name: "DfnsSandboxBenchmark",
            dependencies: [
                "DfnsSandbox", dfns("DfnsClient"), dfns("DfnsCurlTransport"), dfns("DfnsCrypto"),
                dfns("DfnsProtocol"), dfns("DfnsEncoding"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(
            name: "DfnsSandboxTests",
            dependencies: [
                "DfnsSandbox", dfns("DfnsClient"), dfns("DfnsCurlTransport"), dfns("DfnsProtocol"),
                dfns("DfnsCrypto"), dfns("DfnsWebAuthn"), dfns("DfnsEncoding"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
    ]
)
