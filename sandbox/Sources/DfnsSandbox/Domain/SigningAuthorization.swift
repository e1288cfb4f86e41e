import DfnsEncoding
import GRDB

/// Who may see, change, delegate and sign with a key (and with the wallets over it). The one place
/// the Delegated Signing promise is enforced; every key, wallet, signature, transfer and delegation
/// route goes through it.
///
/// The promise: a key delegated to end user U is signed with ONLY by U, i.e. the bearer token names
/// U and the request's user action was signed by one of U's own active credentials. The service
/// account that created the key, with its own token and Key credential, is refused (403) like
/// anyone else; so is another end user. A custodial key (not delegated) is signed with only by the
/// organization's service accounts and employees, never by an end user.
///
/// Visibility: the organization's service accounts and employees see every key and wallet of the
/// organization; an end user sees only the keys (and wallets) delegated to them. What a caller may
/// not see answers 404 on reads; a write on a key of the caller's organization that the caller may
/// not act on answers 403 saying why.
public enum SigningAuthorization {
    /// Whether `principal` acts for the organization (a service account or an employee) rather
    /// than as an end user.
    public static func isOrganizationStaff(_ principal: Principal) -> Bool {
        principal.user.kind != User.endUser
    }

    /// Whether `principal` may read `key` (and the wallets, signatures and transfers under it).
    public static func canSee(_ principal: Principal, key: SigningKeyRecord) -> Bool {
        guard key.orgId == principal.orgId else { return false }
        if isOrganizationStaff(principal) { return true }
        return key.delegatedTo == principal.userId
    }

    /// Checks that `principal` controls `key`: its delegate for a delegated key, the organization's
    /// staff for a custodial one. `what` names the attempted action in the refusal.
    public static func requireControl(_ principal: Principal, key: SigningKeyRecord, _ what: String) throws(SandboxError) {
        guard key.orgId == principal.orgId else { throw .notFound("key \(key.id)") }
        if let delegate = key.delegatedTo {
            guard principal.userId == delegate else {
                if isOrganizationStaff(principal) {
                    throw .forbidden("key \(key.id) is delegated to an end user (\(delegate)): only that end user can \(what); \(principal.user.kind) \(principal.userId) cannot")
                }
                throw .forbidden("key \(key.id) is delegated to another end user: only that user can \(what)")
            }
        } else {
            guard isOrganizationStaff(principal) else {
                throw .forbidden("key \(key.id) is custodial: only the organization's service accounts and employees can \(what); end users act only on keys delegated to them")
            }
        }
    }

    /// The check every signing route runs (key signatures, wallet signatures, transfers), inside the
    /// transaction that records the request: control of the key (``requireControl(_:key:_:)``), a
    /// user action issued to the caller and signed by one of the caller's own active credentials
    /// (so for a delegated key, by the delegate's credential), and an active key.
    public static func authorizeSigning(_ db: Database, principal: Principal, userAction: UserActionTokenRecord?,
                                        key: SigningKeyRecord) throws {
        try requireControl(principal, key: key, "sign with it")
        guard let userAction, userAction.userId == principal.userId, userAction.orgId == principal.orgId else {
            throw SandboxError.userActionInvalid("signing with key \(key.id) needs a user action signed by the caller")
        }
        guard let credential = try Credential.fetchOne(db, key: userAction.credentialUuid),
              credential.userId == principal.userId, credential.isActive, credential.isSigningFactor else {
            throw SandboxError.userActionInvalid("the user action was not signed by an active credential of \(principal.userId)")
        }
        guard key.status == "Active" else { throw SandboxError.badRequest("key \(key.id) is \(key.status): it no longer signs") }
    }

    /// The check of `POST /keys/{keyId}/delegate`: only the organization's staff delegate, only a
    /// custodial, active key, and only once (a delegated key is never delegated again: that would
    /// take it from its end user).
    public static func authorizeDelegation(_ principal: Principal, key: SigningKeyRecord) throws(SandboxError) {
        guard key.orgId == principal.orgId else { throw .notFound("key \(key.id)") }
        guard isOrganizationStaff(principal) else {
            throw .forbidden("only the organization's service accounts and employees delegate keys; end user \(principal.userId) cannot")
        }
        if let delegate = key.delegatedTo {
            throw .badRequest("key \(key.id) is already delegated to end user \(delegate); a delegated key cannot be delegated again")
        }
        guard key.status == "Active" else { throw .badRequest("key \(key.id) is \(key.status) and cannot be delegated") }
    }

    /// The end user a new key or wallet is delegated to: an end user's own keys are always
    /// delegated to them (they cannot create custodial keys, nor keys for someone else); the
    /// organization's staff delegate to whom they name, or to no one.
    public static func delegateForCreation(_ principal: Principal, requested: String?) throws(SandboxError) -> String? {
        if isOrganizationStaff(principal) { return requested }
        if let requested, requested != principal.userId {
            throw .forbidden("an end user can only create keys and wallets delegated to themselves, not to \(requested)")
        }
        return principal.userId
    }

    // MARK: Loading with visibility

    /// Key `id` as `principal` may read it, or a 404 (not in the organization, or not visible).
    public static func visibleKey(_ db: Database, id: String, principal: Principal) throws -> SigningKeyRecord {
        guard let key = try SigningKeyRecord.fetchOne(db, key: id), canSee(principal, key: key) else {
            throw SandboxError.notFound("key \(id)")
        }
        return key
    }

    /// Key `id` of the caller's organization for a write (the write's own check then says whether
    /// the caller may do it), or a 404.
    public static func organizationKey(_ db: Database, id: String, principal: Principal) throws -> SigningKeyRecord {
        guard let key = try SigningKeyRecord.fetchOne(db, key: id), key.orgId == principal.orgId else {
            throw SandboxError.notFound("key \(id)")
        }
        return key
    }

    /// Wallet `id` and its key as `principal` may read them, or a 404.
    public static func visibleWallet(_ db: Database, id: String, principal: Principal) throws -> (WalletRecord, SigningKeyRecord) {
        guard let wallet = try WalletRecord.fetchOne(db, key: id), wallet.orgId == principal.orgId,
              let key = try SigningKeyRecord.fetchOne(db, key: wallet.keyId), canSee(principal, key: key) else {
            throw SandboxError.notFound("wallet \(id)")
        }
        return (wallet, key)
    }

    /// Wallet `id` of the caller's organization and its key, for a write, or a 404.
    public static func organizationWallet(_ db: Database, id: String, principal: Principal) throws -> (WalletRecord, SigningKeyRecord) {
        guard let wallet = try WalletRecord.fetchOne(db, key: id), wallet.orgId == principal.orgId,
              let key = try SigningKeyRecord.fetchOne(db, key: wallet.keyId) else {
            throw SandboxError.notFound("wallet \(id)")
        }
        return (wallet, key)
    }
}
