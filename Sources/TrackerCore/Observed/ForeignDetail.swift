/// What a libvirt domain or a kubelet pod carries beyond the common holder
/// fields. Encoded flat into the holder's JSON object (`observe --json`):
/// the names are a contract with scripts, keep them.
public struct ForeignDetail: Codable, Hashable, Sendable {
    /// libvirt: the domain uuid (= Nova instance = Placement consumer).
    public var uuid: String?
    public var state: HolderState
    /// libvirt: vCPU → the host CPUs its `<vcpupin>` names.
    public var vcpuPins: [Int: CPUSet]?
    /// libvirt: vCPU → the host CPUs its thread may really run on
    /// (`Cpus_allowed_list` of the thread id the domstatus lists), for a
    /// running domain whose threads could be read.
    public var appliedPins: [Int: CPUSet]?
    /// libvirt: `<emulatorpin>` (or `<vcpu cpuset>` for a guest without a
    /// NUMA topology).
    public var emulatorCPUs: CPUSet?
    /// CPUs the holder may run on without holding them (multi-CPU pins over
    /// shared CPUs): listed apart from `cpus`, never taken out of the host.
    public var floatingCPUs: CPUSet?
    /// libvirt: the vCPU thread ids the domstatus lists (running domains).
    public var vcpuThreads: [Int: Int32]?
    /// kubelet: the pod uid.
    public var podUID: String?
    /// kubelet: container name → the CPUs the CPU manager assigned it.
    public var containers: [String: CPUSet]?
    /// Nova metadata when present: instance name, flavor, project.
    public var novaInstance: String?
    public var novaFlavor: String?
    public var novaProject: String?
    /// The state files this holder was read from (under the host root).
    public var sources: [String]
    /// false: read from a kubelet checkpoint whose checksum does not match
    /// (shown, but unverified). nil where nothing can be verified.
    public var verified: Bool?

    public init(uuid: String? = nil, state: HolderState, vcpuPins: [Int: CPUSet]? = nil,
                appliedPins: [Int: CPUSet]? = nil, emulatorCPUs: CPUSet? = nil, floatingCPUs: CPUSet? = nil,
                vcpuThreads: [Int: Int32]? = nil, podUID: String? = nil, containers: [String: CPUSet]? = nil,
                novaInstance: String? = nil, novaFlavor: String? = nil, novaProject: String? = nil,
                sources: [String] = [], verified: Bool? = nil) {
        self.uuid = uuid
        self.state = state
        self.vcpuPins = vcpuPins
        self.appliedPins = appliedPins
        self.emulatorCPUs = emulatorCPUs
        self.floatingCPUs = floatingCPUs
        self.vcpuThreads = vcpuThreads
        self.podUID = podUID
        self.containers = containers
        self.novaInstance = novaInstance
        self.novaFlavor = novaFlavor
        self.novaProject = novaProject
        self.sources = sources
        self.verified = verified
    }

    enum CodingKeys: String, CodingKey {
        case uuid, state, containers, sources, verified
        case vcpuPins = "vcpu_pins", appliedPins = "applied_pins", emulatorCPUs = "emulator_cpus"
        case floatingCPUs = "floating_cpus", vcpuThreads = "vcpu_threads", podUID = "pod_uid"
        case novaInstance = "nova_instance", novaFlavor = "nova_flavor", novaProject = "nova_project"
    }
}
