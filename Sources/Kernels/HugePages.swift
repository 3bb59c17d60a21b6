import CKernels

/// Weight buffers of at least one huge page go in 2 MiB-aligned memory the kernel is asked to
/// back with huge pages: a block step streams every weight once, and in 4 KiB pages each 4 KiB
/// costs the few-row tiles a TLB miss.
public enum HugePages {
    static let size = 2 << 20

    /// The alignment to allocate `bytes` with: a huge page's for buffers of at least one.
    public static func alignment(forBytes bytes: Int) -> Int { bytes >= size ? size : 64 }

    /// The hint for a buffer allocated with `alignment(forBytes:)`; nothing for smaller ones.
    public static func advise(_ start: UnsafeMutableRawPointer, bytes: Int) {
        if bytes >= size { dscope_advise_huge_pages(start, bytes) }
    }
}
