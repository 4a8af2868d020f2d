/// The box the device and claim details share: as tall as the body allows,
/// one footer line, the rest for scrolling rows. The controller clamps the
/// scroll with the same numbers the drawing uses.
public enum DetailView {
    public static func box(area: Rect) -> (width: Int, height: Int) {
        (min(area.width - 4, 96), area.height - 2)
    }

    /// Rows of content below the title, above the footer.
    public static func visibleRows(area: Rect?) -> Int {
        guard let area else { return 1 }
        return max(1, box(area: area).height - 2 - 1)
    }
}
