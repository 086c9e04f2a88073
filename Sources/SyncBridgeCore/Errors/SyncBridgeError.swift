import Foundation

/// An error with a stable machine-readable code, a human message, and (for validation) the failing fields.
///
/// The HTTP layer maps ``Kind`` to a status code in one place; everything below it only says what went wrong.
public struct SyncBridgeError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The class of failure, which decides the HTTP status.
    public enum Kind: String, Sendable, Equatable {
        case badRequest, unauthorized, forbidden, notFound, methodNotAllowed, conflict, payloadTooLarge, unsupportedMediaType, unprocessable
        /// The request's body did not arrive in time (408).
        case requestTimeout
        /// The request's target (path and query) is longer than the API reads (414).
        case uriTooLong
        /// The request's header fields are more or larger than the API reads (431).
        case headersTooLarge
        /// The provider throttled a live request (429, with its Retry-After).
        case tooManyRequests
        /// The provider failed or refused a live request (502).
        case badGateway
        case internalError
    }

    /// The class of failure.
    public var kind: Kind
    /// A stable snake_case code clients can switch on (`invalid_field`, `sync_job_not_found`, …).
    public var code: String
    /// A sentence for people.
    public var message: String
    /// The fields that failed validation, if any.
    public var failures: [FieldFailure]
    /// Seconds to wait before trying again (sent as `Retry-After` with a 429).
    public var retryAfter: Double?

    /// Creates an error.
    public init(_ kind: Kind, code: String, message: String, failures: [FieldFailure] = []) {
        self.kind = kind
        self.code = code
        self.message = message
        self.failures = failures
    }

    public var description: String { "\(code): \(message)" }

    /// A 404 for a resource that does not exist (or is in another environment).
    public static func notFound(_ resource: String, id: String) -> SyncBridgeError {
        SyncBridgeError(
            .notFound,
            code: "\(resource.replacingOccurrences(of: "-", with: "_"))_not_found",
            message: "No \(resource) with id \(id)."
        )
    }

    /// A 422 listing every failing field; the message names the first.
    public static func validation(_ failures: [FieldFailure]) -> SyncBridgeError {
        let first = failures.first.map { "\($0.path): \($0.message)" } ?? "invalid request"
        let more = failures.count > 1 ? " (and \(failures.count - 1) more)" : ""
        return SyncBridgeError(.unprocessable, code: "validation_failed", message: first + more, failures: failures)
    }
}

/// One field that failed validation: where (`resources[3].depends_on`) and why.
public struct FieldFailure: Sendable, Equatable, Hashable {
    /// The path of the field in the request body, in `a.b[2].c` notation.
    public var path: String
    /// What is wrong with it.
    public var message: String

    /// Creates a failure.
    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    /// The failure as JSON (`{"path", "message"}`).
    public var json: JSONValue { ["path": .string(path), "message": .string(message)] }
}
