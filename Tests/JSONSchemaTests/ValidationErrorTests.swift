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
