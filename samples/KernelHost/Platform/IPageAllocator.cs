namespace KernelHost.Platform;

/// <summary>The kernel's physical page allocator, for memory a device reaches by DMA (NVMe queues, data pages).</summary>
public interface IPageAllocator
{
    /// <summary>Reserves <paramref name="length"/> bytes of RAM, 4 KiB aligned, zeroed; false when RAM is exhausted.</summary>
    bool TryAllocatePages(ulong length, out ulong physicalAddress);
}
