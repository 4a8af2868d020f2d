import Testing
@testable import TrackerCore

/// The assignment search against brute force: on random fit matrices it
/// finds an assignment exactly when one exists, and the same one Nova's
/// permutation order reaches first.
@Suite struct CellAssignerTests {
    /// SplitMix64, so the cases are the same on every run.
    struct Rng {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
    }

    /// First assignment in permutation order (guest 0's host varies slowest).
    static func bruteForce(_ fits: [UInt64], order: [Int]) -> [Int]? {
        var chosen: [Int] = []
        func go(_ g: Int, _ used: UInt64) -> Bool {
            if g == fits.count { return true }
            for h in order where used & (1 << UInt64(h)) == 0 && fits[g] & (1 << UInt64(h)) != 0 {
                chosen.append(h)
                if go(g + 1, used | (1 << UInt64(h))) { return true }
                chosen.removeLast()
            }
            return false
        }
        return go(0, 0) ? chosen : nil
    }

    @Test func matchesBruteForceOnRandomMatrices() {
        var rng = Rng(state: 42)
        var found = 0, none = 0
        for _ in 0..<3000 {
            let hosts = 1 + rng.below(7)
            let guests = 1 + rng.below(hosts)
            let density = 1 + rng.below(4)
            let fits = (0..<guests).map { _ -> UInt64 in
                var m: UInt64 = 0
                for h in 0..<hosts where rng.below(5) < density { m |= 1 << UInt64(h) }
                return m
            }
            var order = Array(0..<hosts)
            for i in stride(from: hosts - 1, to: 0, by: -1) { order.swapAt(i, rng.below(i + 1)) }
            var assigner = CellAssigner(fits: fits, order: order, pci: nil)
            let got = assigner.solve()
            let want = Self.bruteForce(fits, order: order)
            #expect(got == want, "fits \(fits) order \(order)")
            if want == nil { none += 1 } else { found += 1 }
        }
        // Both outcomes occur often enough to mean something.
        #expect(found > 500 && none > 500)
    }
}
