import CDfnsBridgeAPI
import DfnsEncoding
import DfnsWebAuthn

// FIDO metadata (include/dfns_bridge.h, "FIDO metadata (since 0.4)"): loading and reading a BLOB.

/// An entry summary as a `char **` JSON output the caller releases with dfns_free.
private func handOverJSON(_ entry: MetadataEntry) throws(BridgeError) -> UnsafeMutablePointer<CChar> {
    try CString.handOver(JSONWriter.string(MetadataEntrySummary(entry).json), "the entry JSON")
}

@c @implementation
public func dfns_metadata_load(_ blob: UnsafePointer<UInt8>?, _ blob_len: Int, _ root: UnsafePointer<UInt8>?, _ root_len: Int, _ unix_seconds: Int64, _ accept_stale: Int32, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    out?.pointee = nil
    return guarded("dfns_metadata_load") { () throws(BridgeError) in
        let out = try Arguments.output(out, "out")
        guard blob_len <= MetadataBLOB.maxLength else {
            throw BridgeError(DFNS_ERR_INPUT_TOO_LARGE, "blob_len is \(blob_len), more than the \(MetadataBLOB.maxLength) bytes an MDS3 BLOB may have")
        }
        let jws = try Arguments.bytes(blob, blob_len, "blob")
        guard !jws.isEmpty else { throw .argument("blob is empty") }
        let rootBytes = try Arguments.bytes(root, root_len, "root")
        guard !rootBytes.isEmpty else { throw .argument("root is empty") }
        // X.509 times end at 9999-12-31T23:59:59Z; a later time can only be a mistake.
        guard unix_seconds <= 253_402_300_799 else {
            throw .argument("unix_seconds \(unix_seconds) is after 9999-12-31T23:59:59Z")
        }
        let options = MetadataVerificationOptions(verificationTime: unix_seconds < 0 ? nil : unix_seconds, acceptStale: accept_stale != 0)
        let index = try webAuthn { () throws(WebAuthnError) in
            try MetadataIndex(jws: jws, roots: MetadataRootCertificates.parse(rootBytes), options: options)
        }
        out.pointee = Handle.retained(try MetadataBox(index))
    }
}

@c @implementation
public func dfns_metadata_free(_ metadata: UnsafeMutablePointer<OpaquePointer?>?) {
    Handle.release(metadata, as: MetadataBox.self)
}

@c @implementation
public func dfns_metadata_number(_ metadata: OpaquePointer?, _ number: UnsafeMutablePointer<Int64>?) -> Int32 {
    scalar("dfns_metadata_number", number, zero: 0) { () throws(BridgeError) in
        try Handle.borrow(metadata, as: MetadataBox.self, name: "metadata").index.number
    }
}

@c @implementation
public func dfns_metadata_next_update(_ metadata: OpaquePointer?, _ next_update: UnsafeMutablePointer<UnsafePointer<CChar>?>?) -> Int32 {
    borrowedString("dfns_metadata_next_update", next_update) { () throws(BridgeError) in
        try Handle.borrow(metadata, as: MetadataBox.self, name: "metadata").nextUpdate
    }
}

@c @implementation
public func dfns_metadata_entry_count(_ metadata: OpaquePointer?, _ count: UnsafeMutablePointer<Int>?) -> Int32 {
    scalar("dfns_metadata_entry_count", count, zero: 0) { () throws(BridgeError) in
        try Handle.borrow(metadata, as: MetadataBox.self, name: "metadata").index.count
    }
}

@c @implementation
public func dfns_metadata_entry_json(_ metadata: OpaquePointer?, _ index: Int, _ json: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    json?.pointee = nil
    return guarded("dfns_metadata_entry_json") { () throws(BridgeError) in
        let json = try Arguments.output(json, "json")
        let box = try Handle.borrow(metadata, as: MetadataBox.self, name: "metadata")
        guard index >= 0, index < box.index.count else {
            throw BridgeError(DFNS_ERR_NOT_FOUND, "index \(index) is not below the entry count \(box.index.count)")
        }
        json.pointee = try handOverJSON(box.index.entries[index])
    }
}

@c @implementation
public func dfns_metadata_find_aaguid(_ metadata: OpaquePointer?, _ aaguid: UnsafePointer<UInt8>?, _ aaguid_len: Int, _ json: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    json?.pointee = nil
    return guarded("dfns_metadata_find_aaguid") { () throws(BridgeError) in
        let json = try Arguments.output(json, "json")
        let box = try Handle.borrow(metadata, as: MetadataBox.self, name: "metadata")
        // The length is checked before anything is read.
        guard aaguid_len == 16 else { throw .argument("aaguid must be 16 bytes, found aaguid_len \(aaguid_len)") }
        let bytes = try Arguments.bytes(aaguid, aaguid_len, "aaguid")
        guard let entry = box.index.entry(aaguid: bytes) else {
            throw BridgeError(DFNS_ERR_NOT_FOUND, "the BLOB has no entry for AAGUID \(Hex.encode(bytes))")
        }
        json.pointee = try handOverJSON(entry)
    }
}
