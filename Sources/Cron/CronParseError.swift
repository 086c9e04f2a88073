/// Why a cron expression was rejected, naming the field at fault.
public struct CronParseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The field at fault, or `nil` when the expression as a whole is malformed (wrong field count, unknown macro).
    public let field: CronField?
    /// What is wrong.
    public let message: String

    /// Creates an error.
    public init(field: CronField?, message: String) {
        self.field = field
        self.message = message
    }

    public var description: String {
        guard let field else { return message }
        return "\(field.name): \(message)"
    }
}
