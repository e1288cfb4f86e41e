import DfnsCrypto
import DfnsEncoding
import Glibc

/// A FIDO Metadata Service v3 BLOB, read offline and verified (FIDO Metadata Service v3.0, §3.1.6
/// "Metadata BLOB", §3.2 "Metadata BLOB object processing rules").
///
/// The BLOB is a compact JWS (a JWT) whose header `x5c` carries the signing certificate and its
/// intermediates. Reading one checks, in order: its size (at most ``maxLength``); the JWS structure;
/// the `x5c` chain to one of the caller's roots at the verification time (each certificate inside its
/// validity period; the FIDO service's root is GlobalSign Root R3, which the caller passes); the
/// signature with the `x5c[0]` key (`alg` RS256 or ES256); then the payload: `no` (an integer),
/// `nextUpdate` (a `YYYY-MM-DD` date not before the verification time's date, unless
/// ``MetadataVerificationOptions/acceptStale``), `legalHeader`, and every entry of `entries` with
/// the fields the library uses. Every failure is ``WebAuthnError/Code/metadataInvalid`` naming what
/// failed (``WebAuthnError/Code/inputTooLarge`` for an oversized input).
public struct MetadataBLOB: Sendable {
    /// The largest BLOB accepted: 64 MiB (the FIDO service's BLOB is about 5–10 MB).
    public static let maxLength = 64 << 20

    /// The legal header the service requires relying parties to accept, if present.
    public let legalHeader: String?
    /// The serial number (`no`): it increases with every BLOB the service publishes.
    public let number: Int64
    /// The date of the next update at the latest (`nextUpdate`), `YYYY-MM-DD`.
    public let nextUpdate: String
    /// The entries, in BLOB order.
    public let entries: [MetadataEntry]
    /// The verified signing chain, signer first, ending at the caller's root.
    public let signingChain: [Certificate]
    /// The JWS `alg` the BLOB was signed with (`RS256` or `ES256`).
    public let algorithm: String

    /// Reads and verifies the BLOB `jws` (its exact bytes) against `roots`.
    ///
    /// - Throws: ``WebAuthnError/Code/metadataInvalid`` for a bad structure, chain, signature,
    ///   stale `nextUpdate` or malformed field; ``WebAuthnError/Code/inputTooLarge`` above
    ///   ``maxLength``; ``WebAuthnError/Code/invalidArgument`` when `roots` is empty.
    public init(jws: [UInt8], roots: [Certificate], options: MetadataVerificationOptions = MetadataVerificationOptions()) throws(WebAuthnError) {
        guard !roots.isEmpty else {
            throw WebAuthnError(.invalidArgument, "reading an MDS3 BLOB needs at least one root certificate, found none")
        }
        let what = "MDS3 BLOB"
        let time = options.verificationTime ?? Int64(Glibc.time(nil))
        let token: CompactJWS
        do {
            token = try CompactJWS(MetadataBLOB.trimmed(jws), what: what, maxLength: MetadataBLOB.maxLength)
        } catch {
            throw MetadataBLOB.invalid(error)
        }
        guard let signer = token.certificates.first else {
            throw WebAuthnError(.metadataInvalid, "\(what) header x5c is empty")
        }
        var chainOptions = ChainValidationOptions()
        chainOptions.time = time
        do {
            signingChain = try CertificateChain.validate(leaf: signer, intermediates: Array(token.certificates.dropFirst()),
                                                         anchors: roots, options: chainOptions)
        } catch {
            throw WebAuthnError(.metadataInvalid, "\(what) signing chain (x5c) does not reach a given root at \(CivilDate.iso8601(unixSeconds: time, milliseconds: nil)): \(error)")
        }
        do {
            try token.verifySignature(what: what, algorithms: ["RS256", "ES256"])
        } catch {
            throw MetadataBLOB.invalid(error)
        }
        algorithm = token.algorithm

        let fields = try MetadataJSONFields(token.payload, path: "")
        legalHeader = try fields.optionalString("legalHeader")
        number = try fields.integer("no")
        nextUpdate = try fields.date("nextUpdate")
        if !options.acceptStale, let nextUpdateStart = CivilDate.unixSeconds(date: nextUpdate) {
            // Stale once the verification time's UTC date is after the nextUpdate date.
            let dayAfter = nextUpdateStart.addingReportingOverflow(86_400)
            if !dayAfter.overflow, time >= dayAfter.partialValue {
                throw WebAuthnError(.metadataInvalid,
                                    "\(what) is stale: nextUpdate \(nextUpdate) is before the verification date \(CivilDate.iso8601(unixSeconds: time, milliseconds: nil)) (fetch a new BLOB, or opt into stale BLOBs)")
            }
        }
        var entries: [MetadataEntry] = []
        let items = try fields.requiredArray("entries")
        entries.reserveCapacity(items.count)
        for (index, item) in items.enumerated() {
            entries.append(try MetadataEntry(item, index: index))
        }
        self.entries = entries
    }

    /// `bytes` without surrounding ASCII whitespace (a BLOB saved from a download often ends in a
    /// newline); the JWS itself stays strict.
    private static func trimmed(_ bytes: [UInt8]) -> [UInt8] {
        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 }
        guard let first = bytes.firstIndex(where: { !isSpace($0) }), let last = bytes.lastIndex(where: { !isSpace($0) }) else {
            return []
        }
        return Array(bytes[first...last])
    }

    /// A JWS-level failure as ``WebAuthnError/Code/metadataInvalid`` (size stays ``WebAuthnError/Code/inputTooLarge``).
    private static func invalid(_ error: WebAuthnError) -> WebAuthnError {
        if error.code == .inputTooLarge { return error }
        return WebAuthnError(.metadataInvalid, "\(error.code.name): \(error.message)")
    }
}
