/// The answer to "where does this request land": a placement, or one
/// sentence saying why it cannot.
public struct Decision: Codable, Hashable, Sendable {
    public var fits: Bool
    public var reason: String?
    public var cells: [DecisionCell]
    public var emulatorCPUs: [Int]
    public var pciDevices: [String]

    public init(fits: Bool, reason: String? = nil, cells: [DecisionCell] = [], emulatorCPUs: [Int] = [],
                pciDevices: [String] = []) {
        self.fits = fits
        self.reason = reason
        self.cells = cells
        self.emulatorCPUs = emulatorCPUs
        self.pciDevices = pciDevices
    }

    public static func noFit(_ reason: String) -> Decision { Decision(fits: false, reason: reason) }

    enum CodingKeys: String, CodingKey {
        case fits, reason, cells, emulatorCPUs = "emulator_cpus", pciDevices = "pci_devices"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        fits = try c.decode(Bool.self, forKey: .fits)
        reason = try c.decodeIfPresent(String.self, forKey: .reason)
        cells = try c.decodeIfPresent([DecisionCell].self, forKey: .cells) ?? []
        emulatorCPUs = try c.decodeIfPresent([Int].self, forKey: .emulatorCPUs) ?? []
        pciDevices = try c.decodeIfPresent([String].self, forKey: .pciDevices) ?? []
    }

    /// A no-fit prints only `fits` and `reason`, as in the contract.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(fits, forKey: .fits)
        if fits {
            try c.encode(cells, forKey: .cells)
            try c.encode(emulatorCPUs, forKey: .emulatorCPUs)
            try c.encode(pciDevices, forKey: .pciDevices)
        } else {
            try c.encode(reason ?? "does not fit", forKey: .reason)
        }
    }
}
