import TrackerCore

/// The claim form: the request fields, the consumer and TTL. The app shows
/// `Fitter`'s preview for `request` under the fields after every change and
/// commits only when the operator presses the Claim button.
public struct ClaimForm: Hashable, Sendable {
    public enum Field: Int, CaseIterable, Hashable, Sendable {
        case vcpus, memory, policy, threads, pageSize, numaNodes, alias, aliasCount, consumer, ttl, claimButton, cancelButton

        public var label: String {
            switch self {
            case .vcpus: return "vCPUs"
            case .memory: return "memory MiB"
            case .policy: return "CPU policy"
            case .threads: return "thread policy"
            case .pageSize: return "page size"
            case .numaNodes: return "NUMA nodes"
            case .alias: return "PCI alias"
            case .aliasCount: return "  count"
            case .consumer: return "consumer"
            case .ttl: return "TTL seconds"
            case .claimButton, .cancelButton: return ""
            }
        }
    }

    public var vcpus = "2"
    public var memoryMB = "2048"
    public var policy: CPUPolicy = .dedicated
    public var threads: CPUThreadPolicy = .prefer
    /// nil = no page size asked; otherwise "small", "large", "any" or a KiB number.
    public var pageSizes: [String]
    public var pageSizeIndex = 0
    public var numaChoices: [Int?]
    public var numaIndex = 0
    public var aliases: [String?]
    public var aliasIndex = 0
    public var aliasCount = "1"
    public var consumer = "dashboard"
    public var ttl = "600"
    public var field: Field = .vcpus
    /// The last preview, refreshed by the app after each edit.
    public var preview: Decision?
    /// Set when the host has no dedicated CPUs: how to get some. The form
    /// then opens on `shared`, the only policy that can fit.
    public var noDedicatedHint: String?

    public static let noDedicatedText = "This host has no dedicated CPUs, so only shared guests fit. "
        + "To pin guests, list CPUs in cpu_dedicated_set under [compute] in the config (--config), "
        + "or boot with isolcpus= and run without a config."

    public init(host: HostSnapshot?) {
        let sizes = Set(host?.cells.flatMap { $0.mempages.map(\.sizeKB) } ?? []).filter { $0 > 4 }.sorted()
        pageSizes = ["none", "small", "large", "any"] + sizes.map(String.init)
        numaChoices = [nil] + (1...max(1, host?.cells.count ?? 1)).map { Optional($0) }
        aliases = [nil] + (host?.pciAliases.map { Optional($0.name) } ?? [])
        if let host, host.cells.allSatisfy({ $0.pcpus.isEmpty }) {
            policy = .shared
            noDedicatedHint = ClaimForm.noDedicatedText
        }
    }

    /// The request the fields describe, or the sentence saying which field is wrong.
    public var request: Result<Request, ClaimServiceError> {
        guard let v = Int(vcpus), v > 0, v <= 4096 else { return .failure(ClaimServiceError("vCPUs must be a whole number from 1")) }
        guard let mem = Int(memoryMB), mem > 0 else { return .failure(ClaimServiceError("memory must be a whole number of MiB")) }
        var pci: [PCIRequestSpec] = []
        if let a = aliases[aliasIndex] {
            guard let n = Int(aliasCount), n > 0, n <= 4096 else { return .failure(ClaimServiceError("PCI count must be at least 1")) }
            pci.append(PCIRequestSpec(alias: a, count: n))
        }
        let pageText = pageSizes[pageSizeIndex]
        let page: PageSizeRequest? = pageText == "none" ? nil : PageSizeRequest(text: pageText)
        let pinned = policy != .shared
        var mask: GuestCPUSpec?
        if policy == .mixed {
            guard v >= 2 else { return .failure(ClaimServiceError("mixed policy needs at least 2 vCPUs (vCPU 0 stays shared)")) }
            mask = .text("1-\(v - 1)")
        }
        return .success(Request(vcpus: v, memoryMB: mem, cpuPolicy: policy, cpuDedicatedMask: mask,
                                cpuThreadPolicy: pinned ? threads : nil, numaNodes: numaChoices[numaIndex],
                                memPageSize: page, pciRequests: pci))
    }

    public var ttlSeconds: Int? { Int(ttl).flatMap { $0 > 0 ? $0 : nil } }

    /// The fields in order, with the text shown for each.
    public var rows: [(Field, String)] {
        [
            (.vcpus, vcpus), (.memory, memoryMB), (.policy, policy.rawValue),
            (.threads, policy == .shared ? "n/a (shared)" : threads.rawValue),
            (.pageSize, pageSizes[pageSizeIndex].allSatisfy(\.isNumber) ? PageSizeText.short(kb: Int(pageSizes[pageSizeIndex]) ?? 0) : pageSizes[pageSizeIndex]),
            (.numaNodes, numaChoices[numaIndex].map(String.init) ?? "auto"),
            (.alias, aliases[aliasIndex] ?? "none"),
            (.aliasCount, aliases[aliasIndex] == nil ? "-" : aliasCount),
            (.consumer, consumer), (.ttl, ttl),
        ]
    }

    public func isChoice(_ f: Field) -> Bool { [.policy, .threads, .pageSize, .numaNodes, .alias].contains(f) }

    /// What a key does to the form, from the `.claimForm` records of
    /// `KeyBinding.table`; the app handles Esc and the buttons.
    public mutating func handle(_ key: Key) {
        switch KeyBinding.command(for: key, in: .claimForm) {
        case .nextField?: move(1)
        case .previousField?: move(-1)
        case .accept?: if field.rawValue < Field.claimButton.rawValue { move(1) }
        case .left?: if isChoice(field) { cycle(-1) } else if field == .cancelButton { field = .claimButton }
        case .right?: if isChoice(field) { cycle(1) } else if field == .claimButton { field = .cancelButton }
        case .changeChoice?: if isChoice(field) { cycle(1) }
        case .erase?:
            edit { s in if !s.isEmpty { s.removeLast() } }
        case .cancel?: break
        default:
            guard case .char(let ch) = key else { break }
            switch field {
            case .vcpus, .memory, .aliasCount, .ttl:
                if ch.isASCII && ch.isNumber { edit { s in if s.count < 9 { s.append(ch) } } }
            case .consumer:
                if !ch.isNewline && ch != "\u{1b}" { edit { s in if s.count < 40 { s.append(ch) } } }
            default: break
            }
        }
    }

    mutating func move(_ d: Int) {
        let all = Field.allCases
        let i = (field.rawValue + d + all.count) % all.count
        field = all[i]
    }

    mutating func cycle(_ d: Int) {
        func step(_ i: inout Int, _ n: Int) { i = (i + d + n) % n }
        switch field {
        case .policy:
            let all = CPUPolicy.allCases
            policy = all[((all.firstIndex(of: policy) ?? 0) + d + all.count) % all.count]
        case .threads:
            let all = CPUThreadPolicy.allCases
            threads = all[((all.firstIndex(of: threads) ?? 0) + d + all.count) % all.count]
        case .pageSize: step(&pageSizeIndex, pageSizes.count)
        case .numaNodes: step(&numaIndex, numaChoices.count)
        case .alias: step(&aliasIndex, aliases.count)
        default: break
        }
    }

    mutating func edit(_ f: (inout String) -> Void) {
        switch field {
        case .vcpus: f(&vcpus)
        case .memory: f(&memoryMB)
        case .aliasCount: f(&aliasCount)
        case .consumer: f(&consumer)
        case .ttl: f(&ttl)
        default: break
        }
    }
}
