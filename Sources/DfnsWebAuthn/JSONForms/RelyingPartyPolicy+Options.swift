import DfnsCrypto

extension RelyingPartyPolicy {
    /// The smallest challenge accepted in options (WebAuthn §13.4.3: at least 16 random bytes).
    public static let minimumChallengeLength = 16
    /// The length of a challenge the library draws.
    public static let generatedChallengeLength = 32

    /// The registration options for `inputs` under this policy: `rp.id` is ``rpId``,
    /// `pubKeyCredParams` are ``allowedAlgorithms`` in their order (RS1 only with ``allowSHA1``),
    /// `userVerification` is at least what the policy requires.
    ///
    /// - Returns: the options; their ``PublicKeyCredentialCreationOptionsJSON/challenge`` is the one
    ///   to keep for verification (drawn here when the inputs give none).
    /// - Throws: ``WebAuthnError/Code/invalidArgument`` naming the input at fault;
    ///   ``WebAuthnError/Code/internalError`` when the random source fails.
    public func creationOptions(_ inputs: RegistrationOptionsInputs) throws(WebAuthnError) -> PublicKeyCredentialCreationOptionsJSON {
        try validate()
        guard !inputs.rpName.isEmpty else { throw WebAuthnError(.invalidArgument, "rpName is empty") }
        guard (1...64).contains(inputs.userId.count) else {
            throw WebAuthnError(.invalidArgument, "userId is \(inputs.userId.count) bytes, expected 1...64")
        }
        guard !inputs.userName.isEmpty else { throw WebAuthnError(.invalidArgument, "userName is empty") }
        for (index, descriptor) in inputs.excludeCredentials.enumerated() { try descriptor.validate("excludeCredentials[\(index)]") }
        let algorithms = allowedAlgorithms.filter { $0 != .rs1 || allowSHA1 }.map(\.rawValue)
        guard !algorithms.isEmpty else {
            throw WebAuthnError(.invalidArgument, "the policy allows no algorithm a registration may use (RS1 needs allowSHA1)")
        }
        let selection = AuthenticatorSelectionCriteria(authenticatorAttachment: inputs.authenticatorAttachment,
                                                       residentKey: inputs.residentKey,
                                                       userVerification: try userVerification(inputs.userVerification))
        return PublicKeyCredentialCreationOptionsJSON(
            rpId: rpId, rpName: inputs.rpName, userId: inputs.userId, userName: inputs.userName,
            userDisplayName: inputs.userDisplayName, challenge: try Self.challenge(inputs.challenge),
            algorithms: algorithms, timeout: try Self.timeout(inputs.timeout), excludeCredentials: inputs.excludeCredentials,
            authenticatorSelection: selection, hints: inputs.hints, attestation: inputs.attestation,
            extensions: try inputs.extensions.json("extensions"))
    }

    /// The assertion options for `inputs` under this policy: `rpId` is ``rpId``,
    /// `userVerification` at least what the policy requires.
    ///
    /// - Returns: the options; keep their ``PublicKeyCredentialRequestOptionsJSON/challenge``.
    /// - Throws: as ``creationOptions(_:)``.
    public func requestOptions(_ inputs: AuthenticationOptionsInputs) throws(WebAuthnError) -> PublicKeyCredentialRequestOptionsJSON {
        try validate()
        for (index, descriptor) in inputs.allowCredentials.enumerated() { try descriptor.validate("allowCredentials[\(index)]") }
        return PublicKeyCredentialRequestOptionsJSON(
            challenge: try Self.challenge(inputs.challenge), rpId: rpId, allowCredentials: inputs.allowCredentials,
            userVerification: try userVerification(inputs.userVerification), timeout: try Self.timeout(inputs.timeout),
            hints: inputs.hints, extensions: try inputs.extensions.json("extensions"))
    }

    /// The requested requirement, or the policy's: a policy that requires UV sends `required` and
    /// refuses a weaker request (the response would fail verification).
    private func userVerification(_ requested: UserVerificationRequirement?) throws(WebAuthnError) -> UserVerificationRequirement {
        guard requireUserVerification else { return requested ?? .preferred }
        if let requested, requested != .required {
            throw WebAuthnError(.invalidArgument, "userVerification is \"\(requested.rawValue)\" but the policy requires user verification")
        }
        return .required
    }

    private static func challenge(_ given: [UInt8]?) throws(WebAuthnError) -> [UInt8] {
        if let given {
            guard given.count >= minimumChallengeLength else {
                throw WebAuthnError(.invalidArgument, "challenge is \(given.count) bytes, expected at least \(minimumChallengeLength)")
            }
            return given
        }
        do {
            return try SecureRandom.bytes(generatedChallengeLength)
        } catch {
            throw WebAuthnError(.internalError, "cannot draw a challenge: \(error)")
        }
    }

    private static func timeout(_ given: UInt32?) throws(WebAuthnError) -> UInt32? {
        if given == 0 { throw WebAuthnError(.invalidArgument, "timeout is 0 ms") }
        return given
    }
}
