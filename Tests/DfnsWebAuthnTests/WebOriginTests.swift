@testable import DfnsWebAuthn
import Testing

/// Configured origins match their serialization (scheme and host case, the default port, a
/// trailing `/`); what the client sends is compared exactly.
@Suite("Configured origins, normalised")
struct WebOriginTests {
    @Test("the serialization of configured origins", arguments: [
        ("https://example.org", "https://example.org"),
        ("HTTPS://Example.ORG", "https://example.org"),
        ("https://example.org/", "https://example.org"),
        ("https://example.org:443/", "https://example.org"),
        ("https://example.org:0443", "https://example.org"),
        ("http://localhost:8100/", "http://localhost:8100"),
        ("http://LOCALHOST:80", "http://localhost"),
        ("https://example.org:8443", "https://example.org:8443"),
        ("http://[::1]:8080/", "http://[::1]:8080"),
        ("https://[2001:DB8::1]", "https://[2001:db8::1]"),
    ])
    func serialization(_ configured: String, _ expected: String) {
        #expect(WebOrigin.serialization(of: configured) == expected)
    }

    @Test("what is not a plain http(s) origin has no serialization: it is compared as given", arguments: [
        "android:apk-key-hash:abc", "ftp://example.org", "https://example.org/path", "https://example.org?x=1",
        "https://example.org#f", "https://user@example.org", "https://example.org:", "https://example.org:65536",
        "https://example.org:-1", "https://", "https:///", "example.org", "https://exa mple.org", "https://[::1",
        "https://exämple.org",
    ])
    func none(_ configured: String) {
        #expect(WebOrigin.serialization(of: configured) == nil)
    }

    @Test("a registration verifies against a configured origin written another way; the sent origin stays exact")
    func verification() throws {
        let authenticator = SoftwareAuthenticator()
        let challenge: [UInt8] = Array(repeating: 7, count: 32)
        let registration = try authenticator.register(rpId: "example.org", origin: "https://example.org", challenge: challenge)
        for configured in ["HTTPS://Example.org:443/", "https://example.org/", "https://EXAMPLE.ORG"] {
            let policy = RelyingPartyPolicy(rpId: "example.org", allowedOrigins: [configured])
            _ = try RegistrationVerifier(policy: policy).verify(clientDataJSON: registration.clientDataJSON,
                                                               attestationObject: registration.attestationObject,
                                                               expectedChallenge: challenge)
        }
        for configured in ["https://example.org:8443", "http://example.org", "https://sub.example.org", "https://example.org/app"] {
            let policy = RelyingPartyPolicy(rpId: "example.org", allowedOrigins: [configured])
            #expect {
                _ = try RegistrationVerifier(policy: policy).verify(clientDataJSON: registration.clientDataJSON,
                                                                   attestationObject: registration.attestationObject,
                                                                   expectedChallenge: challenge)
            } throws: { error in (error as? WebAuthnError)?.code == .originNotAllowed }
        }
        // A client that sends an unserialized origin is refused even when it is the configured text.
        let odd = try authenticator.register(rpId: "example.org", origin: "https://Example.org:443/", challenge: challenge)
        let policy = RelyingPartyPolicy(rpId: "example.org", allowedOrigins: ["https://example.org"])
        #expect {
            _ = try RegistrationVerifier(policy: policy).verify(clientDataJSON: odd.clientDataJSON, attestationObject: odd.attestationObject,
                                                               expectedChallenge: challenge)
        } throws: { error in (error as? WebAuthnError)?.code == .originNotAllowed }
    }
}
