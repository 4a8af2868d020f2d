import Testing
@testable import TrackerCore

@Suite struct CPUSetTests {
    @Test func parsesLinuxCpulist() throws {
        let s = try CPUSet(cpulist: "0-3,8,10-11\n")
        #expect(s.sorted == [0, 1, 2, 3, 8, 10, 11])
        #expect(s.cpulist == "0-3,8,10-11")
    }

    /// Lists read on their bytes (digits, ranges, commas) and lists that
    /// need the general parser (spaces, newlines) give the same sets, and
    /// what the kernel never writes is refused either way.
    @Test func cpulistReadOnItsBytesMatchesTheGeneralReading() throws {
        let ids = (0..<300).map(String.init).joined(separator: ",")
        #expect(try CPUSet(cpulist: ids).sorted == Array(0..<300))
        #expect(try CPUSet(cpulist: ids + "\n") == (try CPUSet(cpulist: ids)))
        #expect(try CPUSet(cpulist: "0-127,256-511").count == 384)
        #expect(try CPUSet(cpulist: " 0-127 , 256-511 ") == (try CPUSet(cpulist: "0-127,256-511")))
        #expect(try CPUSet(cpulist: "007,8-9").sorted == [7, 8, 9])
        #expect(try CPUSet(cpulist: "").isEmpty)
        for bad in ["5-3", "1,", ",1", "1-", "\(CPUSet.maxCPUId + 1)", "0-\(CPUSet.maxCPUId + 1)", "1+2", "^3"] {
            #expect(throws: CPUListSyntaxError.self, "\(bad)") { try CPUSet(cpulist: bad) }
        }
    }

    @Test func parsesNovaSpecWithExclusions() throws {
        // nova/tests/unit/virt/test_hardware.py CpuSetTestCase.test_parse_cpu_spec_valid_syntax_works
        #expect(try CPUSet(novaSpec: "4-12,^8,15").sorted == [4, 5, 6, 7, 9, 10, 11, 12, 15])
        #expect(try CPUSet(novaSpec: " 1 , 3 - 4 ").sorted == [1, 3, 4])
        #expect(try CPUSet(novaSpec: "1-5,^1-2").sorted == [3, 4, 5])
    }

    @Test func refusesBadSyntax() {
        // Checked against Nova 34's parse_cpu_spec: these raise Invalid there.
        for bad in ["-1", "1-", "a", "5-3", "1-2-3", "1.5"] {
            #expect(throws: CPUListSyntaxError.self) { try CPUSet(novaSpec: bad) }
        }
        #expect(throws: CPUListSyntaxError.self) { try CPUSet(cpulist: "0,^1") }
        #expect(throws: CPUListSyntaxError.self) { try CPUSet(cpulist: "1,,2") }
    }

    @Test func novaSpecQuirksMatchNova() throws {
        // Nova 34: parse_cpu_spec("1,,2") == {1, 2} and parse_cpu_spec("^1") == set()
        #expect(try CPUSet(novaSpec: "1,,2").sorted == [1, 2])
        #expect(try CPUSet(novaSpec: "^1").isEmpty)
    }

    @Test func setAlgebraAcrossWordBoundaries() {
        let a: CPUSet = [1, 63, 64, 200]
        let b: CPUSet = [63, 64, 65]
        #expect(a.intersection(b).sorted == [63, 64])
        #expect(a.subtracting(b).sorted == [1, 200])
        #expect(a.union(b).count == 5)
        #expect(a.intersectionCount(b) == 2)
        #expect(a.max == 200 && a.min == 1)
        var c = a
        c.remove(200)
        #expect(c == [1, 63, 64])  // trailing words trimmed, so equality holds
        #expect(CPUSet([64]).isSubset(of: a))
        #expect(!a.isSubset(of: b))
    }

    /// The byte-level reader of plain Nova specs answers as the general
    /// parser does, and leaves everything else to it.
    @Test func plainNovaSpecsReadAsTheGeneralParserDoes() throws {
        for text in ["5", "05", "0-3", "1-5,^1-2", "^3", "4-12,^8,15", "0,2,4-6,^5", "127-130,^128", "0-65535"] {
            let plain = CPUSet.plainNovaSpec(text)
            #expect(plain != nil, "\(text)")
            #expect(plain == (try CPUSet(novaSpec: " " + text + " ")), "\(text)")
        }
        for text in ["", " 1", "1,,2", "1,", "-1", "1-", "5-3", "1-2-3", "^^1", "a", "1.5", "65536", "0-65536"] {
            #expect(CPUSet.plainNovaSpec(text) == nil, "\(text)")
        }
        #expect(throws: CPUListSyntaxError.self) { try CPUSet(novaSpec: "5-3") }
        #expect(try CPUSet(novaSpec: "1,,2") == [1, 2])
        #expect("abc".trimmingSpaces == "abc" && " a b\t\n".trimmingSpaces == "a b")
    }

    /// CPUs 0–127 live inline and the rest in an array: sets that differ only
    /// in how they were built must still be equal, hash alike and agree on
    /// every query.
    @Test func inlineAndOverflowWordsAgree() {
        var grown = CPUSet()
        for cpu in [1023, 5, 127, 128, 700] { grown.insert(cpu) }
        let listed = CPUSet(distinct: [5, 127, 128, 700, 1023])
        #expect(listed == grown)
        #expect(Set([grown, listed]).count == 1)
        #expect(grown.sorted == [5, 127, 128, 700, 1023])
        #expect(grown.count == 5 && grown.min == 5 && grown.max == 1023)
        #expect(CPUSet(distinct: [3, 300, 3]) == nil)
        #expect(CPUSet(distinct: [CPUSet.maxCPUId + 1]) == nil)
        #expect(!grown.insert(700) && !grown.insert(-1))

        var shrunk = grown
        for cpu in [1023, 700, 128] { shrunk.remove(cpu) }
        #expect(shrunk == [5, 127])
        #expect(shrunk.max == 127)
        #expect(grown.subtracting([128, 700, 1023]) == shrunk)
        #expect(grown.intersection([127, 128, 900]) == [127, 128])
        #expect(CPUSet([300]).intersection([301]).isEmpty)
        #expect(CPUSet([300]).intersection([301]) == CPUSet())
        #expect(grown.isDisjoint(with: [0, 129, 1022]))
        #expect(!grown.isDisjoint(with: [1023]))
        #expect(CPUSet([128, 1023]).isSubset(of: grown))
        #expect(!CPUSet([129]).isSubset(of: grown))
        #expect(grown.intersectionCount([5, 128, 1023, 4]) == 3)
        var seen: [Int] = []
        grown.forEachCPU { seen.append($0) }
        #expect(seen == grown.sorted)
        #expect(CPUSet(word0: 0b101, word1: 1, wordsAbove: [0, 0]) == [0, 2, 64])
    }
}
