/// Why one libvirt domain file was not used: completes "FILE …" ("has a
/// DOCTYPE …", "vcpupin vcpu '99999999' …"). Host text inside is already
/// made safe to print.
struct LibvirtFileProblem: Error, Hashable, Sendable {
    var words: String

    init(_ words: String) {
        self.words = words
    }
}
