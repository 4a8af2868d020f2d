/// The guest NUMA topology a request implies (Nova's `numa_get_constraints`
/// result, an `InstanceNUMATopology`), or the reason the request is invalid.
///
/// A request has a guest topology when it pins vCPUs (`dedicated`/`mixed`),
/// names a page size or names `numa_nodes`; otherwise it floats over the host
/// and `make` returns nil.
public struct GuestTopology: Hashable, Sendable {
    public var cells: [GuestCell]
    /// nil is Nova's "no policy given", which fits like `shared` but sorts
    /// host cells the same way too; kept apart only for reasons.
    public var cpuPolicy: CPUPolicy?
    /// nil when no thread policy applies (unpinned guests, or none given).
    public var threadPolicy: CPUThreadPolicy?
    /// `emulator_threads_policy: isolate`: one extra dedicated CPU, taken on
    /// the host cell of guest cell 0 as Nova does.
    public var emulatorIsolate: Bool
    public var pageSize: PageSizeRequest?

    /// Dedicated or mixed: some vCPUs are pinned, and memory is never overcommitted.
    public var pinsCPUs: Bool { cpuPolicy == .dedicated || cpuPolicy == .mixed }

    /// Shared, mixed or no policy: shared vCPUs count against `cpus` × ratio.
    public var hasSharedPart: Bool { cpuPolicy != .dedicated }

    public var pinnedVCPUCount: Int { cells.reduce(0) { $0 + $1.pinned.count } }
    public var sharedVCPUCount: Int { cells.reduce(0) { $0 + $1.sharedCount } }

    public init(cells: [GuestCell], cpuPolicy: CPUPolicy?, threadPolicy: CPUThreadPolicy?, emulatorIsolate: Bool,
                pageSize: PageSizeRequest?) {
        self.cells = cells
        self.cpuPolicy = cpuPolicy
        self.threadPolicy = threadPolicy
        self.emulatorIsolate = emulatorIsolate
        self.pageSize = pageSize
    }

    /// Validates `request` with Nova's rules and builds its guest topology;
    /// nil when the guest has none (it floats over the host).
    public static func make(from request: Request) throws(InvalidRequest) -> GuestTopology? {
        let vcpus = request.vcpus
        guard vcpus >= 1 else { throw InvalidRequest("vcpus must be at least 1") }
        guard request.memoryMB >= 1 else { throw InvalidRequest("memory_mb must be at least 1") }
        let policy = request.cpuPolicy
        let pinsCPUs = policy == .dedicated || policy == .mixed

        // Nova reads the mask before any other rule, whatever the policy.
        let mask = try dedicatedMask(request.cpuDedicatedMask, vcpus: vcpus)

        var thread = request.cpuThreadPolicy
        if !pinsCPUs {
            // `prefer` is the contract's default; Nova refuses any thread
            // policy without pinning, so only an explicit isolate/require is
            // an error (contract Clarifications).
            if thread == .prefer { thread = nil }
            if let t = thread {
                throw InvalidRequest("cpu_thread_policy \(t.rawValue) needs pinned vCPUs (cpu_policy dedicated or mixed)")
            }
            if request.emulatorThreadsPolicy == .isolate {
                throw InvalidRequest("emulator_threads_policy isolate needs pinned vCPUs (cpu_policy dedicated or mixed)")
            }
            if mask != nil {
                throw InvalidRequest("cpu_dedicated_mask needs cpu_policy mixed")
            }
        } else if policy == .dedicated, mask != nil {
            throw InvalidRequest("cpu_dedicated_mask needs cpu_policy mixed, not dedicated (every vCPU of a dedicated guest is pinned)")
        } else if policy == .mixed, mask == nil {
            throw InvalidRequest("cpu_policy mixed needs cpu_dedicated_mask naming the pinned vCPUs")
        }

        if let n = request.numaNodes, n < 1 {
            throw InvalidRequest("numa_nodes must be at least 1 (got \(n))")
        }
        let pageSize = request.memPageSize
        guard request.numaNodes != nil || pageSize != nil || pinsCPUs else { return nil }

        let pinnedSet: CPUSet = policy == .dedicated ? CPUSet(0..<vcpus) : (mask ?? CPUSet())
        let nodes = request.numaNodes ?? 1
        // Nova reads hw:numa_cpus.N / hw:numa_mem.N from N = 0 upwards; an
        // empty list gives no key at all, the same as an absent list.
        let cpuLists = request.numaCPUs.flatMap { $0.isEmpty ? nil : $0 }
        let memList = request.numaMemMB.flatMap { $0.isEmpty ? nil : $0 }

        var groups: [CPUSet] = []
        var mems: [Int] = []
        switch (cpuLists, memList) {
        case (nil, nil):
            guard vcpus % nodes == 0, request.memoryMB % nodes == 0 else {
                throw InvalidRequest(
                    "\(vcpus) vCPUs and \(request.memoryMB) MiB do not split evenly over \(nodes) guest NUMA cells; give numa_cpus and numa_mem_mb")
            }
            let per = vcpus / nodes
            for i in 0..<nodes {
                groups.append(CPUSet((i * per)..<((i + 1) * per)))
                mems.append(request.memoryMB / nodes)
            }
        case (let cpuLists?, let memList?):
            guard cpuLists.count == nodes, memList.count == nodes else {
                throw InvalidRequest(
                    "numa_cpus and numa_mem_mb must each list \(nodes) guest cells (got \(cpuLists.count) and \(memList.count))")
            }
            var unassigned = CPUSet(0..<vcpus)
            for (i, spec) in cpuLists.enumerated() {
                let set = try guestCPUs(spec, what: "numa_cpus[\(i)]")
                for cpu in set.sorted {
                    guard cpu <= vcpus - 1 else {
                        throw InvalidRequest("numa_cpus[\(i)] names vCPU \(cpu), but the guest's vCPUs are 0-\(vcpus - 1)")
                    }
                    guard unassigned.remove(cpu) else {
                        throw InvalidRequest("numa_cpus assign vCPU \(cpu) to more than one guest cell")
                    }
                }
                groups.append(set)
            }
            guard unassigned.isEmpty else {
                throw InvalidRequest("numa_cpus leave vCPUs \(unassigned.cpulist) in no guest cell")
            }
            mems = memList
            let total = memList.reduce(0, +)
            guard total == request.memoryMB else {
                throw InvalidRequest("numa_mem_mb sums to \(total) MiB, not the guest's memory_mb \(request.memoryMB)")
            }
        default:
            throw InvalidRequest("numa_cpus and numa_mem_mb must be given together")
        }

        var cells: [GuestCell] = []
        for (i, g) in groups.enumerated() {
            cells.append(GuestCell(index: i, vcpus: g.sorted, pinned: g.intersection(pinnedSet).sorted, memoryMB: mems[i]))
        }
        return GuestTopology(
            cells: cells, cpuPolicy: policy, threadPolicy: pinsCPUs ? thread : nil,
            emulatorIsolate: request.emulatorThreadsPolicy == .isolate, pageSize: pageSize)
    }

    /// The pinned vCPUs named by `cpu_dedicated_mask` (Nova's
    /// `get_dedicated_cpu_constraint`): nil when absent or empty; `^N`
    /// alone means "all but N".
    private static func dedicatedMask(_ spec: GuestCPUSpec?, vcpus: Int) throws(InvalidRequest) -> CPUSet? {
        guard let spec else { return nil }
        let pinned: CPUSet
        switch spec {
        case .list(let l):
            if l.isEmpty { return nil }
            pinned = try guestCPUs(spec, what: "cpu_dedicated_mask")
        case .text(let s):
            if s.isEmpty { return nil }
            let text = s.trimmingSpaces.hasPrefix("^") ? "0-\(vcpus - 1),\(s)" : s
            pinned = try guestCPUs(.text(text), what: "cpu_dedicated_mask")
        }
        let all = CPUSet(0..<vcpus)
        guard !pinned.isEmpty, !all.subtracting(pinned).isEmpty else {
            throw InvalidRequest("cpu_dedicated_mask must leave at least one pinned and one shared vCPU")
        }
        guard pinned.isSubset(of: all) else {
            throw InvalidRequest("cpu_dedicated_mask names vCPUs \(pinned.subtracting(all).cpulist) beyond the guest's 0-\(vcpus - 1)")
        }
        return pinned
    }

    private static func guestCPUs(_ spec: GuestCPUSpec, what: String) throws(InvalidRequest) -> CPUSet {
        switch spec {
        case .list(let l):
            if let bad = l.first(where: { $0 < 0 || $0 > CPUSet.maxCPUId }) {
                throw InvalidRequest("\(what) names vCPU \(bad), which is not a vCPU number")
            }
            return CPUSet(l)
        case .text(let s):
            do {
                return try CPUSet(novaSpec: s)
            } catch {
                throw InvalidRequest("\(what): \(error.description)")
            }
        }
    }
}
