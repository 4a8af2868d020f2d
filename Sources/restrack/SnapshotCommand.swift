import ArgumentParser
import TrackerCore

/// `restrack snapshot`: what this host (or a captured tree) has, as the
/// fit contract's host JSON plus `warnings`. Garbled sysfs files are
/// warnings and exit 0; an unreadable root or config is exit 2.
struct SnapshotCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "snapshot", abstract: "Print this host's snapshot as fit-contract JSON.")

    @OptionGroup var source: HostSourceOptions

    @Flag(help: "Indent the JSON for reading.")
    var pretty = false

    func run() throws {
        let snapshot = try source.loadSnapshot()
        print(ContractJSON.encode(snapshot, pretty: pretty))
    }
}
