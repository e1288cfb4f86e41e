import DfnsClient
import DfnsCurlTransport
import Testing

@Suite("CurlTransportConfiguration")
struct ConfigurationTests {
    @Test("defaults: 10 s connect, 30 s total, 16 MiB body, proxies from the environment")
    func defaults() {
        let configuration = CurlTransportConfiguration()
        #expect(configuration.connectTimeout == .seconds(10))
        #expect(configuration.timeout == .seconds(30))
        #expect(configuration.maximumResponseBodySize == 16 * 1024 * 1024)
        #expect(configuration.maximumResponseHeaderSize == 256 * 1024)
        #expect(configuration.proxy == .environment)
        #expect(configuration.caBundlePath == nil)
        #expect(configuration.userAgent == CurlTransportConfiguration.libraryUserAgent)
        #expect(CurlTransport().configuration == configuration)
    }

    @Test("the User-Agent names the library and its version")
    func userAgent() {
        let name = CurlTransportConfiguration.libraryUserAgent
        #expect(name.hasPrefix("dfns-bridge/"))
        let version = name.dropFirst("dfns-bridge/".count)
        #expect(version.split(separator: ".").count == 3)
        #expect(version.split(separator: ".").allSatisfy { Int($0) != nil })
        #expect(CurlTransportConfiguration(userAgentSuffix: "svc/1").userAgent == name + " svc/1")
        #expect(CurlTransportConfiguration(userAgentSuffix: "").userAgent == name)
    }
}
