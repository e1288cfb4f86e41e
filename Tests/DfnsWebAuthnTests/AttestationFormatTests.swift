import DfnsWebAuthn
import Testing

/// ``AttestationFormat``: the typed formats are exactly the registry's, and the ones that take
/// trust anchors are those whose statements carry a chain of their own.
@Suite struct AttestationFormatTests {
    @Test func theTypedFormatsAreTheRegistrysFormats() {
        #expect(Set(AttestationFormat.allCases.map(\.rawValue)) == Set(AttestationFormats.all.map { $0.format }))
        for format in AttestationFormat.allCases {
            #expect(AttestationFormats.verifier(for: format.rawValue) != nil, "\(format.rawValue)")
        }
    }

    @Test func formatsTakingTrustAnchors() {
        #expect(AttestationFormat.takingTrustAnchors.map(\.rawValue)
                == ["packed", "tpm", "android-key", "android-safetynet", "fido-u2f", "apple"])
        #expect(!AttestationFormat.none.takesTrustAnchors)
        #expect(!AttestationFormat.compound.takesTrustAnchors)
        #expect(AttestationFormat(rawValue: "fido-u2f") == .fidoU2F)
        #expect(AttestationFormat(rawValue: "Packed") == nil)
        #expect(AttestationFormat(rawValue: "") == nil)
    }
}
