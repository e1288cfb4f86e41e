import DfnsCBOR
import DfnsCrypto
@testable import DfnsWebAuthn
import Testing

@Suite("Compound attestation")
struct CompoundAttestationTests {
    static let packedVector = "w3c-reg-packed-es256.json"

    static func entry(_ fmt: String, _ statement: CBORValue) -> CBORValue {
        .map(CBORMap([(.text("fmt"), .text(fmt)), (.text("attStmt"), statement)]))
    }

    static let none = entry("none", .map(CBORMap()))

    /// The packed statement of the W3C vector, optionally with its signature broken.
    static func packed(_ vector: FormatVector, broken: Bool = false) -> CBORValue {
        guard broken else { return entry("packed", vector.statement) }
        return entry("packed", replacing(vector.statementMap, "sig", with: .bytes(flipping(vector.statementBytes("sig"), at: 20))))
    }

    @Test("two valid statements verify, with both reported as components")
    func twoValid() throws {
        let vector = try FormatVector(Self.packedVector)
        let context = try vector.context(statement: .array([Self.packed(vector), Self.none]))
        let result = try CompoundAttestation.verify(context)
        #expect(result.format == "compound")
        #expect(result.type == .compound)
        #expect(result.trustPath.isEmpty)
        #expect(result.components.map(\.format) == ["packed", "none"])
        #expect(result.components.map(\.type) == [.basic, .none])
        #expect(try AttestationFormats.verify(fmt: "compound", context).components.count == 2)
    }

    @Test("with compoundRequiresAll one failing statement fails the whole")
    func requiresAll() throws {
        let vector = try FormatVector(Self.packedVector)
        let context = try vector.context(statement: .array([Self.none, Self.packed(vector, broken: true)]))
        expectWebAuthnError(.signatureInvalid) { _ = try CompoundAttestation.verify(context) }
    }

    @Test("with at-least-one, failing statements are dropped; all failing still fails")
    func atLeastOne() throws {
        let vector = try FormatVector(Self.packedVector)
        let lenient = FormatVector.policy { $0.compoundRequiresAll = false }
        let mixed = try vector.context(statement: .array([Self.packed(vector, broken: true), Self.none]), policy: lenient)
        let result = try CompoundAttestation.verify(mixed)
        #expect(result.components.map(\.format) == ["none"])
        let allBad = try vector.context(statement: .array([Self.packed(vector, broken: true), Self.packed(vector, broken: true)]), policy: lenient)
        expectWebAuthnError(.signatureInvalid) { _ = try CompoundAttestation.verify(allBad) }
    }

    @Test("more than maxStatements entries are refused before any verification")
    func tooManyStatements() throws {
        let vector = try FormatVector(Self.packedVector)
        let many = CBORValue.array(Array(repeating: Self.none, count: CompoundAttestation.maxStatements + 1))
        expectWebAuthnError(.inputTooLarge) { _ = try CompoundAttestation.verify(try vector.context(statement: many)) }
        let most = CBORValue.array(Array(repeating: Self.none, count: CompoundAttestation.maxStatements))
        #expect(try CompoundAttestation.verify(try vector.context(statement: most)).components.count == CompoundAttestation.maxStatements)
    }

    @Test("structural rules: at least two entries, no nesting, known non-empty fmt, closed entries", arguments: 0..<10)
    func structure(caseIndex: Int) throws {
        let vector = try FormatVector(Self.packedVector)
        let packed = Self.packed(vector)
        let nested = Self.entry("compound", .array([packed, Self.none]))
        let statement: CBORValue
        var code = WebAuthnError.Code.malformedAttestationStatement
        switch caseIndex {
        case 0: statement = .array([packed])  // a compound with one entry
        case 1: statement = .array([])
        case 2: statement = .array([packed, nested])  // a nested compound
        case 3: statement = .array([packed, Self.entry("", .map(CBORMap()))])
        case 4: statement = .array([packed, Self.entry("unknown-format", .map(CBORMap()))]); code = .unsupportedAttestationFormat
        case 5: statement = .array([packed, .map(CBORMap([(.text("fmt"), .text("none"))]))])
        case 6: statement = .array([packed, .map(CBORMap([(.text("fmt"), .text("none")), (.text("attStmt"), .map(CBORMap())), (.text("x"), .null)]))])
        case 7: statement = .array([packed, .map(CBORMap([(.text("fmt"), .unsigned(1)), (.text("attStmt"), .map(CBORMap()))]))])
        case 8: statement = .array([packed, .bytes([1])])
        default: statement = vector.statement  // a map, not an array
        }
        expectWebAuthnError(code) { _ = try CompoundAttestation.verify(try vector.context(statement: statement)) }
        // The nested/short/unknown cases fail even when one valid entry would satisfy "at least one".
        let lenient = FormatVector.policy { $0.compoundRequiresAll = false }
        expectWebAuthnError(code) { _ = try CompoundAttestation.verify(try vector.context(statement: statement, policy: lenient)) }
    }
}
