import DfnsEncoding

/// The body of `POST /auth/action` (reference/dfns-protocol.md §2.2): the challenge identifier and
/// the signed assertion(s). Factors are carried as JSON objects (`{"kind":"Key",
/// "credentialAssertion":{…}}`, `{"kind":"Fido2",…}`, `{"kind":"Password","password":…}`, …) so
/// that an assertion produced on another device passes through unchanged.
public struct UserActionSignatureRequest: Codable, Sendable, Equatable {
    public var challengeIdentifier: String
    public var firstFactor: JSONValue
    public var secondFactor: JSONValue?

    public init(challengeIdentifier: String, firstFactor: JSONValue, secondFactor: JSONValue? = nil) {
        self.challengeIdentifier = challengeIdentifier
        self.firstFactor = firstFactor
        self.secondFactor = secondFactor
    }

    /// The exact body: members in protocol order, compact.
    public var jsonValue: JSONValue {
        var members: [(String, JSONValue)] = [("challengeIdentifier", .string(challengeIdentifier)),
                                              ("firstFactor", firstFactor)]
        if let secondFactor { members.append(("secondFactor", secondFactor)) }
        return .object(members)
    }
}

/// The answer of `POST /auth/action`: the single-use token for `X-DFNS-USERACTION`.
public struct UserActionToken: Codable, Sendable, Equatable {
    public var userAction: String

    public init(userAction: String) {
        self.userAction = userAction
    }
}
