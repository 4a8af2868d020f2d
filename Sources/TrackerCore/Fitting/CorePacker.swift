/// Pins a guest cell's dedicated vCPUs onto a host cell's free cores with
/// the thread policies, as Nova's `_pack_instance_onto_cores` does:
///
/// - `prefer` / none: fill cores that have the most free threads first
///   (largest `t` with `t` × cores-with-≥`t`-free-threads ≥ vCPUs), falling
///   back to any free threads;
/// - `require`: the same with `t ≥ 2` only, so every used core holds at
///   least two guest threads except possibly the last; refused on cells
///   without SMT;
/// - `isolate`: one thread per fully free core. Nova 34 refuses it on SMT
///   cells whose dedicated and shared CPU sets differ (bug 1889633): only
///   the legacy `vcpu_pin_set` makes them equal, which the contract's
///   disjoint sets cannot express, so every SMT cell refuses it, including
///   one with dedicated CPUs only.
///
/// `reserved` extra CPUs (the emulator thread) come from what is left.
/// The cell is named only in a refusal's sentence. With `build` false only the answer is computed (an empty packing on
/// success): the fitter asks every (guest cell, host cell) pair whether it
/// fits, and needs the pinning of the chosen pairs only.
enum CorePacker {
    static func pack(_ vcpus: [Int], on view: HostCellView, policy: CPUThreadPolicy?, reserved: Int,
                     cellID: Int, build: Bool = true) -> Result<CorePacking, CellShortfall> {
        let cellLabel = HostCellLabel(id: cellID)
        let need = vcpus.count
        let cores = view.freeCores
        let free = view.freePCPUCount

        if policy == .isolate {
            guard view.threadsPerCore == 1 else {
                let whole = cores.filter { $0.count >= view.threadsPerCore }.count
                return .failure(CellShortfall(refusal:
                    "\(cellLabel) has SMT siblings (\(whole) fully free cores of \(view.threadsPerCore) threads), and thread policy isolate is refused on SMT cells whose dedicated and shared CPU sets differ, as Nova does (bug 1889633)"))
            }
            // Non-SMT: every free CPU is a whole free core.
            guard need >= 1 else {
                return .failure(CellShortfall(refusal:
                    "\(cellLabel): thread policy isolate needs at least one pinned vCPU in every guest cell, as Nova does"))
            }
            guard free >= need + reserved else {
                return .failure(CellShortfall(
                    "\(cellLabel) has \(Wording.count(free, "free dedicated CPU")), \(need + reserved) needed with thread policy isolate\(reserved > 0 ? " and an isolated emulator thread" : "")",
                    have: free, need: need + reserved))
            }
            guard build else { return .success(CorePacking(pinning: [], reserved: [])) }
            let used = cores.prefix(need).map { $0[$0.startIndex] }
            let pinning = zip(vcpus, used).map { (vcpu: $0, pcpu: $1) }
            let rest = cores.dropFirst(need).flatMap { $0 }
            return .success(CorePacking(pinning: pinning, reserved: Array(rest.prefix(reserved))))
        }

        if policy == .require, view.threadsPerCore <= 1 {
            return .failure(CellShortfall(refusal:
                "\(cellLabel) has no SMT siblings, and thread policy require needs whole cores of two or more threads"))
        }
        // Nova: a guest cell with no pinned vCPU cannot carry the emulator
        // thread (quirk 7 in the oracle README).
        if reserved > 0 && need == 0 {
            return .failure(CellShortfall(refusal:
                "\(cellLabel): the isolated emulator thread goes with guest cell 0, which has no pinned vCPU, as Nova requires"))
        }
        let maxFree = cores.map(\.count).max() ?? 0
        var t = maxFree
        while t >= 1 {
            if policy == .require && t <= 1 { break }
            let usableCount = cores.reduce(0) { $0 + ($1.count >= t ? 1 : 0) }
            // What is left after the pinning (free − need) must hold the
            // reserved CPUs.
            if t * usableCount >= need && (reserved == 0 || free - need >= reserved) {
                guard build else { return .success(CorePacking(pinning: [], reserved: [])) }
                let usable = cores.filter { $0.count >= t }
                var chosen: [Int] = []
                chosen.reserveCapacity(need)
                for core in usable {
                    for cpu in core.prefix(t) where chosen.count < need { chosen.append(cpu) }
                    if chosen.count == need { break }
                }
                let taken = CPUSet(chosen)
                let rest = cores.flatMap { $0 }.filter { !taken.contains($0) }
                return .success(CorePacking(
                    pinning: zip(vcpus, chosen).map { (vcpu: $0, pcpu: $1) }, reserved: Array(rest.prefix(reserved))))
            }
            t -= 1
        }
        if policy == .require {
            if need == 0 {
                return .failure(CellShortfall(refusal:
                    "\(cellLabel) has no core with two free threads, and thread policy require needs one even for a guest cell without pinned vCPUs, as Nova does"))
            }
            let best = (2...Swift.max(2, maxFree)).map { tt in tt * cores.filter { $0.count >= tt }.count }.max() ?? 0
            return .failure(CellShortfall(
                "\(cellLabel) has room for \(Swift.min(best, free)) dedicated vCPUs on cores with two or more free threads, \(need) needed with thread policy require",
                have: Swift.min(best, free), need: need))
        }
        // prefer / none: any free threads, one per "core".
        guard free >= need + reserved else {
            return .failure(CellShortfall(
                "\(cellLabel) has \(Wording.count(free, "free dedicated CPU")), \(need + reserved) needed",
                have: free, need: need + reserved, what: "free dedicated CPUs"))
        }
        guard build else { return .success(CorePacking(pinning: [], reserved: [])) }
        let all = cores.flatMap { $0 }
        return .success(CorePacking(
            pinning: zip(vcpus, all.prefix(need)).map { (vcpu: $0, pcpu: $1) },
            reserved: Array(all.dropFirst(need).prefix(reserved))))
    }
}
