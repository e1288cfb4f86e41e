#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CDfnsBridgeAPI

// dfns_free: everything the library hands over (char **, uint8_t ** outputs) comes from malloc.

@c @implementation
public func dfns_free(_ ptr: UnsafeMutableRawPointer?) {
    free(ptr)
}
