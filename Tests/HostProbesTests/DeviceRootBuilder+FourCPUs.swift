import Foundation

extension DeviceRootBuilder {
    /// Four online CPUs on one node: two cores of two hyperthreads (0,2 and
    /// 1,3), node 0 listing them all. Memory, hugepages and the hostname are
    /// left to the test, which is what each one varies.
    func writeFourCPUsOnOneNode() throws {
        let cpu = "sys/devices/system/cpu"
        for name in ["present", "online", "possible"] { try write("\(cpu)/\(name)", "0-3\n") }
        for id in 0..<4 {
            try write("\(cpu)/cpu\(id)/topology/physical_package_id", "0\n")
            try write("\(cpu)/cpu\(id)/topology/thread_siblings_list", id % 2 == 0 ? "0,2\n" : "1,3\n")
        }
        try write("sys/devices/system/node/possible", "0\n")
        try write("sys/devices/system/node/online", "0\n")
        try write("sys/devices/system/node/node0/cpulist", "0-3\n")
        try write("sys/devices/system/node/node0/distance", "10\n")
    }
}
