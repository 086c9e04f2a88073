import SyncBridgeCore
import Testing

@Suite struct SyncJobValidatorTests {
    func failures(_ resources: [SyncJobResource]) -> [FieldFailure] {
        let collector = FailureCollector()
        SyncJobValidator().validate(resources, failures: collector)
        return collector.failures
    }

    @Test func seedJobIsValid() {
        #expect(
            failures([
                .init(resource: "ticketing/users", method: "list"), .init(resource: "ticketing/contacts", method: "list"),
                .init(resource: "ticketing/tickets", method: "list", query: ["updated_at": ["gt": "{{previous_run_date}}"]]),
                .init(
                    resource: "ticketing/comments", method: "list", query: ["ticket_id": "{{resources.ticketing.tickets.id}}"],
                    dependsOn: "ticketing/tickets"
                ),
                .init(resource: "tickets", method: "get", id: "{{args.ticket_ids}}", loopOn: "{{args.ticket_ids}}"),
            ]).isEmpty
        )
    }

    @Test func unknownDependencyIsNamed() {
        #expect(
            failures([.init(resource: "ticketing/comments", method: "list", dependsOn: "ticketing/tickets")])
                == [FieldFailure(path: "resources[0].depends_on", message: "'ticketing/tickets' is not one of this job's resources")]
        )
    }

    @Test func cyclesAreReportedOnce() {
        let f = failures([
            .init(resource: "a", method: "list", dependsOn: "c"), .init(resource: "b", method: "list", dependsOn: "a"),
            .init(resource: "c", method: "list", dependsOn: "b"), .init(resource: "d", method: "list", dependsOn: "c"),
        ])
        #expect(f == [FieldFailure(path: "resources[0].depends_on", message: "dependency cycle: a → c → b → a")])
    }

    @Test func selfDependencyIsRejected() {
        #expect(
            failures([.init(resource: "a", method: "list", dependsOn: "a")])
                == [FieldFailure(path: "resources[0].depends_on", message: "a resource cannot depend on itself")]
        )
    }

    @Test func methodsAreChecked() {
        let f = failures([
            .init(resource: "ticketing/tickets", method: "search"), .init(resource: "tickets", method: "delete"),
            .init(resource: "tickets", method: "get"), .init(resource: "tickets", method: "show_many"),
        ])
        #expect(
            f == [
                FieldFailure(path: "resources[0].method", message: "must be 'list' or 'get' for a unified resource"),
                FieldFailure(path: "resources[1].method", message: "'delete' writes data; sync jobs only read"),
                FieldFailure(path: "resources[2].id", message: "is required when method is 'get'"),
            ]
        )
    }

    @Test func placeholdersMustReferToAnAncestor() {
        let f = failures([
            .init(resource: "ticketing/tickets", method: "list"),
            .init(resource: "ticketing/comments", method: "list", query: ["ticket_id": "{{resources.ticketing.tickets.id}}"]),
            .init(resource: "x", method: "list", query: ["a": ["b": "{{args.q"]]),
            .init(resource: "y", method: "list", loopOn: "ids: {{args.ids}}"),
        ])
        #expect(
            f == [
                FieldFailure(
                    path: "resources[1].query.ticket_id",
                    message:
                        "'resources.ticketing.tickets.id' does not name a field of a resource this one depends on (this resource has no depends_on)"
                ),
                FieldFailure(path: "resources[2].query.a.b", message: "malformed placeholder: unclosed '{{'"),
                FieldFailure(path: "resources[3].loop_on", message: "must be a single placeholder such as '{{args.ticket_ids}}'"),
            ]
        )
    }
}
