import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import SyncBridgeCore

/// JSON over HTTP to a provider, with the provider's answers mapped to ``ConnectorError``s: 429 → rate limited (with
/// `Retry-After`), 401/403 → unauthorized, 404 → not found, 5xx and network failures → transient, other 4xx →
/// invalid request, unparseable bodies → bad response.
///
/// Every request for an account waits for the account's ``RequestBudget`` first and reports the answer's rate-limit
/// headers to it after, so runs, live API calls, push registration and destination writes share one budget.
public struct ProviderClient: Sendable {
    let http: HTTPClient
    let timeout: TimeAmount
    /// Responses larger than this are refused (a page of a thousand tickets is a few megabytes).
    let maxBodyBytes: Int
    /// The accounts' request budget (nil: requests are not paced).
    public let budget: (any RequestBudget)?
    /// The longest a request waits for the budget before it fails as rate limited (nil: as long as it takes).
    public let budgetMaxWait: Double?

    /// Creates a client on a shared `HTTPClient`.
    public init(
        http: HTTPClient, timeout: TimeAmount = .seconds(60), maxBodyBytes: Int = 64 * 1024 * 1024, budget: (any RequestBudget)? = nil,
        budgetMaxWait: Double? = nil
    ) {
        self.http = http
        self.timeout = timeout
        self.maxBodyBytes = maxBodyBytes
        self.budget = budget
        self.budgetMaxWait = budgetMaxWait
    }

    /// The same client, waiting at most `seconds` for the budget (live API calls answer 429 rather than queue).
    public func waitingForBudget(atMost seconds: Double?) -> ProviderClient {
        ProviderClient(http: http, timeout: timeout, maxBodyBytes: maxBodyBytes, budget: budget, budgetMaxWait: seconds)
    }

    /// Sends a request and parses the JSON answer.
    /// - Parameters:
    ///   - url: the absolute URL.
    ///   - display: the request as reported in errors (method and path, never credentials).
    ///   - budget: what the request spends of the account's request budget (nil: nothing, for calls that are not an
    ///     account's API requests).
    public func json(
        _ method: HTTPMethod = .GET, url: String, headers: [(String, String)], body: JSONValue? = nil, display: String,
        budget key: RequestBudgetKey?, logger: Logger
    ) async throws(ConnectorError) -> JSONValue {
        if let problem = EndpointURL.problem(url) {
            throw ConnectorError(.invalidRequest, message: "the request URL must be \(problem); check the account's base_url", request: display)
        }
        if let budget, let key {
            do {
                try await budget.acquire(key, maxWait: budgetMaxWait)
            } catch let exceeded as RequestBudgetExceeded {
                throw ConnectorError(
                    .rateLimited, message: "the account's \(exceeded.endpointClass) request budget is spent", retryAfter: exceeded.retryAfter,
                    request: display)
            } catch {
                throw ConnectorError(.transient, message: "interrupted while waiting for the account's request budget", request: display)
            }
        }
        var request = HTTPClientRequest(url: url)
        request.method = method
        request.headers.add(name: "Accept", value: "application/json")
        request.headers.add(name: "User-Agent", value: "syncbridge/\(SyncBridgeVersion.current)")
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: body.jsonString()))
        }
        let status: Int
        let responseHeaders: HTTPHeaders
        let bytes: ByteBuffer
        do {
            let response = try await http.execute(request, timeout: timeout, logger: logger)
            status = Int(response.status.code)
            responseHeaders = response.headers
            bytes = try await response.body.collect(upTo: maxBodyBytes)
        } catch {
            throw ConnectorError(.transient, message: "request failed: \(error)", request: display)
        }
        if let budget, let key { await budget.observe(key, RateLimitHeaders.observation(status: status, headers: responseHeaders)) }
        guard (200..<300).contains(status) else {
            throw Self.error(status: status, headers: responseHeaders, body: bytes, display: display)
        }
        // 204 No Content (a DELETE) and other empty answers are JSON null.
        if bytes.readableBytes == 0 { return .null }
        do {
            return try bytes.withUnsafeReadableBytes { raw throws(JSONParseError) in try JSONParser.parse(bytes: raw) }
        } catch {
            throw ConnectorError(.badResponse, status: status, message: "response is not JSON: \(error)", request: display)
        }
    }

    /// The error for a non-2xx answer.
    static func error(status: Int, headers: HTTPHeaders, body: ByteBuffer, display: String) -> ConnectorError {
        let excerpt = String(String(buffer: body).prefix(500))
        switch status {
        case 429:
            let wait = RetryAfter.seconds(headers.first(name: "Retry-After")) ?? 60
            return ConnectorError(.rateLimited, status: status, message: "rate limited", retryAfter: wait, request: display)
        case 401, 403:
            return ConnectorError(.unauthorized, status: status, message: excerpt.isEmpty ? "unauthorized" : excerpt, request: display)
        case 404:
            return ConnectorError(.notFound, status: status, message: excerpt.isEmpty ? "not found" : excerpt, request: display)
        case 500...:
            return ConnectorError(.transient, status: status, message: excerpt.isEmpty ? "server error" : excerpt, request: display)
        default:
            return ConnectorError(.invalidRequest, status: status, message: excerpt.isEmpty ? "rejected" : excerpt, request: display)
        }
    }
}
