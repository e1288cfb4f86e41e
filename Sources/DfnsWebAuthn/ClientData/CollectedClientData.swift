import DfnsCrypto
import DfnsEncoding

/// Parsed `clientDataJSON` (WebAuthn §5.8.1), with the exact bytes kept for hashing.
public struct CollectedClientData: Sendable {
    /// The bytes as received; their SHA-256 is what authenticators sign.
    public let rawBytes: [UInt8]
    /// `type`: `webauthn.create` or `webauthn.get` (or a host's custom ceremony type).
    public let type: String
    /// `challenge`: the base64url challenge string, exactly as sent.
    public let challenge: String
    /// `origin`: the caller's origin.
    public let origin: String
    /// `crossOrigin`, when present.
    public let crossOrigin: Bool?
    /// `topOrigin`, when present.
    public let topOrigin: String?

    /// The largest clientDataJSON accepted, in bytes.
    public static let maxLength = 64 * 1024

    /// Parses clientDataJSON: UTF-8 (one leading BOM stripped), a JSON object without duplicate
    /// members, string `type`/`challenge`/`origin`, boolean `crossOrigin` and string `topOrigin`
    /// when present, and a `tokenBinding` member, when present, with a status of `present` or
    /// `supported` when it is an object (WebAuthn Level 2; Level 3 reserves the member).
    ///
    /// - Throws: ``WebAuthnError/Code/malformedClientData``.
    public init(bytes: [UInt8]) throws(WebAuthnError) {
        guard bytes.count <= CollectedClientData.maxLength else {
            throw WebAuthnError(.inputTooLarge, "clientDataJSON is \(bytes.count) bytes, the limit is \(CollectedClientData.maxLength)")
        }
        rawBytes = bytes
        var body = bytes
        if body.count >= 3 && body[0] == 0xEF && body[1] == 0xBB && body[2] == 0xBF {
            body.removeFirst(3)
        }
        let json: JSONValue
        do {
            json = try JSONParser().parse(body)
        } catch {
            throw WebAuthnError(.malformedClientData, "clientDataJSON is not valid JSON: \(error)")
        }
        guard case .object = json else {
            throw WebAuthnError(.malformedClientData, "clientDataJSON must be a JSON object, found \(json.typeName)")
        }
        func requiredString(_ name: String) throws(WebAuthnError) -> String {
            guard let member = json[name] else {
                throw WebAuthnError(.malformedClientData, "clientDataJSON lacks \"\(name)\"")
            }
            guard let s = member.stringValue else {
                throw WebAuthnError(.malformedClientData, "clientDataJSON \"\(name)\" must be a string, found \(member.typeName)")
            }
            return s
        }
        type = try requiredString("type")
        challenge = try requiredString("challenge")
        origin = try requiredString("origin")
        switch json["crossOrigin"] {
        case nil: crossOrigin = nil
        case .bool(let b)?: crossOrigin = b
        case let other?:
            throw WebAuthnError(.malformedClientData, "clientDataJSON \"crossOrigin\" must be a boolean, found \(other.typeName)")
        }
        switch json["topOrigin"] {
        case nil: topOrigin = nil
        case .string(let s)?: topOrigin = s
        case let other?:
            throw WebAuthnError(.malformedClientData, "clientDataJSON \"topOrigin\" must be a string, found \(other.typeName)")
        }
        // Level 2 defined tokenBinding as {status, id}; Level 3 reserves the member. An object is
        // checked as Level 2 did; other values (some clients sent the string "unused") are ignored.
        if let tokenBinding = json["tokenBinding"], case .object = tokenBinding {
            guard let status = tokenBinding["status"]?.stringValue else {
                throw WebAuthnError(.malformedClientData, "clientDataJSON \"tokenBinding\" object lacks a string \"status\"")
            }
            guard status == "present" || status == "supported" else {
                throw WebAuthnError(.malformedClientData, "tokenBinding status must be \"present\" or \"supported\", found \"\(status)\"")
            }
        }
    }

    /// SHA-256 of ``rawBytes``.
    public var hash: [UInt8] { SHA256.hash(rawBytes) }

    /// Runs the client data checks of registration steps 7–11 / assertion steps 10–14 with one
    /// expected type: ``verify(expectedTypes:expectedChallenge:policy:)`` with `[expectedType]`.
    public func verify(expectedType: String, expectedChallenge: [UInt8], policy: RelyingPartyPolicy) throws(WebAuthnError) {
        try verify(expectedTypes: [expectedType], expectedChallenge: expectedChallenge, policy: policy)
    }

    /// Runs the client data checks of registration steps 7–11 / assertion steps 10–14.
    ///
    /// - Parameters:
    ///   - expectedTypes: the accepted `type` values (``RelyingPartyPolicy/registrationClientDataTypes``
    ///     or ``RelyingPartyPolicy/assertionClientDataTypes``); compared exactly.
    ///   - expectedChallenge: the challenge bytes the relying party issued; compared as the
    ///     unpadded base64url string, so padded or standard-alphabet encodings fail.
    ///   - policy: origins (with its subdomain and loopback-port opt-ins), cross-origin and
    ///     top-origin rules.
    /// - Throws: ``WebAuthnError/Code/clientDataType``, ``WebAuthnError/Code/challengeMismatch``,
    ///   ``WebAuthnError/Code/originNotAllowed``, ``WebAuthnError/Code/crossOriginNotAllowed`` or
    ///   ``WebAuthnError/Code/topOriginNotAllowed``.
    public func verify(expectedTypes: [String], expectedChallenge: [UInt8], policy: RelyingPartyPolicy) throws(WebAuthnError) {
        guard expectedTypes.contains(type) else {
            let expected = expectedTypes.count == 1 ? "\"\(expectedTypes[0])\"" : "one of \(expectedTypes)"
            throw WebAuthnError(.clientDataType, "clientDataJSON type must be \(expected), found \"\(type)\"")
        }
        let expected = Base64URL.encode(expectedChallenge)
        guard ConstantTime.equals(Array(challenge.utf8), Array(expected.utf8)) else {
            throw WebAuthnError(.challengeMismatch, "challenge must be \"\(expected)\", found \"\(challenge)\"")
        }
        try policy.checkOrigin(origin)
        if crossOrigin == true && !policy.allowCrossOrigin {
            throw WebAuthnError(.crossOriginNotAllowed, "crossOrigin is true but the policy does not allow cross-origin requests")
        }
        if let topOrigin {
            guard crossOrigin == true else {
                throw WebAuthnError(.topOriginNotAllowed, "topOrigin \"\(topOrigin)\" is present without crossOrigin: true")
            }
            guard WebOrigin.isAllowed(topOrigin, among: policy.allowedTopOrigins) else {
                throw WebAuthnError(.topOriginNotAllowed, "topOrigin \"\(topOrigin)\" is not among the allowed top origins \(policy.allowedTopOrigins)")
            }
        }
    }
}
