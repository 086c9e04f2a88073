import Foundation
import SyncBridgeTestSupport
import Testing

@testable import JSONata

/// Runs every case of the official JSONata test suite and checks the pass count against the committed baseline,
/// which only ever goes up.
@Suite struct JSONataConformanceTests {
    @Test func officialSuite() async throws {
        guard let root = Conformance.require("jsonata")?.appendingPathComponent("jsonata") else {
            return
        }
        // Evaluation recurses: the suite runs on a thread with a large stack, as a server would run deep expressions.
        // The cases are loaded there too: JSONata values are not Sendable.
        let tally = try await offPool(stackSize: 512 << 20) { ConformanceRunner.run(try ConformanceCase.load(root)) }
        print("jsonata: \(tally.passed) passed, \(tally.failed) failed, \(tally.skipped) skipped (of \(tally.passed + tally.failed + tally.skipped))")
        for failure in tally.failures { print("  ✗ \(failure)") }
        let baselineURL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("conformance-baseline.json")
        let baseline = try JSONText.parse(String(contentsOf: baselineURL, encoding: .utf8)).objectValue?["passed"]?.number ?? 0
        #expect(Double(tally.passed) >= baseline, "the pass count fell below the committed baseline (\(Int(baseline)))")
    }
}

/// One case of the suite.
struct ConformanceCase {
    let name: String
    let expression: String
    let input: Value?
    let bindings: [String: Value]
    let expected: Expected
    let depth: Int?
    let timeLimit: Int?

    enum Expected {
        case result(Value)
        case undefined
        case error(String)
    }

    static func load(_ root: URL) throws -> [ConformanceCase] {
        let fm = FileManager.default
        let groupsDir = root.appendingPathComponent("groups")
        var datasets: [String: Value] = [:]
        for url in try fm.contentsOfDirectory(at: root.appendingPathComponent("datasets"), includingPropertiesForKeys: nil)
        where url.pathExtension == "json" {
            datasets[url.deletingPathExtension().lastPathComponent] = try JSONText.parse(String(contentsOf: url, encoding: .utf8))
        }
        var out: [ConformanceCase] = []
        for group in try fm.contentsOfDirectory(atPath: groupsDir.path).sorted() {
            let dir = groupsDir.appendingPathComponent(group)
            for file in try fm.contentsOfDirectory(atPath: dir.path).sorted() where file.hasSuffix(".json") {
                let json = try JSONText.parse(String(contentsOf: dir.appendingPathComponent(file), encoding: .utf8))
                let list: [Value] = json.arrayValue?.items ?? [json]
                for (i, c) in list.enumerated() {
                    guard case .object(let o) = c else { continue }
                    var expression = o["expr"]?.string ?? ""
                    if let exprFile = o["expr-file"]?.string {
                        expression = try String(contentsOf: dir.appendingPathComponent(exprFile), encoding: .utf8)
                    }
                    var input: Value? = o["data"]
                    if let name = o["dataset"]?.string { input = datasets[name] }
                    var bindings: [String: Value] = [:]
                    for (k, v) in o["bindings"]?.objectValue?.pairs ?? [] { bindings[k] = v }
                    let expected: Expected
                    if let code = o["code"]?.string ?? o["error"]?.objectValue?["code"]?.string {
                        expected = .error(code)
                    } else if let r = o["result"] {
                        expected = .result(r)
                    } else {
                        expected = .undefined
                    }
                    out.append(
                        ConformanceCase(
                            name: "\(group)/\(file)\(list.count > 1 ? "#\(i)" : "")", expression: expression, input: input, bindings: bindings,
                            expected: expected, depth: o["depth"]?.number.map { Int($0) }, timeLimit: o["timelimit"]?.number.map { Int($0) }
                        )
                    )
                }
            }
        }
        return out
    }
}

enum ConformanceRunner {
    struct Tally: Sendable {
        var passed = 0, failed = 0, skipped = 0
        var failures: [String] = []
    }

    static func run(_ cases: [ConformanceCase]) -> Tally {
        var tally = Tally()
        for c in cases {
            let outcome = run(c)
            if let problem = outcome {
                tally.failed += 1
                tally.failures.append("\(c.name): \(c.expression.prefix(120).replacingOccurrences(of: "\n", with: " ")) — \(problem)")
            } else {
                tally.passed += 1
            }
        }
        return tally
    }

    /// nil when the case passes, else what went wrong.
    static func run(_ c: ConformanceCase) -> String? {
        var limits = JSONataExpression.Limits(maxDepth: c.depth ?? 10_000, timeLimit: .milliseconds(c.timeLimit ?? 10_000))
        if c.depth != nil { limits.maxDepth = c.depth! }
        let got: Value?
        do {
            let expression = try JSONataExpression(c.expression)
            got = try expression.evaluate(c.input, bindings: c.bindings, limits: limits)
        } catch {
            if case .error(let code) = c.expected {
                let codeMatches = code == error.code || (code == "U1001" && error.code == "U1002")
                return codeMatches ? nil : "expected \(code), got \(error.code): \(error.message)"
            }
            return "unexpected error \(error.code): \(error.message)"
        }
        switch c.expected {
        case .error(let code): return "expected error \(code), got \(describe(got))"
        case .undefined: return got == nil ? nil : "expected undefined, got \(describe(got))"
        case .result(let r): return Semantics.deepEqual(normalize(got), r) ? nil : "expected \(describe(r)), got \(describe(got))"
        }
    }

    /// What JSON.stringify would keep: sequences as arrays, functions dropped from objects.
    static func normalize(_ v: Value?) -> Value? {
        switch v {
        case .array(let a)?: return .list(a.items.compactMap { normalize($0) ?? .null })
        case .object(let o)?:
            let out = JObject()
            for (k, x) in o.pairs { if let n = normalize(x) { out[k] = n } }
            return .object(out)
        case .function?: return nil
        default: return v
        }
    }

    static func describe(_ v: Value?) -> String {
        guard let v else { return "undefined" }
        var out = ""
        try? JSONText.write(v, into: &out, indent: nil, level: 0)
        return String(out.prefix(200))
    }
}
