/// TPM manufacturers as the TCG TPM Vendor ID Registry names them: the value of the
/// tcg-at-tpmManufacturer attribute (2.23.133.2.1) in an AIK certificate, `id:` followed by the
/// vendor's four ASCII bytes as eight hex digits.
public struct TPMManufacturer: Sendable, Equatable {
    /// The attribute value in upper-case hex, e.g. `id:414D4400`.
    public let id: String
    /// The vendor's name.
    public let name: String

    /// Creates an entry; `id` is kept as given.
    public init(id: String, name: String) {
        self.id = id
        self.name = name
    }

    /// The TCG vendor registry, plus `id:FFFFF1D0`, the identifier FIDO conformance tools put in
    /// their test TPM certificates. A host that wants "registered vendors only" sets
    /// ``TPMPolicy/allowedManufacturers`` to these IDs.
    public static let registry: [TPMManufacturer] = [
        TPMManufacturer(id: "id:414D4400", name: "AMD"),
        TPMManufacturer(id: "id:41544D4C", name: "Atmel"),
        TPMManufacturer(id: "id:4252434D", name: "Broadcom"),
        TPMManufacturer(id: "id:4353434F", name: "Cisco"),
        TPMManufacturer(id: "id:464C5953", name: "Flyslice Technologies"),
        TPMManufacturer(id: "id:474F4F47", name: "Google"),
        TPMManufacturer(id: "id:48504500", name: "HPE"),
        TPMManufacturer(id: "id:48495349", name: "Huawei"),
        TPMManufacturer(id: "id:49424D00", name: "IBM"),
        TPMManufacturer(id: "id:49465800", name: "Infineon"),
        TPMManufacturer(id: "id:494E5443", name: "Intel"),
        TPMManufacturer(id: "id:4C454E00", name: "Lenovo"),
        TPMManufacturer(id: "id:4D534654", name: "Microsoft"),
        TPMManufacturer(id: "id:4E534D20", name: "National Semiconductor"),
        TPMManufacturer(id: "id:4E545A00", name: "Nationz"),
        TPMManufacturer(id: "id:4E544300", name: "Nuvoton Technology"),
        TPMManufacturer(id: "id:51434F4D", name: "Qualcomm"),
        TPMManufacturer(id: "id:524F4343", name: "Fuzhou Rockchip"),
        TPMManufacturer(id: "id:534D5343", name: "SMSC"),
        TPMManufacturer(id: "id:534D534E", name: "Samsung"),
        TPMManufacturer(id: "id:534E5300", name: "Sinosun"),
        TPMManufacturer(id: "id:53544D20", name: "STMicroelectronics"),
        TPMManufacturer(id: "id:54584E00", name: "Texas Instruments"),
        TPMManufacturer(id: "id:57454300", name: "Winbond"),
        TPMManufacturer(id: "id:FFFFF1D0", name: "FIDO Alliance conformance testing"),
    ]

    /// `value` as `id:` and eight upper-case hex digits, or nil when it is not of that form
    /// (the `id:` prefix and the hex digits are read without regard to case).
    public static func normalized(_ value: String) -> String? {
        let utf8 = Array(value.utf8)
        guard utf8.count == 11, value.lowercased().hasPrefix("id:") else { return nil }
        let digits = utf8[3...]
        guard digits.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x46) || ($0 >= 0x61 && $0 <= 0x66) }) else {
            return nil
        }
        return "id:" + String(decoding: digits, as: UTF8.self).uppercased()
    }

    /// `value` with the vendor's name when the registry knows it: `id:414D4400 (AMD)`.
    static func describe(_ value: String) -> String {
        let known = normalized(value).flatMap { id in registry.first { $0.id == id } }
        return known.map { "\(value) (\($0.name))" } ?? value
    }
}
