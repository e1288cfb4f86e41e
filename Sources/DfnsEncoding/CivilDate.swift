/// Conversions between Unix time and the proleptic Gregorian calendar in UTC, for the ISO 8601
/// timestamps of vector files, the Dfns API (`2024-01-01T00:00:00.000Z`), webhooks and tokens.
/// Written by hand because the library targets do not import Foundation; the day arithmetic is
/// Howard Hinnant's `days_from_civil` / `civil_from_days`.
public struct CivilDate: Sendable, Equatable {
    public var year: Int64
    public var month: Int64
    public var day: Int64
    public var hour: Int64
    public var minute: Int64
    public var second: Int64

    public init(year: Int64, month: Int64, day: Int64, hour: Int64 = 0, minute: Int64 = 0, second: Int64 = 0) {
        self.year = year
        self.month = month
        self.day = day
        self.hour = hour
        self.minute = minute
        self.second = second
    }

    /// The UTC date and time of `unixSeconds` (clamped to ±2⁴⁸ s, some nine million years, so that
    /// no input can overflow).
    public init(unixSeconds: Int64) {
        let unixSeconds = min(max(unixSeconds, -(1 << 48)), 1 << 48)
        let days = unixSeconds >= 0 ? unixSeconds / 86_400 : (unixSeconds - 86_399) / 86_400
        let secondsOfDay = unixSeconds - days * 86_400
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        self.init(year: yoe + era * 400 + (month <= 2 ? 1 : 0), month: month, day: day,
                  hour: secondsOfDay / 3_600, minute: secondsOfDay % 3_600 / 60, second: secondsOfDay % 60)
    }

    /// Seconds since 1970-01-01T00:00:00Z. Fields out of their ranges give a meaningless result,
    /// never a trap (the arithmetic wraps).
    public var unixSeconds: Int64 {
        let y = month <= 2 ? year &- 1 : year
        let era = (y >= 0 ? y : y &- 399) / 400
        let yoe = y &- era &* 400
        let mp = (month &+ 9) % 12
        let doy = (153 &* mp &+ 2) / 5 &+ day &- 1
        let doe = yoe &* 365 &+ yoe / 4 &- yoe / 100 &+ doy
        let days = era &* 146_097 &+ doe &- 719_468
        return days &* 86_400 &+ hour &* 3_600 &+ minute &* 60 &+ second
    }

    /// Unix seconds at 00:00:00 UTC of a strict `YYYY-MM-DD` date (ISO 8601 full-date, as FIDO
    /// metadata's `nextUpdate`), or nil when `text` is not one: another shape, month 13, or a day
    /// past its month's end (February 30).
    public static func unixSeconds(date text: String) -> Int64? {
        let b = Array(text.utf8)
        guard b.count == 10, b[4] == 0x2D, b[7] == 0x2D else { return nil }
        var fields: [Int64] = []
        for range in [0..<4, 5..<7, 8..<10] {
            var v: Int64 = 0
            for i in range {
                guard b[i] >= 0x30, b[i] <= 0x39 else { return nil }
                v = v * 10 + Int64(b[i] - 0x30)
            }
            fields.append(v)
        }
        guard (1...12).contains(fields[1]), fields[2] >= 1 else { return nil }
        let date = CivilDate(year: fields[0], month: fields[1], day: fields[2])
        // Round-trip through Unix seconds to refuse days past the month's end.
        let seconds = date.unixSeconds
        return CivilDate(unixSeconds: seconds) == date ? seconds : nil
    }

    /// Parses a UTC ISO 8601 timestamp, `2024-09-26T08:34:57Z` with an optional fraction and `Z`
    /// or `+00:00`, into Unix seconds (the fraction is dropped). Nil for anything else.
    public static func unixSeconds(iso8601 text: String) -> Int64? {
        let b = Array(text.utf8)
        func number(_ range: Range<Int>) -> Int64? {
            guard range.upperBound <= b.count else { return nil }
            var v: Int64 = 0
            for i in range {
                guard b[i] >= 0x30, b[i] <= 0x39 else { return nil }
                v = v * 10 + Int64(b[i] - 0x30)
            }
            return v
        }
        guard b.count >= 20, b[4] == 0x2D, b[7] == 0x2D, b[10] == 0x54, b[13] == 0x3A, b[16] == 0x3A,
              let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
              let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19),
              (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61 else { return nil }
        // After the seconds: an optional fraction, then `Z` or `+00:00`.
        var index = 19
        if index < b.count, b[index] == UInt8(ascii: ".") {
            index += 1
            let start = index
            while index < b.count, b[index] >= 0x30, b[index] <= 0x39 { index += 1 }
            guard index > start else { return nil }
        }
        let zone = b[index...]
        guard zone.elementsEqual("Z".utf8) || zone.elementsEqual("+00:00".utf8) else { return nil }
        return CivilDate(year: year, month: month, day: day, hour: hour, minute: minute, second: second).unixSeconds
    }

    /// `unixSeconds` as `YYYY-MM-DDTHH:MM:SS.mmmZ` (milliseconds always written, as JavaScript's
    /// `toISOString` and the Dfns API do), or without the fraction when `milliseconds` is nil
    /// (`YYYY-MM-DDTHH:MM:SSZ`, as certificates' times are shown). Years outside 0...9999 are
    /// written with as many digits as they need.
    public static func iso8601(unixSeconds: Int64, milliseconds: Int? = 0) -> String {
        let date = CivilDate(unixSeconds: unixSeconds)
        func pad(_ value: Int64, _ width: Int) -> String {
            let digits = String(value)
            return value < 0 ? digits : String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        var text = pad(date.year, 4) + "-" + pad(date.month, 2) + "-" + pad(date.day, 2) + "T"
            + pad(date.hour, 2) + ":" + pad(date.minute, 2) + ":" + pad(date.second, 2)
        if let milliseconds { text += "." + pad(Int64(min(max(milliseconds, 0), 999)), 3) }
        return text + "Z"
    }
}
