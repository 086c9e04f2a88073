import HTTPTypes
import Hummingbird
import NIOCore
import SyncBridgeCore

/// JSON responses.
enum JSONResponse {
    /// A response whose body is `value` as compact JSON.
    static func make(_ value: JSONValue, status: HTTPResponse.Status = .ok) -> Response {
        var buffer = ByteBuffer()
        buffer.writeString(value.jsonString())
        return Response(status: status, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: buffer))
    }

    /// Truto's list shape: `{"result": [...], "next_cursor": string|null, "limit": n}`.
    static func list(_ items: [JSONValue], nextCursor: String?, limit: Int) -> Response {
        make(["result": .array(items), "next_cursor": nextCursor.map { .string($0) } ?? .null, "limit": .number(Double(limit))])
    }

    /// `{"id": …}`, what DELETE returns.
    static func deleted(_ id: String) -> Response { make(["id": .string(id)]) }
}
