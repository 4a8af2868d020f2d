/// One `checkpoint.PodDevicesEntry` of the device manager's checkpoint: the
/// devices of `resourceName` a container was given, per NUMA node (-1: no
/// node).
struct KubeletDeviceEntry: Hashable, Sendable {
    var podUID: String
    var containerName: String
    var resourceName: String
    var deviceIDs: [Int64: [String]]
}
