import DfnsCBOR
import DfnsCrypto

/// Parsed authenticator data (WebAuthn §6.1), strictly: the structure must describe its own
/// length exactly, with no bytes left over.
public struct AuthenticatorData: Sendable {
    /// The exact bytes that were parsed (signatures cover these).
    public let rawBytes: [UInt8]
    /// SHA-256 of the RP ID the authenticator used.
    public let rpIdHash: [UInt8]
    /// The flags byte.
    public let flags: AuthenticatorFlags
    /// The signature counter.
    public let signCount: UInt32
    /// Present when the AT flag is set.
    public let attestedCredentialData: AttestedCredentialData?
    /// The authenticator extension outputs, present when the ED flag is set (a CBOR map).
    public let extensions: CBORValue?
    /// Where the extension map starts in ``rawBytes``, when ED is set.
    private let extensionsOffset: Int?

    /// The extension map as it appeared in the authenticator data (its encoding kept, whatever
    /// its key order or integer widths), or nil when the ED flag is clear: a slice of
    /// ``rawBytes``, no copy. ``extensions`` is the same map decoded.
    public var extensionBytes: ArraySlice<UInt8>? { extensionsOffset.map { rawBytes[$0...] } }

    /// The longest credential ID the specification allows.
    public static let maxCredentialIdLength = 1023

    /// Parses authenticator data.
    ///
    /// - Throws: ``WebAuthnError`` with ``WebAuthnError/Code/malformedAuthenticatorData`` for
    ///   structural problems, ``WebAuthnError/Code/credentialIdTooLong``,
    ///   ``WebAuthnError/Code/malformedCBOR`` for a bad COSE key or extension map, and
    ///   ``WebAuthnError/Code/trailingBytes`` when bytes follow what the flags announce.
    public init(bytes: [UInt8]) throws(WebAuthnError) {
        guard bytes.count >= 37 else {
            throw WebAuthnError(.malformedAuthenticatorData,
                                "authenticator data must be at least 37 bytes, found \(bytes.count)")
        }
        rawBytes = bytes
        rpIdHash = Array(bytes[0..<32])
        let flags = AuthenticatorFlags(rawValue: bytes[32])
        self.flags = flags
        signCount = UInt32(bytes[33]) << 24 | UInt32(bytes[34]) << 16 | UInt32(bytes[35]) << 8 | UInt32(bytes[36])

        var offset = 37
        if flags.contains(.attestedCredentialData) {
            guard bytes.count - offset >= 18 else {
                throw WebAuthnError(.malformedAuthenticatorData,
                                    "AT flag set but only \(bytes.count - offset) bytes follow the counter (need at least 18)")
            }
            let aaguid = Array(bytes[offset..<offset + 16])
            let idLength = Int(bytes[offset + 16]) << 8 | Int(bytes[offset + 17])
            offset += 18
            guard idLength <= AuthenticatorData.maxCredentialIdLength else {
                throw WebAuthnError(.credentialIdTooLong,
                                    "credential ID length must be at most 1023, found \(idLength)")
            }
            guard bytes.count - offset >= idLength else {
                throw WebAuthnError(.malformedAuthenticatorData,
                                    "credential ID length is \(idLength) but only \(bytes.count - offset) bytes remain")
            }
            let credentialId = Array(bytes[offset..<offset + idLength])
            offset += idLength
            guard offset < bytes.count else {
                throw WebAuthnError(.malformedAuthenticatorData, "AT flag set but the credential public key is missing")
            }
            let key: CBORValue
            let keyLength: Int
            do {
                (key, keyLength) = try CBORDecoder.decodePrefix(bytes[offset...], options: .strict)
            } catch {
                throw WebAuthnError.cbor(error, in: "credential public key")
            }
            guard case .map = key else {
                throw WebAuthnError(.malformedCOSEKey, "credential public key must be a CBOR map, found \(key.typeName)")
            }
            attestedCredentialData = AttestedCredentialData(
                aaguid: aaguid, credentialId: credentialId,
                credentialPublicKeyBytes: Array(bytes[offset..<offset + keyLength]),
                credentialPublicKey: key)
            offset += keyLength
        } else {
            attestedCredentialData = nil
        }

        if flags.contains(.extensionData) {
            guard offset < bytes.count else {
                throw WebAuthnError(.malformedAuthenticatorData, "ED flag set but no extension map follows")
            }
            let value: CBORValue
            do {
                value = try CBORDecoder.decode(bytes[offset...], options: .default)
            } catch {
                throw WebAuthnError.cbor(error, in: "authenticator extensions")
            }
            guard case .map = value else {
                throw WebAuthnError(.malformedAuthenticatorData,
                                    "authenticator extensions must be a CBOR map, found \(value.typeName)")
            }
            extensions = value
            extensionsOffset = offset
        } else {
            extensions = nil
            extensionsOffset = nil
            guard offset == bytes.count else {
                throw WebAuthnError(.trailingBytes,
                                    "\(bytes.count - offset) bytes follow the authenticator data that its flags (0x\(String(flags.rawValue, radix: 16))) do not announce")
            }
        }
    }

    /// Whether `rpIdHash` equals SHA-256 of `rpId`.
    public func matches(rpId: String) -> Bool {
        ConstantTime.equals(rpIdHash, SHA256.hash(Array(rpId.utf8)))
    }

    /// The AAGUID, or nil without attested credential data.
    public var aaguid: [UInt8]? { attestedCredentialData?.aaguid }
}
