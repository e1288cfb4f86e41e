import DfnsCBOR

extension CBORValue {
    /// A short type name for error messages ("map", "byte string", ...).
    var typeName: String {
        switch self {
        case .unsigned: return "unsigned integer"
        case .negative: return "negative integer"
        case .bytes: return "byte string"
        case .text: return "text string"
        case .array: return "array"
        case .map: return "map"
        case .tagged: return "tagged item"
        case .bool: return "boolean"
        case .null: return "null"
        case .undefined: return "undefined"
        case .float: return "float"
        case .simple: return "simple value"
        }
    }
}
