/// A domain file's parse, kept while the file's stamp (inode, mtime, size)
/// stays: a dashboard polls every second, and a host's hundreds of domain
/// files rarely change between two polls.
struct LibvirtCacheEntry: Sendable {
    var stamp: FileStamp
    var parsed: Result<LibvirtStateFile, LibvirtFileProblem>
}
