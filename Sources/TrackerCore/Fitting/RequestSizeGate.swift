/// Refuses, before any other work, a request for more than the host holds
/// at all, so no work grows with a number from the request.
///
/// Reading a request builds per-vCPU sets and lists (`GuestTopology.make`,
/// before any host cell is looked at). Bounded by the host, that work is
/// small; bounded only by the request, `"vcpus": 1000000000` would mean
/// gigabytes of sets before the answer "no". `claim`
/// fits inside the ledger's write transaction, so this gate is also what
/// keeps that transaction short whatever the request says: every later step
/// is bounded by the host's CPUs, cells and devices (guest cells need
/// vCPUs, and PCI matching stops at a request for more devices than
/// match).
///
/// It runs before the request's own rules, so such a request is a no-fit
/// even when it is also invalid: either way it cannot land.
enum RequestSizeGate {
    /// nil when the request's sizes are within the host's; else a no-fit reason.
    static func check(_ request: Request, on host: HostSnapshot) -> String? {
        var hostCPUs = 0
        for c in host.cells { hostCPUs += c.cpus.count + c.pcpus.count }
        if request.vcpus > hostCPUs {
            return "the guest asks for \(Wording.count(request.vcpus, "vCPU")), "
                + "more than the \(Wording.count(hostCPUs, "CPU")) the host has in all"
        }
        return nil
    }
}
