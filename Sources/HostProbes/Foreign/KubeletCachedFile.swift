/// A checkpoint as last read: its outcome holds while the file keeps its
/// stamp (mtime, size, inode) and the host keeps the limits it was checked
/// against, so a poll of an unchanged node neither re-parses nor re-hashes.
struct KubeletCachedFile {
    var stamp: FileStamp
    var limits: KubeletHostLimits
    var outcome: KubeletFileOutcome
}
