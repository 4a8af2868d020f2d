import Testing
@testable import TrackerCore

/// "Not visible" is not free: devices whose users could not be read are
/// not handed out, and tasks restrack could not see are a blind spot
/// `check` fails on, while notes that hide nothing stay notes.
@Suite struct BlindSpotPolicyTests {
    static let gpu = PCIDevice(address: "0000:3b:00.0", vendorID: "10de", productID: "1eb8")

    static func host() -> HostSnapshot {
        HostSnapshot(hostname: "t", cells: [
            NUMACell(id: 0, cpus: [0], pcpus: [1, 2, 3], memoryMB: 16384, mempages: [PagePool(sizeKB: 4, total: 2_097_152)]),
        ], pciDevices: [gpu])
    }

    @Test func aDeviceWhoseUsersAreUnknownIsNotClaimable() {
        let why = "the open files of pid 812 cannot be read"
        let seen = Observations(now: 0, devices: [
            Self.gpu.address: DeviceUse(address: Self.gpu.address, driver: "vfio-pci", usersUnknown: why)])
        let state = ClaimStateDerivation.derive(snapshot: Self.host(), claims: [], observations: seen)
        #expect(state.deviceBlockers[Self.gpu.address] == "users unknown: " + why)
        #expect(state.effective.pciDevices.first?.status == .unavailable)
    }

    @Test func hiddenTasksAreABlindSpotAndAGarbledFileIsOnlyANote() {
        let hidden = "3 tasks of other users not visible (e.g. /proc/600/task): run restrack as root to see them."
        let garbled = "1 cpuset.cpus.effective file holds no CPU list (e.g. /x); the nearest ancestor's set was used."
        var seen = Observations(now: 0, notVisible: [hidden, garbled])
        seen.blindSpots = [hidden]
        let state = ClaimStateDerivation.derive(snapshot: Self.host(), claims: [], observations: seen)
        let notes = state.findings.filter { $0.kind == .notVisible }
        #expect(notes.map(\.isBlindSpot) == [true, false])
        #expect(notes.map(\.message) == [hidden, garbled])
        #expect(!notes[1].message.contains("root"))
        // CPUs no visible task pins stay claimable.
        #expect(state.effective.cells[0].pinnedCPUs.isEmpty)
    }
}
