import DfnsCrypto
import DfnsEncoding

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The device state file on disk: read under an exclusive lock, replaced atomically (a temporary
/// file in the same directory, created with mode 0600, flushed, then renamed over the old one).
///
/// A `sign` reads, increments and rewrites the counter while holding `flock` on the file, so two
/// devices run at once on the same state never sign with the same counter. The lock is taken on the
/// file the path names at that moment; as a rewrite replaces that file, the holder re-checks after
/// locking that the path still names the locked file and retries otherwise.
enum DeviceStateFile {
    /// The largest state file read (a P-256 state is about 400 bytes).
    static let maxLength = 64 * 1024

    /// Whether something exists at `path` (a dangling symbolic link counts).
    static func exists(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0
    }

    /// An open, exclusively locked state file; ``unlock()`` releases it.
    struct Locked {
        let path: String
        fileprivate let descriptor: Int32

        /// Reads and parses the state, wiping the bytes read.
        func load() throws(ToolError) -> DeviceState {
            var bytes = try contents()
            defer { zeroize(&bytes) }
            return try DeviceState(json: bytes, path: path)
        }

        /// The file's contents. The caller wipes them with ``zeroize(_:)`` after parsing.
        private func contents() throws(ToolError) -> [UInt8] {
            var chunk = [UInt8](repeating: 0, count: 4096)
            // Reserved once so that growing never leaves an unwiped copy of the key behind.
            var bytes: [UInt8] = []
            bytes.reserveCapacity(DeviceStateFile.maxLength + chunk.count)
            defer { zeroize(&chunk) }
            while true {
                let n = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
                if n < 0 {
                    if errno == EINTR { continue }
                    zeroize(&bytes)
                    throw ToolError(code: "unreadable_state", message: "cannot read \(path): \(DeviceStateFile.lastError())")
                }
                if n == 0 { break }
                bytes += chunk[0..<n]
                guard bytes.count <= DeviceStateFile.maxLength else {
                    zeroize(&bytes)
                    throw ToolError(code: "malformed_state", message: "\(path) is larger than \(DeviceStateFile.maxLength) bytes: not a device state file")
                }
            }
            return bytes
        }

        /// Releases the lock.
        func unlock() {
            close(descriptor)
        }
    }

    /// Opens `path` and locks it exclusively, waiting for another device run to finish.
    static func lock(_ path: String) throws(ToolError) -> Locked {
        while true {
            let descriptor = open(path, O_RDONLY | O_CLOEXEC)
            guard descriptor >= 0 else {
                let missing = errno == ENOENT
                let reason = lastError()
                throw ToolError(code: "unreadable_state", message: "cannot open the device state \(path): \(reason)"
                                + (missing ? " (create one with `dfns-bridge device create`)" : ""))
            }
            var result: Int32
            repeat { result = flock(descriptor, LOCK_EX) } while result != 0 && errno == EINTR
            guard result == 0 else {
                let reason = lastError()
                close(descriptor)
                throw ToolError(code: "unreadable_state", message: "cannot lock \(path): \(reason)")
            }
            var opened = stat()
            var named = stat()
            if fstat(descriptor, &opened) == 0, stat(path, &named) == 0,
               opened.st_dev == named.st_dev, opened.st_ino == named.st_ino {
                return Locked(path: path, descriptor: descriptor)
            }
            close(descriptor)   // replaced meanwhile by another run: lock the new file
        }
    }

    /// Writes `bytes` to `path` atomically with mode 0600.
    ///
    /// - Parameter replace: replace an existing file; when false the new file is linked into place
    ///   only if nothing exists at `path` (checked atomically by `link`), so an existing state is
    ///   never overwritten.
    static func store(_ bytes: [UInt8], to path: String, replace: Bool) throws(ToolError) {
        let suffix: String
        do {
            suffix = Hex.encode(try SecureRandom.bytes(6))
        } catch {
            throw ToolError(code: "internal_error", message: "no random bytes for a temporary file name: \(error)")
        }
        let temporary = "\(path).tmp-\(getpid())-\(suffix)"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw ToolError(code: "unwritable_state", message: "cannot create \(temporary): \(lastError())")
        }
        var keep = false
        defer { if !keep { unlink(temporary) } }
        do throws(ToolError) {
            // The umask can only remove bits from 0600; set it explicitly anyway.
            guard fchmod(descriptor, 0o600) == 0 else {
                throw ToolError(code: "unwritable_state", message: "cannot set mode 0600 on \(temporary): \(lastError())")
            }
            var offset = 0
            while offset < bytes.count {
                let written = bytes.withUnsafeBytes { raw in
                    write(descriptor, raw.baseAddress.map { $0 + offset }, raw.count - offset)
                }
                if written < 0 {
                    if errno == EINTR { continue }
                    throw ToolError(code: "unwritable_state", message: "cannot write \(temporary): \(lastError())")
                }
                offset += written
            }
            guard fsync(descriptor) == 0 else {
                throw ToolError(code: "unwritable_state", message: "cannot flush \(temporary): \(lastError())")
            }
        } catch {
            close(descriptor)
            throw error
        }
        guard close(descriptor) == 0 else {
            throw ToolError(code: "unwritable_state", message: "cannot close \(temporary): \(lastError())")
        }
        if replace {
            guard rename(temporary, path) == 0 else {
                throw ToolError(code: "unwritable_state", message: "cannot rename \(temporary) to \(path): \(lastError())")
            }
            keep = true
        } else {
            guard link(temporary, path) == 0 else {
                if errno == EEXIST {
                    throw ToolError(code: "state_exists", message: "\(path) already exists; pass --force to replace it")
                }
                throw ToolError(code: "unwritable_state", message: "cannot create \(path): \(lastError())")
            }
        }
        syncDirectory(of: path)
    }

    /// Flushes the directory holding `path`, so that the rename or link survives a crash.
    private static func syncDirectory(of path: String) {
        let directory: String
        if let slash = path.lastIndex(of: "/") {
            directory = slash == path.startIndex ? "/" : String(path[..<slash])
        } else {
            directory = "."
        }
        let descriptor = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        _ = fsync(descriptor)
        close(descriptor)
    }

    /// `strerror(errno)`.
    private static func lastError() -> String {
        String(cString: strerror(errno))
    }
}
