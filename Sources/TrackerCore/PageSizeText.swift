/// The one way page sizes are written for people, on the dashboard and in
/// CLI text: `4K`, `2M`, `1G` (binary units, as Linux names the pools
/// `hugepages-2048kB`). JSON keeps KiB numbers; this is for prose and columns.
public enum PageSizeText {
    /// A size in KiB as `4K`, `2M`, `1G`; sizes that are not a whole number
    /// of the larger unit stay in the smaller one (`1536K`).
    public static func short(kb: Int) -> String {
        let mib = 1024, gib = 1024 * 1024
        if kb >= gib, kb % gib == 0 { return "\(kb / gib)G" }
        if kb >= mib, kb % mib == 0 { return "\(kb / mib)M" }
        return "\(kb)K"
    }
}
