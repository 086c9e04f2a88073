import JSONata

/// Evaluates `expression` in a detached task (a cooperative thread of its own, with its stack) and returns the code
/// of the error it ends with, or nil when it evaluates. With `cancelledFirst`, the task is cancelled before the
/// evaluation starts.
func detachedErrorCode(
    _ expression: JSONataExpression, limits: JSONataExpression.Limits = .init(), cancelledFirst: Bool = false
) async -> String? {
    await Task.detached { () -> String? in
        if cancelledFirst { withUnsafeCurrentTask { $0?.cancel() } }
        do throws(JSONataError) {
            _ = try expression.evaluate(nil, limits: limits)
            return nil
        } catch {
            return error.code
        }
    }.value
}
