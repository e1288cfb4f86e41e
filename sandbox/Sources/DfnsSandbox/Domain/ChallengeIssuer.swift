import DfnsEncoding
import Foundation
import GRDB

/// Issues and consumes the sandbox's challenges. A challenge text is base64url of an ASCII id
/// (`ch-…`), as Dfns' are; the `challengeIdentifier` is a separate random id. Consuming is a
/// conditional update inside the caller's transaction, so two requests racing for one challenge
/// cannot both win.
public enum ChallengeIssuer {
    /// A fresh challenge text.
    public static func newChallengeText() -> String {
        Base64URL.encode(Array(Identifiers.make("ch").utf8))
    }

    /// Inserts a new challenge for `userId` and returns it.
    @discardableResult
    public static func issue(_ db: Database, orgId: String, userId: String, purpose: String, ttl: Double,
                             method: String? = nil, path: String? = nil, payload: String? = nil,
                             detail: JSONValue? = nil) throws -> Challenge {
        let challenge = Challenge(id: Identifiers.make("chi"), orgId: orgId, userId: userId, purpose: purpose,
                                  challenge: newChallengeText(), httpMethod: method, httpPath: path, payload: payload,
                                  detail: detail.map { JSONWriter.string($0) }, expiresAt: SandboxClock.now() + ttl,
                                  usedAt: nil)
        try challenge.insert(db)
        return challenge
    }

    /// The unused, unexpired challenge `identifier` of `purpose`, or the documented 400.
    public static func find(_ db: Database, identifier: String, purpose: String) throws -> Challenge {
        guard let challenge = try Challenge.fetchOne(db, key: identifier), challenge.purpose == purpose else {
            throw SandboxError(.badRequest, "E_INVALID_CHALLENGE", "invalid challenge identifier")
        }
        guard challenge.usedAt == nil else {
            throw SandboxError(.badRequest, "E_CHALLENGE_USED", "the challenge has already been used")
        }
        guard challenge.expiresAt > SandboxClock.now() else {
            throw SandboxError(.badRequest, "E_CHALLENGE_EXPIRED", "the challenge has expired")
        }
        return challenge
    }

    /// Marks `identifier` used; throws when another request used it first.
    public static func consume(_ db: Database, identifier: String) throws {
        try db.execute(sql: "UPDATE challenge SET usedAt = ? WHERE id = ? AND usedAt IS NULL",
                       arguments: [SandboxClock.now(), identifier])
        guard db.changesCount == 1 else {
            throw SandboxError(.badRequest, "E_CHALLENGE_USED", "the challenge has already been used")
        }
    }

    /// The body of a signing challenge (`/auth/action/init`, `/auth/login/init`): the challenge,
    /// its identifier, and the user's active signing credentials to choose from.
    public static func signingChallengeBody(_ challenge: Challenge, credentials: [Credential], organization: Organization) -> JSONValue {
        let active = credentials.filter { $0.isActive && $0.isSigningFactor }
        let keys = active.filter { $0.kind == CredentialKind.key }
        let passkeys = active.filter { $0.kind == CredentialKind.fido2 }
        let protectedKeys = active.filter { $0.kind == CredentialKind.passwordProtectedKey }
        func descriptor(_ credential: Credential) -> JSONValue {
            .object([("type", .string("public-key")), ("id", .string(credential.credId))])
        }
        return .object([
            ("challenge", .string(challenge.challenge)),
            ("challengeIdentifier", .string(challenge.id)),
            ("userVerification", .string("required")),
            ("attestation", .string("direct")),
            ("supportedCredentialKinds", .array([
                supported("Fido2", "first"), supported("Key", "first"), supported("PasswordProtectedKey", "first"),
            ])),
            ("allowCredentials", .object([
                ("key", .array(keys.map(descriptor))),
                ("webauthn", .array(passkeys.map(descriptor))),
                ("passwordProtectedKey", .array(protectedKeys.map { credential in
                    .object([("type", .string("public-key")), ("id", .string(credential.credId)),
                             ("encryptedPrivateKey", .string(credential.encryptedPrivateKey ?? ""))])
                })),
            ])),
            ("rp", .object([("id", .string(organization.rpId)), ("name", .string(organization.name))])),
            ("externalAuthenticationUrl", .string("")),
        ])
    }

    private static func supported(_ kind: String, _ factor: String) -> JSONValue {
        .object([("kind", .string(kind)), ("factor", .string(factor)), ("requiresSecondFactor", .bool(false))])
    }

    /// The body of a credential-creation challenge (registration, `/auth/credentials/init`,
    /// recovery): WebAuthn creation options plus what Dfns adds. `extra` members are appended.
    public static func creationChallengeBody(_ challenge: Challenge, user: User, organization: Organization,
                                             existing: [Credential], extra: [(String, JSONValue)]) -> JSONValue {
        var members: [(String, JSONValue)] = [
            ("user", .object([("id", .string(user.id)), ("displayName", .string(user.username)), ("name", .string(user.username))])),
            ("challenge", .string(challenge.challenge)),
            ("challengeIdentifier", .string(challenge.id)),
            ("rp", .object([("id", .string(organization.rpId)), ("name", .string(organization.name))])),
            ("supportedCredentialKinds", .object([
                ("firstFactor", .array([.string("Fido2"), .string("Key"), .string("PasswordProtectedKey")])),
                ("secondFactor", .array([])),
            ])),
            ("authenticatorSelection", .object([
                ("residentKey", .string("required")), ("requireResidentKey", .bool(true)),
                ("userVerification", .string("required")),
            ])),
            ("attestation", .string("direct")),
            ("pubKeyCredParams", .array([
                .object([("type", .string("public-key")), ("alg", .number("-7"))]),
                .object([("type", .string("public-key")), ("alg", .number("-8"))]),
                .object([("type", .string("public-key")), ("alg", .number("-257"))]),
            ])),
            ("excludeCredentials", .array(existing.filter { $0.kind == CredentialKind.fido2 }.map { credential in
                .object([("type", .string("public-key")), ("id", .string(credential.credId))])
            })),
            ("otpUrl", .string("")),
        ]
        members.append(contentsOf: extra)
        return .object(members)
    }
}
