/// Standard base64 (RFC 4648 §4) with padding.
public enum Base64 {
    /// Encodes with `=` padding.
    public static func encode(_ bytes: some Collection<UInt8>) -> String {
        Base64Codec.encode(bytes, url: false)
    }

    /// Decodes strictly: standard alphabet, required padding, no whitespace or line breaks, zero
    /// trailing bits.
    public static func decode(_ string: String) throws(EncodingError) -> [UInt8] {
        try Base64Codec.decode(string, url: false)
    }
}
