import Foundation
import JSONCore

/// `format` assertions. Each returns `nil` when the value conforms (or is not a string), else a message.
enum Formats {
    static let checks: [String: @Sendable (String) -> Bool] = [
        "date-time": DateTimeFormats.isDateTime, "date": DateTimeFormats.isDate, "time": DateTimeFormats.isTime,
        "duration": DateTimeFormats.isDuration,
        "email": { NetworkFormats.isEmail($0, international: false) }, "idn-email": { NetworkFormats.isEmail($0, international: true) },
        "hostname": NetworkFormats.isHostname, "idn-hostname": IDNHostname.isValid,
        "ipv4": NetworkFormats.isIPv4, "ipv6": NetworkFormats.isIPv6,
        "uri": { URIFormats.isURI($0, reference: false, international: false) },
        "uri-reference": { URIFormats.isURI($0, reference: true, international: false) },
        "iri": { URIFormats.isURI($0, reference: false, international: true) },
        "iri-reference": { URIFormats.isURI($0, reference: true, international: true) },
        "uri-template": URIFormats.isURITemplate, "json-pointer": PointerFormats.isJSONPointer,
        "relative-json-pointer": PointerFormats.isRelativeJSONPointer, "uuid": isUUID, "regex": isRegex,
    ]

    static func check(_ format: String, _ instance: JSONValue) -> String? {
        guard case .string(let s) = instance, let test = checks[format] else { return nil }
        return test(s) ? nil : "\(Evaluation.show(instance)) is not a valid \(format)"
    }

    static func isUUID(_ s: String) -> Bool {
        let b = Array(s.utf8)
        guard b.count == 36 else { return false }
        for (i, c) in b.enumerated() {
            if [8, 13, 18, 23].contains(i) {
                guard c == UInt8(ascii: "-") else { return false }
            } else if !isHex(c) {
                return false
            }
        }
        return true
    }

    static func isHex(_ c: UInt8) -> Bool {
        (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102)
    }

    static func isRegex(_ s: String) -> Bool {
        // ICU accepts syntax ECMA-262 lacks: \Z, \a, comments (?#…), inline flags (?i) / (?i:…), Python's (?P…).
        if s.contains("\\Z") || s.contains("\\a") || s.contains("(?#") || s.contains("(?P") { return false }
        if s.range(of: #"\(\?[a-zA-Z-]+[):]"#, options: .regularExpression) != nil { return false }
        return (try? NSRegularExpression(pattern: RegexCache.translate(s))) != nil
    }
}
