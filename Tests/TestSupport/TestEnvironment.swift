import Foundation
import Testing

/// What a test needs from the machine (root, a tool on PATH, a kernel
/// feature), decided in one place. Outside CI a missing need skips the part
/// that needs it with a printed note; with `CI=true` it is a recorded
/// failure, so a CI run cannot pass by testing nothing.
public enum TestEnvironment {
    /// `CI=true` (also `1` or `yes`), as CI services set it.
    public static var isCI: Bool {
        guard let value = ProcessInfo.processInfo.environment["CI"]?.lowercased() else { return false }
        return ["true", "1", "yes"].contains(value)
    }

    public static var isRoot: Bool { geteuid() == 0 }

    /// True when `met`. Otherwise false, after recording an issue naming
    /// `need` under CI, or printing that the part was skipped elsewhere.
    public static func require(_ met: Bool, _ need: String, ci: Bool = isCI, note: (String) -> Void = { print($0) },
                        sourceLocation: SourceLocation = #_sourceLocation) -> Bool {
        if met { return true }
        if ci {
            Issue.record("CI=true and this test needs \(need)", sourceLocation: sourceLocation)
        } else {
            note("skipped at \(sourceLocation.fileName):\(sourceLocation.line): needs \(need) (a failure with CI=true)")
        }
        return false
    }

    /// The first executable called `name` in a PATH directory, then in the
    /// usual system directories (a test runner may pass a bare PATH); nil
    /// when there is none. A `name` holding a slash is taken as a path.
    public static func executable(named name: String) -> String? {
        let fm = FileManager.default
        if name.contains("/") { return fm.isExecutableFile(atPath: name) ? name : nil }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let dirs = path.split(separator: ":").map(String.init).filter { !$0.isEmpty }
            + ["/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"]
        for dir in dirs {
            let candidate = dir + "/" + name
            var isDir: ObjCBool = false
            if fm.fileExists(atPath: candidate, isDirectory: &isDir), !isDir.boolValue, fm.isExecutableFile(atPath: candidate) {
                return candidate
            }
        }
        return nil
    }
}
