import TrackerCore

/// A string from a kubelet checkpoint made fit for a holder or a message:
/// control and format characters spelled out, cut at 128 characters (a
/// pod uid is 36).
enum KubeletText {
    static func safe(_ s: String) -> String {
        let escaped = SafeText.escape(s)
        guard escaped.count > 128 else { return escaped }
        return String(escaped.prefix(128)) + "…"
    }
}
