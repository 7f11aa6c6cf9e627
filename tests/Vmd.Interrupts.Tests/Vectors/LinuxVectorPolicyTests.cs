using Vmd.Interrupts.Vectors;
using Vmd.Registers;

namespace Vmd.Interrupts.Tests.Vectors;

/// <summary>Linux's vector choice, with the digest's examples (hardware digest §8.2).</summary>
public sealed class LinuxVectorPolicyTests
{
    [Fact]
    public void Client_with_19_vectors_spreads_nvme_over_2_to_18_and_shares_1_for_the_rest()
    {
        var table = new VmdVectorTable(19, offsetFirstVector: true, new LinuxVectorPolicy());

        for (int expected = 2; expected <= 18; expected++)
        {
            Assert.Equal(expected, table.Allocate(ClassCodes.NvmExpress));
        }

        Assert.Equal(2, table.Allocate(ClassCodes.NvmExpress)); // all tied at 1 user: lowest wins
        Assert.Equal(1, table.Allocate(ClassCodes.PciBridge));    // root port
        Assert.Equal(1, table.Allocate(ClassCodes.SataAhci));
        Assert.Equal(0, table.GetUserCount(0));                   // vector 0 never used
        Assert.Equal(2, table.GetUserCount(1));                   // the shared vector is counted too
        Assert.Equal(2, table.GetUserCount(2));
        Assert.Equal(1, table.GetUserCount(18));
    }

    [Fact]
    public void Nvme_goes_to_the_least_used_vector_after_a_free()
    {
        var table = new VmdVectorTable(19, offsetFirstVector: true, new LinuxVectorPolicy());
        for (int i = 0; i < 17; i++)
        {
            table.Allocate(ClassCodes.NvmExpress);
        }

        table.Allocate(ClassCodes.NvmExpress); // vector 2 now has 2
        table.Free(9);

        Assert.Equal(9, table.Allocate(ClassCodes.NvmExpress));
        Assert.Equal(3, table.Allocate(ClassCodes.NvmExpress));
    }

    [Fact]
    public void Server_uses_vector_0_for_the_shared_vector_and_1_to_18_for_nvme()
    {
        var table = new VmdVectorTable(19, offsetFirstVector: false, new LinuxVectorPolicy());

        Assert.Equal(1, table.Allocate(ClassCodes.NvmExpress));
        Assert.Equal(2, table.Allocate(ClassCodes.NvmExpress));
        Assert.Equal(0, table.Allocate(ClassCodes.PciBridge));
        Assert.Equal(0, table.FirstUsable);
    }

    [Fact]
    public void One_usable_vector_takes_everything_nvme_included()
    {
        var client = new VmdVectorTable(19, offsetFirstVector: true, new LinuxVectorPolicy());
        client.SetGranted([new HostVector(40), new HostVector(41)], requested: 19);
        var server = new VmdVectorTable(19, offsetFirstVector: false, new LinuxVectorPolicy());
        server.SetGranted([new HostVector(50)], requested: 19);

        Assert.Equal(1, client.Allocate(ClassCodes.NvmExpress));
        Assert.Equal(1, client.Allocate(ClassCodes.PciBridge));
        Assert.Equal(0, server.Allocate(ClassCodes.NvmExpress));
    }

    [Fact]
    public void Class_code_bits_above_24_are_ignored()
    {
        var table = new VmdVectorTable(4, offsetFirstVector: true, new LinuxVectorPolicy());

        Assert.Equal(2, table.Allocate(0xFF01_0802));
    }
}
