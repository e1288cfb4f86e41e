extension RegistrationVerifier {
    /// Verifies a registration from the `PublicKeyCredential.toJSON()` text a browser or platform
    /// SDK sends (`RegistrationResponseJSON`).
    ///
    /// - Parameters:
    ///   - responseJSON: the document's UTF-8 bytes (at most ``RegistrationResponseJSON/maxLength``).
    ///   - expectedChallenge: the challenge bytes issued for this ceremony.
    /// - Returns: the verified credential and the client's outputs (transports, attachment,
    ///   extension results).
    /// - Throws: ``WebAuthnError``: ``WebAuthnError/Code/malformedCredentialJSON`` naming the
    ///   member at fault, or the code of the first verification check that failed.
    public func verify(responseJSON: [UInt8], expectedChallenge: [UInt8]) throws(WebAuthnError) -> RegistrationJSONResult {
        try verify(response: RegistrationResponseJSON(json: responseJSON), expectedChallenge: expectedChallenge)
    }

    /// Verifies an already parsed `RegistrationResponseJSON`: `rawId` must equal the credential ID
    /// in authenticator data.
    public func verify(response: RegistrationResponseJSON, expectedChallenge: [UInt8]) throws(WebAuthnError) -> RegistrationJSONResult {
        let registration = try verify(clientDataJSON: response.clientDataJSON, attestationObject: response.attestationObject,
                                      expectedChallenge: expectedChallenge, rawId: response.rawId)
        return RegistrationJSONResult(registration: registration, clientOutputs: response.clientOutputs)
    }
}
