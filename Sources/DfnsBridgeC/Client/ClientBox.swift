import CDfnsBridgeAPI
import DfnsClient
import DfnsCurlTransport
import DfnsLocking
import DfnsProtocol

/// The object behind a `dfns_client_t *`: the configured ``DfnsAPIClient`` (base URL, transport,
/// retries, verify_returned_signatures) and, under a lock, the bearer token and signer, which the setters may change
/// while requests run. Each request takes a snapshot when it starts. Sendable: its stored
/// properties are immutable or locked.
final class ClientBox: HandleBox, @unchecked Sendable {
    override class var typeName: String { "dfns_client_t" }

    /// The client without token and signer.
    private let base: DfnsAPIClient
    /// The token and signer of the next request.
    private let credentials: Locked<(token: String?, signer: (any UserActionSigner)?)>

    init(base: DfnsAPIClient, token: String?) {
        self.base = base
        credentials = Locked((token, nil))
    }

    func setToken(_ token: String?) {
        credentials.withLock { $0.token = token }
    }

    func setSigner(_ signer: (any UserActionSigner)?) {
        credentials.withLock { $0.signer = signer }
    }

    /// The client a request started now uses: the current token, and the current signer wrapped so
    /// that its own errors reach the call's ``CallRecorder``.
    func snapshot() -> DfnsAPIClient {
        let (token, signer) = credentials.withLock { ($0.token, $0.signer) }
        var client = base
        client.authToken = token
        client.signer = signer.map { RecordingSigner(inner: $0) }
        return client
    }
}

@c @implementation
public func dfns_client_new(_ base_url: UnsafePointer<CChar>?, _ auth_token: UnsafePointer<CChar>?, _ options: UnsafePointer<dfns_client_options>?, _ transport: UnsafePointer<dfns_transport>?, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    out?.pointee = nil
    return guarded("dfns_client_new") { () throws(BridgeError) in
        let out = try Arguments.output(out, "out")
        let urlText = try Arguments.string(base_url, "base_url")
        let token = try auth_token.map { (pointer) throws(BridgeError) in try Arguments.headerText(pointer, "auth_token") }
        let settings = try ClientSettings.read(options)
        let baseURL: BaseURL
        do throws(DfnsError) {
            baseURL = try BaseURL(urlText, allowInsecureHTTP: settings.allowInsecureHTTP)
        } catch {
            throw BridgeError(error, recorded: nil)
        }
        let chosen: any Transport
        var host: HostTransport?
        if let transport {
            let size = UnsafeRawPointer(transport).load(as: Int.self)   // struct_size, read alone first
            guard size >= MemoryLayout<dfns_transport>.size, size <= ClientSettings.maximumStructSize else {
                throw .argument("transport->struct_size is \(size), expected sizeof(dfns_transport) (\(MemoryLayout<dfns_transport>.size))")
            }
            guard let send = transport.pointee.send else { throw .argument("transport->send is NULL") }
            let made = HostTransport(send: send, user: transport.pointee.user, freeUser: transport.pointee.free_user,
                                     connectTimeoutMs: settings.connectTimeoutMs, timeoutMs: settings.timeoutMs,
                                     userAgent: CurlTransportConfiguration(userAgentSuffix: settings.userAgentSuffix).userAgent)
            host = made
            chosen = made
        } else {
            let loopback = ["localhost", "[::1]"].contains(baseURL.host.lowercased()) || baseURL.host.hasPrefix("127.")
            let configuration = CurlTransportConfiguration(
                connectTimeout: .milliseconds(Int64(settings.connectTimeoutMs)),
                timeout: .milliseconds(Int64(settings.timeoutMs)),
                caBundlePath: settings.caBundlePath,
                userAgentSuffix: settings.userAgentSuffix,
                // A proxy from the environment is never right for a loopback server (a local sandbox).
                proxy: loopback ? .disabled : .environment)
            chosen = CurlTransport(configuration: configuration)
        }
        let client = DfnsAPIClient(baseURL: baseURL, transport: chosen,
                                   retryPolicy: RetryPolicy(maxAttempts: Int(settings.maxAttempts)),
                                   verifyReturnedSignatures: settings.verifyReturnedSignatures)
        let box = ClientBox(base: client, token: token)
        // Nothing can fail from here on: the host's `user` is ours now.
        host?.adoptUser()
        out.pointee = Handle.retained(box)
    }
}

@c @implementation
public func dfns_client_free(_ client: UnsafeMutablePointer<OpaquePointer?>?) {
    Handle.release(client, as: ClientBox.self)
}

@c @implementation
public func dfns_client_set_auth_token(_ client: OpaquePointer?, _ auth_token: UnsafePointer<CChar>?) -> Int32 {
    guarded("dfns_client_set_auth_token") { () throws(BridgeError) in
        let box = try Handle.borrow(client, as: ClientBox.self, name: "client")
        box.setToken(try auth_token.map { (pointer) throws(BridgeError) in try Arguments.headerText(pointer, "auth_token") })
    }
}

@c @implementation
public func dfns_client_set_signer(_ client: OpaquePointer?, _ signer: OpaquePointer?) -> Int32 {
    guarded("dfns_client_set_signer") { () throws(BridgeError) in
        let box = try Handle.borrow(client, as: ClientBox.self, name: "client")
        guard let signer else {
            box.setSigner(nil)
            return
        }
        box.setSigner(try Handle.borrow(signer, as: SignerBox.self, name: "signer").signer)
    }
}
