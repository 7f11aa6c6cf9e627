using System;
using System.Threading;
using NSubstitute;
using Vmd.Core.Domain;

namespace Vmd.Core.Tests;

/// <summary>
/// <see cref="IExclusiveConfigAccess"/> on the domain port: the holder's accesses go straight to CFGBAR (counted as
/// before); another thread's accesses wait until it is released; only the holder may release it; it nests.
/// </summary>
public sealed class VmdConfigSpaceExclusiveTests
{
    private static readonly PciAddress RootPort = new(0x10000, 0xE0, 6, 0);

    private static (VmdConfigSpace Domain, IMmioRegion Cfgbar) Create()
    {
        IMmioRegion cfgbar = Substitute.For<IMmioRegion>();
        cfgbar.Length.Returns((nuint)(32 << 20));
        cfgbar.Read32(0x3_0000).Returns(0xAE4D_8086u);
        return (new VmdConfigSpace(cfgbar, 0x10000, 0xE0, 0xFF), cfgbar);
    }

    [Fact]
    public void The_holder_reads_and_writes_through_cfgbar_and_is_counted_as_before()
    {
        (VmdConfigSpace domain, IMmioRegion cfgbar) = Create();

        domain.BeginExclusive();
        uint ids = domain.Read32(RootPort, 0);
        domain.Write16(RootPort, 4, 6);
        ushort outside = domain.Read16(new PciAddress(0x10000, 0x10, 0, 0), 0); // outside the bus range: still refused
        domain.EndExclusive();

        Assert.Equal(0xAE4D_8086u, ids);
        Assert.Equal(0xFFFF, outside);
        Assert.Equal(1, domain.Reads);
        Assert.Equal(1, domain.Writes);
        Assert.Equal(1, domain.RejectedAccesses);
        Received.InOrder(() =>
        {
            cfgbar.Read32(0x3_0000);
            cfgbar.Write16(0x3_0004, 6);
            cfgbar.Read16(0x3_0004);
        });
    }

    [Fact]
    public void Another_thread_waits_until_the_holder_releases()
    {
        (VmdConfigSpace domain, _) = Create();
        domain.BeginExclusive();
        domain.BeginExclusive(); // nested: released only by the outer End
        uint seen = 0;
        var reader = new Thread(() => seen = domain.Read32(RootPort, 0));
        reader.Start();

        WaitUntilBlocked(reader); // inside Monitor.Enter on the VMD's lock
        domain.EndExclusive();
        Assert.Equal(0, domain.Reads); // still held once: the reader has not reached CFGBAR
        domain.EndExclusive();

        Assert.True(reader.Join(TimeSpan.FromSeconds(30)));
        Assert.Equal(0xAE4D_8086u, seen);
        Assert.Equal(1, domain.Reads);
    }

    /// <summary>Spins (yielding, no sleep) until the thread blocks; a bounded number of tries, then the test fails.</summary>
    private static void WaitUntilBlocked(Thread thread)
    {
        for (int i = 0; i < 10_000_000; i++)
        {
            if ((thread.ThreadState & ThreadState.WaitSleepJoin) != 0)
            {
                return;
            }

            Thread.Yield();
        }

        Assert.Fail("the reader never blocked on the VMD's lock");
    }

    [Fact]
    public void Only_the_holder_may_release()
    {
        (VmdConfigSpace domain, _) = Create();
        Assert.Throws<SynchronizationLockException>(domain.EndExclusive);

        domain.BeginExclusive();
        Exception? thrown = null;
        var other = new Thread(() =>
        {
            try
            {
                domain.EndExclusive();
            }
            catch (Exception e)
            {
                thrown = e;
            }
        });
        other.Start();
        Assert.True(other.Join(TimeSpan.FromSeconds(30)));
        domain.EndExclusive();

        Assert.IsType<SynchronizationLockException>(thrown);
    }
}
