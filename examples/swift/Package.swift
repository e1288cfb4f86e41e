// swift-tools-version:6.0
//
// A Swift package that uses dfns-bridge directly, with no C layer in between:
//   dfns-swift-example         the Delegated Signing walkthrough against a running dfns-sandbox
//                              (DfnsClient with the DfnsCurlTransport, passkeys of DfnsWebAuthn's
//                              SoftwareAuthenticator); argument: the sandbox's bootstrap file;
//   dfns-swift-verify-example  WebAuthn registration and assertion verification (DfnsWebAuthn:
//                              SoftwareAuthenticator, RegistrationVerifier, AssertionVerifier).
//
// The dependency is the repository itself, two directories up. SwiftPM gives a path dependency
// the identity of its directory's last path component, lowercased: "main" in /work/main,
// "dfns-bridge" in a default `git clone`, anything in CI. `name:` gives the dependency a fixed
// name for `.product(package:)` below whatever the checkout directory is called (SwiftPM 6.3
// accepts it without a deprecation warning for path dependencies). Your own package would
// normally depend on a tagged release instead:
//   .package(url: "https://github.com/<org>/dfns-bridge", from: "0.4.0")
// and then refer to it as package: "dfns-bridge".
//
// Build and run from the repository root (scripts/test-examples.sh does this, with a sandbox it
// starts; the scratch path keeps the build inside the git-ignored build/ folder):
//   swift run --package-path examples/swift --scratch-path build/swift-example dfns-swift-example BOOTSTRAP_FILE
//   swift run --package-path examples/swift --scratch-path build/swift-example dfns-swift-verify-example
import PackageDescription

func dfns(_ product: String) -> Target.Dependency { .product(name: product, package: "dfns-bridge") }

let package = Package(
    name: "dfns-bridge-swift-example",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(name: "dfns-bridge", path: "../.."),
    ],
    targets: [
        .executableTarget(
            name: "dfns-swift-example",
            dependencies: [
                dfns("DfnsClient"), dfns("DfnsCurlTransport"), dfns("DfnsWebAuthn"), dfns("DfnsProtocol"),
                dfns("DfnsCrypto"), dfns("DfnsEncoding"),
            ],
            path: "Sources/DfnsSwiftExample"
        ),
        .executableTarget(
            name: "dfns-swift-verify-example",
            dependencies: [dfns("DfnsWebAuthn"), dfns("DfnsEncoding")],
            path: "Sources/DfnsSwiftVerifyExample"
        ),
    ]
)
