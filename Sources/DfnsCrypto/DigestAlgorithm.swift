import COpenSSL

/// A message digest algorithm.
public enum DigestAlgorithm: Sendable {
    /// SHA-1 (legacy; 20 bytes).
    case sha1
    /// SHA-256 (32 bytes).
    case sha256
    /// SHA-384 (48 bytes).
    case sha384
    /// SHA-512 (64 bytes).
    case sha512

    /// The digest length in bytes.
    public var outputLength: Int {
        switch self {
        case .sha1: return 20
        case .sha256: return 32
        case .sha384: return 48
        case .sha512: return 64
        }
    }

    /// The cached `EVP_MD*` (fetched once per process).
    internal var evpMD: OpaquePointer? {
        switch self {
        case .sha1: return fetchedSHA1.md
        case .sha256: return fetchedSHA256.md
        case .sha384: return fetchedSHA384.md
        case .sha512: return fetchedSHA512.md
        }
    }

    /// Hashes `data`.
    public func hash(_ data: [UInt8]) -> [UInt8] {
        data.withUnsafeBytes { hash([$0]) }
    }

    /// Hashes the bytes of any collection.
    public func hash(_ data: some Collection<UInt8>) -> [UInt8] {
        if let result = data.withContiguousStorageIfAvailable({ hash([UnsafeRawBufferPointer($0)]) }) {
            return result
        }
        return hash(Array(data))
    }

    /// Hashes the concatenation of `parts` without copying them together.
    public func hash(_ parts: [UnsafeRawBufferPointer]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: outputLength)
        let ok = out.withUnsafeMutableBufferPointer { buf -> Bool in
            guard let base = buf.baseAddress else { return false }
            return digestParts(into: base) { feed in
                for part in parts where !feed(part) { return false }
                return true
            }
        }
        // Hashing in memory cannot fail short of memory exhaustion; an all-zero result would never
        // match anything, so it fails closed.
        if !ok { ERR_clear_error() }
        return out
    }

    /// Hashes the concatenation of `parts`.
    public func hash(concatenating parts: [[UInt8]]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: outputLength)
        let ok = out.withUnsafeMutableBufferPointer { buf -> Bool in
            guard let base = buf.baseAddress else { return false }
            return digestParts(into: base) { feed in
                for part in parts where !part.withUnsafeBytes({ feed($0) }) { return false }
                return true
            }
        }
        if !ok { ERR_clear_error() }
        return out
    }

    /// Runs an `EVP_MD_CTX` over the parts produced by `eachPart`, writing `outputLength` bytes.
    @inline(__always)
    internal func digestParts(
        into out: UnsafeMutablePointer<UInt8>,
        _ eachPart: ((UnsafeRawBufferPointer) -> Bool) -> Bool
    ) -> Bool {
        guard let ctx = EVP_MD_CTX_new() else { return false }
        defer { EVP_MD_CTX_free(ctx) }
        guard EVP_DigestInit_ex(ctx, evpMD, nil) == 1 else { return false }
        let fed = eachPart { part in
            guard let base = part.baseAddress, part.count > 0 else { return true }
            return EVP_DigestUpdate(ctx, base, part.count) == 1
        }
        guard fed else { return false }
        var length: UInt32 = 0
        guard EVP_DigestFinal_ex(ctx, out, &length) == 1, Int(length) == outputLength else { return false }
        return true
    }
}
