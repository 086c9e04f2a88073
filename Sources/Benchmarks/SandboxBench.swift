import ArgumentParser
import AsyncHTTPClient
import Foundation
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1
import ZendeskSandbox

/// Pages per second the sandbox serves (100-ticket cursor pages and 1000-ticket incremental pages), beside a
/// baseline: a plain Hummingbird route answering the same bytes, measured in the same run with the same client.
/// Over HTTP the client shares the machine; the in-process figures (one task, so one core, no sockets) show what a
/// page costs the sandbox itself, with tickets rendered afresh and from the render cache.
public struct SandboxBench: AsyncParsableCommand {
    public init() {}

    public static let configuration = CommandConfiguration(commandName: "sandbox", abstract: "Zendesk sandbox throughput.")

    @Option(help: "Tickets in the sandbox") var tickets: Int = 100_000
    @Option(help: "Requests per measurement") var requests: Int = 4000
    @Option(help: "Concurrent client connections") var concurrency: Int = 8

    public func run() async throws {
        var logger = Logger(label: "bench")
        logger.logLevel = .critical
        var c = SandboxConfiguration()
        c.tickets = tickets
        c.recentWindow = 0
        let client = HTTPClient(
            eventLoopGroupProvider: .singleton,
            configuration: .init(connectionPool: .init(idleTimeout: .seconds(30), concurrentHTTP1ConnectionsPerHostSoftLimit: concurrency)))
        let started = ContinuousClock.now
        let sandbox = ZendeskSandbox(configuration: c, httpClient: nil, logger: logger)
        let auth = "Basic " + Data("admin@example.com/token:sandbox-token".utf8).base64EncodedString()
        try await withThrowingTaskGroup(of: Void.self) { group in
            let (urls, cont) = AsyncStream<String>.makeStream()
            group.addTask { try await sandbox.run { cont.yield($0) } }
            var it = urls.makeAsyncIterator()
            guard let base = await it.next() else { return }
            print("sandbox with \(tickets) tickets ready in \(ContinuousClock.now - started)")
            let n = tickets
            // Page `i`: 100 tickets after a spread-out id, the same pages over HTTP and in-process.
            let pageTarget = { @Sendable (i: Int) -> String in
                let after = Int64((i * 7919) % max(1, n - 100))
                let cursor = Data("{\"o\":\"id\",\"v\":\(after)}".utf8).base64EncodedString().addingPercentEncoding(
                    withAllowedCharacters: .alphanumerics)!
                return "/api/v2/tickets.json?page%5Bsize%5D=100&page%5Bafter%5D=\(cursor)"
            }
            let page = try await Self.measure(client: client, requests: requests, concurrency: concurrency, auth: auth) { base + pageTarget($0) }
            let sample = try await Self.fetch(client: client, url: "\(base)/api/v2/tickets.json?page%5Bsize%5D=100", auth: auth)
            let export = try await Self.measure(client: client, requests: max(100, requests / 10), concurrency: concurrency, auth: auth) { i in
                "\(base)/api/v2/incremental/tickets/cursor.json?start_time=\(Int64(1_672_000_000 + (i * 9973) % 60_000_000))"
            }
            // Baseline: the same bytes from a route that does no work.
            let router = Router()
            let body = ByteBuffer(bytes: sample)
            router.get("/page") { _, _ in Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: body)) }
            let app = Application(
                router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                onServerRunning: { cont.yield("http://127.0.0.1:\($0.localAddress?.port ?? 0)") }, logger: logger)
            group.addTask { try await app.runService(gracefulShutdownSignals: []) }
            guard let staticBase = await it.next() else { return }
            let baseline = try await Self.measure(client: client, requests: requests, concurrency: concurrency, auth: auth) { _ in
                "\(staticBase)/page"
            }
            print("100-ticket cursor pages: \(Int(page)) pages/s (\(Int(page * 100)) tickets/s), response \(sample.count / 1024) KiB")
            print("1000-ticket incremental export pages: \(Int(export)) pages/s (\(Int(export * 1000)) tickets/s)")
            print("baseline (same bytes, no work): \(Int(baseline)) responses/s")
            print(String(format: "ratio sandbox/baseline: %.2f", page / baseline))
            var uncached = c
            uncached.renderCacheMiB = 0
            let cold = await Self.inProcess(
                ZendeskSandbox(configuration: uncached, httpClient: nil, logger: logger), base: base, pages: requests, auth: auth, target: pageTarget)
            let warm = await Self.inProcess(sandbox, base: base, pages: requests, auth: auth, target: pageTarget)
            print("in-process, one core: \(Int(cold)) pages/s rendering every ticket, \(Int(warm)) pages/s from the render cache (target 5000)")
            group.cancelAll()
        }
        try await client.shutdown()
    }

    /// Pages per second answered by `respond` in one task, after one untimed pass over the same pages.
    static func inProcess(_ sandbox: ZendeskSandbox, base: String, pages: Int, auth: String, target: (Int) -> String) async -> Double {
        for i in 0..<min(pages, 50) { _ = await sandbox.respond(target: target(i), authorization: auth, base: base) }
        let start = ContinuousClock.now
        for i in 0..<pages {
            let r = await sandbox.respond(target: target(i), authorization: auth, base: base)
            precondition(r.status == 200 && !r.body.isEmpty)
        }
        let elapsed = ContinuousClock.now - start
        return Double(pages) / (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
    }

    static func fetch(client: HTTPClient, url: String, auth: String) async throws -> [UInt8] {
        var request = HTTPClientRequest(url: url)
        request.headers.add(name: "Authorization", value: auth)
        let response = try await client.execute(request, timeout: .seconds(30))
        return Array(try await response.body.collect(upTo: 64 << 20).readableBytesView)
    }

    /// Requests per second with `concurrency` workers sharing `requests` requests.
    static func measure(client: HTTPClient, requests: Int, concurrency: Int, auth: String, url: @escaping @Sendable (Int) -> String) async throws
        -> Double
    {
        let clock = ContinuousClock()
        let elapsed = try await clock.measure {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for worker in 0..<concurrency {
                    group.addTask {
                        var i = worker
                        while i < requests {
                            let bytes = try await fetch(client: client, url: url(i), auth: auth)
                            precondition(!bytes.isEmpty)
                            i += concurrency
                        }
                    }
                }
                try await group.waitForAll()
            }
        }
        return Double(requests) / (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
    }
}
