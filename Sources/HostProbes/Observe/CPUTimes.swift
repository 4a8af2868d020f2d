/// One CPU's line of `/proc/stat`, in clock ticks since boot. `guest` and
/// `guest_nice` are not kept: the kernel already counts guest time inside
/// `user` and `nice` (proc(5)), so adding them would count it twice.
struct CPUTimes: Equatable, Sendable {
    var user: UInt64 = 0
    var nice: UInt64 = 0
    var system: UInt64 = 0
    var idle: UInt64 = 0
    var iowait: UInt64 = 0
    var irq: UInt64 = 0
    var softirq: UInt64 = 0
    var steal: UInt64 = 0

    /// Sets field `index` (0 = user … 7 = steal); later fields are ignored.
    mutating func set(_ index: Int, _ value: UInt64) {
        switch index {
        case 0: user = value
        case 1: nice = value
        case 2: system = value
        case 3: idle = value
        case 4: iowait = value
        case 5: irq = value
        case 6: softirq = value
        case 7: steal = value
        default: break
        }
    }

    /// Busy and total ticks between `earlier` and `self`: busy is user,
    /// nice, system, irq, softirq and steal; total adds idle and iowait. Nil
    /// when a counter went backwards (a wrapped counter, a CPU whose counters
    /// a hotplug reset, a garbled read): the interval is unknown, and a
    /// negative or huge load would be a lie. `iowait` alone may go backwards
    /// (proc(5): it is not reliable and can decrease); its drop counts as no
    /// iowait.
    func ticks(since earlier: CPUTimes) -> (busy: UInt64, total: UInt64)? {
        guard user >= earlier.user, nice >= earlier.nice, system >= earlier.system, idle >= earlier.idle,
              irq >= earlier.irq, softirq >= earlier.softirq, steal >= earlier.steal else { return nil }
        var busy: UInt64 = 0
        var overflow = false
        for part in [user - earlier.user, nice - earlier.nice, system - earlier.system,
                     irq - earlier.irq, softirq - earlier.softirq, steal - earlier.steal] {
            let (sum, o) = busy.addingReportingOverflow(part)
            busy = sum
            overflow = overflow || o
        }
        let wait = iowait >= earlier.iowait ? iowait - earlier.iowait : 0
        let (idleSum, o1) = (idle - earlier.idle).addingReportingOverflow(wait)
        let (total, o2) = busy.addingReportingOverflow(idleSum)
        if overflow || o1 || o2 { return nil }
        return (busy, total)
    }
}
