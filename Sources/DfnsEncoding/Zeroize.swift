#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Overwrites `bytes` with zeros in a way the optimiser may not remove (`explicit_bzero` on Linux,
/// `memset_s` on Darwin). For intermediate buffers that may hold secret material (the base64 text
/// of a PKCS#8 key, say); the crypto layer has its own zeroizing `SecretBytes`.
public func zeroize(_ bytes: inout [UInt8]) {
    bytes.withUnsafeMutableBytes { buffer in
        guard let base = buffer.baseAddress, buffer.count > 0 else { return }
        #if canImport(Darwin)
        _ = memset_s(base, buffer.count, 0, buffer.count)
        #else
        explicit_bzero(base, buffer.count)
        #endif
    }
}
