import DfnsCrypto

/// The SHA-256 of every RP ID a policy accepts (and of its AppID), computed once when a verifier
/// is built, so that a ceremony compares hashes and hashes nothing.
struct AcceptedRPIDHashes: Sendable {
    /// One accepted identifier and its hash.
    struct Entry: Sendable {
        /// The RP ID or AppID as configured.
        let identifier: String
        /// SHA-256 of its UTF-8 bytes.
        let hash: [UInt8]

        init(_ identifier: String) {
            self.identifier = identifier
            self.hash = SHA256.hash(Array(identifier.utf8))
        }
    }

    /// ``RelyingPartyPolicy/acceptedRpIds`` in order, hashed.
    let rpIds: [Entry]
    /// ``RelyingPartyPolicy/appid`` hashed, when set.
    let appid: Entry?

    /// Hashes the identifiers of `policy`; its AppID only for assertions (`includingAppid`):
    /// a registration never accepts an AppID hash.
    init(policy: RelyingPartyPolicy, includingAppid: Bool) {
        rpIds = policy.acceptedRpIds.map(Entry.init)
        appid = includingAppid ? policy.appid.map(Entry.init) : nil
    }

    /// What an `rpIdHash` matched: the identifier, and whether it is the AppID.
    struct Match: Sendable {
        /// The RP ID (or AppID) whose SHA-256 the `rpIdHash` is.
        let identifier: String
        /// Whether it matched the AppID rather than an RP ID.
        let isAppid: Bool
    }

    /// The accepted RP ID whose hash is `rpIdHash`; with `appidExtensionUsed`, the AppID's too.
    ///
    /// - Throws: ``WebAuthnError/Code/rpIdHashMismatch``; when the hash is the AppID's but the
    ///   caller did not report the client's `appid: true`, the message says so.
    func match(_ rpIdHash: [UInt8], appidExtensionUsed: Bool = false) throws(WebAuthnError) -> Match {
        for entry in rpIds where ConstantTime.equals(rpIdHash, entry.hash) {
            return Match(identifier: entry.identifier, isAppid: false)
        }
        if let appid, ConstantTime.equals(rpIdHash, appid.hash) {
            guard appidExtensionUsed else {
                throw WebAuthnError(.rpIdHashMismatch,
                                    "rpIdHash is SHA-256 of the AppID \"\(appid.identifier)\", accepted only when the client reports the appid extension output true")
            }
            return Match(identifier: appid.identifier, isAppid: true)
        }
        let names = rpIds.map { "\"\($0.identifier)\"" }
        let expected = names.count == 1 ? names[0] : "any of " + names.joined(separator: ", ")
        let appidNote = appidExtensionUsed ? appid.map { " nor of the AppID \"\($0.identifier)\"" } ?? "" : ""
        throw WebAuthnError(.rpIdHashMismatch, "rpIdHash is not SHA-256 of \(expected)\(appidNote)")
    }
}
