import DfnsClient
import DfnsEncoding
import DfnsProtocol

// dfns_client_options.verify_returned_signatures for dfns_client_request: the check KeysAPI.sign
// applies (KeysAPI.verifyReturnedSignature: a completed Hash signature of a secp256k1 ECDSA key, a
// completed Message signature of an Ed25519 key, verified against the key's public key, fetched
// once per client with GET /keys/{keyId}) applied to a raw POST /keys/{keyId}/signatures that went
// through the generic request call.

enum ReturnedSignatures {
    /// Checks the signature in `response` when the request was a key signature request whose signed
    /// bytes are known; does nothing for any other request, a pending or failed signature, or
    /// when the option is off.
    static func check(_ response: APIResponse, method: HTTPMethod, path: String, body: [UInt8]?,
                      client: DfnsAPIClient) async throws(DfnsError) {
        guard client.verifyReturnedSignatures, method == .post, !response.isPendingApproval,
              let keyId = signatureKeyId(path), let body,
              let request = try? JSONParser().parse(body) else { return }
        let kind = request["kind"]?.stringValue
        guard kind == "Hash" || kind == "Message" else { return }
        let signature = try response.decode(KeySignature.self)
        guard signature.lifecycle == .signed || signature.lifecycle == .confirmed,
              let components = signature.signature else { return }
        try await client.keys.verifyReturnedSignature(components, requestBody: request, keyId: keyId)
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
