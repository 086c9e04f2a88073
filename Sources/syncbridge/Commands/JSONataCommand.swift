import ArgumentParser
import Foundation
import JSONata

/// `syncbridge jsonata '<expression>'`: the quickest way to try a sync job's query.
struct JSONataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "jsonata",
        abstract: "Evaluate a JSONata expression against JSON input; prints the result as JSON (nothing when undefined).",
        discussion: """
            Input comes from --input, else from standard input when it is not a terminal, else there is none.
            Errors print their JSONata code and position, and exit with status 1.
            Example: syncbridge jsonata "{ 'updated_at': { 'gt': args.since ? args.since : previous_run_date } }" \\
                       --input scope.json
            """
    )

    @Argument(help: "The JSONata expression")
    var expression: String

    @Option(help: "A JSON file to evaluate against (default: standard input when piped)")
    var input: String?

    @Option(help: "Variables as a JSON object, e.g. '{\"x\": 1}' (available as $x)")
    var bindings: String?

    @Flag(help: "Print the result on one line")
    var compact = false

    func run() throws {
        let compiled: JSONataExpression
        do throws(JSONataError) {
            compiled = try JSONataExpression(expression)
        } catch {
            fail(error)
        }
        let data = try inputValue()
        var variables: [String: Value] = [:]
        if let bindings {
            guard case .object(let o) = try parse(bindings, what: "--bindings") else { throw ValidationError("--bindings must be a JSON object") }
            for (k, v) in o.pairs { variables[k] = v }
        }
        do throws(JSONataError) {
            guard let result = try compiled.evaluate(data, bindings: variables) else { return }
            print(try result.jsonText(indent: compact ? nil : 2))
        } catch {
            fail(error)
        }
    }

    func fail(_ error: JSONataError) -> Never {
        FileHandle.standardError.write(
            Data("error \(error.code) at position \(error.position)\(error.token.map { " (\($0))" } ?? ""): \(error.message)\n".utf8))
        Foundation.exit(1)
    }

    func inputValue() throws -> Value? {
        if let input {
            guard let text = try? String(contentsOfFile: input, encoding: .utf8) else { throw ValidationError("cannot read input file \(input)") }
            return try parse(text, what: "input")
        }
        guard isatty(FileHandle.standardInput.fileDescriptor) == 0 else { return nil }
        let text = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
        return text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? nil : try parse(text, what: "input")
    }

    func parse(_ text: String, what: String) throws -> Value {
        do {
            return try JSONText.parse(text)
        } catch {
            throw ValidationError("\(what) is not JSON: \(error.message)")
        }
    }
}
