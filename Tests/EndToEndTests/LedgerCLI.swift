import Foundation
import Testing

/// Runs the built `restrack` / `restrack-bench` binaries for the ledger's
/// process tests, each in its own private directory.
struct LedgerCLI {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    let dir: String

    init() {
        dir = NSTemporaryDirectory() + "/restrack-e2e-\(UUID().uuidString)"
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true,
                                                 attributes: [.posixPermissions: 0o700])
    }

    func cleanup() { try? FileManager.default.removeItem(atPath: dir) }

    /// The directory holding the built products: next to the test bundle
    /// (`swift test` puts both in the same bin path), else what
    /// `swift build --show-bin-path` says.
    static let binDir: String = {
        let bundle = URL(fileURLWithPath: CommandLine.arguments.first ?? ".").deletingLastPathComponent()
        var candidates = [bundle.path, Bundle.main.bundleURL.deletingLastPathComponent().path]
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["swift", "build", "--show-bin-path"]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        if (try? p.run()) != nil {
            p.waitUntilExit()
            let path = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                .trimmingCharacters(in: .whitespacesAndNewlines)
            if !path.isEmpty { candidates.append(path) }
        }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0 + "/restrack") } ?? bundle.path
    }()

    static var restrack: String { binDir + "/restrack" }
    static var bench: String { binDir + "/restrack-bench" }

    /// Runs `restrack args…`; a run longer than `timeout` is killed and recorded.
    @discardableResult
    static func run(_ args: [String], executable: String = restrack, timeout: Double = 60) -> Result {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments = args
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "RESTRACK_LEDGER")
        p.environment = env
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = FileHandle.nullDevice
        do { try p.run() } catch {
            Issue.record("cannot run \(executable): \(error)")
            return Result(status: -1, stdout: "", stderr: "")
        }
        // Drain both pipes while it runs so a chatty child cannot block.
        let group = DispatchGroup()
        nonisolated(unsafe) var o = Data(), e = Data()
        group.enter()
        DispatchQueue.global().async { o = out.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        group.enter()
        DispatchQueue.global().async { e = err.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        if group.wait(timeout: .now() + timeout) == .timedOut {
            p.terminate()
            Issue.record("restrack \(args.joined(separator: " ")) ran over \(timeout) s")
        }
        p.waitUntilExit()
        return Result(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self),
                      stderr: String(decoding: e, as: UTF8.self))
    }

    func write(_ name: String, _ text: String) -> String {
        let path = dir + "/" + name
        if !FileManager.default.createFile(atPath: path, contents: Data(text.utf8)) {
            Issue.record("cannot write \(path)")
        }
        return path
    }

    /// A one-cell host: `pcpus` dedicated CPUs (2 up), 2 shared, no SMT, 64 GiB.
    func host(pcpus: Int, name: String = "host.json") -> String {
        let list = (2..<(2 + pcpus)).map(String.init).joined(separator: ",")
        return write(name, """
            {"hostname": "e2e", "cells": [{"id": 0, "cpus": [0, 1], "pcpus": [\(list)], "memory_mb": 65536,
              "mempages": [{"size_kb": 4, "total": 16777216}, {"size_kb": 2048, "total": 1024}]}]}
            """)
    }

    func request(vcpus: Int, name: String = "req.json") -> String {
        write(name, #"{"vcpus": \#(vcpus), "memory_mb": 256, "cpu_policy": "dedicated"}"#)
    }

    static func json(_ text: String) -> Any? {
        try? JSONSerialization.jsonObject(with: Data(text.utf8))
    }

    /// Runs a system command (mount, umount); true on exit 0.
    @discardableResult
    static func system(_ args: [String]) -> Bool {
        run(Array(args.dropFirst()), executable: args[0], timeout: 30).status == 0
    }
}
