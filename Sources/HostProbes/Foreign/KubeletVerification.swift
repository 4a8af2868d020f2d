/// What a checkpoint's checksum says about its content, as the kubelet
/// judges it on start.
enum KubeletVerification: Hashable, Sendable {
    /// The stored checksum is the one the kubelet computes.
    case verified
    /// A legacy checksum of 0, which the kubelet accepts without checking
    /// (files of its old backend; CPU manager v4 writes 0 there on purpose).
    case notChecked
    /// `field` holds `stored`; the content hashes to `computed` (for legacy
    /// files, under the struct name the kubelet writes today).
    case mismatch(field: String, stored: UInt64, computed: UInt32)

    /// `ForeignDetail.verified`: nil where nothing was checked.
    var verified: Bool? {
        switch self {
        case .verified: return true
        case .notChecked: return nil
        case .mismatch: return false
        }
    }
}
