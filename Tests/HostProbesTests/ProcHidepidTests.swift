import Testing
@testable import HostProbes

/// `/proc` mounted with hidepid hides other users' pids without any read
/// failing: the mount options are the only sign.
@Suite struct ProcHidepidTests {
    @Test func hidingOptionsOfTheProcMountAreFound() {
        func option(_ text: String) -> String? { ProcHidepid.option(in: Array(text.utf8)) }
        #expect(option("sysfs /sys sysfs rw 0 0\nproc /proc proc rw,nosuid,nodev,noexec,relatime,hidepid=2 0 0\n") == "hidepid=2")
        #expect(option("proc /proc proc rw,relatime,hidepid=invisible,gid=10 0 0\n") == "hidepid=invisible")
        #expect(option("proc /proc proc rw,hidepid=ptraceable 0 0\n") == "hidepid=ptraceable")
        // hidepid=1 lists other users' pids (their reads fail: counted as denied).
        #expect(option("proc /proc proc rw,hidepid=1 0 0\n") == nil)
        #expect(option("proc /proc proc rw,nosuid,nodev,noexec,relatime 0 0\n") == nil)
        // Another proc mount (a container's) is not the reader's /proc.
        #expect(option("proc /var/lib/x/proc proc rw,hidepid=2 0 0\n") == nil)
        #expect(option("garbage") == nil)
    }

    @Test func aHiddenProcIsABlindSpot() {
        var tally = TaskScanTally()
        tally.procHidepid = "hidepid=2"
        #expect(tally.blindSpots.count == 1)
        #expect(tally.blindSpots.first?.hasPrefix("/proc is mounted with hidepid=2: other users' processes are hidden") == true)
        #expect(tally.blindSpots.first?.hasSuffix("run restrack as root to see them.") == true)
    }
}
