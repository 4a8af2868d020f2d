import ArgumentParser

struct FitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fit", abstract: "Decide where a request would land; changes nothing.")

    func run() throws {
        throw CLIFailure.badInput("fit is not implemented yet")
    }
}
