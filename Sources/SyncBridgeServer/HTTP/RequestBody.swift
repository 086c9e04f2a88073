import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import SyncBridgeCore

/// Reads a request's JSON body: 415 unless it is JSON, 413 past the size limit (chunked bodies too), 400 when it is
/// not UTF-8 or does not parse.
enum RequestBody {
    /// `readDeadline` is the longest the body may take to arrive once the request's head is in: a client that sends
    /// it a byte at a time (a slow-body attack) gets 408 instead of holding its connection and handler for ever.
    static func json(_ request: Request, maxBytes: Int, readDeadline: Duration) async throws -> JSONValue {
        if let type = request.headers[.contentType], !type.lowercased().hasPrefix("application/json") {
            throw SyncBridgeError(
                .unsupportedMediaType, code: "unsupported_media_type",
                message: "Content-Type must be application/json (got '\(type)')."
            )
        }
        if let length = request.headers[.contentLength].flatMap(Int.init), length > maxBytes {
            throw tooLarge(maxBytes)
        }
        let buffer: ByteBuffer
        do {
            buffer = try await collect(request, upTo: maxBytes, readDeadline: readDeadline)
        } catch let error as HTTPError where error.status == .contentTooLarge {
            throw tooLarge(maxBytes)
        } catch is NIOTooManyBytesError {
            // A chunked body (no Content-Length) that grows past the limit.
            throw tooLarge(maxBytes)
        }
        guard buffer.readableBytes > 0 else {
            throw SyncBridgeError(.badRequest, code: "missing_body", message: "Request body is empty; a JSON object is required.")
        }
        // JSON text is UTF-8 (RFC 8259 §8.1); a body that is not is refused, never stored with replacement characters.
        guard String(validating: buffer.readableBytesView, as: UTF8.self) != nil else {
            throw SyncBridgeError(.badRequest, code: "invalid_utf8", message: "Request body is not valid UTF-8.")
        }
        do {
            return try JSONParser.parse(bytes: buffer.readableBytesView)
        } catch {
            throw SyncBridgeError(.badRequest, code: "malformed_json", message: "Request body is not valid JSON: \(error.description).")
        }
    }

    /// The whole body, up to `maxBytes` (past it Hummingbird's and NIO's too-large errors), or 408
    /// `request_timeout` when it has not all arrived within `readDeadline`.
    static func collect(_ request: Request, upTo maxBytes: Int, readDeadline: Duration) async throws -> ByteBuffer {
        try await withThrowingTaskGroup(of: ByteBuffer?.self) { group in
            group.addTask {
                var request = request
                return try await request.collectBody(upTo: maxBytes)
            }
            group.addTask {
                try await Task.sleep(for: readDeadline)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let body = first else {
                throw SyncBridgeError(
                    .requestTimeout, code: "request_timeout",
                    message: "The request body did not arrive within \(readDeadline.components.seconds) seconds."
                )
            }
            return body
        }
    }

    static func tooLarge(_ maxBytes: Int) -> SyncBridgeError {
        SyncBridgeError(.payloadTooLarge, code: "payload_too_large", message: "Request body exceeds the limit of \(maxBytes) bytes.")
    }
}
