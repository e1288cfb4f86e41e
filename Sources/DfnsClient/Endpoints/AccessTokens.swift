import DfnsEncoding
import DfnsProtocol

/// Service accounts and personal access tokens (reference/dfns-protocol.md §7).
public struct AccessTokensAPI: Sendable {
    let client: DfnsAPIClient

    /// `POST /auth/service-accounts` (user action): a service account whose Key credential has
    /// public key `publicKeyPEM`; the answer holds its token, returned this once.
    public func createServiceAccount(name: String, publicKeyPEM: String, permissionId: String? = nil,
                                     externalId: String? = nil, daysValid: Int? = nil) async throws(DfnsError) -> JSONValue {
        try await client.send(.post, "/auth/service-accounts",
                              json: body(name, publicKeyPEM, permissionId, externalId, daysValid)).json()
    }

    /// `GET /auth/service-accounts`.
    public func listServiceAccounts() async throws(DfnsError) -> JSONValue {
        try await client.send(.get, "/auth/service-accounts").json()
    }

    /// `PUT /auth/service-accounts/{id}/activate|deactivate` (user action).
    public func setServiceAccount(_ id: String, active: Bool) async throws(DfnsError) -> JSONValue {
        try await client.send(.put, "/auth/service-accounts/" + CanonicalPath.escapeSegment(id) + (active ? "/activate" : "/deactivate"),
                              json: .object([])).json()
    }

    /// `POST /auth/pats` (user action): a personal access token for the caller.
    public func createPersonalAccessToken(name: String, publicKeyPEM: String, permissionId: String? = nil,
                                          externalId: String? = nil, daysValid: Int? = nil) async throws(DfnsError) -> JSONValue {
        try await client.send(.post, "/auth/pats", json: body(name, publicKeyPEM, permissionId, externalId, daysValid)).json()
    }

    /// `GET /auth/pats`.
    public func listPersonalAccessTokens() async throws(DfnsError) -> JSONValue {
        try await client.send(.get, "/auth/pats").json()
    }

    /// `DELETE /auth/pats/{tokenId}` (user action).
    public func deletePersonalAccessToken(_ tokenId: String) async throws(DfnsError) -> JSONValue {
        try await client.send(.delete, "/auth/pats/" + CanonicalPath.escapeSegment(tokenId), json: .object([])).json()
    }

    private func body(_ name: String, _ publicKey: String, _ permissionId: String?, _ externalId: String?, _ daysValid: Int?) -> JSONValue {
        var members: [(String, JSONValue)] = [("name", .string(name)), ("publicKey", .string(publicKey))]
        if let permissionId { members.append(("permissionId", .string(permissionId))) }
        if let externalId { members.append(("externalId", .string(externalId))) }
        if let daysValid { members.append(("daysValid", .number(String(daysValid)))) }
        return .object(members)
    }
}

extension DfnsAPIClient {
    /// Service accounts and personal access tokens.
    public var accessTokens: AccessTokensAPI { AccessTokensAPI(client: self) }
}
