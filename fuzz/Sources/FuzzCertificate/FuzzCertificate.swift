// libFuzzer target: Certificate(der:) and the accessors attestation verification uses on untrusted
// certificates: extensionValue for the FIDO AAGUID, Android key description (then parsed with
// AndroidKeyDescription(derEncoded:)), Apple nonce and TPM OIDs, subjectAlternativeNameDirectoryNames,
// extendedKeyUsage, basicConstraints, publicKey(). Input: one DER certificate.
import DfnsCrypto
import DfnsWebAuthn

private let extensionOIDs = [
    "1.3.6.1.4.1.45724.1.1.4",   // id-fido-gen-ce-aaguid
    "1.3.6.1.4.1.11129.2.1.17",  // Android key attestation (KeyDescription)
    "1.2.840.113635.100.8.2",    // Apple anonymous attestation nonce
    "2.5.29.17",                 // subjectAltName (raw)
    "2.5.29.19",                 // basicConstraints (raw)
]

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCertificate(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let certificate: Certificate
    do {
        certificate = try Certificate(der: bytes)
    } catch {
        _ = error.description.utf8.count
        return 0
    }
    _ = certificate.subject.description.utf8.count
    _ = certificate.issuer.description.utf8.count
    _ = certificate.isSelfIssued
    for oid in extensionOIDs {
        do {
            if let ext = try certificate.extensionValue(oid: oid), oid == AndroidKeyDescription.extensionOID {
                do {
                    let description = try AndroidKeyDescription(derEncoded: ext.value)
                    _ = description.softwareEnforced.purpose
                    _ = description.teeEnforced.origin
                } catch {
                    _ = error.description.utf8.count
                }
            }
        } catch {
            _ = error.description.utf8.count
        }
    }
    do { _ = try certificate.subjectAlternativeNameDirectoryNames.map(\.description) } catch { _ = error.description }
    do { _ = try certificate.extendedKeyUsage } catch { _ = error.description }
    do { _ = try certificate.basicConstraints } catch { _ = error.description }
    do { _ = try certificate.publicKey().spkiDER } catch { _ = error.description }
    return 0
}
