import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import JSONCore
import Logging
import NIOCore
import Synchronization

/// A local emulator of the Zendesk Support REST API (`/api/v2/…`), over real HTTP.
///
/// Run it in-process for tests (`run(onListening:)` with port 0) or stand-alone (`syncbridge sandbox`). The world is
/// generated from the seed on demand, so start-up is instant whatever the ticket count.
public struct ZendeskSandbox: Sendable {
    let api: SandboxAPI
    let host: String
    let port: Int
    let tls: SandboxTLS?
    let logger: Logger

    /// Creates a sandbox.
    /// - Parameters:
    ///   - tls: serve HTTPS with this certificate (HTTP/1.1 with keep-alive either way); `nil` serves plain HTTP.
    ///   - httpClient: used to deliver webhook notifications; `nil` disables them.
    public init(
        configuration: SandboxConfiguration, host: String = "127.0.0.1", port: Int = 0, tls: SandboxTLS? = nil, httpClient: HTTPClient?,
        logger: Logger
    ) {
        let state = SandboxState(configuration: configuration, now: Date())
        api = SandboxAPI(state: state, notifier: WebhookNotifier(client: httpClient, logger: logger))
        self.host = host
        self.port = port
        self.tls = tls
        self.logger = logger
    }

    /// Adds fixture records (see `POST /__sandbox/fixtures`); returns the ids created, by collection.
    public func load(fixtures: JSONValue) throws -> JSONValue {
        do throws(SandboxError) {
            return try api.state.load(fixtures: fixtures, now: api.state.now())
        } catch {
            throw SandboxFixtureError(message: String(decoding: error.response.body, as: UTF8.self))
        }
    }

    /// Answers one request in-process, without HTTP — what a request costs the sandbox itself (benchmarks).
    /// - Parameter target: the path and query, as on the request line (`/api/v2/tickets.json?page[size]=100`).
    public func respond(method: String = "GET", target: String, authorization: String?, base: String) async -> (status: Int, body: [UInt8]) {
        let parts = target.split(separator: "?", maxSplits: 1).map(String.init)
        let request = Self.parse(method: method, path: parts[0], query: parts.count > 1 ? parts[1] : nil, authorization: authorization, body: [])
        let r = await api.handle(request, path: parts[0], now: api.state.now(), base: base)
        return (r.status, r.body)
    }

    /// The router's view of a request: segments under `/api/v2` without `.json`, form-decoded query parameters.
    static func parse(method: String, path: String, query rawQuery: String?, authorization: String?, body: [UInt8]) -> SandboxRequest {
        var segments = path.split(separator: "/").map { String($0).removingPercentEncoding ?? String($0) }
        let isAPI = segments.first == "api" && segments.dropFirst().first == "v2"
        if isAPI { segments.removeFirst(2) }
        if var last = segments.last, last.hasSuffix(".json") {
            last.removeLast(5)
            segments[segments.count - 1] = last
        }
        var request = SandboxRequest(method: method, segments: segments, query: formFields(rawQuery ?? ""), authorization: authorization, body: body)
        request.isAPI = isAPI
        return request
    }

    /// `a=1&b=x+y` decoded form-style: '+' is a space (Python's requests writes spaces so), then percent-decoding. A
    /// repeated name (`role[]=agent&role[]=admin`) keeps every value, comma-separated.
    static func formFields(_ text: String) -> [String: String] {
        var query: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ s: Substring) -> String {
                let spaced = s.replacingOccurrences(of: "+", with: " ")
                return spaced.removingPercentEncoding ?? spaced
            }
            let name = decode(parts[0])
            let value = parts.count > 1 ? decode(parts[1]) : ""
            query[name] = query[name].map { "\($0),\(value)" } ?? value
        }
        return query
    }

    /// Serves until the task is cancelled. `onListening` gets the listening address (`http://127.0.0.1:<port>`, or
    /// `https://…` with TLS), which is where to connect even when responses carry another public base URL.
    public func run(onListening: @escaping @Sendable (String) async -> Void = { _ in }) async throws {
        let router = Router()
        let api = self.api
        let configured = api.configuration.publicBaseURL
        let host = self.host
        let scheme = tls == nil ? "http" : "https"
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let listening = ListeningPort()
        router.on("/**", method: .get) { request, context in
            await Self.serve(request, api: api, base: configured, listening: listening, scheme: scheme)
        }
        router.on("/**", method: .post) { request, context in
            await Self.serve(request, api: api, base: configured, listening: listening, scheme: scheme)
        }
        router.on("/**", method: .put) { request, context in
            await Self.serve(request, api: api, base: configured, listening: listening, scheme: scheme)
        }
        router.on("/**", method: .patch) { request, context in
            await Self.serve(request, api: api, base: configured, listening: listening, scheme: scheme)
        }
        router.on("/**", method: .delete) { request, context in
            await Self.serve(request, api: api, base: configured, listening: listening, scheme: scheme)
        }
        let server: HTTPServerBuilder = try tls.map { try .tls(.http1(), tlsConfiguration: $0.serverConfiguration()) } ?? .http1()
        let app = Application(
            router: router, server: server, configuration: .init(address: .hostname(host, port: port), serverName: "zendesk-sandbox"),
            onServerRunning: { channel in continuation.yield(channel.localAddress?.port ?? 0) }, logger: logger
        )
        let state = api.state
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await app.runService(gracefulShutdownSignals: []) }
            // Fills the render cache while the server starts and serves; it ends on its own, the server does not.
            let warming = Task(priority: .background) { await state.warmRenderCache() }
            defer { warming.cancel() }
            var iterator = ports.makeAsyncIterator()
            if let port = await iterator.next() {
                listening.port.withLock { $0 = port }
                await onListening("\(scheme)://\(host):\(port)")
            }
            try await group.next()
        }
    }

    static func serve(_ request: Request, api: SandboxAPI, base configured: String?, listening: ListeningPort, scheme: String) async -> Response {
        var request = request
        let path = request.uri.path
        let base = configured ?? "\(scheme)://\(request.head.authority ?? "127.0.0.1:\(listening.port.withLock { $0 })")"
        let body = (try? await request.collectBody(upTo: 16 * 1024 * 1024)).map { Array($0.readableBytesView) } ?? []
        let sandboxRequest = Self.parse(
            method: request.method.rawValue, path: path, query: request.uri.query, authorization: request.headers[.authorization], body: body
        )
        let r = await api.handle(sandboxRequest, path: path, now: api.state.now(), base: base)
        var fields = HTTPFields()
        for (name, value) in r.headers {
            if let n = HTTPField.Name(name) { fields[n] = value }
        }
        if r.dropConnection {
            // Promise a long body, send the start of it, then fail the write: the server closes the connection.
            let start = ByteBuffer(bytes: r.body)
            return Response(
                status: .init(code: r.status), headers: fields,
                body: ResponseBody(contentLength: 64 * 1024) { writer in
                    try await writer.write(start)
                    throw CancellationError()
                }
            )
        }
        return Response(status: .init(code: r.status), headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: r.body)))
    }
}

/// Fixtures that could not be loaded; the message is Zendesk's error body, naming the record.
public struct SandboxFixtureError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}

/// The port the server ended up on (known only once it listens).
final class ListeningPort: Sendable {
    let port = Mutex<Int>(0)
}
