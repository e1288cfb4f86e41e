#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The JSON coders of the wire types (FoundationEssentials, without ICU). Bodies the client signs
/// are encoded once here and the same bytes are sent. `package`: the C interface decodes and
/// encodes wire types (a delegated request, a challenge) with the same coders.
package enum WireCoding {
    package static func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8]) throws -> T {
        try JSONDecoder().decode(type, from: Data(bytes))
    }

    /// Compact JSON with sorted keys and unescaped slashes (so PEM and URLs read as written).
    package static func encode<T: Encodable>(_ value: T) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(value))
    }
}
