import COpenSSL
import CSecp256k1

/// The process-wide libsecp256k1 context: created once, randomized once, then only read, which the
/// library documents as safe for concurrent use (all verify/sign/parse calls take a const context).
internal struct Secp256k1Context: @unchecked Sendable {
    /// The `secp256k1_context*`, or nil if creation failed (ES256K operations then fail cleanly).
    let context: OpaquePointer?

    /// The shared context.
    static let shared = Secp256k1Context()

    private init() {
        guard let ctx = secp256k1_context_create(UInt32(SECP256K1_CONTEXT_NONE)) else {
            context = nil
            return
        }
        // Backstop only: the default illegal-argument callback calls abort(), which would kill a host
        // process. Every argument is validated before calling the library, so this should never fire.
        secp256k1_context_set_illegal_callback(ctx, { _, _ in }, nil)
        var seed = [UInt8](repeating: 0, count: 32)
        let seeded = seed.withUnsafeMutableBufferPointer { buf -> Bool in
            guard let base = buf.baseAddress else { return false }
            return RAND_bytes(base, 32) == 1
        }
        if seeded {
            // Randomization is side-channel blinding for signing; a failure does not affect correctness.
            _ = seed.withUnsafeBufferPointer { buf -> Int32 in
                guard let base = buf.baseAddress else { return 0 }
                return secp256k1_context_randomize(ctx, base)
            }
        } else {
            ERR_clear_error()
        }
        cleanse(&seed)
        context = ctx
    }
}
