import CLibCBOR

/// Converts a libcbor `cbor_item_t` tree, already vetted by ``CBORLengthGuard``, into ``CBORValue``.
///
/// It does not take ownership of the tree: the caller keeps its reference and releases it with
/// `cbor_decref`. Checks that only make sense on decoded values happen here: duplicate map keys
/// (at every level, by ``CBORValue`` equality, so `1` and a non-shortest `18 01` collide) and
/// UTF-8 validity of text strings. Recursion depth is bounded by the guard's depth limit, and is
/// re-checked here as a second line of defence.
enum CBORItemConverter {
    /// Maps with at most this many entries are checked for duplicates pairwise; larger ones use a set.
    private static let linearDuplicateScanLimit = 16

    /// Converts `item` and its children.
    ///
    /// - Parameter depthBudget: containers that may still be opened below this point.
    static func convert(_ item: UnsafeMutablePointer<cbor_item_t>, depthBudget: Int) throws(CBORError) -> CBORValue {
        switch cbor_typeof(item) {
        case CBOR_TYPE_UINT:
            return .unsigned(cbor_get_int(item))
        case CBOR_TYPE_NEGINT:
            return .negative(cbor_get_int(item))
        // Indefinite-length items only get here when the guard allowed them
        // (CBORDecodingOptions.allowIndefiniteLength); their chunks are joined.
        case CBOR_TYPE_BYTESTRING:
            if !cbor_bytestring_is_definite(item) {
                return .bytes(try joinChunks(cbor_bytestring_chunks_handle(item), count: cbor_bytestring_chunk_count(item)))
            }
            return .bytes(try copyBytes(cbor_bytestring_handle(item), count: cbor_bytestring_length(item)))
        case CBOR_TYPE_STRING:
            let utf8: [UInt8]
            if !cbor_string_is_definite(item) {
                utf8 = try joinChunks(cbor_string_chunks_handle(item), count: cbor_string_chunk_count(item))
            } else {
                utf8 = try copyBytes(cbor_string_handle(item), count: cbor_string_length(item))
            }
            guard let text = String(validating: utf8, as: UTF8.self) else {
                throw .malformed("a text string that is not valid UTF-8")
            }
            return .text(text)
        case CBOR_TYPE_ARRAY:
            guard depthBudget > 0 else { throw .tooDeep(limit: CBORDecodingOptions.depthCeiling) }
            return .array(try convertArray(item, depthBudget: depthBudget - 1))
        case CBOR_TYPE_MAP:
            guard depthBudget > 0 else { throw .tooDeep(limit: CBORDecodingOptions.depthCeiling) }
            return .map(try convertMap(item, depthBudget: depthBudget - 1))
        case CBOR_TYPE_TAG:
            guard depthBudget > 0 else { throw .tooDeep(limit: CBORDecodingOptions.depthCeiling) }
            // cbor_tag_item returns a new reference (cbor_incref), released here.
            var content: UnsafeMutablePointer<cbor_item_t>? = cbor_tag_item(item)
            defer { if content != nil { cbor_decref(&content) } }
            guard let tagged = content else { throw .malformed("a tag without content") }
            return .tagged(cbor_tag_value(item), try convert(tagged, depthBudget: depthBudget - 1))
        case CBOR_TYPE_FLOAT_CTRL:
            if cbor_float_ctrl_is_ctrl(item) {
                switch cbor_ctrl_value(item) {
                case 20: return .bool(false)
                case 21: return .bool(true)
                case 22: return .null
                case 23: return .undefined
                case let other: return .simple(other)
                }
            }
            return .float(cbor_float_get_float(item))
        default:
            throw .unsupported("a libcbor item type (\(cbor_typeof(item).rawValue)) this decoder does not know")
        }
    }

    /// Concatenates the definite chunks of an indefinite-length string.
    private static func joinChunks(_ chunks: UnsafeMutablePointer<UnsafeMutablePointer<cbor_item_t>?>?, count: Int) throws(CBORError) -> [UInt8] {
        guard count > 0 else { return [] }
        guard let chunks else { throw .malformed("an indefinite-length string without chunks") }
        var joined: [UInt8] = []
        for chunk in UnsafeBufferPointer(start: chunks, count: count) {
            guard let chunk else { throw .malformed("an indefinite-length string with a missing chunk") }
            switch cbor_typeof(chunk) {
            case CBOR_TYPE_BYTESTRING:
                joined += try copyBytes(cbor_bytestring_handle(chunk), count: cbor_bytestring_length(chunk))
            case CBOR_TYPE_STRING:
                joined += try copyBytes(cbor_string_handle(chunk), count: cbor_string_length(chunk))
            default:
                throw .malformed("an indefinite-length string chunk that is not a string")
            }
        }
        return joined
    }

    /// Copies `count` bytes from a libcbor handle; a zero count needs no handle.
    private static func copyBytes(_ handle: UnsafeMutablePointer<UInt8>?, count: Int) throws(CBORError) -> [UInt8] {
        guard count > 0 else { return [] }
        guard let handle else { throw .malformed("a string without data") }
        return Array(UnsafeBufferPointer(start: handle, count: count))
    }

    /// Converts the elements of a definite array.
    private static func convertArray(_ item: UnsafeMutablePointer<cbor_item_t>, depthBudget: Int) throws(CBORError) -> [CBORValue] {
        let count = cbor_array_size(item)
        guard count > 0 else { return [] }
        guard let handle = cbor_array_handle(item) else { throw .malformed("an array without elements") }
        var elements: [CBORValue] = []
        elements.reserveCapacity(count)
        for element in UnsafeBufferPointer(start: handle, count: count) {
            guard let element else { throw .malformed("an array with a missing element") }
            elements.append(try convert(element, depthBudget: depthBudget))
        }
        return elements
    }

    /// Converts the pairs of a definite map and rejects duplicate keys.
    private static func convertMap(_ item: UnsafeMutablePointer<cbor_item_t>, depthBudget: Int) throws(CBORError) -> CBORMap {
        let count = cbor_map_size(item)
        guard count > 0 else { return CBORMap() }
        guard let handle = cbor_map_handle(item) else { throw .malformed("a map without entries") }
        var entries: [CBORMap.Entry] = []
        entries.reserveCapacity(count)
        var seen: Set<CBORValue> = []
        let useSet = count > linearDuplicateScanLimit
        for pair in UnsafeBufferPointer(start: handle, count: count) {
            guard let keyItem = pair.key, let valueItem = pair.value else {
                throw .malformed("a map with a missing key or value")
            }
            let key = try convert(keyItem, depthBudget: depthBudget)
            let isDuplicate = useSet ? !seen.insert(key).inserted : entries.contains(where: { $0.key == key })
            if isDuplicate {
                throw .duplicateMapKey(key.shortDescription())
            }
            let value = try convert(valueItem, depthBudget: depthBudget)
            entries.append(CBORMap.Entry(key: key, value: value))
        }
        return CBORMap(uniqueEntries: entries)
    }
}
