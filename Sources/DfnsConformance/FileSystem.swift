#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Minimal file access on libc, so the conformance runner stays Foundation-free like the library.
enum FileSystem {
    /// Reads a whole file, or nil when it cannot be opened or read. Files over 16 MiB are refused.
    static func read(_ path: String) -> [UInt8]? {
        guard let file = fopen(path, "rb") else { return nil }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
            if n > 0 { bytes += chunk[0..<n] }
            if bytes.count > 16 << 20 { return nil }
            if n < chunk.count { break }
        }
        return ferror(file) == 0 ? bytes : nil
    }

    /// The names of the regular `.json` files in `directory`, sorted; nil when it cannot be listed.
    static func jsonFiles(in directory: String) -> [String]? {
        guard let dir = opendir(directory) else { return nil }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name.hasSuffix(".json") && !name.hasPrefix(".") { names.append(name) }
        }
        return names.sorted()
    }
}
