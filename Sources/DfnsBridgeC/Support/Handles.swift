import CDfnsBridgeAPI

/// The base class of every object behind a C handle (`dfns_policy_t *`, `dfns_public_key_t *`, ...).
///
/// A handle is `Unmanaged.passRetained(box).toOpaque()`: the caller owns one reference and gives
/// it back with the matching `*_free`. Calls borrow the box without retaining it. Because every
/// box derives from this class, a handle of the wrong kind (a policy passed as a key) is caught
/// by a dynamic cast instead of being misread. A pointer that is not a handle at all cannot be
/// detected: that is undefined behaviour, as in any C library.
class HandleBox {
    /// The C type name used in messages, e.g. `dfns_policy_t`.
    class var typeName: String { "handle" }
}

enum Handle {
    /// A new +1 reference to `box` for the caller.
    static func retained(_ box: HandleBox) -> OpaquePointer {
        OpaquePointer(Unmanaged.passRetained(box).toOpaque())
    }

    /// Borrows the `T` behind `pointer` (argument `name`), or fails with DFNS_ERR_INVALID_ARGUMENT.
    static func borrow<T: HandleBox>(_ pointer: OpaquePointer?, as type: T.Type, name: String) throws(BridgeError) -> T {
        guard let pointer else { throw .argument("\(name) is NULL") }
        let object = Unmanaged<HandleBox>.fromOpaque(UnsafeRawPointer(pointer)).takeUnretainedValue()
        guard let typed = object as? T else {
            throw .argument("\(name) is a \(Swift.type(of: object).typeName), not a \(T.typeName)")
        }
        return typed
    }

    /// Releases the caller's reference in `*slot` and sets `*slot` to NULL. Accepts a NULL slot
    /// and a NULL handle; leaves a handle of another kind untouched.
    static func release<T: HandleBox>(_ slot: UnsafeMutablePointer<OpaquePointer?>?, as type: T.Type) {
        guard let slot, let pointer = slot.pointee else { return }
        let unmanaged = Unmanaged<HandleBox>.fromOpaque(UnsafeRawPointer(pointer))
        guard unmanaged.takeUnretainedValue() is T else {
            LastError.set("free: the handle is not a \(T.typeName); it was not released")
            return
        }
        slot.pointee = nil
        unmanaged.release()
    }
}
