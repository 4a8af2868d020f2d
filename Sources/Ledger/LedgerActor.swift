import Foundation

/// Who did something, as the audit log records it: taken from the kernel
/// (uid, pid) and the passwd database, never from environment variables that
/// any caller can set.
public struct LedgerActor: Sendable, Hashable {
    public var uid: UInt32
    public var user: String
    public var pid: Int32
    public var host: String

    public init(uid: UInt32, user: String, pid: Int32, host: String) {
        self.uid = uid
        self.user = user
        self.pid = pid
        self.host = host
    }

    /// The current process.
    public static func current() -> LedgerActor {
        let uid = getuid()
        var user = "uid \(uid)"
        if let pw = getpwuid(uid), let name = pw.pointee.pw_name {
            user = String(cString: name)
        }
        var buf = [CChar](repeating: 0, count: 256)
        let host = gethostname(&buf, buf.count - 1) == 0
            ? String(decoding: buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) : "unknown"
        return LedgerActor(uid: uid, user: user, pid: getpid(), host: host)
    }
}
