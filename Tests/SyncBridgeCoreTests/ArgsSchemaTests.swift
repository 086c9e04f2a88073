import SyncBridgeCore
import Testing

@Suite struct ArgsSchemaTests {
    @Test func seedShorthandIsAMapOfArgumentSchemas() throws {
        let schema = try ArgsSchema(["ticket_sync_start_date": ["type": "string", "format": "date-time"]])
        #expect(schema.schema == ["type": "object", "properties": ["ticket_sync_start_date": ["type": "string", "format": "date-time"]]])
        #expect(schema.check(["ticket_sync_start_date": "2023-07-23T18:10:56.072Z"]).isEmpty)
        #expect(schema.check([:]).isEmpty)
        #expect(
            schema.check(["ticket_sync_start_date": "yesterday"])
                == [FieldFailure(path: "args.ticket_sync_start_date", message: "\"yesterday\" is not a valid date-time")]
        )
    }

    @Test func fullSchemasAreUsedAsGiven() throws {
        let schema = try ArgsSchema([
            "type": "object", "required": ["ticket_ids"], "additionalProperties": false,
            "properties": ["ticket_ids": ["type": "array", "items": ["type": "string"], "minItems": 1]],
        ])
        #expect(schema.check(["ticket_ids": ["1"]]).isEmpty)
        #expect(
            Set(schema.check(["ticket_ids": ["1", 2], "extra": true]))
                == [
                    FieldFailure(path: "args.ticket_ids[1]", message: "must be string, but is integer"),
                    FieldFailure(path: "args.extra", message: "is not an allowed property"),
                ]
        )
        #expect(schema.check([:]) == [FieldFailure(path: "args.ticket_ids", message: "is required")])
    }

    @Test func invalidSchemasAreRejectedWithTheirPath() {
        do {
            _ = try ArgsSchema(["ticket_ids": ["type": "list"]])
            Issue.record("accepted an unknown type")
        } catch {
            #expect(error.kind == .unprocessable)
            #expect(error.failures.first?.path == "args_schema.ticket_ids.type")
        }
        do {
            _ = try ArgsSchema(["type": "object", "properties": ["a": ["pattern": "(unclosed"]]])
            Issue.record("accepted an invalid pattern")
        } catch {
            #expect(
                error.failures == [FieldFailure(path: "args_schema.properties.a.pattern", message: "'(unclosed' is not a valid regular expression")])
        }
    }
}
