import Foundation
import Testing

@Suite(.serialized) struct LedgerBadInputTests {
    @Test func unknownIdDoubleReleaseAndNoFit() {
        let cli = LedgerCLI()
        defer { cli.cleanup() }
        let host = cli.host(pcpus: 4)
        let ledger = cli.dir + "/ledger.sqlite"
        let one = cli.request(vcpus: 1)

        // An id the ledger does not hold is a refusal (exit 1), like a second
        // release: the command line was fine. The same for every verb.
        for verb in ["release", "confirm", "abort"] {
            let unknown = LedgerCLI.run([verb, "zzzzzz", "--ledger", ledger])
            #expect(unknown.status == 1, "\(verb)")
            #expect(unknown.stderr.contains("no claim with id 'zzzzzz'"))
        }

        let id = LedgerCLI.run(["claim", "--host", host, "--ledger", ledger, "--request", one, "--consumer", "a"])
            .stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(LedgerCLI.run(["confirm", id, "--ledger", ledger]).status == 0)
        let abortConfirmed = LedgerCLI.run(["abort", id, "--ledger", ledger])
        #expect(abortConfirmed.status == 1)
        #expect(abortConfirmed.stderr.contains("release it instead"))
        #expect(LedgerCLI.run(["release", id, "--ledger", ledger]).status == 0)
        let again = LedgerCLI.run(["release", id, "--ledger", ledger, "--json"])
        #expect(again.status == 1)
        #expect(again.stderr.contains("already released"))

        // 5 dedicated vCPUs on 4 dedicated CPUs: refused with the fitter's own reason.
        let big = cli.request(vcpus: 5, name: "big.json")
        let fit = LedgerCLI.run(["fit", "--host", host, "--request", big])
        let reason = (LedgerCLI.json(fit.stdout) as? [String: Any])?["reason"] as? String
        #expect(reason != nil && reason?.isEmpty == false)
        let refused = LedgerCLI.run(["claim", "--host", host, "--ledger", ledger, "--request", big, "--consumer", "big"])
        #expect(refused.status == 1)
        #expect(refused.stderr == "restrack: does not fit: \(reason ?? "?")\n")

        let badTTL = LedgerCLI.run(["claim", "--host", host, "--ledger", ledger, "--request", one, "--consumer", "a", "--ttl", "soon"])
        #expect(badTTL.status == 2)
        let notJSON = cli.write("bad.json", "{vcpus: 1")
        #expect(LedgerCLI.run(["claim", "--host", host, "--ledger", ledger, "--request", notJSON, "--consumer", "a"]).status == 2)
        // A consumer name and note with terminal escapes are stored as given
        // but printed without control characters.
        let evil = LedgerCLI.run(["claim", "--host", host, "--ledger", ledger, "--request", one,
                                  "--consumer", "vm\u{1B}[2J\u{7}x", "--note", "n\u{1B}]0;pwned\u{7}\nline"])
        #expect(evil.status == 0)
        let shown = LedgerCLI.run(["list", "--host", host, "--ledger", ledger])
        #expect(shown.stdout.contains("vm[2Jx"))
        #expect(shown.stdout.contains("note: n]0;pwnedline"))
        #expect(!shown.stdout.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 })
        let shownJSON = LedgerCLI.run(["list", "--host", host, "--ledger", ledger, "--json"])
        let names = (LedgerCLI.json(shownJSON.stdout) as? [[String: Any]] ?? []).compactMap { ($0["consumer"] as? [String: Any])?["name"] as? String }
        #expect(names == ["vm\u{1B}[2J\u{7}x"])   // JSON keeps it exactly, escaped
        #expect(LedgerCLI.run(["release", evil.stdout.trimmingCharacters(in: .whitespacesAndNewlines), "--ledger", ledger]).status == 0)

        // Nothing but the one claim and the escaped one got in.
        let all = LedgerCLI.run(["list", "--host", host, "--ledger", ledger, "--state", "all", "--json"])
        #expect((LedgerCLI.json(all.stdout) as? [Any])?.count == 2)
    }

    @Test func corruptAndTruncatedLedgersLeftUntouched() {
        let cli = LedgerCLI()
        defer { cli.cleanup() }
        let host = cli.host(pcpus: 40)
        let garbage = cli.write("garbage.sqlite", String(repeating: "not a database ", count: 600))
        chmod(garbage, 0o600)
        let before = FileManager.default.contents(atPath: garbage)
        for verb in [["list"], ["check"], ["claim", "--request", cli.request(vcpus: 1), "--consumer", "a"]] {
            let r = LedgerCLI.run(verb + ["--host", host, "--ledger", garbage])
            #expect(r.status == 1, "\(verb): \(r.stderr)")
            #expect(r.stderr.contains("left untouched"))
        }
        #expect(FileManager.default.contents(atPath: garbage) == before)

        let ledger = cli.dir + "/real.sqlite"
        let note = String(repeating: "n", count: 150)
        for i in 0..<30 {
            LedgerCLI.run(["claim", "--host", host, "--ledger", ledger, "--request", cli.request(vcpus: 1),
                           "--consumer", "vm\(i)", "--note", note])
        }
        let full = FileManager.default.contents(atPath: ledger) ?? Data()
        #expect(full.count >= 32768)
        let half = full.prefix(full.count / 2)
        #expect(FileManager.default.createFile(atPath: ledger, contents: half))
        let r = LedgerCLI.run(["check", "--host", host, "--ledger", ledger])
        #expect(r.status == 1)
        #expect(r.stderr.contains("damaged"))
        #expect(FileManager.default.contents(atPath: ledger) == half)
    }

    /// Runs once per way of getting a tmpfs (ScratchMount): as root with a
    /// plain mount, and in a user namespace, which needs no root.
    @Test(arguments: ScratchMount.Mode.allCases)
    func readOnlyDirectoryAndFullDisk(mode: ScratchMount.Mode) {
        let cli = LedgerCLI()
        defer { cli.cleanup() }
        let host = cli.host(pcpus: 64)
        let req = cli.request(vcpus: 1)

        if let ro = ScratchMount(at: cli.dir + "/ro", options: "ro,size=1m,mode=0700", mode: mode) {
            defer { ro.close() }
            let r = ro.run(["claim", "--host", host, "--ledger", ro.path + "/ledger.sqlite", "--request", req, "--consumer", "a"])
            #expect(r.status == 1, "\(mode)")
            #expect(r.stderr.contains("Read-only file system"), "\(mode): \(r.stderr)")
        }

        if let small = ScratchMount(at: cli.dir + "/small", options: "size=256k,mode=0700", mode: mode) {
            defer { small.close() }
            let ledger = small.path + "/ledger.sqlite"
            let first = small.run(["claim", "--host", host, "--ledger", ledger, "--request", req, "--consumer", "first"])
            #expect(first.status == 0, "\(mode): \(first.stderr)")
            small.fill("filler")
            let full = small.run(["claim", "--host", host, "--ledger", ledger, "--request", req, "--consumer", "second"])
            #expect(full.status == 1, "\(mode): \(full.stdout)")
            #expect(full.stderr.contains("disk is full") || full.stderr.contains("No space left"), "\(mode): \(full.stderr)")
            small.remove("filler")
            // Nothing was damaged and nothing half-written got in.
            let check = small.run(["check", "--host", host, "--ledger", ledger])
            #expect(check.status == 0, "\(mode): \(check.stdout)\(check.stderr)")
            let list = small.run(["list", "--host", host, "--ledger", ledger, "--json"])
            let names = (LedgerCLI.json(list.stdout) as? [[String: Any]] ?? []).compactMap { ($0["consumer"] as? [String: Any])?["name"] as? String }
            #expect(names == ["first"], "\(mode)")
        }
    }

    /// A new ledger on a disk that fills while it is made: whatever the free
    /// space, the claim either lands in a whole ledger or is refused as a
    /// full disk, leaving no ledger behind. SQLite does not report a WAL
    /// checkpoint cut short at close; between about 170 and 250 KiB of free
    /// space a file whose header counted pages that never reached the disk
    /// used to take the ledger's name, and every later command called it
    /// damaged.
    @Test func newLedgerOnAFillingDiskIsWholeOrAbsent() {
        let cli = LedgerCLI()
        defer { cli.cleanup() }
        let host = cli.host(pcpus: 8)
        let req = cli.request(vcpus: 1)
        var refused = 0, made = 0
        for kb in stride(from: 128, through: 320, by: 16) {
            guard let small = ScratchMount(at: cli.dir + "/fill\(kb)", options: "size=\(kb)k,mode=0700", mode: .hostMount) else {
                return
            }
            defer { small.close() }
            let ledger = small.path + "/ledger.sqlite"
            let r = small.run(["claim", "--host", host, "--ledger", ledger, "--request", req, "--consumer", "a"])
            if r.status == 0 {
                made += 1
                let check = small.run(["check", "--host", host, "--ledger", ledger])
                #expect(check.status == 0, "\(kb) KiB: \(check.stdout)\(check.stderr)")
            } else {
                refused += 1
                #expect(r.status == 1, "\(kb) KiB: \(r.stderr)")
                #expect(r.stderr.contains("disk is full"), "\(kb) KiB: \(r.stderr)")
                let left = (try? FileManager.default.contentsOfDirectory(atPath: small.path)) ?? ["?"]
                #expect(left.isEmpty, "\(kb) KiB left \(left) behind")
            }
        }
        // The sizes span both outcomes, so both paths were exercised.
        #expect(refused > 0 && made > 0, "refused \(refused), made \(made)")
    }
}
