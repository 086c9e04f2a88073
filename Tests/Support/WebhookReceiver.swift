import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// A real HTTP server on loopback that records every delivery and answers with a status the test chooses.
public final class WebhookReceiver: Sendable {
    /// One received request.
    public struct Delivery: Sendable {
        public let path: String
        /// Header values by lowercase name.
        public let headers: [String: String]
        public let body: String
    }

    private let state = LockedState()

    /// Creates a receiver that answers 200 until told otherwise.
    public init() {}

    /// Every delivery so far, in arrival order.
    public var deliveries: [Delivery] { state.withLock { $0.deliveries } }

    /// Answer with `status` from now on.
    public func respond(with status: Int) { state.withLock { $0.status = status } }

    /// Answer the next `count` deliveries with `status`, then go back to the usual answer.
    public func failNext(_ count: Int, with status: Int) { state.withLock { $0.failures = (count, status) } }

    /// Answer `status` to the first delivery of `event`, then go back to the usual answer.
    public func answer(_ event: String, with status: Int) { state.withLock { $0.eventAnswers[event] = status } }

    /// Send these headers with every answer from now on (`webhook-delivery: abort`).
    public func answerHeaders(_ headers: [String: String]) { state.withLock { $0.headers = headers } }

    /// Before answering the first delivery of `event`, runs `action` (which may wait: the sender waits with it).
    public func beforeAnswering(_ event: String, _ action: @Sendable @escaping () async -> Void) {
        state.withLock { $0.holds[event] = action }
    }

    /// Before answering every delivery from now on, runs `action` with the body (after any one-time hold).
    public func beforeAnsweringEach(_ action: @Sendable @escaping (String) async -> Void) {
        state.withLock { $0.eachHold = action }
    }

    /// Runs the receiver on a random port for the duration of `body`, which gets its base URL.
    public func run<R: Sendable>(_ body: @Sendable @escaping (String) async throws -> R) async throws -> R {
        try await whileServing(
            { (address: @Sendable @escaping (Int) -> Void) in
                let app = Application(
                    router: self.makeRouter(), configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                    onServerRunning: { address($0.localAddress?.port ?? 0) }, logger: TestStores.logger
                )
                try await app.runService(gracefulShutdownSignals: [])
            }, { port in try await body("http://127.0.0.1:\(port)") })
    }

    func makeRouter() -> Router<BasicRequestContext> {
        let router = Router()
        router.post("/**") { request, _ -> Response in
            var request = request
            let bytes = try await request.collectBody(upTo: 64 * 1024 * 1024)
            var headers: [String: String] = [:]
            for field in request.headers { headers[field.name.canonicalName.lowercased()] = field.value }
            let body = String(buffer: bytes)
            let hold = self.state.withLock { s in
                s.holds.first { body.contains("\"event\":\"\($0.key)\"") }.map {
                    s.holds[$0.key] = nil
                    return $0.value
                }
            }
            await hold?()
            if let each = self.state.withLock({ $0.eachHold }) { await each(body) }
            let status = self.state.withLock { s in
                s.deliveries.append(Delivery(path: request.uri.path, headers: headers, body: body))
                if s.failures.count > 0 {
                    s.failures.count -= 1
                    return s.failures.status
                }
                for (event, status) in s.eventAnswers where body.contains("\"event\":\"\(event)\"") {
                    s.eventAnswers[event] = nil
                    return status
                }
                return s.status
            }
            var fields = HTTPFields()
            for (name, value) in self.state.withLock({ $0.headers }) {
                if let n = HTTPField.Name(name) { fields[n] = value }
            }
            return Response(status: .init(code: status), headers: fields)
        }
        return router
    }
}

/// Mutable receiver state behind a lock.
final class LockedState: @unchecked Sendable {
    struct Values {
        var deliveries: [WebhookReceiver.Delivery] = []
        var status = 200
        var failures: (count: Int, status: Int) = (0, 200)
        var eventAnswers: [String: Int] = [:]
        var holds: [String: @Sendable () async -> Void] = [:]
        var eachHold: (@Sendable (String) async -> Void)?
        var headers: [String: String] = [:]
    }

    private let lock = NSLock()
    private var values = Values()

    func withLock<T>(_ body: (inout Values) -> T) -> T {
        lock.lock()
        defer { lock.unlock() }
        return body(&values)
    }
}
