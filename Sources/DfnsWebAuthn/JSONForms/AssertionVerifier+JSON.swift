extension AssertionVerifier {
    /// Verifies an assertion from the `PublicKeyCredential.toJSON()` text a browser or platform SDK
    /// sends (`AuthenticationResponseJSON`). Read ``AuthenticationResponseJSON/rawId`` first (parse
    /// with ``AuthenticationResponseJSON/init(json:)``) to find the stored credential.
    ///
    /// - Parameters:
    ///   - responseJSON: the document's UTF-8 bytes (at most ``AuthenticationResponseJSON/maxLength``).
    ///   - expectedChallenge: the challenge bytes issued for this ceremony.
    ///   - credential: the stored credential; its ``StoredCredential/credentialId`` must equal the
    ///     response's `rawId`.
    /// - Returns: the verified values and the client's outputs (attachment, extension results,
    ///   user handle).
    /// - Throws: ``WebAuthnError``: ``WebAuthnError/Code/malformedCredentialJSON`` naming the
    ///   member at fault, ``WebAuthnError/Code/credentialIdMismatch`` when `rawId` names another
    ///   credential, or the code of the first verification check that failed.
    public func verify(responseJSON: [UInt8], expectedChallenge: [UInt8], credential: StoredCredential) throws(WebAuthnError) -> AssertionJSONResult {
        try verify(response: AuthenticationResponseJSON(json: responseJSON), expectedChallenge: expectedChallenge, credential: credential)
    }

    /// Verifies an already parsed `AuthenticationResponseJSON`.
    public func verify(response: AuthenticationResponseJSON, expectedChallenge: [UInt8], credential: StoredCredential) throws(WebAuthnError) -> AssertionJSONResult {
        // The client's `appid: true` (the FIDO U2F AppID extension was used) lets rpIdHash be
        // SHA-256 of the policy's AppID; without it, only the accepted RP IDs match.
        let assertion = try verify(clientDataJSON: response.clientDataJSON, authenticatorData: response.authenticatorData,
                                   signature: response.signature, expectedChallenge: expectedChallenge,
                                   credential: credential, rawId: response.rawId,
                                   appidExtensionUsed: response.clientExtensionResults.appid == true)
        return AssertionJSONResult(assertion: assertion, clientOutputs: response.clientOutputs)
    }
}
