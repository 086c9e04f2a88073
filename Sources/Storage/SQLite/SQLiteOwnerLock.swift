import Foundation
import SyncBridgeCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An exclusive lock beside a SQLite database file, held by the one process that runs the engine on it. SQLite is
/// safe for many readers and short-lived writers (`token create`, `migrate`), but the run queue needs one owner; a
/// second `serve` or `worker` on the same file is refused instead of racing the first. The kernel drops the lock when
/// the process exits, however it exits.
final class SQLiteOwnerLock: Sendable {
    let descriptor: Int32

    init(databasePath: String) throws {
        let path = databasePath + ".owner.lock"
        let fd = open(path, O_CREAT | O_RDWR, 0o644)
        guard fd >= 0 else {
            throw SyncBridgeError(.conflict, code: "database_lock_failed", message: "cannot open \(path): \(String(cString: strerror(errno)))")
        }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            var buffer = [UInt8](repeating: 0, count: 32)
            let n = pread(fd, &buffer, buffer.count, 0)
            let pid = n > 0 ? String(decoding: buffer[0..<n], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) : "?"
            close(fd)
            throw SyncBridgeError(
                .conflict, code: "database_in_use",
                message: "\(databasePath) is already used by another SyncBridge process (pid \(pid)). SQLite allows one serve, worker or demo "
                    + "per database file: stop the other one, or use PostgreSQL (SYNCBRIDGE_DATABASE_URL=postgres://…) to run several workers."
            )
        }
        let pid = Array("\(getpid())\n".utf8)
        _ = ftruncate(fd, 0)
        _ = pwrite(fd, pid, pid.count, 0)
        descriptor = fd
    }

    deinit { close(descriptor) }
}
