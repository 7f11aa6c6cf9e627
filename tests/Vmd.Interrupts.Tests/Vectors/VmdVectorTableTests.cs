using System;
using NSubstitute;
using Vmd.Interrupts.Vectors;
using Vmd.Registers;

namespace Vmd.Interrupts.Tests.Vectors;

/// <summary>Grants, exact user counts and host-supplied policies.</summary>
public sealed class VmdVectorTableTests
{
    private static IInterruptController HostGranting(int count)
    {
        IInterruptController host = Substitute.For<IInterruptController>();
        int given = 0;
        host.TryAllocate(out Arg.Any<HostVector>()).Returns(call =>
        {
            if (given >= count)
            {
                return false;
            }

            call[0] = new HostVector((uint)(0x40 + given++));
            return true;
        });
        return host;
    }

    [Fact]
    public void Fewer_vectors_granted_than_asked_degrades_and_children_share_the_rest()
    {
        var table = new VmdVectorTable(19, offsetFirstVector: true, new LinuxVectorPolicy());

        Assert.True(table.TryGrantFrom(HostGranting(5), 19, out VmdError error));

        Assert.Equal(VmdError.None, error);
        Assert.Equal(5, table.ActiveCount);
        Assert.Equal(4, table.UsableCount);
        Assert.True(table.Degraded);
        Assert.Equal("The host granted 5 of 19 VMD vectors: child interrupts share vectors 1-4.", table.DegradedReason);
        Assert.True(table.TryGetHostVector(4, out HostVector last));
        Assert.Equal(new HostVector(0x44), last);
        Assert.False(table.TryGetHostVector(5, out _));
        Assert.Equal(2, table.Allocate(ClassCodes.NvmExpress));
        Assert.Equal(3, table.Allocate(ClassCodes.NvmExpress));
        Assert.Equal(4, table.Allocate(ClassCodes.NvmExpress));
        Assert.Equal(2, table.Allocate(ClassCodes.NvmExpress));
    }

    [Fact]
    public void Full_grant_is_not_degraded()
    {
        var table = new VmdVectorTable(19, offsetFirstVector: true, new LinuxVectorPolicy());

        Assert.True(table.TryGrantFrom(HostGranting(100), 19, out _));

        Assert.False(table.Degraded);
        Assert.Null(table.DegradedReason);
        Assert.Equal(19, table.ActiveCount);
        Assert.True(table.HasHostVectors);
    }

    [Fact]
    public void Grant_of_only_the_reserved_vector_fails_and_gives_it_back()
    {
        var table = new VmdVectorTable(19, offsetFirstVector: true, new LinuxVectorPolicy());
        IInterruptController host = HostGranting(1);

        Assert.False(table.TryGrantFrom(host, 19, out VmdError error));

        Assert.Equal(VmdError.Exhausted, error);
        host.Received(1).Free(new HostVector(0x40));
        Assert.False(table.HasHostVectors);
        Assert.Equal(19, table.ActiveCount);
    }

    [Fact]
    public void Single_shared_vector_grant_says_so()
    {
        var table = new VmdVectorTable(19, offsetFirstVector: true, new FreeBsdVectorPolicy());

        table.SetGranted([new HostVector(1), new HostVector(2)], requested: 19);

        Assert.Equal("The host granted 2 of 19 VMD vectors: every child interrupt shares vector 1.", table.DegradedReason);
    }

    [Fact]
    public void Counts_stay_exact_through_allocate_and_free()
    {
        var table = new VmdVectorTable(19, offsetFirstVector: true, new LinuxVectorPolicy());
        int shared1 = table.Allocate(ClassCodes.PciBridge);
        int shared2 = table.Allocate(ClassCodes.PciBridge);
        int nvme = table.Allocate(ClassCodes.NvmExpress);

        table.Free(shared1);

        Assert.Equal(1, table.GetUserCount(1));
        Assert.Equal(1, table.GetUserCount(nvme));
        Assert.Equal(2, table.TotalUsers);
        table.Free(shared2);
        table.Free(nvme);
        Assert.Equal(0, table.TotalUsers);
        for (int i = 0; i < table.TableSize; i++)
        {
            Assert.Equal(0, table.GetUserCount(i));
        }

        Assert.Throws<InvalidOperationException>(() => table.Free(1)); // nothing left to free: a caller mistake
        Assert.Throws<ArgumentOutOfRangeException>(() => table.Free(19));
    }

    [Fact]
    public void Host_supplied_policy_is_asked_and_checked()
    {
        IVectorPolicy policy = Substitute.For<IVectorPolicy>();
        var table = new VmdVectorTable(8, offsetFirstVector: true, policy);
        policy.SelectVector(table, ClassCodes.NvmExpress).Returns(7);
        policy.SelectVector(table, ClassCodes.PciBridge).Returns(0);

        Assert.Equal(7, table.Allocate(ClassCodes.NvmExpress));
        Assert.Equal(1, table.GetUserCount(7));
        Assert.Throws<InvalidOperationException>(() => table.Allocate(ClassCodes.PciBridge)); // vector 0 is reserved
        Assert.Equal(1, table.TotalUsers);
    }

    [Fact]
    public void Release_frees_every_host_vector_once_children_are_gone()
    {
        var table = new VmdVectorTable(4, offsetFirstVector: false, new FreeBsdVectorPolicy());
        IInterruptController host = HostGranting(4);
        Assert.True(table.TryGrantFrom(host, 4, out _));
        int index = table.Allocate(ClassCodes.NvmExpress);

        Assert.Throws<InvalidOperationException>(() => table.ReleaseTo(host));
        table.Free(index);
        table.ReleaseTo(host);

        host.ReceivedWithAnyArgs(4).Free(default);
        Assert.False(table.HasHostVectors);
    }

    [Fact]
    public void Grant_after_children_took_vectors_is_a_caller_mistake()
    {
        var table = new VmdVectorTable(4, offsetFirstVector: false, new FreeBsdVectorPolicy());
        table.Allocate(ClassCodes.NvmExpress);

        Assert.Throws<InvalidOperationException>(() => table.TryGrantFrom(HostGranting(4), 4, out _));
    }

    [Fact]
    public void Table_without_a_usable_vector_refuses_to_allocate()
    {
        var table = new VmdVectorTable(1, offsetFirstVector: true, new LinuxVectorPolicy());

        Assert.False(table.TryAllocate(ClassCodes.NvmExpress, out int index, out VmdError error));
        Assert.Equal(VmdError.Exhausted, error);
        Assert.Equal(-1, index);
        Assert.Equal(0, table.UsableCount);
    }
}
