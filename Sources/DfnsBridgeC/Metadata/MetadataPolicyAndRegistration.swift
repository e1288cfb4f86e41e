import CDfnsBridgeAPI
import DfnsWebAuthn

// FIDO metadata (include/dfns_bridge.h, "FIDO metadata (since 0.4)"): the policy setter and the
// registration getters.

@c @implementation
public func dfns_policy_set_metadata(_ policy: OpaquePointer?, _ metadata: OpaquePointer?, _ require_entry: Int32) -> Int32 {
    guarded("dfns_policy_set_metadata") { () throws(BridgeError) in
        let box = try Handle.borrow(policy, as: PolicyBox.self, name: "policy")
        guard let metadata else {
            box.update { $0.metadata = nil }
            return
        }
        let index = try Handle.borrow(metadata, as: MetadataBox.self, name: "metadata").index
        box.update { $0.metadata = MetadataPolicy(index: index, requireEntry: require_entry != 0) }
    }
}

@c @implementation
public func dfns_registration_metadata_description(_ registration: OpaquePointer?, _ description: UnsafeMutablePointer<UnsafePointer<CChar>?>?) -> Int32 {
    borrowedString("dfns_registration_metadata_description", description) { () throws(BridgeError) in
        let box = try Handle.borrow(registration, as: RegistrationBox.self, name: "registration")
        guard let text = box.metadataDescription else {
            throw BridgeError(DFNS_ERR_NOT_FOUND, box.result.metadata == nil
                ? "the registration has no metadata entry (no metadata in the policy, or none listed for the authenticator)"
                : "the authenticator's metadata entry has no description")
        }
        return text
    }
}

@c @implementation
public func dfns_registration_metadata_status(_ registration: OpaquePointer?, _ status: UnsafeMutablePointer<UnsafePointer<CChar>?>?) -> Int32 {
    borrowedString("dfns_registration_metadata_status", status) { () throws(BridgeError) in
        let box = try Handle.borrow(registration, as: RegistrationBox.self, name: "registration")
        guard let text = box.metadataStatus else {
            throw BridgeError(DFNS_ERR_NOT_FOUND, box.result.metadata == nil
                ? "the registration has no metadata entry (no metadata in the policy, or none listed for the authenticator)"
                : "the authenticator's metadata entry has no status report")
        }
        return text
    }
}
