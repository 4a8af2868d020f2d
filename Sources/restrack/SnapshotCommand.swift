import ArgumentParser

struct SnapshotCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "snapshot", abstract: "Print this host's snapshot as fit-contract JSON.")

    func run() throws {
        throw CLIFailure.badInput("snapshot is not implemented yet")
    }
}
