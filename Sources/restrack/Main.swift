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
