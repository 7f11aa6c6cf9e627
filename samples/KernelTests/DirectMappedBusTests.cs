using System.Runtime.InteropServices;
using KernelHost.Memory;

namespace KernelTests;

/// <summary>The hardware bus over plain memory standing in for the direct map: each width lands where it should.</summary>
public sealed unsafe class DirectMappedBusTests
{
    [Fact]
    public void Loads_and_stores_of_each_width_hit_base_plus_physical_address_little_endian()
    {
        byte* memory = (byte*)NativeMemory.AlignedAlloc(64, 64);
        try
        {
            new Span<byte>(memory, 64).Clear();
            var bus = new DirectMappedBus((nint)memory);

            bus.Store64(8, 0x1122_3344_5566_7788);
            bus.Store32(16, 0xAABB_CCDD);
            bus.Store16(20, 0xEEFF);
            bus.Store8(22, 0x5A);

            Assert.Equal(0x88, memory[8]);
            Assert.Equal(0x5566_7788U, bus.Load32(8));
            Assert.Equal((ushort)0xCCDD, bus.Load16(16));
            Assert.Equal(0x005A_EEFF_AABB_CCDDUL, bus.Load64(16));
            Assert.Equal((byte)0x11, bus.Load8(15));
        }
        finally
        {
            NativeMemory.AlignedFree(memory);
        }
    }
}
