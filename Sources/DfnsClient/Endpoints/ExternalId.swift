import DfnsCrypto
import DfnsEncoding

/// Idempotency keys for writes that take an `externalId` (reference/dfns-protocol.md §15.3): the
/// client makes one when the caller gives none, so that a retry (which signs a fresh user action)
/// carries the same key and the server answers it with the entity it already made.
public enum ExternalId {
    /// A new random key: `dfns-bridge-` and 16 random bytes in base64url (22 characters).
    public static func generate() throws(DfnsError) -> String {
        do {
            return "dfns-bridge-" + Base64URL.encode(try SecureRandom.bytes(16))
        } catch {
            throw .invalidArgument("no randomness for an externalId: \(error)")
        }
    }
}

extension JSONValue {
    /// This object with `name` set to `value` when it has no such member yet.
    func adding(_ name: String, ifAbsent value: @autoclosure () throws(DfnsError) -> JSONValue) throws(DfnsError) -> JSONValue {
        guard case .object(var members) = self else { throw .invalidArgument("the body must be a JSON object") }
        if !members.contains(where: { $0.0 == name }) { members.append((name, try value())) }
        return .object(members)
    }
}
