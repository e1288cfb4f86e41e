import CDfnsBridgeAPI
import DfnsClient
import DfnsLocking

/// The object behind a `dfns_signer_t *`: one user-action signer (a Key credential, a host
/// callback, the software authenticator, a password-protected or recovery key). Immutable; a client
/// keeps its own reference, so a signer may be freed while clients that use it live on.
final class SignerBox: HandleBox {
    override class var typeName: String { "dfns_signer_t" }

    /// Signs user-action challenges.
    let signer: any UserActionSigner

    init(_ signer: any UserActionSigner) {
        self.signer = signer
    }

    // MARK: - Additions for the signer entry points (Signers/*.swift)

    /// The credential id as a C string, made on first use by dfns_signer_credential_id.
    private let credentialIdCache = Locked<CString?>(nil)

    /// The signer when it signs without suspending (every signer the dfns_signer_new_* functions
    /// make), or nil.
    var blockingSigner: (any BlockingUserActionSigner)? {
        signer as? any BlockingUserActionSigner
    }

    /// The credential id the signer's assertions carry, as a borrowed C string.
    func credentialId() throws(BridgeError) -> CString {
        guard let blocking = blockingSigner else {
            throw BridgeError(DFNS_ERR_UNSUPPORTED, "this signer has no credential id the C interface can read")
        }
        return try credentialIdCache.withLock { (cache) throws(BridgeError) -> CString in
            if let cached = cache { return cached }
            let string = try CString(blocking.bridgeCredentialId)
            cache = string
            return string
        }
    }
}
