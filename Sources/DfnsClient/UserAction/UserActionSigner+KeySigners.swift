import DfnsEncoding
import DfnsProtocol

// The Key signers as user-action signers: each signs the challenge's `key.get` clientData and
// refuses a challenge whose `allowCredentials.key` does not name its credential (when the
// challenge carries that list at all).

extension KeySigner: UserActionSigner {
    public func sign(_ challenge: UserActionChallenge) async throws -> JSONValue {
        try sign(challenge: challenge.challenge, allowedCredentialIds: challenge.allowedKeyCredentialIds).jsonValue
    }
}

extension ExternalKeySigner: UserActionSigner {
    public func sign(_ challenge: UserActionChallenge) async throws -> JSONValue {
        try sign(challenge: challenge.challenge, allowedCredentialIds: challenge.allowedKeyCredentialIds).jsonValue
    }
}

extension AsyncExternalKeySigner: UserActionSigner {
    public func sign(_ challenge: UserActionChallenge) async throws -> JSONValue {
        try await sign(challenge: challenge.challenge, allowedCredentialIds: challenge.allowedKeyCredentialIds).jsonValue
    }
}
