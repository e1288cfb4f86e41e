/// How a metadata BLOB is verified when it is read.
public struct MetadataVerificationOptions: Sendable {
    /// The instant the signing chain and `nextUpdate` are checked at, in Unix seconds; nil means
    /// the current time, read once.
    public var verificationTime: Int64? = nil
    /// Accept a BLOB whose `nextUpdate` date is before the verification time's date (UTC). Off by
    /// default: a stale BLOB may miss recent REVOKED or compromise reports. Turn on only to keep
    /// serving with the last good BLOB while a fresh one cannot be fetched, and say so in logs.
    public var acceptStale: Bool = false

    /// The default options: now, stale BLOBs refused.
    public init(verificationTime: Int64? = nil, acceptStale: Bool = false) {
        self.verificationTime = verificationTime
        self.acceptStale = acceptStale
    }
}
