import DfnsCBOR

/// The `compound` format (WebAuthn §8.9): several attestation statements of other formats over the
/// same authenticator data and client data hash.
///
/// Checks: `attStmt` is an array of 2 to ``maxStatements`` maps, each exactly
/// `{"fmt": text, "attStmt": any}` with a non-empty, supported `fmt` other than `compound` (these
/// structural rules hold whatever the policy); each entry then runs through
/// ``AttestationFormats/verify(fmt:_:)``. With ``RelyingPartyPolicy/compoundRequiresAll`` every
/// entry must verify (the first failure is thrown); otherwise at least one must, and only the
/// verified entries are reported. The result is ``AttestationType/compound`` with the verified
/// entries as ``VerifiedAttestation/components``.
public enum CompoundAttestation: AttestationStatementVerifier {
    /// `"compound"`.
    public static let format = "compound"

    /// The most statements accepted in one compound statement. The specification sets no limit; real
    /// authenticators send two or three, and each entry may cost a signature verification.
    public static let maxStatements = 16

    /// Runs the checks listed in the type documentation on `context.statement`.
    ///
    /// - Throws: ``WebAuthnError`` with the code of the first failed check.
    public static func verify(_ context: AttestationContext) throws(WebAuthnError) -> VerifiedAttestation {
        guard case .array(let entries) = context.statement else {
            throw WebAuthnError(.malformedAttestationStatement, "compound attStmt must be an array, found \(context.statement.typeName)")
        }
        guard entries.count >= 2 else {
            throw WebAuthnError(.malformedAttestationStatement, "compound attStmt must hold at least 2 statements, found \(entries.count)")
        }
        guard entries.count <= maxStatements else {
            throw WebAuthnError(.inputTooLarge, "compound attStmt may hold at most \(maxStatements) statements, found \(entries.count)")
        }
        // Check the syntax of every entry before running any verifier.
        var statements: [(fmt: String, statement: CBORValue)] = []
        for (index, entry) in entries.enumerated() {
            statements.append(try parseEntry(entry, index: index))
        }

        var verified: [VerifiedAttestation] = []
        var failures: [WebAuthnError] = []
        for (index, item) in statements.enumerated() {
            let subContext = AttestationContext(
                statement: item.statement, authenticatorData: context.authenticatorData,
                clientDataHash: context.clientDataHash, credentialPublicKey: context.credentialPublicKey,
                policy: context.policy)
            do {
                verified.append(try AttestationFormats.verify(fmt: item.fmt, subContext))
            } catch {
                let wrapped = WebAuthnError(error.code, "compound statement \(index) (\(item.fmt)): \(error.message)")
                if context.policy.compoundRequiresAll { throw wrapped }
                failures.append(wrapped)
            }
        }
        guard !verified.isEmpty else {
            let first = failures.first ?? WebAuthnError(.malformedAttestationStatement, "compound attStmt has no statements")
            throw WebAuthnError(first.code, "no compound statement verifies (at least one must); first failure: \(first.message)")
        }
        return VerifiedAttestation(format: format, type: .compound, components: verified)
    }

    /// One `{fmt, attStmt}` entry.
    static func parseEntry(_ entry: CBORValue, index: Int) throws(WebAuthnError) -> (fmt: String, statement: CBORValue) {
        guard case .map(let map) = entry else {
            throw WebAuthnError(.malformedAttestationStatement, "compound statement \(index) must be a map, found \(entry.typeName)")
        }
        for (key, _) in map.entries {
            guard case .text(let name) = key else {
                throw WebAuthnError(.malformedAttestationStatement,
                                    "compound statement \(index) keys must be text strings, found a \(key.typeName)")
            }
            guard name == "fmt" || name == "attStmt" else {
                throw WebAuthnError(.malformedAttestationStatement,
                                    "compound statement \(index) may only have \"fmt\" and \"attStmt\", found \"\(name)\"")
            }
        }
        guard let fmtValue = map[text: "fmt"] else {
            throw WebAuthnError(.malformedAttestationStatement, "compound statement \(index) lacks \"fmt\"")
        }
        guard case .text(let fmt) = fmtValue else {
            throw WebAuthnError(.malformedAttestationStatement, "compound statement \(index) fmt must be a text string, found \(fmtValue.typeName)")
        }
        guard !fmt.isEmpty else {
            throw WebAuthnError(.malformedAttestationStatement, "compound statement \(index) fmt must not be empty")
        }
        guard fmt != format else {
            throw WebAuthnError(.malformedAttestationStatement, "compound statement \(index) must not itself be \"compound\" (nesting is not allowed)")
        }
        guard AttestationFormats.verifier(for: fmt) != nil else {
            throw WebAuthnError(.unsupportedAttestationFormat, "compound statement \(index) fmt \"\(fmt)\" is not a supported attestation format")
        }
        guard let statement = map[text: "attStmt"] else {
            throw WebAuthnError(.malformedAttestationStatement, "compound statement \(index) lacks \"attStmt\"")
        }
        return (fmt, statement)
    }
}
