import Foundation
import SyncBridgeTestSupport
import Testing
import ZendeskSandbox

/// Runs the built `syncbridge` executable as a separate process, the way people and scripts do.
struct CLIProcess {
    /// The executable next to the test bundle in the build folder.
    static var executable: URL {
        var dir = Bundle.main.bundleURL
        for candidate in [dir, dir.deletingLastPathComponent()] {
            let url = candidate.appendingPathComponent("syncbridge")
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        return dir.appendingPathComponent("syncbridge")
    }

    struct Result: Sendable {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    /// Runs to completion, on a thread of its own (see `offPool`).
    static func run(_ arguments: [String], environment: [String: String] = [:], directory: URL) async throws -> Result {
        try await offPool { try runBlocking(arguments, environment: environment, directory: directory) }
    }

    static func runBlocking(_ arguments: [String], environment: [String: String], directory: URL) throws -> Result {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = directory
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // stderr is read on a thread of its own so that neither pipe can fill up and block the child.
        let stderrReader = PipeReader(err.fileHandleForReading)
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = stderrReader.wait()
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self), stderr: String(decoding: stderr, as: UTF8.self))
    }

    /// Starts `syncbridge serve` on a free port and returns the process and its base URL once it listens. The
    /// blocking reads happen on a thread of their own: a cooperative thread blocked here would stall the in-process
    /// sandbox and receiver the server talks to.
    static func serve(database: String, directory: URL, extra: [String] = [], environment: [String: String] = [:]) async throws -> (Process, String) {
        try await offPool { try serveBlocking(database: database, directory: directory, extra: extra, environment: environment) }
    }

    /// Waits for a process to end without blocking a cooperative thread.
    static func waitForExit(_ process: Process) async {
        await offPool { process.waitUntilExit() }
    }

    static func serveBlocking(database: String, directory: URL, extra: [String], environment: [String: String] = [:]) throws -> (Process, String) {
        let process = Process()
        process.executableURL = executable
        process.arguments = ["serve", "--port", "0", "--database-url", database] + extra
        process.currentDirectoryURL = directory
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        // Reads until the listen line or end of output. No wall-clock deadline: on a loaded two-core CI machine
        // start-up can take long, and a process that dies closes its stderr, which ends the loop.
        var seen = ""
        while true {
            let chunk = err.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            seen += String(decoding: chunk, as: UTF8.self)
            if let range = seen.range(of: #"url=http://127\.0\.0\.1:\d+"#, options: .regularExpression) {
                drain(err.fileHandleForReading)
                return (process, String(seen[range].dropFirst(4)))
            }
        }
        process.waitUntilExit()
        throw CLIError(message: "serve exited with status \(process.terminationStatus) before reporting its URL: \(seen)")
    }

    /// Keeps reading a pipe until its end, so a chatty process never blocks on a full pipe buffer.
    private static func drain(_ handle: FileHandle) {
        Thread.detachNewThread {
            while !handle.availableData.isEmpty {}
        }
    }

    /// Starts `syncbridge worker` (engine only); its log goes to `log` in `directory`.
    static func worker(database: String, directory: URL, log: String, extra: [String] = [], environment: [String: String] = [:]) throws -> Process {
        let process = Process()
        process.executableURL = executable
        process.arguments = ["worker", "--database-url", database] + extra
        process.currentDirectoryURL = directory
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        let url = directory.appendingPathComponent(log)
        FileManager.default.createFile(atPath: url.path, contents: nil)
        process.standardError = try FileHandle(forWritingTo: url)
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        return process
    }

    struct CLIError: Error { let message: String }

    /// The database URL of a fresh PostgreSQL schema, as a process is given it.
    static func postgresDatabase(_ location: TestStores.Location) throws -> String {
        let base = try #require(TestStores.postgresURL)
        return base + (base.contains("?") ? "&" : "?") + "search_path=\(location.name)"
    }

    /// A new API token in the database, made by `syncbridge token create`.
    static func token(database: String, directory: URL) async throws -> String {
        let created = try await run(["token", "create", "--name", "t", "--database-url", database], directory: directory)
        #expect(created.status == 0, "\(created.stderr)")
        return created.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// A sandbox with `tickets` tickets (no recent-change window; `configure` may change more) and a webhook receiver,
/// both in this process, for `body(sandboxURL, receiverURL)`.
func withSandboxAndReceiver<R: Sendable>(
    tickets: Int, receiver: WebhookReceiver, configure: (inout SandboxConfiguration) -> Void = { _ in },
    _ body: @Sendable @escaping (String, String) async throws -> R
) async throws -> R {
    var configuration = SandboxConfiguration()
    configuration.tickets = tickets
    configuration.recentWindow = 0
    configure(&configuration)
    let sandbox = ZendeskSandbox(configuration: configuration, httpClient: HTTPClientForTests.shared, logger: TestStores.logger)
    return try await whileServing({ (address: @Sendable @escaping (String) -> Void) in try await sandbox.run { address($0) } }) { sandboxURL in
        try await receiver.run { receiverURL in try await body(sandboxURL, receiverURL) }
    }
}

/// Reads a pipe to its end on a thread of its own; `wait()` blocks (off the cooperative pool) until it has.
private final class PipeReader: @unchecked Sendable {
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)

    init(_ handle: FileHandle) {
        Thread.detachNewThread {
            self.data = handle.readDataToEndOfFile()
            self.done.signal()
        }
    }

    func wait() -> Data {
        done.wait()
        return data
    }
}
