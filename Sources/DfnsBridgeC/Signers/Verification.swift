import CDfnsBridgeAPI
import DfnsClient
import DfnsEncoding

// Webhook and returned-signature verification (include/dfns_bridge.h, "Signers and Dfns
// cryptography"): Dfns cryptography that needs no client.

@c @implementation
public func dfns_webhook_verify(_ secret: UnsafePointer<UInt8>?, _ secret_len: Int, _ body: UnsafePointer<UInt8>?, _ body_len: Int, _ signature_header: UnsafePointer<CChar>?, _ now: Int64, _ max_age: Int64, _ allowed_future_skew: Int64, _ event_json: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    event_json?.pointee = nil
    return guarded("dfns_webhook_verify") { () throws(BridgeError) in
        let body = try Arguments.bytes(body, body_len, "body")
        // An absent header is the verifier's own refusal (missing_signature_header), not a calling error.
        let header: String? = signature_header == nil ? nil : try Arguments.string(signature_header, "signature_header", allowEmpty: true)
        let key = try SignerMaterial.secret(secret, secret_len, "secret")
        let verifier = WebhookVerifier(secret: key, maxAge: max_age, allowedFutureSkew: allowed_future_skew)
        let event: WebhookEvent
        do throws(WebhookVerificationError) {
            event = try verifier.verify(body: body, signatureHeader: header, now: now)
        } catch {
            throw BridgeError(error)
        }
        event_json?.pointee = try CString.handOver(JSONWriter.string(event.body), "the event")
    }
}

@c @implementation
public func dfns_returned_signature_verify(_ key_kind: Int32, _ public_key_hex: UnsafePointer<CChar>?, _ signed_data: UnsafePointer<UInt8>?, _ signed_data_len: Int, _ r: UnsafePointer<CChar>?, _ s: UnsafePointer<CChar>?, _ recid: Int32, _ encoded: UnsafePointer<CChar>?, _ flags: Int32) -> Int32 {
    guarded("dfns_returned_signature_verify") { () throws(BridgeError) in
        let kind = try SignerMaterial.keyKind(key_kind, "key_kind")
        let publicKeyHex = try Arguments.string(public_key_hex, "public_key_hex")
        let data = try Arguments.bytes(signed_data, signed_data_len, "signed_data")
        let r = try Arguments.string(r, "r")
        let s = try Arguments.string(s, "s")
        let encoded = try SignerMaterial.optionalString(encoded, "encoded")
        guard recid >= -1 else { throw .argument("recid \(recid) is neither -1 (absent) nor a recovery id") }
        let knownFlags = Int32(DFNS_RETURNED_SIGNATURE_ALLOW_HIGH_S)
        guard flags & ~knownFlags == 0 else { throw .argument("flags 0x\(String(flags, radix: 16)) has unknown bits") }
        if kind == .rsa {
            throw BridgeError(DFNS_ERR_UNSUPPORTED, "Dfns keys are secp256k1, P-256 or Ed25519; the API returns no RSA signatures")
        }
        do throws(ReturnedSignatureError) {
            switch kind {
            case .secp256k1:
                try ReturnedSignatureVerifier.verifySecp256k1(
                    digest: data, r: r, s: s, recid: recid < 0 ? nil : Int(recid), encoded: encoded,
                    publicKeyHex: publicKeyHex, allowHighS: flags & knownFlags != 0)
            case .p256:
                try ReturnedSignatureVerifier.verifyP256(digest: data, r: r, s: s, encoded: encoded, publicKeyHex: publicKeyHex)
            case .ed25519:
                try ReturnedSignatureVerifier.verifyEd25519(message: data, r: r, s: s, encoded: encoded, publicKeyHex: publicKeyHex)
            case .rsa:
                return
            }
        } catch {
            throw BridgeError(error)
        }
    }
}
