import DfnsCBOR
import DfnsEncoding

/// The attested credential data inside registration authenticator data (WebAuthn §6.5.1).
public struct AttestedCredentialData: Sendable {
    /// The authenticator model's AAGUID (16 bytes, possibly all zero).
    public let aaguid: [UInt8]
    /// The credential ID (at most 1023 bytes).
    public let credentialId: [UInt8]
    /// The credential public key as exact COSE_Key bytes taken from the authenticator data.
    public let credentialPublicKeyBytes: [UInt8]
    /// The decoded COSE_Key map.
    public let credentialPublicKey: CBORValue

    /// The AAGUID in the usual dashed lowercase UUID form.
    public var aaguidString: String { AttestedCredentialData.uuidString(aaguid) }

    static func uuidString(_ bytes: [UInt8]) -> String {
        var out = ""
        for (i, b) in bytes.enumerated() {
            if i == 4 || i == 6 || i == 8 || i == 10 { out += "-" }
            out += Hex.encode(integer: b)
        }
        return out
    }
}
