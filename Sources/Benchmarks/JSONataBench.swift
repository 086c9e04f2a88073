import ArgumentParser
import Foundation
import JSONata

/// JSONata throughput: compile time and evaluations per second for the seed's query and a representative set of
/// expressions, each beside the same computation hand-written in Swift over the same values (the baseline).
public struct JSONataBench: ParsableCommand {
    public init() {}

    public static let configuration = CommandConfiguration(commandName: "jsonata", abstract: "JSONata compile and evaluation speed.")

    @Option(help: "Evaluations per expression") var iterations = 20_000

    static let orders = """
        {"Account": {"Name": "Firefly", "Order": [
          {"OrderID": "order103", "Product": [
            {"Name": "Bowler Hat", "ProductID": 858383, "Price": 34.45, "Quantity": 2, "Description": {"Colour": "Purple", "Weight": 0.75}},
            {"Name": "Trilby hat", "ProductID": 858236, "Price": 21.67, "Quantity": 1, "Description": {"Colour": "Orange", "Weight": 0.6}}]},
          {"OrderID": "order104", "Product": [
            {"Name": "Bowler Hat", "ProductID": 858383, "Price": 34.45, "Quantity": 4, "Description": {"Colour": "Purple", "Weight": 0.75}},
            {"Name": "Cloak", "ProductID": 345664, "Price": 107.99, "Quantity": 1, "Description": {"Colour": "Black", "Weight": 2}}]}]}}
        """
    static let scope =
        #"{"args": {"ticket_sync_start_date": "2024-01-01T00:00:00Z"}, "previous_run_date": "2025-05-05T00:00:00.000Z", "resources": {}}"#

    struct Case {
        let name: String
        let expression: String
        let input: String
        /// The same result computed directly in Swift.
        let baseline: (Value) -> Value?
    }

    static var cases: [Case] {
        [
            Case(
                name: "seed 000 query",
                expression: "{ 'updated_at': { 'gt': args.ticket_sync_start_date ? args.ticket_sync_start_date : previous_run_date } }", input: scope
            ) { v in
                let args = v.objectValue?["args"]?.objectValue
                let since = args?["ticket_sync_start_date"] ?? v.objectValue?["previous_run_date"] ?? .null
                return .object(JObject([("updated_at", .object(JObject([("gt", since)])))]))
            },
            Case(name: "sum of price × quantity", expression: "$sum(Account.Order.Product.(Price * Quantity))", input: orders) { v in
                var total = 0.0
                for case .object(let order) in v.objectValue?["Account"]?.objectValue?["Order"]?.arrayValue?.items ?? [] {
                    for case .object(let p) in order["Product"]?.arrayValue?.items ?? [] {
                        total += (p["Price"]?.number ?? 0) * (p["Quantity"]?.number ?? 0)
                    }
                }
                return .number(total)
            },
            Case(
                name: "filter + object constructor", expression: "Account.Order.Product[Price > 30].{'name': Name, 'colour': Description.Colour}",
                input: orders
            ) { v in
                var out: [Value] = []
                for case .object(let order) in v.objectValue?["Account"]?.objectValue?["Order"]?.arrayValue?.items ?? [] {
                    for case .object(let p) in order["Product"]?.arrayValue?.items ?? [] where (p["Price"]?.number ?? 0) > 30 {
                        out.append(.object(JObject([("name", p["Name"]!), ("colour", p["Description"]!.objectValue!["Colour"]!)])))
                    }
                }
                return .list(out)
            },
            Case(name: "group by + sort", expression: "Account.Order.Product^(>Price){Name: $sum(Quantity)}", input: orders) { v in
                var totals: [(String, Double)] = []
                var products: [JObject] = []
                for case .object(let order) in v.objectValue?["Account"]?.objectValue?["Order"]?.arrayValue?.items ?? [] {
                    for case .object(let p) in order["Product"]?.arrayValue?.items ?? [] { products.append(p) }
                }
                products.sort { ($0["Price"]?.number ?? 0) > ($1["Price"]?.number ?? 0) }
                for p in products {
                    let name = p["Name"]?.string ?? ""
                    if let i = totals.firstIndex(where: { $0.0 == name }) {
                        totals[i].1 += p["Quantity"]?.number ?? 0
                    } else {
                        totals.append((name, p["Quantity"]?.number ?? 0))
                    }
                }
                return .object(JObject(totals.map { ($0.0, .number($0.1)) }))
            },
            Case(name: "string functions", expression: "$join(Account.Order.Product.$uppercase($substring(Name, 0, 3)), ',')", input: orders) { v in
                var parts: [String] = []
                for case .object(let order) in v.objectValue?["Account"]?.objectValue?["Order"]?.arrayValue?.items ?? [] {
                    for case .object(let p) in order["Product"]?.arrayValue?.items ?? [] {
                        parts.append(String((p["Name"]?.string ?? "").prefix(3)).uppercased())
                    }
                }
                return .string(parts.joined(separator: ","))
            },
        ]
    }

    public func run() throws {
        print("JSONata benchmark: \(iterations) evaluations per expression; baseline = the same result hand-written in Swift")
        for c in Self.cases {
            let input = try JSONText.parse(c.input)
            let clock = ContinuousClock()
            var compiled: JSONataExpression?
            let compileRounds = 2_000
            let compileTime = try clock.measure {
                for _ in 0..<compileRounds { compiled = try JSONataExpression(c.expression) }
            }
            guard let expression = compiled else { continue }
            let expected = c.baseline(input)
            let got = try expression.evaluate(input)
            guard try got?.jsonText() == expected?.jsonText() else {
                throw ValidationError(
                    "\(c.name): JSONata gave \(try got?.jsonText() ?? "undefined"), the baseline \(try expected?.jsonText() ?? "undefined")")
            }
            var sink = 0
            let evalTime = try clock.measure {
                for _ in 0..<iterations { if try expression.evaluate(input) != nil { sink += 1 } }
            }
            let baseTime = clock.measure {
                for _ in 0..<iterations { if c.baseline(input) != nil { sink += 1 } }
            }
            let perSecond = Double(iterations) / Self.seconds(evalTime)
            let basePerSecond = Double(iterations) / Self.seconds(baseTime)
            let compileMicros = Self.seconds(compileTime) / Double(compileRounds) * 1e6
            print(
                "  \(c.name.padding(toLength: 28, withPad: " ", startingAt: 0))"
                    + String(
                        format: "%9.0f evals/s  compile %6.1f µs  baseline %10.0f/s  ratio %.3f", perSecond, compileMicros, basePerSecond,
                        perSecond / basePerSecond)
            )
            precondition(sink > 0)
        }
    }

    static func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18 }
}
