import DfnsCBOR
import DfnsCrypto

/// What a verified registration yields: the credential record to store and what was learned
/// about the authenticator.
public struct RegistrationResult: Sendable {
    /// The credential ID.
    public let credentialId: [UInt8]
    /// The credential public key (COSE bytes to store, SPKI, and the imported key).
    public let credentialPublicKey: CredentialPublicKey
    /// The credential algorithm.
    public var algorithm: COSEAlgorithm { credentialPublicKey.algorithm }
    /// The authenticator model's AAGUID (16 bytes).
    public let aaguid: [UInt8]
    /// The signature counter at registration.
    public let signCount: UInt32
    /// The authenticator data flags.
    public let flags: AuthenticatorFlags
    /// The attestation statement format.
    public let format: String
    /// The attestation type and trust path as the format verifier concluded.
    public let attestation: VerifiedAttestation
    /// Whether and how the trust path chains to the policy's anchors.
    public let trust: AttestationTrustStatus
    /// The authenticator extension outputs, if any.
    public let extensions: CBORValue?
    /// The parsed authenticator data.
    public let authenticatorData: AuthenticatorData
    /// The RP ID whose SHA-256 the `rpIdHash` is: the policy's ``RelyingPartyPolicy/rpId`` or one
    /// of its ``RelyingPartyPolicy/additionalRpIds``. Store it with the credential: assertions
    /// with it must name the same RP ID.
    public let rpId: String
    /// The authenticator's FIDO metadata entry (description, status), when the policy carries
    /// metadata and the BLOB lists the attested authenticator.
    public let metadata: MetadataEntrySummary?

    /// The attestation type.
    public var attestationType: AttestationType { attestation.type }
    /// Whether the user was verified (UV), which also initializes the record's `uvInitialized`.
    public var userVerified: Bool { flags.contains(.userVerified) }
    /// Whether the credential is backup eligible (BE): store it with the record.
    public var backupEligible: Bool { flags.contains(.backupEligible) }
    /// Whether the credential is currently backed up (BS).
    public var backupState: Bool { flags.contains(.backupState) }
}
