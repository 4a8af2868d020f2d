/// Whether `/proc` hides other users' processes entirely (`hidepid=2`,
/// `invisible`, `hidepid=4`, `ptraceable`): their pids are then not even
/// listed, so no read fails and nothing else would say they are missing.
/// (`hidepid=1`/`noaccess` lists them; their unreadable files are counted
/// as denied.) Root, with CAP_SYS_PTRACE, sees every process regardless.
enum ProcHidepid {
    /// The hiding option of the `proc` file system mounted at `/proc` in
    /// `mounts` (`/proc/mounts`), nil when it hides nothing.
    static func option(in mounts: [UInt8]) -> String? {
        for line in mounts.split(separator: 0x0A) {
            let fields = line.split(separator: 0x20)
            guard fields.count >= 4, fields[1].elementsEqual("/proc".utf8), fields[2].elementsEqual("proc".utf8) else { continue }
            for option in fields[3].split(separator: 0x2C) {
                let text = String(decoding: option, as: UTF8.self)
                if ["hidepid=2", "hidepid=invisible", "hidepid=4", "hidepid=ptraceable"].contains(text) { return text }
            }
        }
        return nil
    }
}
