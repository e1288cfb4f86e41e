#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import DfnsCrypto
import DfnsEncoding
@testable import DfnsBridgeC
import Testing

/// The secret outputs of Signers/KeyMaterial.swift write PEM and text straight into the malloc'd
/// buffer handed to the caller (no Swift copy of the secret): byte for byte what DfnsEncoding's
/// PEM armour writes, for every padding case and line length.
@Suite struct SecretOutputTests {
    @Test func pemMatchesPEMArmor() throws {
        for count in 0...100 {
            let der = (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
            let pointer = try SecretOutput.pem(SecretBytes(der), label: "PRIVATE KEY")
            defer { SecretOutput.release(pointer) }
            #expect(String(cString: pointer) == PEMArmor.encode(der, label: "PRIVATE KEY"), "\(count) bytes")
        }
    }

    @Test func textIsNULTerminated() throws {
        let pointer = try SecretOutput.text(SecretBytes(Array("D1-ABC".utf8)))
        defer { SecretOutput.release(pointer) }
        #expect(String(cString: pointer) == "D1-ABC")
    }

    /// CMemory.copy puts a NUL after the bytes (dfns_result_body documents one after body_len bytes).
    @Test func buffersAreNULTerminated() throws {
        let buffer = try CBuffer(Array("{}".utf8))
        #expect(buffer.count == 2 && buffer.pointer[2] == 0)
        let empty = try CBuffer([])
        #expect(empty.count == 0 && empty.pointer[0] == 0)
    }
}
