import Foundation
import Testing
@testable import HostProbes
import TrackerCore

/// Hostile or broken domain files: each is an `invalid-file` finding naming
/// the file and what is wrong, the other domains are still read, and
/// nothing hangs, crashes or reads a huge file whole.
@Suite struct LibvirtHostileTests {
    static let good = "etc/libvirt/qemu/instance-00000105.xml"
    static let bad = "etc/libvirt/qemu/bad.xml"

    /// A root with one good definition and `text` as `bad.xml`; returns
    /// the reading, after checking the good domain survived.
    func readWithBad(_ text: String, at path: String = bad, sourceLocation: SourceLocation = #_sourceLocation) throws -> ForeignReading {
        let root = try LibvirtTestRoot()
        defer { root.remove() }
        try root.copy("libvirt-floating-shutoff.xml", to: Self.good)
        try root.write(path, text)
        let reading = root.read()
        #expect(reading.holders.map(\.name) == ["instance-00000105"], sourceLocation: sourceLocation)
        return reading
    }

    /// The one invalid-file finding about `path`, whose message must hold `words`.
    func expectRefused(_ reading: ForeignReading, _ words: String, path: String = bad,
                       sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(reading.findings.count == 1, sourceLocation: sourceLocation)
        guard let f = reading.findings.first else { return }
        #expect(f.kind == .invalidFile, sourceLocation: sourceLocation)
        #expect(f.resource == path, sourceLocation: sourceLocation)
        #expect(f.message.hasPrefix(path + " "), sourceLocation: sourceLocation)
        #expect(f.message.contains(words), "\(f.message)", sourceLocation: sourceLocation)
    }

    static var fixtureText: String {
        get throws { String(decoding: try LibvirtTestRoot.fixture("libvirt-floating-shutoff.xml"), as: UTF8.self) }
    }

    /// The shut-off fixture with one substring replaced (it must be there).
    func mutated(_ old: String, _ new: String) throws -> String {
        let text = try Self.fixtureText
        #expect(text.contains(old), "fixture lacks \(old)")
        return text.replacingOccurrences(of: old, with: new)
    }

    @Test func externalEntityIsRefusedBeforeParsing() throws {
        let secret = try LibvirtTestRoot()
        defer { secret.remove() }
        try secret.write("secret", "TOPSECRET-CONTENT")
        let text = """
            <?xml version="1.0"?>
            <!DOCTYPE domain [ <!ENTITY x SYSTEM "file://\(secret.root)/secret"> ]>
            <domain type='kvm'><name>&x;</name><uuid>8ded3c96-91eb-49fa-9d5f-576cdeb8fc4d</uuid>
            <memory>1024</memory><vcpu>1</vcpu></domain>
            """
        let reading = try readWithBad(text)
        expectRefused(reading, "holds a <!DOCTYPE declaration")
        #expect(!"\(reading)".contains("TOPSECRET"))
    }

    @Test func billionLaughsIsRefusedWithoutExpanding() throws {
        var text = "<?xml version=\"1.0\"?>\n<!doctype lolz [\n <!ENTITY lol0 \"lol\">\n"
        for i in 1...9 { text += " <!ENTITY lol\(i) \"" + String(repeating: "&lol\(i - 1);", count: 10) + "\">\n" }
        text += "]>\n<domain><name>&lol9;</name></domain>\n"
        let started = Date()
        let reading = try readWithBad(text)
        expectRefused(reading, "holds a <!DOCTYPE declaration")
        #expect(Date().timeIntervalSince(started) < 10)
    }

    @Test func entityDeclarationWithoutDoctypeIsRefused() throws {
        expectRefused(try readWithBad("<domain><!ENTITY a \"b\"><name>x</name></domain>"), "holds a <!ENTITY declaration")
    }

    @Test func tenMegabyteFileIsRefusedBySize() throws {
        let big = "<domain><name>" + String(repeating: "a", count: 10 << 20) + "</name></domain>"
        expectRefused(try readWithBad(big), "is larger than 4 MiB, more than restrack reads")
    }

    @Test func sparseHugeFileIsRefusedWithoutReadingIt() throws {
        // 64 GiB of holes: read whole, it would exhaust memory.
        let root = try LibvirtTestRoot()
        defer { root.remove() }
        try root.write(Self.bad, "<domain>")
        #expect(truncate(root.dir.appendingPathComponent(Self.bad).path, 64 << 30) == 0)
        expectRefused(root.read(), "is larger than 4 MiB")
    }

    @Test func fifoIsRefusedWithoutBlocking() throws {
        let root = try LibvirtTestRoot()
        defer { root.remove() }
        let path = root.dir.appendingPathComponent(Self.bad).path
        try HangGuard.mkfifo(path)
        let reading = try HangGuard.run(fifos: [path]) { root.read() }
        expectRefused(reading, "is a FIFO, not a regular file")
    }

    @Test func symlinkIsRefused() throws {
        let root = try LibvirtTestRoot()
        defer { root.remove() }
        try root.mkdir("etc/libvirt/qemu")
        #expect(symlink("/etc/passwd", root.dir.appendingPathComponent(Self.bad).path) == 0)
        expectRefused(root.read(), "a symbolic link, not a regular file")
    }

    @Test(arguments: [
        ("non-XML", "\u{0}\u{1}binary\u{ff}", "is not well-formed XML"),
        ("empty", "", "is not well-formed XML"),
        ("JSON", "{\"domain\": 1}", "is not well-formed XML"),
        ("truncated", "<domain type='kvm'><name>x</name>", "is not well-formed XML"),
        ("other root", "<network><name>default</name></network>", "has <network> at the top"),
    ])
    func notADomainIsRefused(_ what: String, _ text: String, _ words: String) throws {
        expectRefused(try readWithBad(text), words)
    }

    @Test(arguments: [
        ("cpuset not numbers", "cpuset='0-1,8-9,16-17,24-25'>2</vcpu>", "cpuset='abc'>2</vcpu>", "has vcpu cpuset='abc', not a CPU list"),
        ("cpuset beyond any CPU", "cpuset='0-1,8-9,16-17,24-25'>2</vcpu>", "cpuset='0-99999999'>2</vcpu>", "has vcpu cpuset='0-99999999', not a CPU list"),
        ("vCPU count a word", "'>2</vcpu>", "'>two</vcpu>", "has <vcpu>two</vcpu>, not a vCPU count"),
        ("memory a word", "<memory unit='KiB'>2097152</memory>", "<memory unit='KiB'>lots</memory>", "not a memory size"),
        ("memory unit unknown", "<memory unit='KiB'>2097152</memory>", "<memory unit='parsecs'>1</memory>", "not a memory size"),
        ("uuid not a uuid", "<uuid>8ded3c96-91eb-49fa-9d5f-576cdeb8fc4c</uuid>", "<uuid>not-a-uuid</uuid>", "not a UUID"),
        ("no uuid", "<uuid>8ded3c96-91eb-49fa-9d5f-576cdeb8fc4c</uuid>", "", "has no <uuid>"),
        ("no name", "<name>instance-00000105</name>", "", "has no <name>"),
        ("PCI bus too large", "bus='0x1b'", "bus='0x1bb'", "bus='0x1bb', not a PCI bus"),
        ("PCI function missing", " function='0x0'/>\n      </source>", "/>\n      </source>", "source <address> without 'function'"),
    ])
    func wrongTypeOrMissingFieldIsRefused(_ what: String, _ old: String, _ new: String, _ words: String) throws {
        // Same uuid as the good file would be a duplicate: give it another.
        let text = try mutated(old, new).replacingOccurrences(of: "576cdeb8fc4c", with: "576cdeb8fc4d")
        expectRefused(try readWithBad(text), words)
    }

    @Test(arguments: [
        ("vcpupin id huge", "<vcpupin vcpu='1' cpuset='26'/>", "<vcpupin vcpu='99999999' cpuset='26'/>", "vcpupin vcpu='99999999'>, beyond the domain's 4 vCPUs"),
        ("vcpupin id negative", "<vcpupin vcpu='1' cpuset='26'/>", "<vcpupin vcpu='-1' cpuset='26'/>", "vcpupin vcpu='-1'>, not a number"),
        ("vcpupin without cpuset", "<vcpupin vcpu='1' cpuset='26'/>", "<vcpupin vcpu='1'/>", "has a <vcpupin> without 'cpuset'"),
        ("memnode without nodeset", "<memnode cellid='0' mode='strict' nodeset='1'/>", "<memnode cellid='0' mode='strict'/>", "has a <memnode> without 'nodeset'"),
        ("negative pid", "pid='4100'>", "pid='-4100'>", "has <domstatus pid='-4100'>, not a process id"),
        ("pid a word", "pid='4100'>", "pid='qemu'>", "has <domstatus pid='qemu'>, not a process id"),
        ("no pid", "pid='4100'>", ">", "has a <domstatus> without 'pid'"),
        ("vcpu thread id huge", "<vcpu id='3' pid='4109'/>", "<vcpu id='99999999' pid='4109'/>", "vcpus/vcpu id='99999999'>, beyond the domain's 4 vCPUs"),
        ("vcpu thread negative", "<vcpu id='3' pid='4109'/>", "<vcpu id='3' pid='-2'/>", "pid='-2'> in <domstatus>, not a thread id"),
        ("domain id a word", "<domain type='kvm' id='3'>", "<domain type='kvm' id='three'>", "has <domain id='three'>, not a domain id"),
    ])
    func wrongTypeInARunningDomainIsRefused(_ what: String, _ old: String, _ new: String, _ words: String) throws {
        let root = try LibvirtTestRoot()
        defer { root.remove() }
        try root.copy("libvirt-floating-shutoff.xml", to: Self.good)
        let text = String(decoding: try LibvirtTestRoot.fixture("status-isolate.xml"), as: UTF8.self)
        #expect(text.contains(old), "fixture lacks \(old)")
        let path = "run/libvirt/qemu/instance-00000101.xml"
        try root.write(path, text.replacingOccurrences(of: old, with: new))
        let reading = root.read()
        #expect(reading.holders.map(\.name) == ["instance-00000105"])
        expectRefused(reading, words, path: path)
    }

    @Test func deepNestingIsRefused() throws {
        let deep = "<domain>" + String(repeating: "<a>", count: 500) + String(repeating: "</a>", count: 500) + "</domain>"
        // libxml2 or our depth cap: either way the file is refused.
        let reading = try readWithBad(deep)
        #expect(reading.findings.first?.kind == .invalidFile)
        #expect(reading.findings.first?.resource == Self.bad)
    }

    @Test func runFileWithoutDomstatusIsRefused() throws {
        let root = try LibvirtTestRoot()
        defer { root.remove() }
        try root.copy("nova-isolate.xml", to: "run/libvirt/qemu/instance-00000101.xml")
        let reading = root.read()
        #expect(reading.holders.isEmpty)
        #expect(reading.findings.first?.kind == .invalidFile)
        #expect(reading.findings.first?.message.contains("where libvirt keeps a <domstatus>") == true)
    }

    @Test func secondFileWithTheSameUUIDIsNamed() throws {
        let root = try LibvirtTestRoot()
        defer { root.remove() }
        try root.copy("libvirt-floating-shutoff.xml", to: "etc/libvirt/qemu/a.xml")
        try root.copy("libvirt-floating-shutoff.xml", to: "etc/libvirt/qemu/b.xml")
        let reading = root.read()
        #expect(reading.holders.count == 1)
        #expect(reading.holders.first?.foreign?.sources == ["etc/libvirt/qemu/a.xml"])
        #expect(reading.findings.map(\.resource) == ["etc/libvirt/qemu/b.xml"])
        #expect(reading.findings.first?.message.contains("as etc/libvirt/qemu/a.xml does") == true)
    }

    @Test func unreadableFilesAreOneNotVisibleLine() throws {
        // Root reads 0600 files whatever their owner, so "not readable as
        // this user" is made by failing the reads with EACCES, as the kernel
        // would for a non-root run.
        let root = try LibvirtTestRoot()
        defer { root.remove() }
        try root.copy("nova-isolate.xml", to: "etc/libvirt/qemu/instance-00000101.xml")
        try root.copy("libvirt-floating-shutoff.xml", to: "etc/libvirt/qemu/instance-00000105.xml")
        try root.copy("status-isolate.xml", to: "run/libvirt/qemu/instance-00000101.xml")
        let reading = root.read(fault: { $0.hasSuffix(".xml") ? EACCES : nil })
        #expect(reading.holders.isEmpty)
        #expect(reading.findings.isEmpty)
        #expect(reading.notVisible == [
            "libvirt state not readable as this user (etc/libvirt/qemu/instance-00000101.xml and 2 more: permission denied); run restrack as root to see libvirt's domains",
        ])

        // An unlistable directory (run/libvirt is 0700 root) counts the same.
        let dirs = root.read(fault: { $0 == "run/libvirt/qemu" || $0.hasPrefix("etc/") ? EACCES : nil })
        #expect(dirs.notVisible.count == 1)
        #expect(dirs.notVisible.first?.hasPrefix("libvirt state not readable as this user") == true)
    }

    @Test func filesBeyondTheCapAreNotReadAndSaidSo() throws {
        let root = try LibvirtTestRoot()
        defer { root.remove() }
        let text = try Self.fixtureText
        for i in 0..<5 {
            let uuid = "8ded3c96-91eb-49fa-9d5f-00000000000\(i)"
            try root.write("etc/libvirt/qemu/d\(i).xml", text.replacingOccurrences(of: "8ded3c96-91eb-49fa-9d5f-576cdeb8fc4c", with: uuid))
        }
        let reading = root.read(maxFiles: 3)
        // Which three is the directory's order; that only three were read is the point.
        #expect(reading.holders.count == 3)
        let sources = Set(reading.holders.compactMap { $0.foreign?.sources.first })
        let written = Set((0..<5).map { "etc/libvirt/qemu/d\($0).xml" })
        #expect(sources.count == 3)
        #expect(sources.isSubset(of: written))
        #expect(reading.notVisible == [
            "libvirt: 5 domain files under etc/libvirt/qemu and run/libvirt/qemu, more than the 3 restrack reads; the rest were not read",
        ])
    }

    @Test func noLibvirtIsNothing() throws {
        let root = try LibvirtTestRoot()
        defer { root.remove() }
        #expect(root.read() == ForeignReading())
    }
}
