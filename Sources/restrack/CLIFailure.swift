import TrackerCore
import Ledger

/// An error a command reports on stderr as one line, with its exit code:
/// 1 when the operation was refused, 2 for bad usage or input.
struct CLIFailure: Error {
    var message: String
    var exitCode: Int32

    static func refused(_ message: String) -> CLIFailure { CLIFailure(message: message, exitCode: 1) }
    static func badInput(_ message: String) -> CLIFailure { CLIFailure(message: message, exitCode: 2) }
}

extension CLIFailure {
    /// Whatever the ledger refuses, an unknown claim id included, is exit 1.
    /// The sentence can quote what the caller typed (a claim id), so it
    /// reaches the terminal without control characters.
    init(_ error: LedgerError) {
        self = .refused(SafeText.strip(error.description))
    }
}

extension CLIFailure {
    /// Reports on stdout too when the caller asked for JSON, then rethrows.
    func reported(json: Bool) -> CLIFailure {
        if json { OutputText.printJSON(ErrorView(error: message, exitCode: exitCode)) }
        return self
    }
}
