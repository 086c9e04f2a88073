import Foundation
import Testing

/// Finds the shared conformance suites: `SYNCBRIDGE_CONFORMANCE_DIR`, else `../shared/conformance` from the package.
public enum Conformance {
    /// The folder, or `nil` when it is absent (see ``require(_:)``).
    public static var directory: URL? {
        let fm = FileManager.default
        // Set explicitly, it is the only place looked at.
        if let env = ProcessInfo.processInfo.environment["SYNCBRIDGE_CONFORMANCE_DIR"], !env.isEmpty {
            return fm.fileExists(atPath: env) ? URL(fileURLWithPath: env) : nil
        }
        // #filePath is …/Tests/Support/Conformance.swift; the package root is two folders up.
        let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let candidate = packageRoot.deletingLastPathComponent().appendingPathComponent("shared/conformance")
        return fm.fileExists(atPath: candidate.path) ? candidate : nil
    }

    /// Why conformance tests cannot run when ``directory`` is nil.
    public static let missingReason = "conformance suites not found: set SYNCBRIDGE_CONFORMANCE_DIR or place them at ../shared/conformance"

    /// `SYNCBRIDGE_ALLOW_MISSING_CONFORMANCE=1`: the one way to run without the suites.
    public static var missingAllowed: Bool { ProcessInfo.processInfo.environment["SYNCBRIDGE_ALLOW_MISSING_CONFORMANCE"] == "1" }

    /// The folder, or, when it is missing: a recorded failure (the suites are evidence, never skipped silently),
    /// unless ``missingAllowed``, and then `nil` with the opt-out printed.
    public static func require(_ suite: String) -> URL? {
        if let directory { return directory }
        if missingAllowed {
            print("\(suite): NOT RUN (SYNCBRIDGE_ALLOW_MISSING_CONFORMANCE=1): \(missingReason)")
        } else {
            Issue.record(Comment(rawValue: "\(suite): \(missingReason) (or set SYNCBRIDGE_ALLOW_MISSING_CONFORMANCE=1 to run without them)"))
        }
        return nil
    }
}
