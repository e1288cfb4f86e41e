import DfnsCrypto
import DfnsWebAuthn
import DfnsEncoding

/// Runs third-party WebAuthn vector files (the schema of `shared/vectors/webauthn/README.md`)
/// through the library and compares each verdict with the vector's `expected`.
///
/// Each vector runs under the verifier configuration its source used (trust anchors, algorithms,
/// user verification, SHA-1, verification time), as far as the library's policy can express it:
/// first the vector's own relying-party fields (`rpId` and `origin` as strings or lists, and the
/// generic settings of `rp_config_in_source` / `verifier_options_in_source`, so that a suite the
/// runner has no rules for is judged by what it states), then the rules of the known sources.
/// Never traps, whatever a file holds: unreadable or malformed files become `fail` verdicts.
public enum ConformanceRunner {
    /// Runs every `.json` file in `directory`, in name order.
    ///
    /// - Returns: nil when the directory cannot be listed.
    public static func run(directory: String) -> [ConformanceOutcome]? {
        guard let names = FileSystem.jsonFiles(in: directory) else { return nil }
        var vectors: [(String, JSONValue?)] = []
        var anchors: [Certificate] = []
        for name in names {
            let json = FileSystem.read(directory + "/" + name).flatMap { try? JSONParser().parse($0) }
            vectors.append((name, json))
            if let json, json["kind"]?.stringValue == "trust-anchor",
               let b64 = json["attestation_ca_cert_der_b64url"]?.stringValue,
               let der = try? Base64URL.decode(b64), let certificate = try? Certificate(der: der) {
                anchors.append(certificate)
            }
        }
        return vectors.map { name, json in
            guard let json else {
                return ConformanceOutcome(file: name, verdict: .fail, code: "malformed_vector",
                                          message: "the file is not readable JSON", expected: .skip, category: "")
            }
            return run(vector: json, file: name, vectorTrustAnchors: anchors)
        }
    }

    /// Runs one parsed vector. `vectorTrustAnchors` are the `trust-anchor` vectors of the same set.
    public static func run(vector: JSONValue, file: String, vectorTrustAnchors: [Certificate] = []) -> ConformanceOutcome {
        let category = vector["expected_category"]?.stringValue ?? ""
        let expectedText = vector["expected"]?.stringValue ?? ""
        let expected: ConformanceOutcome.Verdict =
            expectedText.hasPrefix("ok") ? .ok : expectedText.hasPrefix("fail") ? .fail : .skip
        func outcome(_ verdict: ConformanceOutcome.Verdict, _ code: String?, _ message: String) -> ConformanceOutcome {
            ConformanceOutcome(file: file, verdict: verdict, code: code, message: message, expected: expected, category: category)
        }
        let kind = vector["kind"]?.stringValue ?? ""
        if kind == "trust-anchor" {
            return outcome(.skip, nil, "trust anchor for other vectors, not a ceremony")
        }
        if category.hasPrefix("environment") {
            return outcome(.skip, nil, "needs the network or a live clock")
        }
        do {
            let message = try VectorCase(vector: vector, trustAnchors: vectorTrustAnchors).run(kind: kind)
            return outcome(.ok, nil, message)
        } catch let error as WebAuthnError {
            if error.code == .unsupportedAlgorithm && error.message.contains("ML-DSA") {
                return outcome(.skip, error.code.name, error.message)
            }
            return outcome(.fail, error.code.name, error.message)
        } catch let error as VectorError {
            return outcome(.fail, error.code, error.message)
        } catch {
            return outcome(.fail, "internal_error", "\(error)")
        }
    }
}

/// A vector that the runner cannot use, or whose result contradicts an `expected_*` value.
struct VectorError: Error {
    let code: String
    let message: String
}
