/// The largest numbers restrack accepts in a host or request document.
///
/// Far above any real host (2^34 MiB is 16 EiB; 2^34 4 KiB pages are 64 TiB
/// in one cell), yet small enough that the fitter's products (pages × page
/// size, MiB × 1024) and sums over cells can never overflow a 64-bit Int, so
/// a hostile or mistyped document is refused as input (exit 2) instead of
/// trapping.
public enum ContractLimits {
    /// Counts, memory sizes and usages.
    public static let maxCount = 1 << 34
    /// A page size in KiB (16 GiB pages).
    public static let maxPageSizeKB = 1 << 24
    /// An allocation ratio; capacities are `count × ratio` turned back into
    /// Int, which traps above 2^63.
    public static let maxRatio = 1_000_000.0

    static func tooLarge(_ v: Int, limit: Int) -> String {
        "\(v) is larger than restrack accepts (at most \(limit))"
    }
}
