#if canImport(Glibc)
import Glibc
#endif

/// A child that could not be started: the program and posix_spawn's error.
public struct SpawnError: Error, Sendable, CustomStringConvertible {
    public let path: String
    public let code: Int32

    public var description: String { "cannot run \(path): \(String(cString: strerror(code)))" }
}
