import DfnsEncoding

/// The clientData documents of Dfns Key credentials (and of PasswordProtectedKey and RecoveryKey
/// credentials, which sign the same way), written here once for the client and the sandbox server
/// (reference/dfns-protocol.md §2.3, §2.6, §3.4).
///
/// The server verifies the exact bytes it receives, so a signer may choose the layout; this type
/// writes the layouts the protocol reference recommends and reads every layout official SDKs emit.
public enum KeyClientData {
    /// The value of `type`: `key.get` for an assertion, `key.create` for an attestation.
    public enum Kind: String, Sendable, Equatable, CaseIterable {
        /// An assertion (user action, login, recovery).
        case get = "key.get"
        /// An attestation (registration, new credential).
        case create = "key.create"
    }

    /// A received Key clientData, as ``parse(_:expecting:)`` read it.
    public struct Parsed: Sendable, Equatable {
        /// `key.get` or `key.create`.
        public let kind: Kind
        /// The challenge, verbatim.
        public let challenge: String
        /// `origin`, when present (older Python and docs samples send it).
        public let origin: String?
        /// `crossOrigin`, when present (older Go, Java, Python and docs samples send `false`).
        public let crossOrigin: Bool?

        /// A parsed clientData with the given members.
        public init(kind: Kind, challenge: String, origin: String? = nil, crossOrigin: Bool? = nil) {
            self.kind = kind
            self.challenge = challenge
            self.origin = origin
            self.crossOrigin = crossOrigin
        }
    }

    /// Why a received clientData was refused. The message names the problem; it quotes at most a
    /// short prefix of a wrong `type` value and nothing else from the document.
    public struct ParseError: Error, Sendable, Equatable, CustomStringConvertible {
        /// What was wrong, e.g. `clientData type is "webauthn.get", expected "key.get"`.
        public let message: String

        /// An error with `message`.
        public init(_ message: String) {
            self.message = message
        }

        /// `invalid Key clientData: <message>`.
        public var description: String { "invalid Key clientData: \(message)" }
    }

    /// The members a Key clientData may have (the variants of §2.3's table).
    private static let knownMembers: Set<String> = ["type", "challenge", "origin", "crossOrigin"]

    // MARK: - Writing

    /// The assertion clientData `{"type":"key.get","challenge":"<challenge>"}`, compact, in that
    /// member order (what the TypeScript signers send; §2.3 recommendation). The challenge is
    /// written verbatim, escaped as `JSON.stringify` escapes it.
    public static func assertion(challenge: String) -> [UInt8] {
        JSONWriter.bytes(.object([
            ("type", .string(Kind.get.rawValue)),
            ("challenge", .string(challenge)),
        ]))
    }

    /// The attestation clientData `{"challenge":"<challenge>","type":"key.create"}`: members sorted,
    /// compact, the reproducible form the Dfns documentation asks for (§3.4).
    public static func attestation(challenge: String) -> [UInt8] {
        JSONWriter.bytes(.object([
            ("challenge", .string(challenge)),
            ("type", .string(Kind.create.rawValue)),
        ]))
    }

    /// The credential-info fingerprint a Key attestation signs:
    /// `{"clientDataHash":"<lower-case hex>","publicKey":"<PEM>"}`, compact, in that (alphabetical)
    /// order, because the server rebuilds it byte for byte (§3.4 step 3).
    ///
    /// - Parameters:
    ///   - clientDataHash: SHA-256 of the clientData bytes (32 bytes; written as lower-case hex).
    ///   - publicKeyPEM: the SPKI PEM exactly as it is sent in `attestationData.publicKey`.
    public static func credentialInfoFingerprint(clientDataHash: [UInt8], publicKeyPEM: String) -> [UInt8] {
        JSONWriter.bytes(.object([
            ("clientDataHash", .string(Hex.encode(clientDataHash))),
            ("publicKey", .string(publicKeyPEM)),
        ]))
    }

    // MARK: - Reading

    /// Reads a received Key clientData strictly: one JSON object (the strict ``JSONParser``:
    /// no duplicate members, valid UTF-8), whatever its member order, with a string `type` and
    /// `challenge`, an optional string `origin`, an optional boolean `crossOrigin`, and no other
    /// member (none of the producers of §2.3 sends one).
    ///
    /// - Parameters:
    ///   - bytes: the clientData bytes as received (after base64url decoding).
    ///   - expected: the `type` the caller requires (`.get` for an assertion, `.create` for an
    ///     attestation); nil accepts either.
    /// - Throws: ``ParseError`` naming the problem, e.g. a WebAuthn clientData (`webauthn.get`)
    ///   offered where a Key one is expected.
    public static func parse(_ bytes: [UInt8], expecting expected: Kind? = nil) throws(ParseError) -> Parsed {
        let value: JSONValue
        do {
            value = try JSONParser().parse(bytes)
        } catch {
            throw ParseError("not valid JSON: \(error.description)")
        }
        guard case .object(let members) = value else {
            throw ParseError("expected a JSON object, found \(value.typeName)")
        }
        for (name, _) in members where !knownMembers.contains(name) {
            throw ParseError("unexpected member \(JSONWriter.quote(shortened(name)))")
        }
        guard let typeValue = value["type"] else { throw ParseError("missing member \"type\"") }
        guard case .string(let typeText) = typeValue else {
            throw ParseError("member \"type\" is a \(typeValue.typeName), expected a string")
        }
        guard let kind = Kind(rawValue: typeText) else {
            let wanted = expected.map { "\"\($0.rawValue)\"" } ?? "\"key.get\" or \"key.create\""
            throw ParseError("clientData type is \(JSONWriter.quote(shortened(typeText))), expected \(wanted)")
        }
        if let expected, kind != expected {
            throw ParseError("clientData type is \"\(kind.rawValue)\", expected \"\(expected.rawValue)\"")
        }
        guard let challengeValue = value["challenge"] else { throw ParseError("missing member \"challenge\"") }
        guard case .string(let challenge) = challengeValue else {
            throw ParseError("member \"challenge\" is a \(challengeValue.typeName), expected a string")
        }
        var origin: String? = nil
        if let originValue = value["origin"] {
            guard case .string(let text) = originValue else {
                throw ParseError("member \"origin\" is a \(originValue.typeName), expected a string")
            }
            origin = text
        }
        var crossOrigin: Bool? = nil
        if let crossOriginValue = value["crossOrigin"] {
            guard case .bool(let flag) = crossOriginValue else {
                throw ParseError("member \"crossOrigin\" is a \(crossOriginValue.typeName), expected a boolean")
            }
            crossOrigin = flag
        }
        return Parsed(kind: kind, challenge: challenge, origin: origin, crossOrigin: crossOrigin)
    }

    /// At most 40 characters of an untrusted value, for an error message.
    private static func shortened(_ text: String) -> String {
        var scalars = String.UnicodeScalarView()
        for scalar in text.unicodeScalars.prefix(40) { scalars.append(scalar) }
        let prefix = String(scalars)
        return text.unicodeScalars.count > 40 ? prefix + "…" : prefix
    }
}
