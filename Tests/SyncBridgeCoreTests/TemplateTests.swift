import SyncBridgeCore
import Testing

@Suite struct TemplateTests {
    let scope: JSONValue = [
        "args": ["ticket_ids": ["1", "2"], "start": "2023-07-23T18:10:56.072Z", "n": 5],
        "previous_run_date": "0001-01-01T00:00:00.000Z",
        "resources": ["ticketing": ["tickets": ["id": 42, "requester": ["id": 7]]]],
    ]

    @Test func wholePlaceholderKeepsTheJSONType() throws {
        #expect(try Template(parsing: "{{args.ticket_ids}}").render(in: scope) == ["1", "2"])
        #expect(try Template(parsing: "{{resources.ticketing.tickets.id}}").render(in: scope) == 42)
        #expect(try Template(parsing: "{{ resources.ticketing.tickets.requester.id }}").render(in: scope) == 7)
    }

    @Test func embeddedPlaceholdersAreStringified() throws {
        #expect(try Template(parsing: "t-{{resources.ticketing.tickets.id}}/{{args.n}}").render(in: scope) == "t-42/5")
        #expect(try Template(parsing: "x{{args.missing}}y").render(in: scope) == "xy")
    }

    @Test func conditionalFallbackTakesTheFirstDefinedValue() throws {
        #expect(try Template(parsing: "{{args.ticket_sync_start_date|previous_run_date}}").render(in: scope) == "0001-01-01T00:00:00.000Z")
        #expect(try Template(parsing: "{{args.start|previous_run_date}}").render(in: scope) == "2023-07-23T18:10:56.072Z")
        #expect(try Template(parsing: "{{args.a|args.b}}").render(in: scope) == nil)
    }

    @Test(arguments: [
        ("{{args.x", "unclosed '{{'"), ("{{}}", "empty placeholder '{{}}'"), ("{{args.x|}}", "empty alternative in '{{args.x|}}'"),
        ("{{foo.bar}}", "'foo.bar' must start with one of args, previous_run_date, resources, sync_job_run"),
        ("{{args}}", "'args' needs a field after 'args'"), ("{{args..x}}", "'args..x' is not a dot path"),
        ("a}}", "'}}' without a matching '{{'"), ("{{previous_run_date.x}}", "previous_run_date has no fields"),
    ])
    func malformedPlaceholdersAreRejected(text: String, message: String) {
        #expect(throws: TemplateError(message)) { try Template(parsing: text) }
    }

    @Test func renderingAQueryDropsMembersThatResolveToNothing() {
        let query: JSONValue = ["ticket_id": "{{resources.ticketing.tickets.id}}", "since": "{{args.missing}}", "k": ["gt": "{{previous_run_date}}"]]
        #expect(query.renderingTemplates(in: scope) == ["ticket_id": 42, "k": ["gt": "0001-01-01T00:00:00.000Z"]])
    }
}
