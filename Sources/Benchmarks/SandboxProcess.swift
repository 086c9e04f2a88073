import Foundation

/// `syncbridge sandbox` in a process of its own (this very binary), so that its CPU and memory are not counted as the
/// measured process's, and it runs as users run it: with its render cache on.
final class SandboxProcess {
    let process = Process()
    let url: String

    /// Starts the sandbox with `arguments` (after `sandbox --port 0`) and waits until it says where it listens.
    init(arguments: [String]) throws {
        let output = Pipe()
        process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL
        process.arguments = ["sandbox", "--port", "0"] + arguments
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        var text = ""
        let marker = "Zendesk sandbox listening on "
        while !text.contains(marker) || !text[text.range(of: marker)!.upperBound...].contains("\n") {
            let chunk = output.fileHandleForReading.availableData
            guard !chunk.isEmpty else { throw APIClientError("the sandbox exited before it listened") }
            text += String(decoding: chunk, as: UTF8.self)
        }
        let line = text[text.range(of: marker)!.upperBound...].prefix { $0 != "\n" }
        url = String(line).trimmingCharacters(in: .whitespaces)
    }

    deinit { stop() }

    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
    }
}
