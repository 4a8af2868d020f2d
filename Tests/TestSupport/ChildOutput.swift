/// Where a spawned test child's stdout and stderr go.
public enum ChildOutput: Sendable {
    /// Both to /dev/null.
    case discarded
    /// Both to one file, in order (created or truncated).
    case combined(String)
    /// stdout and stderr to files of their own (created or truncated).
    case separate(stdout: String, stderr: String)
}
