import DfnsCBOR

/// Converts CBOR items that the tool does not interpret (extension outputs, unknown attStmt members)
/// into report values, following RFC 8949 §6.1: byte strings become hex, maps with only text keys
/// become objects, other maps use each key's diagnostic notation as its name, tags become
/// `{tag, value}`.
enum CBORReport {
    static func value(_ item: CBORValue) -> ReportValue {
        switch item {
        case .unsigned(let n): return .unsigned(n)
        case .negative:
            if let i = item.int64Value { return .integer(i) }
            return .number(item.description)
        case .bytes(let b): return .bytes(b)
        case .text(let s): return .text(s)
        case .array(let items): return .list(items.map(value))
        case .map(let map):
            let textKeys = map.keys.allSatisfy { $0.textValue != nil }
            return .object(map.entries.map { entry in
                let name = textKeys ? (entry.key.textValue ?? "") : entry.key.description
                return ReportField(name, value(entry.value))
            })
        case .tagged(let tag, let content):
            return .object([ReportField("tag", .unsigned(tag)), ReportField("value", value(content))])
        case .bool(let b): return .bool(b)
        case .null: return .null
        case .undefined: return .text("undefined")
        case .float(let d): return d.isFinite ? .number(String(d)) : .text(item.description)
        case .simple: return .text(item.description)
        }
    }
}
