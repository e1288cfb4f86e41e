import Foundation

/// Locates `../shared` (the project's read-only specification folder) from the test sources.
enum SharedFixtures {
    /// The `shared` folder: `$DFNS_SHARED_DIR`, or the first `shared` folder found walking up from
    /// this file (it sits beside the project's checkout).
    static let sharedDirectory: String? = {
        if let env = ProcessInfo.processInfo.environment["DFNS_SHARED_DIR"] { return env }
        var dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        for _ in 0..<8 {
            let candidate = dir.appendingPathComponent("shared/vectors/webauthn").path
            if FileManager.default.fileExists(atPath: candidate) {
                return dir.appendingPathComponent("shared").path
            }
            dir = dir.deletingLastPathComponent()
        }
        return nil
    }()

    /// `shared/vectors/webauthn`.
    static var webauthnVectors: String? { sharedDirectory.map { $0 + "/vectors/webauthn" } }

    /// The vector file names in `shared/vectors/webauthn`.
    static var webauthnVectorFiles: [String] {
        guard let dir = webauthnVectors,
              let names = try? FileManager.default.contentsOfDirectory(atPath: dir) else { return [] }
        return names.filter { $0.hasSuffix(".json") }.sorted()
    }

    /// A vector parsed with Foundation (tests only).
    static func vector(_ name: String) throws -> [String: Any] {
        guard let dir = webauthnVectors else { throw FixtureError.missingShared }
        let data = try Data(contentsOf: URL(fileURLWithPath: dir + "/" + name))
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else { throw FixtureError.notAnObject(name) }
        return object
    }

    /// Decodes unpadded base64url.
    static func base64url(_ text: String) -> [UInt8]? {
        var s = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while s.count % 4 != 0 { s += "=" }
        return Data(base64Encoded: s).map { [UInt8]($0) }
    }

    enum FixtureError: Error { case missingShared, notAnObject(String) }
}
