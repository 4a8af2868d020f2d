import Foundation
import TrackerCore

/// The PCI devices a `SnapshotLoader` last read from sysfs, and when, so
/// the device-use probe of the same poll can take each device's bound
/// driver and interface names from that read instead of reading them again
/// (two reads per device per poll on a host of thousands of VFs), and the
/// `flags` of the interfaces the loader read through the directory it had
/// open (a VF's, on a poll served from the `PCIFactCache`).
///
/// Only a snapshot whose device list is the very one recorded, and read
/// less than `maxAge` seconds ago, is matched: a snapshot from a host file,
/// from another loader, edited since, or kept from an earlier poll gets
/// nothing, and the probe reads the files as before. Every `load` of the
/// loader replaces the record, so a driver rebound or an interface added
/// between two polls is in the next poll's record.
public final class PCIPollRecord: @unchecked Sendable {
    public let maxAge: Double
    private let lock = NSLock()
    private var devices: [PCIDevice] = []
    private var flags: [String: [Flag]] = [:]
    private var readAt: Double?

    /// One interface's `flags` (net/NAME/flags under the device), parsed,
    /// as read by the loader; an interface whose file was missing, special,
    /// garbled or unreadable has none, and the device-use probe reads it
    /// itself (with its fallbacks and notes).
    struct Flag: Sendable, Equatable {
        var name: [UInt8]
        var flags: Int
    }

    public init(maxAge: Double = 1) {
        self.maxAge = maxAge
    }

    /// Records `devices` as read from sysfs now, with the interface flags
    /// read in the same pass, by device address.
    func record(_ devices: [PCIDevice], flags: [String: [Flag]] = [:]) {
        let now = Self.monotonic()
        lock.lock()
        defer { lock.unlock() }
        self.devices = devices
        self.flags = flags
        readAt = now
    }

    /// When `devices` is the recorded list and the record is fresh, the
    /// flags recorded with it (so each device's driver, interface names and
    /// IOMMU group in `devices` are the loader's read of this poll); nil
    /// otherwise.
    func fresh(matching devices: [PCIDevice]) -> [String: [Flag]]? {
        let now = Self.monotonic()
        lock.lock()
        defer { lock.unlock() }
        guard let readAt, now - readAt < maxAge, now >= readAt, Self.same(self.devices, devices) else { return nil }
        return flags
    }

    /// The same storage (the snapshot handed on unchanged), or equal values.
    private static func same(_ a: [PCIDevice], _ b: [PCIDevice]) -> Bool {
        guard a.count == b.count else { return false }
        let shared = a.withUnsafeBufferPointer { pa in b.withUnsafeBufferPointer { pb in pa.baseAddress == pb.baseAddress } }
        return shared || a == b
    }

    static func monotonic() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }
}
