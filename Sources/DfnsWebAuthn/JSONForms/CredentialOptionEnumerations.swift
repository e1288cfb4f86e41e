// The WebAuthn L3 enumerations a relying party's options carry (§5.4, §5.8), as the strings the
// JSON forms use. Unknown strings are refused where a relying party sets them (the options it
// writes are its own), so a typo never reaches a browser, which would silently ignore it.

/// `UserVerificationRequirement` (§5.8.6).
public enum UserVerificationRequirement: String, Sendable, CaseIterable, WebAuthnEnumeration {
    case required, preferred, discouraged
}

/// `ResidentKeyRequirement` (§5.4.6): whether a client-side discoverable credential is wanted.
public enum ResidentKeyRequirement: String, Sendable, CaseIterable, WebAuthnEnumeration {
    case discouraged, preferred, required
}

/// `AttestationConveyancePreference` (§5.4.7).
public enum AttestationConveyancePreference: String, Sendable, CaseIterable, WebAuthnEnumeration {
    case none, indirect, direct, enterprise
}

/// `AuthenticatorAttachment` (§5.4.5).
public enum AuthenticatorAttachment: String, Sendable, CaseIterable, WebAuthnEnumeration {
    case platform
    case crossPlatform = "cross-platform"
}

/// `PublicKeyCredentialHint` (§5.8.7): which kind of authenticator the relying party expects.
public enum PublicKeyCredentialHint: String, Sendable, CaseIterable, WebAuthnEnumeration {
    case securityKey = "security-key"
    case clientDevice = "client-device"
    case hybrid
}

/// `AuthenticatorTransport` (§5.8.4) values a relying party may list in a descriptor.
public enum AuthenticatorTransport: String, Sendable, CaseIterable, WebAuthnEnumeration {
    case usb, nfc, ble
    case smartCard = "smart-card"
    case hybrid, `internal`
}

/// A WebAuthn IDL enumeration: a closed set of strings.
public protocol WebAuthnEnumeration: RawRepresentable, CaseIterable where RawValue == String {}

extension WebAuthnEnumeration {
    /// The case named `text`.
    /// - Throws: ``WebAuthnError/Code/invalidArgument`` naming `what` and the accepted values.
    public init(parsing text: String, _ what: String) throws(WebAuthnError) {
        guard let value = Self(rawValue: text) else {
            let accepted = Self.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")
            throw WebAuthnError(.invalidArgument, "\(what) is \"\(text)\", expected one of \(accepted)")
        }
        self = value
    }
}
