import COpenSSL
import COpenSSLShims
import Glibc

/// Internal helpers that turn OpenSSL ASN.1 values (OIDs, strings, times) and the OpenSSL error
/// queue into Swift values for the certificate code. All functions are total: failures throw.
internal enum CertificateASN1 {
    /// The dotted-decimal form of an `ASN1_OBJECT*` (`OBJ_obj2txt` with `no_name = 1`).
    static func oidString(_ object: OpaquePointer) throws(CryptoError) -> String {
        var buffer = [CChar](repeating: 0, count: 128)
        var needed = buffer.withUnsafeMutableBufferPointer { buf -> Int32 in
            guard let base = buf.baseAddress else { return -1 }
            return OBJ_obj2txt(base, Int32(buf.count), object, 1)
        }
        guard needed > 0 else { throw .certificate("unreadable object identifier") }
        if Int(needed) >= buffer.count {
            // Very long OIDs (huge arcs): retry with an exact buffer.
            let size = Int(needed) + 1
            buffer = [CChar](repeating: 0, count: size)
            needed = buffer.withUnsafeMutableBufferPointer { buf -> Int32 in
                guard let base = buf.baseAddress, let length = Int32(exactly: buf.count) else { return -1 }
                return OBJ_obj2txt(base, length, object, 1)
            }
            guard needed > 0, Int(needed) < buffer.count else {
                throw .certificate("unreadable object identifier")
            }
        }
        let length = Int(needed)
        let bytes = buffer[0..<length].map { UInt8(bitPattern: $0) }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw .certificate("unreadable object identifier")
        }
        return text
    }

    /// Converts an `ASN1_STRING*` (any string type) to a Swift string via `ASN1_STRING_to_UTF8`.
    /// Fails on strings OpenSSL cannot convert or that are not valid UTF-8 afterwards.
    static func utf8String(_ string: UnsafePointer<ASN1_STRING>) throws(CryptoError) -> String {
        var out: UnsafeMutablePointer<UInt8>? = nil
        let length = ASN1_STRING_to_UTF8(&out, string)
        defer { dfns_x509_openssl_free(out) }
        guard length >= 0 else {
            clearErrors()
            throw .certificate("string value cannot be converted to UTF-8")
        }
        guard length > 0 else { return "" }
        guard let out else { throw .certificate("string value cannot be converted to UTF-8") }
        let bytes = UnsafeBufferPointer(start: out, count: Int(length))
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw .certificate("string value is not valid UTF-8")
        }
        return text
    }

    /// Copies the contents of an `ASN1_STRING*` (e.g. an extension's OCTET STRING) as bytes.
    static func bytes(_ string: UnsafePointer<ASN1_STRING>) -> [UInt8] {
        let length = ASN1_STRING_length(string)
        guard length > 0, let data = ASN1_STRING_get0_data(string) else { return [] }
        return Array(UnsafeBufferPointer(start: data, count: Int(length)))
    }

    /// Converts an `ASN1_TIME*` (UTCTime or GeneralizedTime) to Unix seconds.
    static func unixTime(_ time: UnsafePointer<ASN1_TIME>) throws(CryptoError) -> Int64 {
        var parts = tm()
        guard ASN1_TIME_to_tm(time, &parts) == 1 else {
            clearErrors()
            throw .certificate("invalid time value")
        }
        return unixTime(
            year: Int64(parts.tm_year) + 1900, month: Int64(parts.tm_mon) + 1, day: Int64(parts.tm_mday),
            hour: Int64(parts.tm_hour), minute: Int64(parts.tm_min), second: Int64(parts.tm_sec))
    }

    /// Unix seconds for a proleptic Gregorian UTC date (H. Hinnant's days-from-civil). The inputs come
    /// from `ASN1_TIME_to_tm`, so they are small (year 0...9999), and the arithmetic cannot overflow.
    static func unixTime(year: Int64, month: Int64, day: Int64, hour: Int64, minute: Int64, second: Int64)
        -> Int64
    {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let shiftedMonth = month > 2 ? month - 3 : month + 9
        let dayOfYear = (153 * shiftedMonth + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        let days = era * 146_097 + dayOfEra - 719_468
        return days * 86_400 + hour * 3_600 + minute * 60 + second
    }

    /// Returns the oldest queued OpenSSL error as text (or `fallback`) and clears the queue.
    static func drainErrors(fallback: String) -> String {
        let code = ERR_get_error()
        var message = fallback
        if code != 0 {
            var buffer = [CChar](repeating: 0, count: 256)
            buffer.withUnsafeMutableBufferPointer { buf in
                if let base = buf.baseAddress { ERR_error_string_n(code, base, buf.count) }
            }
            let bytes = buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
            message = "\(fallback): \(String(decoding: bytes, as: UTF8.self))"
        }
        ERR_clear_error()
        return message
    }

    /// Clears this thread's OpenSSL error queue.
    static func clearErrors() {
        ERR_clear_error()
    }
}
