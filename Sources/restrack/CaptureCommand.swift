import ArgumentParser
import Foundation
import HostProbes
import TrackerCore

/// `restrack capture DIR [--tar FILE]`: the files restrack reads from this
/// host, copied into DIR so `--root DIR` replays the host (topology,
/// processes, cgroups, drivers) in a test or a bug report. No environment
/// and no command lines are copied, only what restrack reads.
struct CaptureCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "capture",
        abstract: "Copy the host files restrack reads into DIR, for --root DIR (no environment, no command lines).")

    @Argument(help: ArgumentHelp("A new or empty directory to write the captured tree to.", valueName: "DIR"),
              completion: .directory)
    var directory: String

    @Option(name: .customLong("tar"), help: ArgumentHelp("Also pack the tree into this tar file.", valueName: "FILE"),
            completion: .file())
    var tarFile: String?

    func run() throws {
        let summary: HostCapture.Summary
        do {
            summary = try HostCapture(destination: directory).run()
        } catch {
            switch error {
            case .notEmpty: throw CLIFailure.refused(SafeText.strip(error.description))
            case .cannotCreate: throw CLIFailure.badInput(SafeText.strip(error.description))
            }
        }
        if let tarFile { try pack(into: tarFile) }
        var line = "captured \(summary.files) files and \(summary.links) links into \(directory)"
        if summary.skipped > 0 { line += " (\(summary.skipped) vanished or unreadable, skipped)" }
        if let tarFile { line += "; packed into \(tarFile)" }
        print(SafeText.strip(line))
    }

    private func pack(into file: String) throws(CLIFailure) {
        let tar = Process()
        tar.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        tar.arguments = ["tar", "-cf", file, "-C", directory, "."]
        do {
            try tar.run()
        } catch {
            throw CLIFailure.badInput("--tar \(file): cannot run tar (\(error.localizedDescription)); the tree is in \(directory)")
        }
        tar.waitUntilExit()
        guard tar.terminationStatus == 0 else {
            throw CLIFailure.badInput("--tar \(file): tar exited \(tar.terminationStatus); the tree is in \(directory)")
        }
    }
}
