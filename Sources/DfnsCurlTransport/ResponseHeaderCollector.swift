import DfnsClient

/// Collects the response header lines libcurl hands to the header callback, one line per call, and
/// keeps the fields of the last response block.
///
/// libcurl reports every response block it reads: interim `1xx` responses (`100 Continue`) and, with
/// HTTP/1.1 trailers, the trailer fields after the body. A status line (`HTTP/1.1 200 OK`,
/// `HTTP/2 200`) starts a new block and discards the previous one, so the result holds the final
/// response's fields (and its trailers, if any).
struct ResponseHeaderCollector {
    /// The fields of the current (last) block, in order.
    private(set) var headers = HTTPHeaders()
    /// The total size of every line seen, status lines and blank lines included.
    private(set) var totalBytes = 0

    /// Adds one raw header line (with its line ending). Returns `false`, adding nothing, when the
    /// total would exceed `limit` bytes.
    mutating func add(line: UnsafeRawBufferPointer, limit: Int) -> Bool {
        let (newTotal, overflow) = totalBytes.addingReportingOverflow(line.count)
        guard !overflow, newTotal <= limit else { return false }
        totalBytes = newTotal

        var bytes = line[...]
        while let last = bytes.last, last == UInt8(ascii: "\r") || last == UInt8(ascii: "\n") {
            bytes = bytes.dropLast()
        }
        guard let first = bytes.first else { return true }  // the blank line ending a block

        if Self.startsWithHTTPVersion(bytes) {
            headers = HTTPHeaders()
            return true
        }
        if first == UInt8(ascii: " ") || first == UInt8(ascii: "\t") {
            // obs-fold (RFC 9112 §5.2): a continuation of the previous field's value.
            if let last = headers.fields.last {
                let continuation = Self.text(Self.trimmed(bytes))
                var fields = headers.fields
                fields[fields.count - 1].value = last.value.isEmpty ? continuation : last.value + " " + continuation
                headers = HTTPHeaders(fields)
            }
            return true
        }
        guard let colon = bytes.firstIndex(of: UInt8(ascii: ":")), colon > bytes.startIndex else {
            return true  // not a field line; libcurl has already judged the response usable
        }
        let name = Self.text(bytes[bytes.startIndex..<colon])
        let value = Self.text(Self.trimmed(bytes[bytes.index(after: colon)...]))
        headers.add(name: name, value: value)
        return true
    }

    private static func startsWithHTTPVersion(_ bytes: Slice<UnsafeRawBufferPointer>) -> Bool {
        let prefix = Array("HTTP/".utf8)
        return bytes.count >= prefix.count && zip(bytes, prefix).allSatisfy { $0 == $1 }
    }

    /// Without leading and trailing spaces and tabs (optional whitespace, RFC 9110 §5.6.3).
    private static func trimmed(_ bytes: Slice<UnsafeRawBufferPointer>) -> Slice<UnsafeRawBufferPointer> {
        var result = bytes
        while let first = result.first, first == UInt8(ascii: " ") || first == UInt8(ascii: "\t") {
            result = result.dropFirst()
        }
        while let last = result.last, last == UInt8(ascii: " ") || last == UInt8(ascii: "\t") {
            result = result.dropLast()
        }
        return result
    }

    /// The bytes as UTF-8 text (invalid sequences become U+FFFD; field values are ASCII in practice).
    private static func text(_ bytes: Slice<UnsafeRawBufferPointer>) -> String {
        String(decoding: bytes, as: UTF8.self)
    }
}
