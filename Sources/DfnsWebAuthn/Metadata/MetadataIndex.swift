import DfnsCrypto
import DfnsEncoding

/// The entries of a verified ``MetadataBLOB``, indexed for trust evaluation: by AAGUID and by
/// attestation certificate key identifier (lowercase hex SHA-1 of the certificate's
/// subjectPublicKey BIT STRING contents, as FIDO Metadata Statement v3.0 §4 defines it).
///
/// A plain value (copy-on-write storage): build it once per BLOB and share it across threads.
public struct MetadataIndex: Sendable {
    /// The BLOB's serial number (`no`).
    public let number: Int64
    /// The BLOB's `nextUpdate` date, `YYYY-MM-DD`.
    public let nextUpdate: String
    /// The BLOB's legal header, if any.
    public let legalHeader: String?
    /// Every entry, in BLOB order.
    public let entries: [MetadataEntry]
    private let byAAGUID: [[UInt8]: Int]
    private let byKeyIdentifier: [String: Int]

    /// Indexes `blob`.
    ///
    /// - Throws: ``WebAuthnError/Code/metadataInvalid`` when two entries claim the same AAGUID or
    ///   key identifier (which entry would decide trust would be ambiguous).
    public init(_ blob: MetadataBLOB) throws(WebAuthnError) {
        var byAAGUID: [[UInt8]: Int] = [:]
        var byKeyIdentifier: [String: Int] = [:]
        for (index, entry) in blob.entries.enumerated() {
            if let aaguid = entry.aaguid ?? entry.metadataStatement?.aaguid {
                if let previous = byAAGUID[aaguid] {
                    throw WebAuthnError(.metadataInvalid, "MDS3 BLOB entries[\(index)] repeats AAGUID \(Hex.encode(aaguid)) of entries[\(previous)]")
                }
                byAAGUID[aaguid] = index
            }
            var identifiers = entry.attestationCertificateKeyIdentifiers
            for identifier in entry.metadataStatement?.attestationCertificateKeyIdentifiers ?? [] where !identifiers.contains(identifier) {
                identifiers.append(identifier)
            }
            for identifier in identifiers {
                if let previous = byKeyIdentifier[identifier] {
                    throw WebAuthnError(.metadataInvalid, "MDS3 BLOB entries[\(index)] repeats key identifier \(identifier) of entries[\(previous)]")
                }
                byKeyIdentifier[identifier] = index
            }
        }
        number = blob.number
        nextUpdate = blob.nextUpdate
        legalHeader = blob.legalHeader
        entries = blob.entries
        self.byAAGUID = byAAGUID
        self.byKeyIdentifier = byKeyIdentifier
    }

    /// Reads, verifies and indexes a BLOB in one step (see ``MetadataBLOB/init(jws:roots:options:)``).
    public init(jws: [UInt8], roots: [Certificate], options: MetadataVerificationOptions = MetadataVerificationOptions()) throws(WebAuthnError) {
        try self.init(MetadataBLOB(jws: jws, roots: roots, options: options))
    }

    /// The number of entries.
    public var count: Int { entries.count }

    /// The entry for the 16-byte `aaguid`, if any.
    public func entry(aaguid: [UInt8]) -> MetadataEntry? {
        byAAGUID[aaguid].map { entries[$0] }
    }

    /// The entry listing `keyIdentifier` (hex, either case), if any.
    public func entry(keyIdentifier: String) -> MetadataEntry? {
        byKeyIdentifier[keyIdentifier.lowercased()].map { entries[$0] }
    }

    /// The entry listing the key identifier of `certificate`, if any.
    public func entry(attestationCertificate certificate: Certificate) -> MetadataEntry? {
        guard let identifier = try? MetadataIndex.keyIdentifier(of: certificate) else { return nil }
        return entry(keyIdentifier: identifier)
    }

    /// The attestation certificate key identifier of `certificate`: lowercase hex of SHA-1 over
    /// its subjectPublicKey BIT STRING contents.
    public static func keyIdentifier(of certificate: Certificate) throws(WebAuthnError) -> String {
        do {
            return Hex.encode(DigestAlgorithm.sha1.hash(try certificate.subjectPublicKeyBits()))
        } catch {
            throw WebAuthnError(.attestationCertificateInvalid, "cannot compute the attestation key identifier: \(error)")
        }
    }
}
