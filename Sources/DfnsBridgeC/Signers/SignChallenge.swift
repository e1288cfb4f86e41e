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
    /// ``DelegatedRequest`` whose `challenge` member is that answer. The text is read once, by the
    /// strict parser (valid UTF-8, no duplicate members, bounded size and depth); the challenge is
    /// then taken from the parsed value with the rules of the wire type's `Decodable` conformance
    /// (``UserActionChallenge/init(json:)``), and a delegated request's `method`, `path` and `body`
    /// must be strings, as ``DelegatedRequest`` requires.
    static func read(_ pointer: UnsafePointer<CChar>?) throws(BridgeError) -> UserActionChallenge {
        let document = try Arguments.jsonObject(pointer, "challenge_json", limit: maxLength).value
        do {
            switch document["challenge"] {
            case .object(_)?:
                let request = try WireReader(document, "")
                for member in ["method", "path", "body"] { _ = try request.string(member) }
                return try UserActionChallenge(json: document["challenge"] ?? .null)
            case .string(_)?:
                return try UserActionChallenge(json: document)
            case let other?:
                throw BridgeError.argument("challenge_json member \"challenge\" is a \(other.typeName), expected a string or a challenge object")
            case nil:
                throw BridgeError.argument("challenge_json has no member \"challenge\"")
            }
        } catch let error as WireShapeError {
            let delegated = document["challenge"]?.objectValue != nil
            let member = delegated && !["method", "path", "body"].contains(error.path) && !error.path.isEmpty
                ? WireShapeError(path: "challenge." + error.path, problem: error.problem) : error
            throw .argument("challenge_json is not a user-action challenge\(delegated ? " request" : ""): \(member)")
        } catch let error as BridgeError {
            throw error
        } catch {
            throw .argument("challenge_json is not a user-action challenge: \(error)")
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
