import CDfnsBridgeAPI
import DfnsClient
import DfnsEncoding
import DfnsProtocol

// dfns_signer_sign_challenge (include/dfns_bridge.h, "Signers and Dfns cryptography"): what the
// end user's device runs in the delegated flow.

enum ChallengeInput {
    /// The largest challenge document accepted (a challenge is a few kilobytes at most, even with
    /// many password-protected key envelopes).
    static let maxLength = 1 << 20

    /// The user-action challenge in argument `pointer`: the answer of `POST /auth/action/init`, or a
    /// ``DelegatedRequest`` whose `challenge` member is that answer. The text is first read by the
    /// strict parser (valid UTF-8, no duplicate members, bounded size and depth), then decoded
    /// with the wire types' own `Codable` conformances, exactly as the client decodes it.
    static func read(_ pointer: UnsafePointer<CChar>?) throws(BridgeError) -> UserActionChallenge {
        let document = try Arguments.jsonObject(pointer, "challenge_json", limit: maxLength)
        let delegated: Bool
        switch document.value["challenge"] {
        case .object?: delegated = true
        case .string?: delegated = false
        case let other?: throw .argument("challenge_json member \"challenge\" is a \(other.typeName), expected a string or a challenge object")
        case nil: throw .argument("challenge_json has no member \"challenge\"")
        }
        do {
            if delegated {
                return try WireCoding.decode(DelegatedRequest.self, from: document.bytes).challenge
            }
            return try WireCoding.decode(UserActionChallenge.self, from: document.bytes)
        } catch let error as DecodingError {
            throw .argument("challenge_json is not a user-action challenge\(delegated ? " request" : ""): \(describe(error))")
        } catch {
            throw .argument("challenge_json is not a user-action challenge: \(error)")
        }
    }

    /// A one-line description of a decoding failure: which member, what was wrong.
    private static func describe(_ error: DecodingError) -> String {
        func path(_ keys: [any CodingKey]) -> String {
            keys.isEmpty ? "the document" : "member \"" + keys.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".") + "\""
        }
        switch error {
        case .keyNotFound(let key, let context):
            return "missing member \"\((context.codingPath + [key]).map(\.stringValue).joined(separator: "."))\""
        case .typeMismatch(let type, let context):
            return "\(path(context.codingPath)) is not a \(type)"
        case .valueNotFound(let type, let context):
            return "\(path(context.codingPath)) is null, expected a \(type)"
        case .dataCorrupted(let context):
            return "\(path(context.codingPath)): \(context.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }
}

@c @implementation
public func dfns_signer_sign_challenge(_ signer: OpaquePointer?, _ challenge_json: UnsafePointer<CChar>?, _ first_factor_json: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    first_factor_json?.pointee = nil
    return guarded("dfns_signer_sign_challenge") { () throws(BridgeError) in
        let out = try Arguments.output(first_factor_json, "first_factor_json")
        let box = try Handle.borrow(signer, as: SignerBox.self, name: "signer")
        let challenge = try ChallengeInput.read(challenge_json)
        guard let blocking = box.blockingSigner else {
            throw BridgeError(DFNS_ERR_UNSUPPORTED, "this signer signs only inside a client")
        }
        let firstFactor = try signerCall { () throws(SignerError) in try blocking.firstFactor(for: challenge) }
        out.pointee = try CString.handOver(JSONWriter.string(firstFactor), "the first factor")
    }
}
