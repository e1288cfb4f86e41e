import CDfnsBridgeAPI
import DfnsEncoding
import DfnsWebAuthn

// Client outputs of a toJSON() document (include/dfns_bridge.h, "WebAuthn JSON forms").

/// A `dfns_client_outputs_t`: what the client reported beside a verified response, every borrowed
/// value copied once.
final class ClientOutputsBox: HandleBox {
    override class var typeName: String { "dfns_client_outputs_t" }

    let outputs: CredentialClientOutputs
    let transportsJSON: CString?
    let attachment: CString?
    let extensionResultsJSON: CString
    let userHandle: CBuffer?

    init(_ outputs: CredentialClientOutputs) throws(BridgeError) {
        self.outputs = outputs
        transportsJSON = try outputs.transports.map { (list) throws(BridgeError) in
            try CString(JSONWriter.string(.array(list.map(JSONValue.string))))
        }
        attachment = try outputs.authenticatorAttachment.map { (text) throws(BridgeError) in try CString(text) }
        extensionResultsJSON = try CString(JSONWriter.string(outputs.clientExtensionResults.json))
        userHandle = try outputs.userHandle.map { (bytes) throws(BridgeError) in try CBuffer(bytes) }
    }
}

/// A borrowed-string getter whose value may be absent (NULL).
private func optionalBorrowedString(_ function: StaticString, _ out: UnsafeMutablePointer<UnsafePointer<CChar>?>?,
                                    _ get: () throws(BridgeError) -> CString?) -> Int32 {
    out?.pointee = nil
    return guarded(function) { () throws(BridgeError) in
        let out = try Arguments.output(out, "output")
        out.pointee = try get().map { UnsafePointer($0.pointer) }
    }
}

@c @implementation
public func dfns_client_outputs_free(_ outputs: UnsafeMutablePointer<OpaquePointer?>?) {
    Handle.release(outputs, as: ClientOutputsBox.self)
}

@c @implementation
public func dfns_client_outputs_transports(_ outputs: OpaquePointer?, _ json: UnsafeMutablePointer<UnsafePointer<CChar>?>?) -> Int32 {
    optionalBorrowedString("dfns_client_outputs_transports", json) { () throws(BridgeError) in
        try Handle.borrow(outputs, as: ClientOutputsBox.self, name: "outputs").transportsJSON
    }
}

@c @implementation
public func dfns_client_outputs_authenticator_attachment(_ outputs: OpaquePointer?, _ attachment: UnsafeMutablePointer<UnsafePointer<CChar>?>?) -> Int32 {
    optionalBorrowedString("dfns_client_outputs_authenticator_attachment", attachment) { () throws(BridgeError) in
        try Handle.borrow(outputs, as: ClientOutputsBox.self, name: "outputs").attachment
    }
}

@c @implementation
public func dfns_client_outputs_extension_results(_ outputs: OpaquePointer?, _ json: UnsafeMutablePointer<UnsafePointer<CChar>?>?) -> Int32 {
    borrowedString("dfns_client_outputs_extension_results", json) { () throws(BridgeError) in
        try Handle.borrow(outputs, as: ClientOutputsBox.self, name: "outputs").extensionResultsJSON
    }
}

@c @implementation
public func dfns_client_outputs_appid(_ outputs: OpaquePointer?, _ used: UnsafeMutablePointer<Int32>?) -> Int32 {
    scalar("dfns_client_outputs_appid", used, zero: 0) { () throws(BridgeError) in
        try Handle.borrow(outputs, as: ClientOutputsBox.self, name: "outputs").outputs.clientExtensionResults.appid == true ? 1 : 0
    }
}

@c @implementation
public func dfns_client_outputs_cred_props_rk(_ outputs: OpaquePointer?, _ rk: UnsafeMutablePointer<Int32>?) -> Int32 {
    scalar("dfns_client_outputs_cred_props_rk", rk, zero: -1) { () throws(BridgeError) in
        switch try Handle.borrow(outputs, as: ClientOutputsBox.self, name: "outputs").outputs.clientExtensionResults.credentialPropertiesResidentKey {
        case true?: return 1
        case false?: return 0
        case nil: return -1
        }
    }
}

@c @implementation
public func dfns_client_outputs_user_handle(_ outputs: OpaquePointer?, _ ptr: UnsafeMutablePointer<UnsafePointer<UInt8>?>?, _ len: UnsafeMutablePointer<Int>?) -> Int32 {
    borrowedBytes("dfns_client_outputs_user_handle", ptr, len) { () throws(BridgeError) in
        try Handle.borrow(outputs, as: ClientOutputsBox.self, name: "outputs").userHandle
    }
}
