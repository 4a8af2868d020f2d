import Foundation

/// Where the running binary is, for finding what is installed beside it
/// (`<bindir>/../share/restrack/themes`). `argv[0]` is not enough: a binary
/// started through `PATH` gets only its bare name there, which would point
/// the search at the current directory.
public enum ExecutableLocation {
    public static var path: String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        if n > 0 {
            return String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
        // No /proc (macOS, or a chroot without it): Foundation's own lookup.
        return Bundle.main.executablePath ?? CommandLine.arguments.first ?? ""
    }
}
