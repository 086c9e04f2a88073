import Foundation

/// Finds the shared conformance suites: `SYNCBRIDGE_CONFORMANCE_DIR`, else `../shared/conformance` from the package.
public enum Conformance {
    /// The folder, or `nil` when it is absent (tests then report themselves skipped with the reason).
    public static var directory: URL? {
        let fm = FileManager.default
        if let env = ProcessInfo.processInfo.environment["SYNCBRIDGE_CONFORMANCE_DIR"], fm.fileExists(atPath: env) {
            return URL(fileURLWithPath: env)
        }
        // #filePath is …/Tests/Support/Conformance.swift; the package root is two folders up.
        let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let candidate = packageRoot.deletingLastPathComponent().appendingPathComponent("shared/conformance")
        return fm.fileExists(atPath: candidate.path) ? candidate : nil
    }

    /// Why conformance tests are skipped when ``directory`` is nil.
    public static let missingReason = "conformance suites not found: set SYNCBRIDGE_CONFORMANCE_DIR or place them at ../shared/conformance"
}
