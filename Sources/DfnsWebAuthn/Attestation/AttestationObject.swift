import DfnsCBOR

/// A decoded attestation object (WebAuthn §6.5.4): `{fmt, attStmt, authData}`.
public struct AttestationObject: Sendable {
    /// The statement format identifier.
    public let format: String
    /// The attestation statement, undecoded beyond CBOR.
    public let statement: CBORValue
    /// The parsed authenticator data.
    public let authenticatorData: AuthenticatorData

    /// The largest attestation object accepted, in bytes.
    public static let maxLength = 256 * 1024

    /// Decodes an attestation object: one definite CBOR map using all of `bytes`, with exactly the
    /// text keys `fmt` (text, at most 32 printable ASCII characters), `attStmt` (a map, or an array
    /// for `compound`) and `authData` (bytes, parsed strictly).
    ///
    /// - Parameter allowIndefiniteLength: accept indefinite-length CBOR items in the attestation
    ///   object's own encoding (see ``RelyingPartyPolicy/allowIndefiniteLengthCBOR``). Authenticator
    ///   data and the COSE key inside it are always strict.
    /// - Throws: ``WebAuthnError/Code/malformedCBOR``, ``WebAuthnError/Code/trailingBytes``,
    ///   ``WebAuthnError/Code/malformedAttestationObject`` or an authenticator data error.
    public init(bytes: [UInt8], allowIndefiniteLength: Bool = false) throws(WebAuthnError) {
        guard !bytes.isEmpty else {
            throw WebAuthnError(.malformedCBOR, "attestation object is empty")
        }
        guard bytes.count <= AttestationObject.maxLength else {
            throw WebAuthnError(.inputTooLarge, "attestation object is \(bytes.count) bytes, the limit is \(AttestationObject.maxLength)")
        }
        let value: CBORValue
        do {
            value = try CBORDecoder.decode(bytes, options: CBORDecodingOptions(allowIndefiniteLength: allowIndefiniteLength))
        } catch {
            throw WebAuthnError.cbor(error, in: "attestation object")
        }
        guard case .map(let map) = value else {
            throw WebAuthnError(.malformedAttestationObject, "attestation object must be a CBOR map, found \(value.typeName)")
        }
        for (key, _) in map.entries {
            guard case .text(let name) = key, ["fmt", "attStmt", "authData"].contains(name) else {
                throw WebAuthnError(.malformedAttestationObject, "attestation object has an unexpected key \(key)")
            }
        }
        guard let fmtValue = map[text: "fmt"] else {
            throw WebAuthnError(.malformedAttestationObject, "attestation object lacks \"fmt\"")
        }
        guard case .text(let fmt) = fmtValue else {
            throw WebAuthnError(.malformedAttestationObject, "attestation object \"fmt\" must be a text string, found \(fmtValue.typeName)")
        }
        guard !fmt.isEmpty, fmt.utf8.count <= 32, fmt.utf8.allSatisfy({ $0 >= 0x20 && $0 <= 0x7E }) else {
            throw WebAuthnError(.malformedAttestationObject, "attestation object \"fmt\" must be 1 to 32 printable ASCII characters")
        }
        guard let statement = map[text: "attStmt"] else {
            throw WebAuthnError(.malformedAttestationObject, "attestation object lacks \"attStmt\"")
        }
        switch statement {
        case .map: break
        case .array where fmt == CompoundAttestation.format: break
        default:
            throw WebAuthnError(.malformedAttestationObject, "attestation object \"attStmt\" must be a map, found \(statement.typeName)")
        }
        guard let authDataValue = map[text: "authData"] else {
            throw WebAuthnError(.malformedAttestationObject, "attestation object lacks \"authData\"")
        }
        guard case .bytes(let authData) = authDataValue else {
            throw WebAuthnError(.malformedAttestationObject, "attestation object \"authData\" must be a byte string, found \(authDataValue.typeName)")
        }
        format = fmt
        self.statement = statement
        authenticatorData = try AuthenticatorData(bytes: authData)
    }
}
