import CDfnsBridgeAPI
import DfnsClient

// The one table from the signer-side Swift errors to C statuses (include/dfns_bridge.h, "Signers
// and Dfns cryptography"). Messages are the errors' descriptions, which never carry key material,
// passwords, recovery codes, webhook secrets or MACs.

extension BridgeError {
    /// A ``SignerError``:
    ///
    /// | SignerError | status |
    /// |---|---|
    /// | credentialNotAllowed, passkeyNotAllowed | DFNS_ERR_SIGNER (nothing was signed) |
    /// | unsupportedKeyType | DFNS_ERR_UNSUPPORTED_ALGORITHM |
    /// | invalidKeyEncoding, malformedEnvelope | DFNS_ERR_MALFORMED_ENCODING |
    /// | wrongPasswordOrCorruptedEnvelope, invalidRecoveryCode | DFNS_ERR_WRONG_PASSWORD |
    /// | invalidArgument | DFNS_ERR_INVALID_ARGUMENT |
    /// | externalSignerFailed, externalSignatureMalformed, externalSignatureInvalid | DFNS_ERR_SIGNER_CALLBACK |
    /// | keyKindMismatch | DFNS_ERR_INVALID_PUBLIC_KEY |
    /// | cryptoFailure | DFNS_ERR_SIGNER |
    init(_ error: SignerError) {
        let status: dfns_status
        switch error {
        case .credentialNotAllowed, .passkeyNotAllowed: status = DFNS_ERR_SIGNER
        case .unsupportedKeyType: status = DFNS_ERR_UNSUPPORTED_ALGORITHM
        case .invalidKeyEncoding, .malformedEnvelope: status = DFNS_ERR_MALFORMED_ENCODING
        case .wrongPasswordOrCorruptedEnvelope, .invalidRecoveryCode: status = DFNS_ERR_WRONG_PASSWORD
        case .invalidArgument: status = DFNS_ERR_INVALID_ARGUMENT
        case .externalSignerFailed, .externalSignatureMalformed, .externalSignatureInvalid: status = DFNS_ERR_SIGNER_CALLBACK
        case .keyKindMismatch: status = DFNS_ERR_INVALID_PUBLIC_KEY
        case .cryptoFailure: status = DFNS_ERR_SIGNER
        }
        self.init(status, error.description)
    }

    /// A ``WebhookVerificationError``: always DFNS_ERR_WEBHOOK_INVALID, the message starting with
    /// the error's stable reason (`signature_mismatch: …`).
    init(_ error: WebhookVerificationError) {
        self.init(DFNS_ERR_WEBHOOK_INVALID, "\(error.reason): \(error.description)")
    }

    /// A ``ReturnedSignatureError``: DFNS_ERR_INVALID_PUBLIC_KEY for a public key that is not one,
    /// DFNS_ERR_RETURNED_SIGNATURE_INVALID for everything about the signature.
    init(_ error: ReturnedSignatureError) {
        let status: dfns_status
        switch error {
        case .malformedPublicKey: status = DFNS_ERR_INVALID_PUBLIC_KEY
        case .malformedSignature, .invalidRecoveryId, .highS, .recoveryFailed, .recoveredKeyMismatch,
             .signatureInvalid, .encodedMismatch:
            status = DFNS_ERR_RETURNED_SIGNATURE_INVALID
        }
        self.init(status, error.description)
    }
}

/// Runs a signer operation, converting its error (see ``BridgeError/init(_:)-SignerError``).
@inline(__always)
func signerCall<T>(_ body: () throws(SignerError) -> T) throws(BridgeError) -> T {
    do {
        return try body()
    } catch {
        throw BridgeError(error)
    }
}
