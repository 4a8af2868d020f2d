import Dashboard
import Foundation
import Testing

@Suite struct DocsTests {
    /// The README's key table must not fall behind the binding table: every
    /// letter and function key bound in `KeyBinding.table` is listed.
    @Test func readmeListsEveryBoundKey() throws {
        let readme = try String(contentsOfFile: URLPath.repoRoot + "/README.md", encoding: .utf8)
        let section = readme.components(separatedBy: "### Keys").dropFirst().first ?? ""
        for b in KeyBinding.table {
            for key in b.keys {
                switch key {
                case .char, .function, .delete, .enter, .escape, .tab:
                    #expect(section.contains("`\(key.label)`"), "README key table lacks \(key.label) (\(b.summary))")
                default: break
                }
            }
            if b.changesLedger {
                let line = section.split(separator: "\n").first { $0.contains("`\(b.keys[0].label)`") } ?? ""
                #expect(line.contains("*ledger*"), "\(b.keys[0].label) changes the ledger; README should say so")
            }
        }
    }

    /// The README states the interval range the keys and the option share.
    @Test func readmeStatesThePollIntervalRange() throws {
        let readme = try String(contentsOfFile: URLPath.repoRoot + "/README.md", encoding: .utf8)
        let range = "from \(Fmt.seconds(PollInterval.range.lowerBound)) to \(Fmt.seconds(PollInterval.range.upperBound))"
        #expect(readme.contains("`--interval SECONDS` (default 1, \(range))"))
        #expect(readme.contains("0.2 s to 3600 s (the `--interval` range)"))
    }
}
