import Foundation
import NIOHTTP1
import SyncBridgeCore
import SyncBridgeServer
import SyncBridgeTestSupport
import Testing

/// Limits on what one request may be or take: its target, its header fields, the time its head and its body take
/// to arrive. Each is refused with the error envelope (or the connection closed), and the server goes on answering.
@Suite struct RequestLimitsTests {
    func withLimitedAPI<R: Sendable>(
        idle: Duration = .seconds(30), body: Duration = .seconds(30), _ run: @Sendable @escaping (APIHarness, Int) async throws -> R
    ) async throws -> R {
        var configuration = APIConfiguration(host: "127.0.0.1", port: 0)
        configuration.idleTimeout = idle
        configuration.bodyReadTimeout = body
        return try await withStore(.sqlite) { store in
            try await withAPI(store: store, configuration: configuration) { api in
                try await run(api, Int(api.baseURL.split(separator: ":").last!)!)
            }
        }
    }

    @Test func longTargetsAndLargeHeadersAreRefused() async throws {
        try await withLimitedAPI { api, _ in
            let long = try await api.request(.GET, "/webhook?is_active=" + String(repeating: "x", count: 9 * 1024))
            #expect(long.status == 414)
            #expect(long.string("code") == "uri_too_long")
            #expect(long.string("message") == "The request target is 9235 bytes; at most 8192 are read. Send long input in a body.")

            let many = try await api.request(.GET, "/webhook", headers: (0..<100).map { ("x-h\($0)", "v") })
            #expect(many.status == 431)
            #expect(many.string("code") == "headers_too_large")
            let large = try await api.request(.GET, "/webhook", headers: [("x-big", String(repeating: "b", count: 40 * 1024))])
            #expect(large.status == 431)
            #expect(large.string("code") == "headers_too_large")

            // Just inside the limits.
            #expect(try await api.request(.GET, "/webhook?is_active=true&" + String(repeating: "x", count: 100)).status == 400)
            #expect(try await api.request(.GET, "/webhook", headers: [("x-big", String(repeating: "b", count: 16 * 1024))]).status == 200)
        }
    }

    /// Slowloris: 40 connections send a request head a byte now and then and never finish it. The server keeps
    /// answering others, and closes each slow connection once it has gone the idle timeout without a complete part.
    @Test func slowRequestHeadsAreCutOffAndOthersAreServed() async throws {
        try await withLimitedAPI(idle: .seconds(1)) { api, port in
            // (Were they never closed, each receive would give up after 20 s.)
            let slow = try await offPool { try (0..<40).map { _ in try RawConnection(port: port, receiveTimeout: 20) } }
            for connection in slow { connection.send("GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: ") }
            let dripping = Task.detached {
                // A byte every 200 ms on each: never a complete head.
                for _ in 0..<100 {
                    if Task.isCancelled { return }
                    for connection in slow { connection.send("a") }
                    try? await Task.sleep(for: .milliseconds(200))
                }
            }
            for _ in 0..<10 {
                #expect(try await api.request(.GET, "/health", authenticated: false).status == 200)
            }
            let outcomes = await withTaskGroup(of: (text: String, closed: Bool).self) { group in
                for connection in slow { group.addTask { await offPool { connection.receiveUntilClosed() } } }
                return await group.reduce(into: []) { $0.append($1) }
            }
            dripping.cancel()
            #expect(outcomes.allSatisfy { $0.closed }, "every slow connection was closed by the server")
            #expect(outcomes.allSatisfy { $0.text.isEmpty }, "none got an answer: no request was ever complete")
            #expect(try await api.request(.GET, "/health", authenticated: false).status == 200)
        }
    }

    /// A body that stops arriving gets 408 `request_timeout` once the body deadline passes.
    @Test func slowBodiesGetRequestTimeout() async throws {
        try await withLimitedAPI(idle: .seconds(30), body: .seconds(1)) { api, port in
            let answer = try await offPool { () throws -> String in
                let connection = try RawConnection(port: port, receiveTimeout: 60)
                connection.send(
                    "POST /webhook HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \(api.token)\r\nContent-Type: application/json\r\n"
                        + "Content-Length: 100\r\n\r\n{\"target_url\": "
                )
                return connection.receiveUntilClosed().text
            }
            #expect(answer.hasPrefix("HTTP/1.1 408 Request Timeout\r\n"), "\(answer)")
            let body = try JSONParser.parse(String(answer.split(separator: "\r\n\r\n", maxSplits: 1).last ?? ""))
            #expect(body["code"] == "request_timeout")
            #expect(body["message"] == "The request body did not arrive within 1 seconds.")
            #expect(try await api.request(.GET, "/webhook").status == 200)
        }
    }
}
