import DfnsEncoding
import DfnsProtocol

// The check KeysAPI.sign applies to the signature it gets back (KeysAPI.verifyReturnedSignature: a
// completed Hash signature of a secp256k1 ECDSA key, a completed Message signature of an Ed25519
// key, verified against the key's public key, fetched once per client with GET /keys/{keyId}),
// for a POST /keys/{keyId}/signatures that went through a generic path: the delegated pair, or a
// raw send (the C ABI's dfns_client_request).

extension DfnsAPIClient {
    /// Checks the signature in `response` when `method` `path` `body` was a key signature request
    /// whose signed bytes are known; does nothing for any other request, for a pending or failed
    /// signature, or when ``verifyReturnedSignatures`` is off. A mismatch throws
    /// ``DfnsError/signatureVerification(_:)``.
    public func checkReturnedSignature(in response: APIResponse, method: HTTPMethod, path: String,
                                       body: [UInt8]?) async throws(DfnsError) {
        guard verifyReturnedSignatures, method == .post, !response.isPendingApproval,
              let keyId = Self.signatureKeyId(path), let body,
              let request = try? JSONParser().parse(body) else { return }
        let kind = request["kind"]?.stringValue
        guard kind == "Hash" || kind == "Message" else { return }
        let signature = try response.decode(KeySignature.self)
        guard signature.lifecycle == .signed || signature.lifecycle == .confirmed,
              let components = signature.signature else { return }
        try await keys.verifyReturnedSignature(components, requestBody: request, keyId: keyId)
    }

    /// The key id of `POST /keys/{keyId}/signatures` (query ignored), or nil for another path.
    static func signatureKeyId(_ path: String) -> String? {
        let pathOnly = path.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)[0]
        let parts = pathOnly.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0].isEmpty, parts[1] == "keys", parts[3] == "signatures", !parts[2].isEmpty,
              !parts[2].contains("%") else { return nil }
        return String(parts[2])
    }
}
