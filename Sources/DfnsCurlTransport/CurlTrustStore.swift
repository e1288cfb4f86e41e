internal import CCurl
internal import CCurlShims
import Glibc

/// Where the libcurl transport finds the CA certificates it trusts when the configuration names no
/// bundle (``CurlTransportConfiguration/caBundlePath`` is `nil`).
///
/// libcurl knows one CA path, the one compiled into it. The copy of libcurl that the Python wheel
/// carries is Debian's, so on Fedora, RHEL, openSUSE or Alpine it would look for
/// `/etc/ssl/certs/ca-certificates.crt`, find nothing and refuse every TLS peer. So, in this order:
/// 1. `SSL_CERT_FILE`, then `SSL_CERT_DIR`, when set and not empty (the variables OpenSSL, Python's
///    `ssl` and the curl tool honour): the host's explicit choice, used even if it does not exist,
///    so that a mistake there fails loudly instead of falling back;
/// 2. libcurl's own default, when that file (or directory) exists;
/// 3. the first existing bundle among the places Linux distributions put theirs;
/// 4. otherwise libcurl's default, and the TLS error that follows names it.
/// Peer and host-name verification stay on in every case.
enum CurlTrustStore {
    /// What the transport sets on each handle.
    enum Source: Equatable, Sendable {
        /// Nothing: libcurl's compiled-in default.
        case libcurlDefault
        /// `CURLOPT_CAINFO`: a PEM bundle.
        case file(String)
        /// `CURLOPT_CAPATH`: a directory of hashed certificates (`c_rehash`).
        case directory(String)
    }

    /// The bundles of the common distributions, the usual Debian one first.
    static let knownBundles = [
        "/etc/ssl/certs/ca-certificates.crt",                // Debian, Ubuntu, Arch, Gentoo
        "/etc/pki/tls/certs/ca-bundle.crt",                  // Fedora, RHEL
        "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem", // CentOS, RHEL 7+
        "/etc/ssl/ca-bundle.pem",                            // openSUSE
        "/etc/ssl/cert.pem",                                 // Alpine, macOS-style layouts
        "/etc/pki/tls/cacert.pem",                           // OpenELEC
    ]

    /// The source for this process, resolved once (the environment is read at first use).
    static let system: Source = resolve(
        environment: { name in getenv(name).map { String(cString: $0) } },
        libcurlDefault: libcurlDefaultPaths(),
        exists: { path in access(path, R_OK) == 0 })

    /// The resolution rule, with its inputs given (tests call it with their own).
    static func resolve(environment: (String) -> String?, libcurlDefault: (file: String?, directory: String?),
                        exists: (String) -> Bool) -> Source {
        if let file = environment("SSL_CERT_FILE"), !file.isEmpty, !file.utf8.contains(0) {
            return .file(file)
        }
        if let directory = environment("SSL_CERT_DIR"), !directory.isEmpty, !directory.utf8.contains(0) {
            // OpenSSL reads SSL_CERT_DIR as a colon-separated list; CURLOPT_CAPATH takes one directory.
            let first = directory.split(separator: ":", omittingEmptySubsequences: true).first.map(String.init)
            if let first { return .directory(first) }
        }
        if let file = libcurlDefault.file, exists(file) { return .libcurlDefault }
        if let directory = libcurlDefault.directory, exists(directory) { return .libcurlDefault }
        if let bundle = knownBundles.first(where: exists) { return .file(bundle) }
        return .libcurlDefault
    }

    /// libcurl's built-in CA bundle and directory (`CURLINFO_CAINFO`, `CURLINFO_CAPATH`), read from
    /// a fresh handle; `nil` for what it has none of (or when libcurl cannot be initialised).
    private static func libcurlDefaultPaths() -> (file: String?, directory: String?) {
        guard (try? CurlGlobal.ensureInitialized()) != nil, let handle = curl_easy_init() else { return (nil, nil) }
        defer { curl_easy_cleanup(handle) }
        func read(_ info: CURLINFO) -> String? {
            var value: UnsafePointer<CChar>?
            guard dfns_curl_easy_getinfo_string(handle, info, &value) == CURLE_OK, let value else { return nil }
            return String(cString: value)
        }
        return (read(CURLINFO_CAINFO), read(CURLINFO_CAPATH))
    }
}
