import Foundation
import HostProbes
import Testing
import TrackerCore

/// The one snapshot loader of the CLI and the dashboard.
@Suite struct SnapshotLoaderTests {
    static func hostJSON(_ name: String) -> String {
        #"{"hostname": "\#(name)", "cells": [{"id": 0, "cpus": [0, 1], "memory_mb": 1024}]}"#
    }

    @Test func aHostFileIsReadAgainOnlyWhenItChanges() throws {
        let dir = NSTemporaryDirectory() + "/restrack-loader-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/h.json"
        try Self.hostJSON("first").write(toFile: path, atomically: false, encoding: .utf8)
        let loader = SnapshotLoader(hostFile: path, probe: ProbeOptions())
        #expect(try loader.load().hostname == "first")
        // Rewritten (new size, new mtime): the next load sees it.
        try Self.hostJSON("second-name").write(toFile: path, atomically: false, encoding: .utf8)
        #expect(try loader.load().hostname == "second-name")
        // Replaced by rename, same size: a new inode, so seen too.
        try Self.hostJSON("third-name!").write(toFile: dir + "/new.json", atomically: false, encoding: .utf8)
        try FileManager.default.removeItem(atPath: path)
        try FileManager.default.moveItem(atPath: dir + "/new.json", toPath: path)
        #expect(try loader.load().hostname == "third-name!")

        // Gone or broken: an error naming the file, never a stale host.
        try FileManager.default.removeItem(atPath: path)
        #expect { try loader.load() } throws: { error in
            "\(error)" == "host file \(path) is missing"
        }
        try #"{"hostname": "x", "cells": []}"#.write(toFile: path, atomically: false, encoding: .utf8)
        #expect { try loader.load() } throws: { error in
            "\(error)".hasPrefix("host file \(path): $.cells") && "\(error)".contains("at least one NUMA cell")
        }
    }

    @Test func aSysfsRootThatIsNotADirectoryIsAnError() {
        let loader = SnapshotLoader(hostFile: nil, probe: ProbeOptions(sysfsRoot: "/nonexistent-restrack-root"))
        #expect { try loader.load() } throws: { error in "\(error)".hasPrefix("--root /nonexistent-restrack-root:") }
    }
}
