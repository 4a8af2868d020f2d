import Foundation
import TestSupport
import Testing

/// `make install` into a temporary prefix, then the installed binary as an
/// operator meets it: started by name through PATH from outside the source
/// tree, with its man page and shell completions.
@Suite(.serialized) struct InstallTests {
    static let tree = InstalledTree.install()
    static let themes = ["default", "colorblind", "high-contrast", "light", "mono"]

    /// The one version constant, read from its source file.
    static func versionConstant() throws -> String {
        let text = try String(contentsOfFile: InstalledTree.repoRoot + "/Sources/restrack/RestrackVersion.swift",
                              encoding: .utf8)
        let match = try #require(text.firstMatch(of: /static let current = "([0-9]+\.[0-9]+\.[0-9]+)"/))
        return String(match.1)
    }

    @Test func versionIsTheConstantAndStampsTheManPage() throws {
        let version = try Self.versionConstant()
        let printed = Self.tree.restrack(["--version"])
        #expect(printed.status == 0)
        #expect(printed.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == version)
        let page = try String(contentsOfFile: Self.tree.prefix + "/share/man/man1/restrack.1", encoding: .utf8)
        #expect(page.contains("\n.Os restrack \(version)\n"), "the man page footer carries the version")
    }

    @Test func manFindsAndRendersThePage() throws {
        let man = try #require(ChildProcess.tool("man"), "man is not installed (.ci/run installs man-db and groff-base)")
        var env = Self.tree.environment
        env["MANPAGER"] = "cat"
        env["MANWIDTH"] = "100"
        // `man -M` searches the prefix's man tree, so this also checks the
        // page is where man looks (man1/restrack.1), not just that it parses.
        let out = ChildProcess.run(man, ["-M", Self.tree.prefix + "/share/man", "restrack"], env: env)
        #expect(out.status == 0, "\(out.output)")
        let lines = out.stdout.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        let name = try #require(lines.firstIndex(of: "NAME"), "no NAME section in:\n\(out.output)")
        #expect(lines.indices.contains(name + 1) && lines[name + 1].hasPrefix("restrack "))
        // Generated from the parser: every verb and its options are there.
        for verb in ["dashboard", "claim", "release", "list", "check"] {
            #expect(lines.contains { $0 == verb || $0.hasPrefix(verb + " ") }, "\(verb)")
        }
        #expect(out.stdout.contains("--state"))
        #expect(lines.last?.contains("restrack \(try Self.versionConstant())") == true, "footer: \(lines.last ?? "")")
    }

    @Test func bashCompletesStatesClaimIDsAndThemes() throws {
        let tree = Self.tree
        let host = tree.write("host.json", """
            {"hostname": "install", "cells": [{"id": 0, "cpus": [0, 1], "pcpus": [2, 3, 4, 5, 6, 7], "memory_mb": 65536,
              "mempages": [{"size_kb": 4, "total": 16777216}]}]}
            """)
        let request = tree.write("req.json", #"{"vcpus": 1, "memory_mb": 256, "cpu_policy": "dedicated"}"#)
        let ledger = tree.work + "/claims.sqlite"
        var ids: [String] = []
        for consumer in ["a", "b", "c"] {
            let r = tree.restrack(["claim", "--host", host, "--ledger", ledger, "--request", request, "--consumer", consumer])
            #expect(r.status == 0, "\(r.output)")
            ids.append(r.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        #expect(tree.restrack(["release", "--ledger", ledger, ids[2]]).status == 0)
        let live = ids[0..<2].sorted()

        let script = """
            source "$0"
            for line in "$@"; do
                COMP_LINE="$line"; COMP_POINT=${#line}
                read -r -a COMP_WORDS <<< "$line"
                [[ "$line" == *" " ]] && COMP_WORDS+=("")
                COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
                COMPREPLY=()
                _restrack restrack "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
                echo "=> ${COMPREPLY[*]}"
            done
            """
        let lines = [
            "restrack list --state ",
            "restrack confirm --ledger \(ledger) ",
            "restrack release --ledger=\(ledger) \(live[0]) ",
            "restrack abort --ledger \(tree.work)/no-such.sqlite ",
            "restrack dashboard --theme ",
        ]
        // bash -c SCRIPT FILE LINE…: $0 is the completion file, $@ the lines.
        let out = tree.bash(script, [tree.prefix + "/share/bash-completion/completions/restrack"] + lines)
        let answers = out.stdout.split(separator: "\n", omittingEmptySubsequences: false)
            .filter { $0.hasPrefix("=> ") }.map { $0.dropFirst(3).split(separator: " ").map(String.init) }
        try #require(answers.count == lines.count, "bash printed:\n\(out.output)")
        #expect(answers[0] == ["claimed", "confirmed", "released", "aborted", "live", "all"])
        #expect(answers[1] == live, "live claims of that ledger; the released one is not offered")
        #expect(answers[2] == [live[1]], "an id already on the line is not offered again")
        #expect(answers[3].isEmpty)
        #expect(!FileManager.default.fileExists(atPath: tree.work + "/no-such.sqlite"), "completing created a ledger")
        #expect(answers[4] == Self.themes, "themes found beside the installed binary")

        // zsh and fish are not installed here: their scripts are checked for
        // calling back into restrack for the same custom completions.
        for file in ["/share/zsh/site-functions/_restrack", "/share/fish/vendor_completions.d/restrack.fish"] {
            let text = try String(contentsOfFile: tree.prefix + file, encoding: .utf8)
            #expect(text.contains("---completion confirm"), "\(file)")
            #expect(text.contains("claimed") && text.contains("aborted"), "\(file) lists the --state values")
        }
    }

    @Test func installedDashboardFindsAndCyclesItsThemes() throws {
        let tmux = try #require(TmuxSession(tree: Self.tree))
        defer { tmux.stop() }
        let host = InstalledTree.repoRoot + "/examples/hosts/small-one-cell.json"
        tmux.start(["--host", host, "--ledger", Self.tree.work + "/dash.sqlite", "--theme", "light"])
        let first = tmux.wait(for: "NUMA cells")
        try #require(first.found, "dashboard did not start:\n\(first.screen)")
        #expect(!first.screen.contains("not found"), "\(first.screen)")
        // light, then t through the other four and back to light.
        for name in ["mono", "default", "colorblind", "high-contrast", "light"] {
            tmux.keys("t")
            let shown = tmux.wait(for: "theme: \(name)")
            #expect(shown.found, "t should load \(name):\n\(shown.screen)")
        }
        tmux.keys("q")
        #expect(tmux.wait(for: "EXIT=0").found)
    }

    @Test func missingThemeIsSaidOnTheStatusLine() throws {
        let tmux = try #require(TmuxSession(tree: Self.tree))
        defer { tmux.stop() }
        let host = InstalledTree.repoRoot + "/examples/hosts/small-one-cell.json"
        tmux.start(["--host", host, "--ledger", Self.tree.work + "/dash2.sqlite", "--theme", "no-such"])
        let shown = tmux.wait(for: "theme 'no-such' not found")
        #expect(shown.found, "\(shown.screen)")
        let status = shown.screen.split(separator: "\n").last { $0.contains("not found") } ?? ""
        #expect(status.contains("themes: " + Self.themes.joined(separator: ", ")), "\(status)")
        tmux.keys("q")
        #expect(tmux.wait(for: "EXIT=0").found)
    }

    @Test func destdirInstallAndUninstall() throws {
        let stage = Self.tree.work + "/pkgroot"
        let prefix = "/opt/restrack-install-test"
        InstalledTree.make("install", prefix: prefix, extra: ["DESTDIR=\(stage)"])
        let root = stage + prefix
        let expected = ["bin/restrack", "share/man/man1/restrack.1", "share/bash-completion/completions/restrack",
                        "share/zsh/site-functions/_restrack", "share/fish/vendor_completions.d/restrack.fish"]
            + Self.themes.map { "share/restrack/themes/\($0).theme" }
        #expect(Set(files(under: root)) == Set(expected))
        #expect(!FileManager.default.fileExists(atPath: prefix), "DESTDIR was not honoured")
        // A theme the operator added outlives uninstall; everything installed goes.
        let mine = root + "/share/restrack/themes/mine.theme"
        #expect(FileManager.default.createFile(atPath: mine, contents: Data("theme[main_bg]=\"\"\n".utf8)))
        InstalledTree.make("uninstall", prefix: prefix, extra: ["DESTDIR=\(stage)"])
        #expect(files(under: root) == ["share/restrack/themes/mine.theme"])
    }

    func files(under root: String) -> [String] {
        let all = FileManager.default.enumerator(atPath: root)?.allObjects as? [String] ?? []
        return all.filter { path in
            var dir: ObjCBool = false
            return FileManager.default.fileExists(atPath: root + "/" + path, isDirectory: &dir) && !dir.boolValue
        }.sorted()
    }
}
