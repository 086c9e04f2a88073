import JSONCore
import JSONSchema
import Testing

/// Errors say where (in instance and schema) and why.
@Suite struct ValidationErrorTests {
    @Test func errorsCarryBothLocations() throws {
        let v = try JSONSchemaValidator(schema: [
            "type": "object",
            "properties": ["when": ["type": "string", "format": "date-time"], "n": ["type": "integer", "minimum": 1]],
            "required": ["when"],
        ])
        #expect(v.validate(["when": "2024-01-01T00:00:00Z", "n": 3]).isEmpty)
        let errors = v.validate(["when": "yesterday", "n": 0.5])
        #expect(errors.count == 3)
        #expect(
            Set(errors.map { "\($0.instanceLocation) \($0.keywordLocation) \($0.message)" }) == [
                "/n /properties/n/type must be integer, but is number",
                "/n /properties/n/minimum must be at least 1",
                "/when /properties/when/format \"yesterday\" is not a valid date-time",
            ]
        )
        #expect(v.validate([:]) == [ValidationError(instanceLocation: "/when", keywordLocation: "/required", message: "is required")])
    }

    @Test func formatIsAnAnnotationWhenAssertionIsOff() throws {
        let v = try JSONSchemaValidator(schema: ["format": "email"], options: .init(formatAssertion: false))
        #expect(v.isValid("not an email"))
        let strict = try JSONSchemaValidator(schema: ["format": "email"])
        #expect(!strict.isValid("not an email"))
        #expect(strict.isValid("a@example.com"))
    }

    /// A pattern that backtracks catastrophically (`(a+)+$` against forty a's and a `!`, about 2^40 steps) fails
    /// validation when the budget runs out, for `pattern` and for `patternProperties` alike, instead of wedging the
    /// caller. (ICU gives up by itself only after seconds, and then reports no match.) The suite's time limit turns
    /// a regression into a failure.
    @Test(.timeLimit(.minutes(1))) func catastrophicPatternsFailWithinTheBudget() throws {
        var options = JSONSchemaValidator.Options()
        options.regexBudget = .milliseconds(100)
        let evil = String(repeating: "a", count: 40) + "!"
        let v = try JSONSchemaValidator(
            schema: [
                "type": "object", "properties": ["s": ["pattern": "^(a+)+$"]],
                "patternProperties": ["^(a+)+$": ["type": "integer"]],
            ], options: options)
        let errors = v.validate(["s": .string(evil), .init(stringLiteral: evil): "x"])
        #expect(
            errors.map { "\($0.instanceLocation) \($0.keywordLocation) \($0.message)" }.sorted() == [
                "/\(evil) /patternProperties/^(a+)+$ the pattern took too long to match this property name (it backtracks catastrophically); simplify it",
                "/s /properties/s/pattern the pattern ^(a+)+$ took too long to match (it backtracks catastrophically); simplify it",
            ])
        // Ordinary patterns still match within it.
        #expect(v.validate(["s": "aaa", "aa": 3]).isEmpty)
    }

    @Test func invalidSchemasAreRejected() {
        #expect(throws: SchemaError.self) { try JSONSchemaValidator(schema: 3) }
        #expect(throws: SchemaError(keywordLocation: "/pattern", message: "'(' is not a valid regular expression")) {
            try JSONSchemaValidator(schema: ["pattern": "("])
        }
    }

    @Test func unresolvableReferencesFailValidation() throws {
        let v = try JSONSchemaValidator(schema: ["$ref": "https://example.com/missing.json"])
        #expect(v.validate(1).first?.message == "cannot resolve reference 'https://example.com/missing.json'")
    }

    /// A chain of 100,000 references (each definition refers to the next) stops at the validator's depth limit with
    /// an error instead of overflowing the stack.
    @Test func referenceChainsHundredThousandDeepStopAtTheLimit() async throws {
        let n = 100_000
        var defs: [String: JSONValue] = [:]
        for i in 0..<n { defs["d\(i)"] = ["$ref": .string("#/$defs/d\(i + 1)")] }
        defs["d\(n)"] = ["type": "integer"]
        let v = try JSONSchemaValidator(schema: ["$ref": "#/$defs/d0", "$defs": .object(defs)])
        let errors = await Task.detached { v.validate(1) }.value
        #expect(errors.map(\.message) == ["schema references nest too deeply (a $ref loop?)"])
        #expect(errors.first?.instanceLocation == "")
    }
}
