import CDfnsBridgeAPI
import DfnsWebAuthn

// FIDO metadata (include/dfns_bridge.h, "FIDO metadata (since 0.4)"): the handle.

/// A `dfns_metadata_t`: a verified, indexed MDS3 BLOB and its borrowed `nextUpdate` text.
/// Immutable; policies given it copy the index (a shared copy-on-write value), so freeing the
/// handle never affects them.
final class MetadataBox: HandleBox {
    override class var typeName: String { "dfns_metadata_t" }

    let index: MetadataIndex
    let nextUpdate: CString

    init(_ index: MetadataIndex) throws(BridgeError) {
        self.index = index
        nextUpdate = try CString(index.nextUpdate)
    }
}
