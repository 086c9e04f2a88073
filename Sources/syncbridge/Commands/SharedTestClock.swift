import AsyncHTTPClient
import Foundation
import JSONCore
import Logging
import NIOCore
import NIOHTTP1
import ServiceLifecycle
import SyncBridgeCore
import Synchronization

/// Test-only: the Zendesk sandbox's virtual clock, followed by every process started with
/// `SYNCBRIDGE_TEST_CLOCK=<sandbox URL>`, so a test moves time for all of them at once (`POST /__sandbox/clock`).
/// "Now" is the real clock plus the sandbox's offset, read every ``interval``; a wait ends when that now has moved by
/// its duration, so a backoff of an hour ends as soon as the test moves the sandbox an hour on. Production never
/// sets the variable, and nothing else reads it.
final class SharedTestClock: WallClock, Service {
    static let variable = "SYNCBRIDGE_TEST_CLOCK"

    let url: String
    let client: HTTPClient
    let logger: Logger
    /// How often the offset is read, and how often a wait looks at the clock again.
    let interval: Duration = .milliseconds(50)
    private let offset = Mutex<TimeInterval>(0)

    /// The clock the variable asks for, synchronized once; nil when it is not set.
    static func fromEnvironment(client: HTTPClient, logger: Logger) async throws -> SharedTestClock? {
        guard let url = ProcessInfo.processInfo.environment[variable], !url.isEmpty else { return nil }
        let clock = SharedTestClock(url: url, client: client, logger: logger)
        try await clock.synchronize()
        logger.warning("following the test clock of \(url) (\(variable)); never set this in production")
        return clock
    }

    init(url: String, client: HTTPClient, logger: Logger) {
        self.url = url.hasSuffix("/") ? String(url.dropLast()) : url
        self.client = client
        self.logger = logger
    }

    func now() -> Date { Date().addingTimeInterval(offset.withLock { $0 }) }

    func sleep(for duration: Duration) async throws {
        let until = now().addingTimeInterval(Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18)
        while true {
            let left = until.timeIntervalSince(now())
            if left <= 0 { return }
            try await Task.sleep(for: min(interval, .milliseconds(Int64(left * 1000) + 1)))
        }
    }

    /// Reads the sandbox's offset.
    func synchronize() async throws {
        let response = try await client.execute(HTTPClientRequest(url: url + "/__sandbox/clock"), timeout: .seconds(10))
        let body = try await response.body.collect(upTo: 64 * 1024)
        guard response.status == .ok, let seconds = try JSONParser.parse(String(buffer: body))["offset_seconds"]?.numberValue else {
            throw SharedTestClockError(message: "\(url)/__sandbox/clock answered \(response.status.code) without offset_seconds")
        }
        offset.withLock { $0 = seconds }
    }

    /// Follows the sandbox until shutdown; a failed read keeps the last offset.
    func run() async throws {
        try await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    try await self.synchronize()
                } catch is CancellationError {
                    return
                } catch {
                    self.logger.debug("test clock not read", metadata: ["error": "\(error)"])
                }
                try? await Task.sleep(for: self.interval)
            }
        }
    }
}

struct SharedTestClockError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}
