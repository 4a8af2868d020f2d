#if canImport(Glibc)
import Glibc
#endif

/// Loopback ports for tests that need one nobody listens on.
public enum LoopbackPort {
    /// A port on 127.0.0.1 the kernel just handed out and nothing listens
    /// on now (its socket is closed again); nil when none could be had.
    public static func free() -> UInt16? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &addr) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) == 0 && getsockname(fd, $0, &len) == 0 }
        }
        return bound ? UInt16(bigEndian: addr.sin_port) : nil
    }
}
