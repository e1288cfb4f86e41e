import DfnsCrypto
import DfnsEncoding
import Foundation

/// Issues and checks the sandbox's bearer tokens: JWTs signed with EdDSA (Ed25519) by a key the
/// sandbox creates on first start and keeps in its database. The claims follow what the Dfns SDKs
/// read (reference/dfns-protocol.md §2.9): `sub` (the user), `jti` (the token record, revocable),
/// `iat`, `exp`, `iss`, `aud` and `https://custom/app_metadata` with `orgId`, `userId` and the
/// token kind. A token is accepted only when its signature, expiry, record, user and organization
/// all agree.
public struct TokenIssuer: Sendable {
    public static let issuer = "dfns-sandbox"
    public static let audience = "dfns:auth:user"
    public static let metadataClaim = "https://custom/app_metadata"

    private let key: PrivateKey
    private let publicKey: PublicKey

    /// `seed`: the 32-byte Ed25519 seed kept in the database.
    public init(seed: [UInt8]) throws {
        key = try PrivateKey.ed25519(seed: seed)
        publicKey = key.publicKey
    }

    /// The claims of a verified token.
    public struct Claims: Sendable, Equatable {
        public var tokenId: String
        public var userId: String
        public var orgId: String
        public var kind: String
        public var issuedAt: Int64
        public var expiresAt: Int64
    }

    /// A signed JWT for `claims`.
    public func issue(_ claims: Claims) throws -> String {
        let header = JSONValue.object([("alg", .string("EdDSA")), ("typ", .string("JWT"))])
        let payload = JSONValue.object([
            ("iss", .string(TokenIssuer.issuer)),
            ("aud", .string(TokenIssuer.audience)),
            ("sub", .string(claims.userId)),
            ("jti", .string(claims.tokenId)),
            ("iat", .number(String(claims.issuedAt))),
            ("exp", .number(String(claims.expiresAt))),
            (TokenIssuer.metadataClaim, .object([
                ("orgId", .string(claims.orgId)),
                ("userId", .string(claims.userId)),
                ("tokenKind", .string(claims.kind)),
            ])),
        ])
        let signingInput = Base64URL.encode(JSONWriter.bytes(header)) + "." + Base64URL.encode(JSONWriter.bytes(payload))
        let signature = try key.sign(Array(signingInput.utf8), algorithm: .edDSA)
        return signingInput + "." + Base64URL.encode(signature)
    }

    /// Why a token was refused.
    public enum Refusal: Error, Equatable, CustomStringConvertible {
        case malformed(String)
        case badSignature
        case expired

        public var description: String {
            switch self {
            case .malformed(let why): return "the bearer token is malformed: \(why)"
            case .badSignature: return "the bearer token's signature does not verify"
            case .expired: return "the bearer token has expired"
            }
        }
    }

    /// The claims of `token` when it is well formed, signed by this sandbox and not expired at `now`.
    public func verify(_ token: String, now: Double) throws(Refusal) -> Claims {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3 else { throw .malformed("a JWT has three parts, found \(parts.count)") }
        guard let headerBytes = try? Base64URL.decode(String(parts[0])),
              let payloadBytes = try? Base64URL.decode(String(parts[1])),
              let signature = try? Base64URL.decode(String(parts[2])) else {
            throw .malformed("a part is not base64url")
        }
        guard let header = try? JSONParser().parse(headerBytes), header["alg"]?.stringValue == "EdDSA" else {
            throw .malformed("the header must name alg EdDSA")
        }
        let signingInput = Array(parts[0].utf8) + [UInt8(ascii: ".")] + Array(parts[1].utf8)
        do {
            try publicKey.verify(signature: signature, message: signingInput, algorithm: .edDSA)
        } catch {
            throw .badSignature
        }
        guard let payload = try? JSONParser().parse(payloadBytes),
              let tokenId = payload["jti"]?.stringValue, let userId = payload["sub"]?.stringValue,
              let iat = payload["iat"]?.int64Value, let exp = payload["exp"]?.int64Value,
              payload["iss"]?.stringValue == TokenIssuer.issuer,
              let metadata = payload[TokenIssuer.metadataClaim],
              let orgId = metadata["orgId"]?.stringValue, let kind = metadata["tokenKind"]?.stringValue else {
            throw .malformed("the payload lacks a required claim")
        }
        guard Double(exp) > now else { throw .expired }
        return Claims(tokenId: tokenId, userId: userId, orgId: orgId, kind: kind, issuedAt: iat, expiresAt: exp)
    }
}
