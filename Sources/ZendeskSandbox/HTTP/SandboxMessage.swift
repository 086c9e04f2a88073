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

    /// `start_time` may come as an integer or a float (`1700000000.0`).
    func epoch(_ name: String) -> Int64? {
        guard let raw = query[name] else { return nil }
        if let i = Int64(raw) { return i }
        return Double(raw).map { Int64($0) }
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

    static func json(_ v: JSONValue, status: Int = 200) -> SandboxResponse {
        SandboxResponse(status: status, body: Array(v.jsonString().utf8))
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
