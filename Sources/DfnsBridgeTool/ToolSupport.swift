#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import ArgumentParser
import DfnsEncoding
import DfnsWebAuthn

/// A failure the tool reports as `error: <code>: <message>` on stderr.
struct ToolError: Error {
    /// A stable snake_case code (the library's ``WebAuthnError`` code names, or the tool's own).
    let code: String
    /// What went wrong, for a person.
    let message: String

    /// The bytes of the base64url text given as `option`, or an `invalid_argument` error naming it.
    static func base64URLArgument(_ text: String, _ option: String) throws(ToolError) -> [UInt8] {
        do {
            return try Base64URL.decode(text)
        } catch {
            throw ToolError(code: "invalid_argument", message: "\(option) is not base64url: \(error)")
        }
    }
}

/// Runs a command's body, printing a ``ToolError`` or ``WebAuthnError`` as `error: <code>: <message>`
/// and exiting 1 (other errors propagate to ArgumentParser).
func reportingToolErrors(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let error as ToolError {
        Console.error("error: \(error.code): \(error.message)")
        throw ExitCode(1)
    } catch let error as WebAuthnError {
        Console.error("error: \(error.code.name): \(error.message)")
        throw ExitCode(1)
    }
}

/// Console and file access on libc (the tool stays Foundation-free like the library).
enum Console {
    /// Writes `text` and a newline to stderr, unbuffered.
    static func error(_ text: String) {
        var bytes = Array((text + "\n").utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeMutableBytes { raw in
                write(2, raw.baseAddress.map { $0 + offset }, raw.count - offset)
            }
            if written <= 0 { break }
            offset += written
        }
        bytes.removeAll()
    }

    /// Flushes every stdio output stream (so that stdout reaches a pipe before stderr writes).
    static func flushOutput() {
        fflush(nil)
    }

    /// Reads a whole file (`-` is standard input), refusing more than `limit` bytes.
    static func readFile(_ path: String, limit: Int) throws(ToolError) -> [UInt8] {
        let descriptor: Int32 = path == "-" ? 0 : open(path, O_RDONLY)
        guard descriptor >= 0 else {
            throw ToolError(code: "unreadable_file", message: "cannot open \(path): \(String(cString: strerror(errno)))")
        }
        defer { if descriptor != 0 { close(descriptor) } }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw ToolError(code: "unreadable_file", message: "cannot read \(path): \(String(cString: strerror(errno)))")
            }
            if n == 0 { break }
            bytes += chunk[0..<n]
            guard bytes.count <= limit else {
                throw ToolError(code: "input_too_large", message: "\(path) is larger than \(limit) bytes")
            }
        }
        return bytes
    }
}
