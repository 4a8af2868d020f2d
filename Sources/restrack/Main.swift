import ArgumentParser
import Foundation
import TrackerCore

/// Entry point. Maps outcomes onto restrack's exit codes: 0 ok, 1 the
/// operation was refused, 2 bad usage or input (swift-argument-parser's own
/// usage errors would otherwise exit 64).
@main
enum Main {
    static func main() {
        do {
            // `restrack fit --batch DIR`, the form a corpus is run with,
            // goes straight to the batch without swift-argument-parser's
            // reflection over every subcommand, which would dominate a
            // short batch's start-up. Any other spelling (`--batch=DIR`, extra options, a DIR that
            // looks like an option) takes the parser's path, same result.
            let args = CommandLine.arguments
            if args.count == 4, args[1] == "fit", args[2] == "--batch", !args[3].hasPrefix("-") {
                if try FitBatch.run(directory: args[3]) { throw ExitCode(2) }
                return
            }
            var command = try Restrack.parseAsRoot()
            try command.run()
        } catch let exit as ExitCode {
            Foundation.exit(exit.rawValue)
        } catch let failure as CLIFailure {
            FileHandle.standardError.write(Data(("restrack: " + SafeText.strip(failure.message) + "\n").utf8))
            Foundation.exit(failure.exitCode)
        } catch {
            let code = Restrack.exitCode(for: error)
            let message = Restrack.fullMessage(for: error)
            if code == .success {
                if !message.isEmpty { print(message) }
                Foundation.exit(0)
            }
            if !message.isEmpty { FileHandle.standardError.write(Data((message + "\n").utf8)) }
            Foundation.exit(2)
        }
    }
}
