using Vmd.Interrupts.Vectors;
using Vmd.Registers;

namespace Vmd.Interrupts.Tests.Vectors;

/// <summary>FreeBSD's vector choice: least used from the first usable vector, for every class (hardware digest §8.3).</summary>
public sealed class FreeBsdVectorPolicyTests
{
    [Fact]
    public void Every_class_takes_the_least_used_vector_from_first_usable_ties_lowest()
    {
        var table = new VmdVectorTable(4, offsetFirstVector: true, new FreeBsdVectorPolicy());

        Assert.Equal(1, table.Allocate(ClassCodes.PciBridge));
        Assert.Equal(2, table.Allocate(ClassCodes.NvmExpress));
        Assert.Equal(3, table.Allocate(ClassCodes.SataAhci));
        Assert.Equal(1, table.Allocate(ClassCodes.NvmExpress));
        table.Free(3);
        Assert.Equal(3, table.Allocate(ClassCodes.PciBridge));
        Assert.Equal(0, table.GetUserCount(0));
    }

    [Fact]
    public void Without_the_offset_vector_0_is_used_first()
    {
        var table = new VmdVectorTable(3, offsetFirstVector: false, new FreeBsdVectorPolicy());

        Assert.Equal(0, table.Allocate(ClassCodes.NvmExpress));
        Assert.Equal(1, table.Allocate(ClassCodes.NvmExpress));
        Assert.Equal(2, table.Allocate(ClassCodes.PciBridge));
        Assert.Equal(0, table.Allocate(ClassCodes.PciBridge));
    }
}
