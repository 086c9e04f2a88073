import Foundation
import JSONCore

/// A request as the sandbox's router sees it: the path under `/api/v2` split into segments (`.json` removed),
/// query parameters with percent-decoded names (`page[size]`), the credentials and the body.
struct SandboxRequest: Sendable {
    var method: String
    var segments: [String]
    var query: [String: String]
    var authorization: String?
    var body: [UInt8]
    /// True when the path was under `/api/v2` (`/oauth/tokens` and `/api/v2/oauth/tokens` are different endpoints).
    var isAPI = true

    /// The route pattern for statistics: numeric segments become `{id}` (`GET tickets/{id}/comments`).
    var endpoint: String {
        "\(method) "
            + segments.map { $0.allSatisfy(\.isNumber) || ($0.count == 32 && $0.allSatisfy(\.isHexDigit)) ? "{id}" : $0 }.joined(separator: "/")
    }

    func int(_ name: String) -> Int? { query[name].flatMap { Int($0) } }

    /// An epoch parameter (`start_time`), `nil` when absent. Zendesk reads it as Ruby's `String#to_i` does (see
    /// ``leadingInteger(_:)``): `1700000000.0` is 1700000000, and tap-zendesk's ISO `2026-12-01T17:58:21Z` is 2026.
    func epoch(_ name: String) -> Int64? {
        query[name].map(Self.leadingInteger)
    }

    /// Ruby's `String#to_i`: leading whitespace, an optional sign, then the leading decimal digits (underscores
    /// between digits allowed); 0 when there are none. Saturates at Int64's range.
    static func leadingInteger(_ raw: String) -> Int64 {
        var bytes = Substring(raw).utf8.drop { $0 == UInt8(ascii: " ") || ($0 >= 9 && $0 <= 13) }
        var negative = false
        if let sign = bytes.first, sign == UInt8(ascii: "-") || sign == UInt8(ascii: "+") {
            negative = sign == UInt8(ascii: "-")
            bytes = bytes.dropFirst()
        }
        var value: Int64 = 0
        var previousDigit = false
        for b in bytes {
            if b == UInt8(ascii: "_") && previousDigit {
                previousDigit = false
                continue
            }
            guard b >= UInt8(ascii: "0"), b <= UInt8(ascii: "9") else { break }
            let (times, o1) = value.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times.addingReportingOverflow(Int64(b - UInt8(ascii: "0")))
            if o1 || o2 { return negative ? .min : .max }
            value = sum
            previousDigit = true
        }
        return negative ? -value : value
    }

    /// Query parameters and the body's: a JSON object's string and number members, or form fields
    /// (`application/x-www-form-urlencoded`, as browsers and most OAuth clients send them). The body wins.
    func parameters() -> [String: String] {
        var out = query
        if body.first == UInt8(ascii: "{") {
            for (k, v) in (try? JSONParser.parse(bytes: body))?.objectValue ?? [:] {
                switch v {
                case .string(let s): out[k] = s
                case .number(let n): out[k] = JSONValue.format(number: n)
                case .integer(let i): out[k] = String(i)
                case .array(let items): out[k] = items.compactMap(\.stringValue).joined(separator: " ")
                default: break
                }
            }
        } else {
            for (k, v) in ZendeskSandbox.formFields(String(decoding: body, as: UTF8.self)) { out[k] = v }
        }
        return out
    }

    /// The body as JSON, or a 400 in Zendesk's words.
    func json() throws(SandboxError) -> JSONValue {
        do {
            return try JSONParser.parse(bytes: body)
        } catch {
            throw SandboxError(status: 400, error: "InvalidValue", description: "Request body is not valid JSON: \(error.description)")
        }
    }
}

/// A response: status, headers and body bytes.
struct SandboxResponse: Sendable {
    var status: Int
    var headers: [(String, String)] = []
    var body: [UInt8]
    /// Close the connection part-way through the body (an injected dropped connection).
    var dropConnection = false

    static func json(_ w: JSONWriter, status: Int = 200) -> SandboxResponse {
        SandboxResponse(status: status, body: w.bytes)
    }

    /// A JSON value's answer, with object members in sorted order: the same request always gets the same bytes.
    static func json(_ v: JSONValue, status: Int = 200) -> SandboxResponse {
        SandboxResponse(status: status, body: v.jsonBytes(sortedKeys: true))
    }
}

/// Zendesk's error bodies: `{"error": …, "description": …}`.
struct SandboxError: Error, Sendable {
    var status: Int
    var error: String
    var description: String?
    var details: JSONValue?
    var headers: [(String, String)] = []

    static func notFound() -> SandboxError { SandboxError(status: 404, error: "RecordNotFound", description: "Not found") }

    static func invalid(_ description: String) -> SandboxError { SandboxError(status: 400, error: "InvalidValue", description: description) }

    var response: SandboxResponse {
        var body: [String: JSONValue] = ["error": .string(error)]
        if let description { body["description"] = .string(description) }
        if let details { body["details"] = details }
        var r = SandboxResponse.json(.object(body), status: status)
        r.headers = headers
        return r
    }
}
