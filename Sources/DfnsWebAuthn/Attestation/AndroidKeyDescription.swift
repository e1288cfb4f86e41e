import SwiftASN1

/// The Android Keystore `KeyDescription` (extension 1.3.6.1.4.1.11129.2.1.17 of the credential
/// certificate), parsed strictly from DER.
///
/// ```
/// KeyDescription ::= SEQUENCE {
///   attestationVersion INTEGER, attestationSecurityLevel ENUMERATED,
///   keymasterVersion INTEGER, keymasterSecurityLevel ENUMERATED,
///   attestationChallenge OCTET STRING, uniqueId OCTET STRING,
///   softwareEnforced AuthorizationList, teeEnforced AuthorizationList }
/// ```
///
/// Elements after `teeEnforced` are tolerated (ASN.1 extensibility); everything before it must be
/// present with the right type.
public struct AndroidKeyDescription: Sendable {
    /// The extension's OID.
    public static let extensionOID = "1.3.6.1.4.1.11129.2.1.17"

    /// The attestation format version (e.g. 3 for Keymaster 4, 100–400 for KeyMint).
    public let attestationVersion: Int64
    /// Where the attestation was produced: 0 Software, 1 TrustedEnvironment, 2 StrongBox.
    public let attestationSecurityLevel: Int64
    /// The Keymaster/KeyMint version.
    public let keymasterVersion: Int64
    /// Where the key lives: 0 Software, 1 TrustedEnvironment, 2 StrongBox.
    public let keymasterSecurityLevel: Int64
    /// The challenge given when the key was generated; WebAuthn requires clientDataHash.
    public let attestationChallenge: [UInt8]
    /// The unique ID (usually empty).
    public let uniqueId: [UInt8]
    /// Authorizations enforced by Android outside secure hardware.
    public let softwareEnforced: AndroidAuthorizationList
    /// Authorizations enforced by the TEE or StrongBox ("hardwareEnforced" in newer documents).
    public let teeEnforced: AndroidAuthorizationList

    /// Parses the DER contents of the extension (the `extnValue` OCTET STRING contents).
    ///
    /// - Throws: ``WebAuthnError/Code/attestationCertificateInvalid`` naming what was expected and found.
    public init(derEncoded bytes: [UInt8]) throws(WebAuthnError) {
        let root: ASN1Node
        do {
            root = try DER.parse(bytes)
        } catch {
            throw AndroidKeyDescription.invalid("is not one DER value: \(error)")
        }
        guard root.identifier == .sequence, case .constructed(let children) = root.content else {
            throw AndroidKeyDescription.invalid("must be a SEQUENCE, found \(root.identifier)")
        }
        let elements = Array(children)
        guard elements.count >= 8 else {
            throw AndroidKeyDescription.invalid("must have at least 8 elements, found \(elements.count)")
        }
        attestationVersion = try AndroidKeyDescription.integer(elements[0], .integer, "attestationVersion")
        attestationSecurityLevel = try AndroidKeyDescription.integer(elements[1], .enumerated, "attestationSecurityLevel")
        keymasterVersion = try AndroidKeyDescription.integer(elements[2], .integer, "keymasterVersion")
        keymasterSecurityLevel = try AndroidKeyDescription.integer(elements[3], .enumerated, "keymasterSecurityLevel")
        attestationChallenge = try AndroidKeyDescription.octetString(elements[4], "attestationChallenge")
        uniqueId = try AndroidKeyDescription.octetString(elements[5], "uniqueId")
        softwareEnforced = try AndroidAuthorizationList(elements[6], name: "softwareEnforced")
        teeEnforced = try AndroidAuthorizationList(elements[7], name: "teeEnforced")
    }

    static func invalid(_ message: String) -> WebAuthnError {
        WebAuthnError(.attestationCertificateInvalid, "android-key KeyDescription \(message)")
    }

    /// An INTEGER (or ENUMERATED, with `identifier`) that fits Int64.
    static func integer(_ node: ASN1Node, _ identifier: ASN1Identifier, _ field: String) throws(WebAuthnError) -> Int64 {
        guard node.identifier == identifier else {
            throw invalid("\(field) must be \(identifier), found \(node.identifier)")
        }
        do {
            return try Int64(derEncoded: node, withIdentifier: identifier)
        } catch {
            throw invalid("\(field) must be a DER integer that fits 64 bits: \(error)")
        }
    }

    /// An OCTET STRING's contents.
    static func octetString(_ node: ASN1Node, _ field: String) throws(WebAuthnError) -> [UInt8] {
        guard node.identifier == .octetString else {
            throw invalid("\(field) must be an OCTET STRING, found \(node.identifier)")
        }
        do {
            return Array(try ASN1OctetString(derEncoded: node).bytes)
        } catch {
            throw invalid("\(field) must be a primitive OCTET STRING: \(error)")
        }
    }
}

/// One Android `AuthorizationList`: a SEQUENCE of `[n] EXPLICIT` optional fields.
///
/// Every element is visited and looked up by tag number, so an unknown tag can never hide a known
/// one (a positional parser that stops at an unknown tag could miss `allApplications`). Unknown
/// tags are tolerated; every element must be context-specific and constructed with exactly one
/// inner value; a tag that appears twice is rejected.
public struct AndroidAuthorizationList: Sendable {
    /// Tag [1] purpose: SET OF INTEGER.
    public static let purposeTag: UInt = 1
    /// Tag [600] allApplications: NULL.
    public static let allApplicationsTag: UInt = 600
    /// Tag [702] origin: INTEGER.
    public static let originTag: UInt = 702

    /// KM_PURPOSE_SIGN.
    public static let purposeSign: Int64 = 2
    /// KM_ORIGIN_GENERATED.
    public static let originGenerated: Int64 = 0

    /// Every tag number present, in encoding order.
    public let tags: [UInt]
    /// `purpose` ([1]) values, nil when absent.
    public let purpose: [Int64]?
    /// `origin` ([702]), nil when absent.
    public let origin: Int64?
    /// Whether `allApplications` ([600]) is present.
    public let allApplications: Bool

    init(_ node: ASN1Node, name: String) throws(WebAuthnError) {
        guard node.identifier == .sequence, case .constructed(let children) = node.content else {
            throw AndroidKeyDescription.invalid("\(name) must be a SEQUENCE, found \(node.identifier)")
        }
        var tags: [UInt] = []
        var seen: Set<UInt> = []
        var purpose: [Int64]?
        var origin: Int64?
        var allApplications = false
        for element in children {
            let tag = element.identifier.tagNumber
            guard element.identifier.tagClass == .contextSpecific, case .constructed(let wrapped) = element.content else {
                throw AndroidKeyDescription.invalid("\(name) elements must be context-specific [n] EXPLICIT, found \(element.identifier)")
            }
            guard seen.insert(tag).inserted else {
                throw AndroidKeyDescription.invalid("\(name) has tag [\(tag)] more than once")
            }
            tags.append(tag)
            var iterator = wrapped.makeIterator()
            guard let inner = iterator.next(), iterator.next() == nil else {
                throw AndroidKeyDescription.invalid("\(name) [\(tag)] must wrap exactly one value")
            }
            switch tag {
            case AndroidAuthorizationList.purposeTag:
                guard inner.identifier == .set, case .constructed(let values) = inner.content else {
                    throw AndroidKeyDescription.invalid("\(name) purpose [1] must be a SET OF INTEGER, found \(inner.identifier)")
                }
                var list: [Int64] = []
                for value in values {
                    list.append(try AndroidKeyDescription.integer(value, .integer, "\(name) purpose [1] element"))
                }
                purpose = list
            case AndroidAuthorizationList.originTag:
                origin = try AndroidKeyDescription.integer(inner, .integer, "\(name) origin [702]")
            case AndroidAuthorizationList.allApplicationsTag:
                allApplications = true
            default:
                break  // Unknown or uninteresting tags are tolerated.
            }
        }
        self.tags = tags
        self.purpose = purpose
        self.origin = origin
        self.allApplications = allApplications
    }
}
