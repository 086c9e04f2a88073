import Foundation
import JSONCore
import JSONSchema
import SyncBridgeTestSupport
import Testing

/// Runs the official JSON-Schema-Test-Suite (drafts 2020-12 and 7: required, optional, optional/format) and checks
/// the pass counts against the committed baseline, which only ever goes up.
@Suite struct JSONSchemaConformanceTests {
    struct Tally: Sendable {
        var passed = 0, failed = 0
        var failures: [String] = []
    }

    /// The suite's folder; nil (with the failure or the opt-out recorded) when the suites are missing.
    static func suiteDirectory() throws -> URL? {
        Conformance.require("JSON Schema")?.appendingPathComponent("json-schema")
    }

    static func remotes(_ root: URL) throws -> [String: JSONValue] {
        var out: [String: JSONValue] = [:]
        let base = root.appendingPathComponent("remotes")
        let enumerator = FileManager.default.enumerator(at: base, includingPropertiesForKeys: nil)!
        for case let url as URL in enumerator where url.pathExtension == "json" {
            let relative = url.path.dropFirst(base.path.count + 1)
            out["http://localhost:1234/\(relative)"] = try JSONParser.parse(String(contentsOf: url, encoding: .utf8))
        }
        return out
    }

    static func run(files: [URL], draft: SchemaDraft, formatAssertion: Bool, remotes: [String: JSONValue]) throws -> Tally {
        var tally = Tally()
        for file in files.sorted(by: { $0.path < $1.path }) {
            guard case .array(let groups) = try JSONParser.parse(String(contentsOf: file, encoding: .utf8)) else { continue }
            for group in groups {
                let description = group["description"]?.stringValue ?? "?"
                let validator = try? JSONSchemaValidator(
                    schema: group["schema"]!, options: .init(formatAssertion: formatAssertion, defaultDraft: draft), remotes: remotes
                )
                for test in group["tests"]?.arrayValue ?? [] {
                    let expected = test["valid"]?.boolValue ?? false
                    let got = validator?.isValid(test["data"]!)
                    if got == expected {
                        tally.passed += 1
                    } else {
                        tally.failed += 1
                        tally.failures.append(
                            "\(file.lastPathComponent): \(description) / \(test["description"]?.stringValue ?? "?") (expected \(expected))")
                    }
                }
            }
        }
        return tally
    }

    static func files(_ dir: URL) -> [URL] {
        ((try? FileManager.default.contentsOfDirectory(at: dir, includingPropertiesForKeys: nil)) ?? []).filter { $0.pathExtension == "json" }
    }

    static func baseline() throws -> [String: Int] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("conformance-baseline.json")
        let json = try JSONParser.parse(String(contentsOf: url, encoding: .utf8))
        return (json.objectValue ?? [:]).compactMapValues { $0.numberValue.map { Int($0) } }
    }

    @Test(arguments: [("draft2020-12", SchemaDraft.draft2020_12), ("draft7", SchemaDraft.draft7)])
    func suite(folder: String, draft: SchemaDraft) async throws {
        guard let root = try Self.suiteDirectory() else { return }
        let remotes = try Self.remotes(root)
        let dir = root.appendingPathComponent(folder)
        let parts: [(String, [URL], Bool)] = [
            ("required", Self.files(dir), false),
            ("optional", Self.files(dir.appendingPathComponent("optional")), false),
            ("format", Self.files(dir.appendingPathComponent("optional/format")), true),
        ]
        let baseline = try Self.baseline()
        for (name, files, formats) in parts {
            let tally = try await offPool { try Self.run(files: files, draft: draft, formatAssertion: formats, remotes: remotes) }
            print("json-schema \(folder) \(name): \(tally.passed) passed, \(tally.failed) failed")
            for failure in tally.failures.prefix(40) { print("  ✗ \(failure)") }
            let key = "\(folder)/\(name)"
            let floor = baseline[key] ?? 0
            #expect(tally.passed >= floor, "\(key): \(tally.passed) passed, below the baseline of \(floor)")
            if name == "required" { #expect(tally.failed == 0, "\(key): every required test must pass") }
        }
    }
}
