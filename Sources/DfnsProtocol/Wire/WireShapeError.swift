/// A document that is valid JSON but not of the shape a wire type needs: which member, what was
/// wrong (never the member's value, which may be a secret).
public struct WireShapeError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The member's path, e.g. `allowCredentials.key.0.id`; empty for the document itself.
    public let path: String
    /// What was wrong, e.g. `is missing` or `is a number, not a string`.
    public let problem: String

    public init(path: String, problem: String) {
        self.path = path
        self.problem = problem
    }

    public var description: String {
        path.isEmpty ? "the document \(problem)" : "member \"\(path)\" \(problem)"
    }
}
