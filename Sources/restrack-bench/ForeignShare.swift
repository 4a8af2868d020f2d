import Foundation
import HostProbes
import TrackerCore

/// The libvirt and kubelet probes as the observer's foreign readers, timed
/// where the observer calls them: the bench's observer reads each once per
/// poll, as the dashboard's does, and the foreign owners' share of that
/// poll is what these calls took.
final class ForeignShare: @unchecked Sendable {
    private let lock = NSLock()
    private var wall = 0.0
    private var cpu = 0.0
    private var libvirtHolders = 0
    private var kubeletHolders = 0

    /// The readers to hand to `HostObserver(root:foreign:)`.
    func readers(root: String?) -> [@Sendable (HostSnapshot) -> ForeignReading] {
        let libvirt = LibvirtProbe(root: root), kubelet = KubeletProbe(root: root)
        return [
            { snapshot in self.timed(libvirt: true) { libvirt.read(snapshot: snapshot) } },
            { snapshot in self.timed(libvirt: false) { kubelet.read(snapshot: snapshot) } },
        ]
    }

    private func timed(libvirt: Bool, _ read: () -> ForeignReading) -> ForeignReading {
        var reading = ForeignReading()
        let t = PollSeries.time { reading = read() }
        lock.lock()
        defer { lock.unlock() }
        wall += t.wall
        cpu += t.cpu
        if libvirt { libvirtHolders = reading.holders.count } else { kubeletHolders = reading.holders.count }
        return reading
    }

    /// The time spent in the readers since the last call, and reset.
    func take() -> (wall: Double, cpu: Double) {
        lock.lock()
        defer { lock.unlock() }
        defer { wall = 0; cpu = 0 }
        return (wall, cpu)
    }

    /// Holders found by the last read of each.
    var holders: (libvirt: Int, kubelet: Int) {
        lock.lock()
        defer { lock.unlock() }
        return (libvirtHolders, kubeletHolders)
    }
}
