#if canImport(Glibc)
    import Glibc
#endif

/// Asks the kernel to back the 2 MB-aligned inside of `buffer` with huge pages, before its
/// first write: a training batch reads 200 rows from all over the 188 MB training set, and with
/// 4 KB pages nearly every row costs a TLB miss.
func adviseHugePages(_ buffer: UnsafeMutableRawBufferPointer) {
    #if os(Linux)
        guard let base = buffer.baseAddress, buffer.count >= 4 << 20 else { return }
        let huge = 2 << 20
        let start = (Int(bitPattern: base) + huge - 1) / huge * huge
        let end = (Int(bitPattern: base) + buffer.count) / huge * huge
        guard end > start, let pointer = UnsafeMutableRawPointer(bitPattern: start) else { return }
        _ = madvise(pointer, end - start, MADV_HUGEPAGE)
    #endif
}
