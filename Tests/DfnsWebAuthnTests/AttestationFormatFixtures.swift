import DfnsCBOR
import DfnsCrypto
@testable import DfnsWebAuthn
import Foundation
import Testing
import DfnsEncoding

/// A registration vector from `shared/vectors/webauthn`, decoded far enough to call one format
/// verifier directly (tests only; the vectors are read in place, never copied).
struct FormatVector {
    let name: String
    let json: [String: Any]
    let fmt: String
    let statement: CBORValue
    let authData: [UInt8]
    let clientDataHash: [UInt8]
    /// Whether the attestation object needed the test-only lenient CBOR reader.
    let usesIndefiniteLengths: Bool

    /// Loads `name`. Fails when the attestation object is not CBOR the library decodes.
    init(_ name: String) throws {
        self.name = name
        json = try SharedFixtures.vector(name)
        guard let aoText = json["attestationObject_b64url"] as? String, let ao = SharedFixtures.base64url(aoText) else {
            throw FormatFixtureError.missing(name, "attestationObject_b64url")
        }
        // Some synthetic vectors (Yubico's test generator) use indefinite lengths, which the library's
        // CBOR layer rejects; the format verifiers only see decoded values, so decode those leniently.
        let decoded: CBORValue
        do {
            decoded = try CBORDecoder.decode(ao)
            usesIndefiniteLengths = false
        } catch {
            var reader = LenientCBORReader(bytes: ao)
            decoded = try reader.read()
            guard reader.offset == ao.count else { throw FormatFixtureError.missing(name, "CBOR without trailing bytes") }
            usesIndefiniteLengths = true
        }
        guard case .map(let map) = decoded else { throw FormatFixtureError.missing(name, "attestation object map") }
        guard let fmt = map[text: "fmt"]?.textValue, let statement = map[text: "attStmt"],
              let authData = map[text: "authData"]?.bytesValue else {
            throw FormatFixtureError.missing(name, "fmt/attStmt/authData")
        }
        self.fmt = fmt
        self.statement = statement
        self.authData = authData
        if let cdj = json["clientDataJSON_b64url"] as? String, let bytes = SharedFixtures.base64url(cdj) {
            clientDataHash = SHA256.hash(bytes)
        } else if let cdh = json["clientDataHash_b64url"] as? String, let bytes = SharedFixtures.base64url(cdh) {
            clientDataHash = bytes
        } else {
            throw FormatFixtureError.missing(name, "clientDataJSON or clientDataHash")
        }
    }

    /// `expected` starts with "ok".
    var expectsSuccess: Bool { (json["expected"] as? String)?.hasPrefix("ok") ?? false }

    /// The vector's fixed or suggested verification time, in Unix seconds.
    var verificationTime: Int64? {
        let text = (json["fixed_time_for_cert_validation"] as? String) ?? (json["suggested_verification_time"] as? String)
        guard let text, let date = ISO8601DateFormatter().date(from: text) else { return nil }
        return Int64(date.timeIntervalSince1970)
    }

    /// The statement as a map (for mutations).
    var statementMap: CBORMap {
        if case .map(let map) = statement { return map }
        return CBORMap()
    }

    /// `attStmt[key]` as bytes.
    func statementBytes(_ key: String) -> [UInt8] { statementMap[text: key]?.bytesValue ?? [] }

    /// A hex field of the vector (private keys of the W3C vectors).
    func hex(_ key: String) throws -> [UInt8] {
        guard let text = json[key] as? String else { throw FormatFixtureError.missing(name, key) }
        return try Hex.decode(text)
    }

    /// The attestation context for this vector, with optional replacements.
    func context(statement: CBORValue? = nil, authData: [UInt8]? = nil, clientDataHash: [UInt8]? = nil,
                 credentialPublicKey: CredentialPublicKey? = nil,
                 policy: RelyingPartyPolicy = FormatVector.policy()) throws -> AttestationContext {
        let parsed = try AuthenticatorData(bytes: authData ?? self.authData)
        let key: CredentialPublicKey
        if let credentialPublicKey {
            key = credentialPublicKey
        } else {
            key = try credentialKey(parsed)
        }
        return AttestationContext(statement: statement ?? self.statement, authenticatorData: parsed,
                                  clientDataHash: clientDataHash ?? self.clientDataHash,
                                  credentialPublicKey: key, policy: policy)
    }

    /// The credential public key in this vector's authenticator data.
    func credentialKey(_ parsed: AuthenticatorData? = nil) throws -> CredentialPublicKey {
        let data = try parsed ?? AuthenticatorData(bytes: authData)
        guard let attested = data.attestedCredentialData else { throw FormatFixtureError.missing(name, "attested credential data") }
        return try CredentialPublicKey(coseBytes: attested.credentialPublicKeyBytes, decoded: attested.credentialPublicKey)
    }

    /// A policy for format tests: RP details do not matter to format verifiers.
    static func policy(_ configure: (inout RelyingPartyPolicy) -> Void = { _ in }) -> RelyingPartyPolicy {
        var policy = RelyingPartyPolicy(rpId: "example.org", allowedOrigins: ["https://example.org"])
        configure(&policy)
        return policy
    }

    /// Registration vectors whose attestation object decodes and whose fmt is `fmt`.
    static func names(format fmt: String) -> [String] {
        SharedFixtures.webauthnVectorFiles.filter { name in
            guard name.contains("reg"), let vector = try? FormatVector(name) else { return false }
            return vector.fmt == fmt
        }
    }
}

enum FormatFixtureError: Error { case missing(String, String) }

/// A test-only CBOR reader that also accepts indefinite-length items (for reading third-party
/// vectors; the library itself rejects them).
struct LenientCBORReader {
    let bytes: [UInt8]
    var offset = 0

    struct Malformed: Error {}

    mutating func byte() throws -> UInt8 {
        guard offset < bytes.count else { throw Malformed() }
        defer { offset += 1 }
        return bytes[offset]
    }

    mutating func argument(_ info: UInt8) throws -> UInt64 {
        switch info {
        case 0..<24: return UInt64(info)
        case 24: return UInt64(try byte())
        case 25, 26, 27:
            var value: UInt64 = 0
            for _ in 0..<(1 << (info - 24)) { value = value << 8 | UInt64(try byte()) }
            return value
        default: throw Malformed()
        }
    }

    mutating func read() throws -> CBORValue {
        let initial = try byte()
        let major = initial >> 5, info = initial & 0x1F
        if info == 31 {
            switch major {
            case 2, 3:
                var chunks: [UInt8] = []
                while bytes[offset] != 0xFF {
                    switch try read() {
                    case .bytes(let b): chunks += b
                    case .text(let t): chunks += Array(t.utf8)
                    default: throw Malformed()
                    }
                }
                offset += 1
                return major == 2 ? .bytes(chunks) : .text(String(decoding: chunks, as: UTF8.self))
            case 4:
                var items: [CBORValue] = []
                while bytes[offset] != 0xFF { items.append(try read()) }
                offset += 1
                return .array(items)
            case 5:
                var entries: [(CBORValue, CBORValue)] = []
                while bytes[offset] != 0xFF { entries.append((try read(), try read())) }
                offset += 1
                return .map(CBORMap(entries))
            default: throw Malformed()
            }
        }
        let value = try argument(info)
        switch major {
        case 0: return .unsigned(value)
        case 1: return .negative(value)
        case 2, 3:
            guard value <= UInt64(bytes.count - offset) else { throw Malformed() }
            let slice = Array(bytes[offset..<offset + Int(value)])
            offset += Int(value)
            return major == 2 ? .bytes(slice) : .text(String(decoding: slice, as: UTF8.self))
        case 4: return .array(try (0..<value).map { _ in try read() })
        case 5: return .map(CBORMap(try (0..<value).map { _ in (try read(), try read()) }))
        case 6: return .tagged(value, try read())
        default:
            switch info {
            case 20: return .bool(false)
            case 21: return .bool(true)
            case 22: return .null
            default: throw Malformed()
            }
        }
    }
}

/// `statement` with `key` set to `value` (added at the end when absent), or removed when nil.
func replacing(_ map: CBORMap, _ key: String, with value: CBORValue?) -> CBORValue {
    var entries: [(CBORValue, CBORValue)] = []
    var replaced = false
    for (k, v) in map.entries {
        if k == .text(key) {
            replaced = true
            if let value { entries.append((k, value)) }
        } else {
            entries.append((k, v))
        }
    }
    if !replaced, let value { entries.append((.text(key), value)) }
    return .map(CBORMap(entries))
}

/// `bytes` with the byte at `index` XOR-ed with `mask`.
func flipping(_ bytes: [UInt8], at index: Int, mask: UInt8 = 0x01) -> [UInt8] {
    var copy = bytes
    copy[index] ^= mask
    return copy
}

/// Runs `body` and checks it throws a ``WebAuthnError`` with `code`.
func expectWebAuthnError(_ code: WebAuthnError.Code, sourceLocation: SourceLocation = #_sourceLocation,
                         _ body: () throws -> Void) {
    do {
        try body()
        Issue.record("expected \(code.name), the call succeeded", sourceLocation: sourceLocation)
    } catch let error as WebAuthnError {
        #expect(error.code == code, "expected \(code.name), found \(error)", sourceLocation: sourceLocation)
    } catch {
        Issue.record("expected WebAuthnError \(code.name), found \(error)", sourceLocation: sourceLocation)
    }
}
