/// JSON string quoting (RFC 8259) for documents the project writes (reports, tool output).
///
/// Quotes and backslashes are escaped, as are control characters and DEL (`\b`, `\f`, `\n`, `\r`,
/// `\t`, or `\u00XX`), so the output is safe to print. clientDataJSON uses WebAuthn's own `CCDToString`
/// instead (`ClientDataJSONBuilder.quote(_:)` in DfnsWebAuthn); documents sent to a
/// server are written by ``JSONWriter``.
public enum JSONString {
    /// `value` as a quoted JSON string.
    public static func quote(_ value: String) -> String {
        var out: [UInt8] = []
        JSONWriter.quote(value, to: &out, escapingDelete: true)
        return String(decoding: out, as: UTF8.self)
    }
}
