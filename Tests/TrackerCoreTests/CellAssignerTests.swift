import TestSupport
import Testing
@testable import TrackerCore

/// The assignment search against brute force: on random fit matrices it
/// finds an assignment exactly when one exists, and the same one Nova's
/// permutation order reaches first.
@Suite struct CellAssignerTests {
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
        var rng = SeededRandom(fixed: 42)
        var found = 0, none = 0
        for _ in 0..<3000 {
            let hosts = Int.random(in: 1...7, using: &rng)
            let guests = Int.random(in: 1...hosts, using: &rng)
            let density = Int.random(in: 1...4, using: &rng)
            let fits = (0..<guests).map { _ -> UInt64 in
                var m: UInt64 = 0
                for h in 0..<hosts where Int.random(in: 0..<5, using: &rng) < density { m |= 1 << UInt64(h) }
                return m
            }
            var order = Array(0..<hosts)
            order.shuffle(using: &rng)
            var assigner = CellAssigner(fits: fits, order: order, pci: nil)
            let got = assigner.solve()
            let want = Self.bruteForce(fits, order: order)
            #expect(got == want, "fits \(fits) order \(order), \(rng.label)")
            if want == nil { none += 1 } else { found += 1 }
        }
        // Both outcomes occur often enough to mean something.
        #expect(found > 500 && none > 500, "\(found) found, \(none) none, \(rng.label)")
    }
}
