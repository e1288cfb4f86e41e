import DfnsCrypto

/// The root certificates a caller hands in for BLOB verification, as bytes: PEM text (one or more
/// `CERTIFICATE` blocks) or one DER certificate. The FIDO service's root is GlobalSign Root R3
/// (`globalsign-root-r3-fido-mds.pem`); the library does not build it in, so that trusting it stays
/// the relying party's visible decision.
public enum MetadataRootCertificates {
    /// Parses `bytes` as PEM or DER (``Certificate/parse(derOrPEM:)`` tells which).
    ///
    /// - Throws: ``WebAuthnError/Code/invalidArgument`` for empty input;
    ///   ``WebAuthnError/Code/metadataInvalid`` when the bytes are not certificates.
    public static func parse(_ bytes: [UInt8]) throws(WebAuthnError) -> [Certificate] {
        guard bytes.contains(where: { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }) else {
            throw WebAuthnError(.invalidArgument, "the MDS3 root certificate is empty")
        }
        do throws(CryptoError) {
            return try Certificate.parse(derOrPEM: bytes)
        } catch {
            throw WebAuthnError(.metadataInvalid, "the MDS3 root certificate is neither PEM nor one DER certificate: \(error)")
        }
    }
}
