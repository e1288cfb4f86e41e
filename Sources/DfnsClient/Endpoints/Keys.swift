import DfnsEncoding
import DfnsProtocol

/// Keys and signatures (reference/dfns-protocol.md §15.1): create, get, list, delegate, and
/// `POST /keys/{keyId}/signatures` with its outcome.
public struct KeysAPI: Sendable {
    let client: DfnsAPIClient

    /// `POST /keys`: `scheme` `ECDSA`/`EdDSA`/`Schnorr`, `curve` `secp256k1`/`ed25519`/`stark`.
    public func create(scheme: String, curve: String, name: String? = nil, delegateTo: String? = nil) async throws(DfnsError) -> Key {
        var members: [(String, JSONValue)] = [("scheme", .string(scheme)), ("curve", .string(curve))]
        if let name { members.append(("name", .string(name))) }
        if let delegateTo { members.append(("delegateTo", .string(delegateTo))) }
        return try await client.send(.post, "/keys", json: .object(members)).decode(Key.self)
    }

    /// `GET /keys/{keyId}`.
    public func get(_ keyId: String) async throws(DfnsError) -> Key {
        try await client.send(.get, "/keys/" + CanonicalPath.escapeSegment(keyId)).decode(Key.self)
    }

    /// `GET /keys`, every page.
    public func list(limit: Int? = nil) -> PageSequence<Key> {
        PageSequence(client: client, path: "/keys", limit: limit)
    }

    /// `POST /keys/{keyId}/delegate`: hands the key to end user `userId` for good.
    public func delegate(_ keyId: String, to userId: String) async throws(DfnsError) -> JSONValue {
        try await client.send(.post, "/keys/" + CanonicalPath.escapeSegment(keyId) + "/delegate",
                              json: .object([("delegateTo", .string(userId))])).json()
    }

    /// `POST /keys/{keyId}/signatures` with a request such as ``SignatureRequest/hash(_:)``. An
    /// `externalId` is added when absent. The outcome carries the signature entity: completed
    /// (`Signed`), pending (202: held by a policy, with its approval id) or failed (`Failed`,
    /// `Rejected`).
    ///
    /// With ``DfnsAPIClient/verifyReturnedSignatures`` (the default), a completed `Hash` signature
    /// of a secp256k1 ECDSA key and a completed `Message` signature of an Ed25519 key are checked
    /// against the key's public key (`key`, or fetched once per client with `GET /keys/{keyId}`) before they are
    /// returned; a mismatch throws ``DfnsError/signatureVerification(_:)``. Other kinds (a
    /// `Transaction`, say) are signed over chain-specific bytes this library does not rebuild and
    /// are returned as the API gave them.
    public func sign(_ keyId: String, _ request: SignatureRequest, key: Key? = nil) async throws(DfnsError) -> Outcome<KeySignature> {
        let body = try request.jsonValue.adding("externalId", ifAbsent: .string(try ExternalId.generate()))
        let response = try await client.send(.post, "/keys/" + CanonicalPath.escapeSegment(keyId) + "/signatures", json: body)
        let signature = try response.decode(KeySignature.self)
        if response.isPendingApproval { return .pending(signature, approvalId: signature.approvalId) }
        switch signature.lifecycle {
        case .some(let status) where status.isFailure:
            return .failed(signature, status: status.rawValue, reason: signature.reason)
        case .some(.pending), .some(.executing):
            return .pending(signature, approvalId: signature.approvalId)
        default:
            if client.verifyReturnedSignatures, let components = signature.signature {
                try await verifyReturnedSignature(components, requestBody: request.jsonValue, keyId: keyId, key: key)
            }
            return .completed(signature)
        }
    }

    /// Checks a signature the API returned for the request `requestBody` (a `POST
    /// /keys/{keyId}/signatures` body) against the key's public key (`key`, or fetched once per
    /// client with `GET /keys/{keyId}`), when the signed bytes are known: a `Hash` of a secp256k1
    /// ECDSA key, a `Message` of an Ed25519 key. Any other request is left unchecked (see
    /// ``sign(_:_:key:)``). A mismatch throws ``DfnsError/signatureVerification(_:)``.
    public func verifyReturnedSignature(_ components: SignatureComponents, requestBody: JSONValue, keyId: String,
                                        key: Key? = nil) async throws(DfnsError) {
        let kind = requestBody["kind"]?.stringValue
        guard kind == "Hash" || kind == "Message" else { return }
        let resolved: Key
        if let key {
            resolved = key
        } else if let cached = client.keyCache.key(keyId) {
            resolved = cached
        } else {
            resolved = try await get(keyId)
            guard resolved.id == keyId else {
                throw .signatureVerification("GET /keys/\(keyId) answered key \(resolved.id)")
            }
            client.keyCache.remember(resolved)
        }
        let key = resolved
        do {
            switch (kind, key.scheme, key.curve) {
            case ("Hash", "ECDSA", "secp256k1"):
                let digest = try Hex.decode(requestBody["hash"]?.stringValue ?? "", allowPrefix: true)
                try ReturnedSignatureVerifier.verifySecp256k1(digest: digest, r: components.r, s: components.s, recid: components.recid,
                                                              encoded: components.encoded, publicKeyHex: key.publicKey)
            case ("Message", "EdDSA", "ed25519"):
                let message = try Hex.decode(requestBody["message"]?.stringValue ?? "", allowPrefix: true)
                try ReturnedSignatureVerifier.verifyEd25519(message: message, r: components.r, s: components.s,
                                                            encoded: components.encoded, publicKeyHex: key.publicKey)
            default:
                return
            }
        } catch {
            // A ReturnedSignatureError, or the request's hash/message not being hex.
            throw .signatureVerification("key \(keyId): \(error)")
        }
    }

    /// `GET /keys/{keyId}/signatures/{signatureId}`.
    public func signature(_ keyId: String, _ signatureId: String) async throws(DfnsError) -> KeySignature {
        try await client.send(.get, "/keys/" + CanonicalPath.escapeSegment(keyId) + "/signatures/"
                              + CanonicalPath.escapeSegment(signatureId)).decode(KeySignature.self)
    }
}

/// The body of a signature request (reference/dfns-protocol.md §8.3).
public struct SignatureRequest: Sendable, Equatable {
    /// The request as JSON, members in protocol order.
    public let jsonValue: JSONValue

    /// `{"kind":"Hash","hash":"0x…"}`: ECDSA over a 32-byte digest.
    public static func hash(_ digest: [UInt8]) -> SignatureRequest {
        SignatureRequest(jsonValue: .object([("kind", .string("Hash")), ("hash", .string("0x" + Hex.encode(digest)))]))
    }

    /// `{"kind":"Message","message":"0x…"}`: EdDSA over the message bytes.
    public static func message(_ bytes: [UInt8]) -> SignatureRequest {
        SignatureRequest(jsonValue: .object([("kind", .string("Message")), ("message", .string("0x" + Hex.encode(bytes)))]))
    }

    /// `{"kind":"Transaction","transaction":"0x…"}`: a serialized unsigned transaction.
    public static func transaction(_ serialized: String) -> SignatureRequest {
        SignatureRequest(jsonValue: .object([("kind", .string("Transaction")), ("transaction", .string(serialized))]))
    }

    /// `{"kind":"Eip712","types":…,"domain":…,"message":…}`.
    public static func eip712(types: JSONValue, domain: JSONValue, message: JSONValue) -> SignatureRequest {
        SignatureRequest(jsonValue: .object([("kind", .string("Eip712")), ("types", types), ("domain", domain), ("message", message)]))
    }

    /// Any other kind, as JSON (must be an object with a `kind`).
    public static func custom(_ json: JSONValue) throws(DfnsError) -> SignatureRequest {
        guard json["kind"]?.stringValue != nil else { throw .invalidArgument("a signature request needs a kind") }
        return SignatureRequest(jsonValue: json)
    }

    /// With `network` and/or `blockchainKind` (which tell the key endpoint how to read the data).
    public func with(network: String? = nil, blockchainKind: String? = nil) -> SignatureRequest {
        guard case .object(var members) = jsonValue else { return self }
        if let network { members.append(("network", .string(network))) }
        if let blockchainKind { members.append(("blockchainKind", .string(blockchainKind))) }
        return SignatureRequest(jsonValue: .object(members))
    }
}

extension DfnsAPIClient {
    /// The key endpoints.
    public var keys: KeysAPI { KeysAPI(client: self) }
}
