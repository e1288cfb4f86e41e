// swift-tools-version:6.0
//
// A Swift package that uses dfns-bridge directly (DfnsWebAuthn: SoftwareAuthenticator,
// RegistrationVerifier, AssertionVerifier), with no C layer in between.
//
// The dependency is the repository itself, two directories up. SwiftPM gives a path dependency
// the identity of its directory's last path component, lowercased: "main" in /work/main,
// "dfns-bridge" in a default `git clone`, anything in CI. `name:` gives the dependency a fixed
// name for `.product(package:)` below whatever the checkout directory is called (SwiftPM 6.3
// accepts it without a deprecation warning for path dependencies). Your own package would
// normally depend on a tagged release instead:
//   .package(url: "https://github.com/<org>/dfns-bridge", from: "0.1.0")
// and then refer to it as package: "dfns-bridge".
//
// Build and run from the repository root (scripts/test-examples.sh does this; the scratch path
// keeps its build inside the git-ignored build/ folder):
//   swift run --package-path examples/swift --scratch-path build/swift-example dfns-swift-example
import PackageDescription

let package = Package(
    name: "dfns-bridge-swift-example",
    dependencies: [
        .package(name: "dfns-bridge", path: "../.."),
    ],
    targets: [
        .executableTarget(
            name: "dfns-swift-example",
            dependencies: [
                .product(name: "DfnsWebAuthn", package: "dfns-bridge"),
                .product(name: "DfnsEncoding", package: "dfns-bridge"),
            ],
            path: "Sources/DfnsSwiftExample"
        ),
    ]
)
