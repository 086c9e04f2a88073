import ArgumentParser
import Foundation
import JSONSchema
import SyncBridgeCore

struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check JSON against a JSON Schema (or a sync job's args_schema shorthand); prints 'valid' or the errors."
    )

    @Option(help: "The schema file (a full JSON Schema, or an args_schema map of argument name to schema)")
    var schema: String

    @Option(help: "The JSON to check (default: standard input)")
    var input: String?

    func run() throws {
        let schemaValue = try read(schema, what: "schema")
        let data =
            try input.map { try read($0, what: "input") }
            ?? parse(String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self), what: "input")
        let args: ArgsSchema
        do {
            args = try ArgsSchema(schemaValue)
        } catch {
            for f in error.failures { FileHandle.standardError.write(Data("schema error: \(f.path): \(f.message)\n".utf8)) }
            throw ExitCode(2)
        }
        let validator = try JSONSchemaValidator(schema: args.schema)
        let errors = validator.validate(data)
        if errors.isEmpty {
            print("valid")
            return
        }
        for e in errors { print("\(e.instanceLocation.isEmpty ? "/" : e.instanceLocation): \(e.message)  [\(e.keywordLocation)]") }
        throw ExitCode(1)
    }

    func read(_ path: String, what: String) throws -> JSONValue {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw ValidationError("cannot read \(what) file \(path)") }
        return try parse(text, what: what)
    }

    func parse(_ text: String, what: String) throws -> JSONValue {
        do {
            return try JSONParser.parse(text)
        } catch {
            throw ValidationError("\(what) is not JSON: \(error.description)")
        }
    }
}
