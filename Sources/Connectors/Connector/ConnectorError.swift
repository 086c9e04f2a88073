import Foundation

/// Why a connector request failed, with what the caller needs to react: the wait for rate limits, the provider's
/// status, and a description of the request for `record_error` events.
public struct ConnectorError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Stable error codes.
    public enum Code: String, Sendable {
        /// The provider throttled us; wait ``ConnectorError/retryAfter`` seconds.
        case rateLimited = "rate_limited"
        /// The provider rejected the credentials.
        case unauthorized
        /// The record or resource does not exist at the provider.
        case notFound = "not_found"
        /// A server error or a network failure: worth retrying.
        case transient
        /// The provider refused the request as invalid (4xx).
        case invalidRequest = "invalid_request"
        /// The connector does not offer this resource or method, or a required parameter is missing.
        case unsupported
        /// The provider answered with something that is not what its API documents.
        case badResponse = "bad_response"
    }

    public var code: Code
    /// The provider's HTTP status, if it answered.
    public var status: Int?
    /// What went wrong, for people.
    public var message: String
    /// Seconds to wait before retrying (rate limits).
    public var retryAfter: Double?
    /// The request that failed (`GET /api/v2/tickets.json?page[size]=100`), without credentials.
    public var request: String?

    /// Creates an error.
    public init(_ code: Code, status: Int? = nil, message: String, retryAfter: Double? = nil, request: String? = nil) {
        self.code = code
        self.status = status
        self.message = message
        self.retryAfter = retryAfter
        self.request = request
    }

    /// True when trying the same request again may succeed.
    public var isRetryable: Bool { code == .transient || code == .rateLimited }

    public var description: String {
        "\(code.rawValue)\(status.map { " (\($0))" } ?? ""): \(message)\(request.map { " [\($0)]" } ?? "")"
    }
}
