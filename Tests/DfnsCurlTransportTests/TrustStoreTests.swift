@testable import DfnsCurlTransport
import Testing

@Suite("CurlTrustStore: where the CA certificates come from when no bundle is configured")
struct TrustStoreTests {
    private static func resolve(_ environment: [String: String] = [:], libcurl: (String?, String?) = (nil, nil),
                                existing: Set<String> = []) -> CurlTrustStore.Source {
        CurlTrustStore.resolve(environment: { environment[$0] }, libcurlDefault: (file: libcurl.0, directory: libcurl.1),
                               exists: { existing.contains($0) })
    }

    @Test("SSL_CERT_FILE wins, even over an existing libcurl default, and even when it does not exist")
    func certFile() {
        let debian = "/etc/ssl/certs/ca-certificates.crt"
        #expect(Self.resolve(["SSL_CERT_FILE": "/opt/ca.pem", "SSL_CERT_DIR": "/opt/certs"], libcurl: (debian, nil),
                             existing: [debian]) == .file("/opt/ca.pem"))
        #expect(Self.resolve(["SSL_CERT_FILE": "/missing.pem"]) == .file("/missing.pem"))
    }

    @Test("SSL_CERT_DIR: the first directory of the list")
    func certDirectory() {
        #expect(Self.resolve(["SSL_CERT_DIR": "/opt/certs"]) == .directory("/opt/certs"))
        #expect(Self.resolve(["SSL_CERT_DIR": ":/a:/b"]) == .directory("/a"))
        #expect(Self.resolve(["SSL_CERT_FILE": "", "SSL_CERT_DIR": ""]) == .libcurlDefault)
    }

    @Test("libcurl's default is kept when its file or directory exists")
    func libcurlDefault() {
        #expect(Self.resolve(libcurl: ("/x/bundle.crt", nil), existing: ["/x/bundle.crt", "/etc/ssl/cert.pem"]) == .libcurlDefault)
        #expect(Self.resolve(libcurl: ("/x/bundle.crt", "/x/dir"), existing: ["/x/dir"]) == .libcurlDefault)
    }

    @Test("a libcurl built for another distribution: the bundle this one has (Fedora, Alpine)")
    func otherDistribution() {
        let libcurl: (String?, String?) = ("/etc/ssl/certs/ca-certificates.crt", "/etc/ssl/certs")
        #expect(Self.resolve(libcurl: libcurl, existing: ["/etc/pki/tls/certs/ca-bundle.crt"])
                == .file("/etc/pki/tls/certs/ca-bundle.crt"))
        #expect(Self.resolve(libcurl: libcurl, existing: ["/etc/ssl/cert.pem"]) == .file("/etc/ssl/cert.pem"))
        #expect(Self.resolve(libcurl: libcurl, existing: []) == .libcurlDefault)
    }

}
