import Foundation

/// Prints the walkthrough for a person to follow: numbered steps, what is done, and each check with
/// its outcome. A failed check is remembered; the command exits non-zero at the end if any failed.
final class Narrator: @unchecked Sendable {
    private(set) var failures: [String] = []
    private(set) var checks = 0

    func step(_ number: Int, _ title: String) {
        print("\n[\(number)] \(title)")
    }

    func say(_ text: String) {
        print("    \(text)")
    }

    /// Records a check: prints ✓ or ✗ with `description`.
    func check(_ condition: Bool, _ description: String) {
        checks += 1
        if condition {
            print("    ✓ \(description)")
        } else {
            print("    ✗ \(description)")
            failures.append(description)
        }
    }

    /// Runs `body`, expecting it to throw; the check passes when it does and `matches` accepts the error.
    func expectRefusal(_ description: String, matches: (String) -> Bool = { _ in true },
                       _ body: () async throws -> Void) async {
        do {
            try await body()
            check(false, "\(description): it was accepted")
        } catch {
            let text = "\(error)"
            check(matches(text), "\(description): refused (\(text.prefix(160)))")
        }
    }
}

/// A step that could not continue.
struct WalkthroughFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
