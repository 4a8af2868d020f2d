/// An error a command reports on stderr as one line, with its exit code:
/// 1 when the operation was refused, 2 for bad usage or input.
struct CLIFailure: Error {
    var message: String
    var exitCode: Int32

    static func refused(_ message: String) -> CLIFailure { CLIFailure(message: message, exitCode: 1) }
    static func badInput(_ message: String) -> CLIFailure { CLIFailure(message: message, exitCode: 2) }
}
