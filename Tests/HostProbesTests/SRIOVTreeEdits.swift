import Foundation

/// Changes made to the scripted SR-IOV tree (`make-sriov-tree.sh`) between
/// two polls, as a host changes under a long-lived loader and observer.
enum SRIOVTreeEdits {
    /// The first VF of the PF at 0000:5f:03.0.
    static let vf = "0000:60:02.0"

    /// `vf`'s device directory in `tree`.
    static func vfDir(_ tree: FixtureTree) -> String {
        tree.root + "/sys/devices/pci0000:5d/0000:5d:02.0/0000:5e:00.0/0000:5f:03.0/" + vf
    }

    /// Points the device directory `dir`'s `driver` link at `driver`.
    static func rebind(_ dir: String, to driver: String) throws {
        try FileManager.default.removeItem(atPath: dir + "/driver")
        try FileManager.default.createSymbolicLink(atPath: dir + "/driver",
                                                   withDestinationPath: "../../../../../../bus/pci/drivers/\(driver)")
    }
}
