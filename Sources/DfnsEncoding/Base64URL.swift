/// Base64url (RFC 4648 §5) without padding, as used by WebAuthn and JOSE.
public enum Base64URL {
    /// Encodes without padding.
    public static func encode(_ bytes: some Collection<UInt8>) -> String {
        Base64Codec.encode(bytes, url: true)
    }

    /// Decodes strictly: only `A-Z a-z 0-9 - _`; rejects `=`, `+`, `/`, whitespace, a length with
    /// remainder 1 modulo 4 and non-zero trailing bits.
    public static func decode(_ string: String) throws(EncodingError) -> [UInt8] {
        try Base64Codec.decode(string, url: true)
    }
}
