import Foundation

/// The source of time for everything that stamps, schedules or waits: "now", and waits measured on the same clock.
/// Injected, so tests control time — a ``ManualClock`` in one process, or a clock several processes follow.
public protocol WallClock: Sendable {
    /// The current instant.
    func now() -> Date
    /// Waits until `duration` has passed on this clock; throws `CancellationError` when the task is cancelled.
    func sleep(for duration: Duration) async throws
}

extension WallClock {
    /// Waits `duration` of real time (clocks that move with real time need nothing else).
    public func sleep(for duration: Duration) async throws {
        try await Task.sleep(for: duration)
    }
}

/// The real clock.
public struct SystemWallClock: WallClock {
    public init() {}
    public func now() -> Date { Date() }
}

extension Duration {
    /// The duration in milliseconds, as a floating-point number.
    public var milliseconds: Double {
        Double(components.seconds) * 1000 + Double(components.attoseconds) / 1e15
    }
}
