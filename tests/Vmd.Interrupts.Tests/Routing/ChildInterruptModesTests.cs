using Vmd.Enumeration.Tests.Fakes;
using Vmd.Interrupts.Routing;
using Vmd.Registers;

namespace Vmd.Interrupts.Tests.Routing;

/// <summary>Which interrupt mode a child behind a VMD can have.</summary>
public sealed class ChildInterruptModesTests
{
    private static readonly PciAddress Child = new(0x10000, 0xE1, 0, 0);

    private static FakeConfigSpace With(bool msix, bool msi)
    {
        var fake = new FakeConfigSpace();
        FakeFunction function = fake.Add(Child).WithCapabilityPointer(0x40)
            .WithCapability(0x40, CapabilityId.PowerManagement, msi ? (byte)0x50 : (byte)0x60);
        if (msi)
        {
            function.WithCapability(0x50, CapabilityId.Msi, 0x60);
        }

        function.WithCapability(0x60, msix ? CapabilityId.MsiX : CapabilityId.PciExpress, 0);
        return fake;
    }

    [Fact]
    public void Intx_is_refused_with_a_reason_that_offers_polling()
    {
        InterruptModeChoice choice = ChildInterruptModes.Choose(With(msix: true, msi: true), Child, InterruptMode.Intx);

        Assert.False(choice.Succeeded);
        Assert.Equal(VmdError.Unsupported, choice.Error);
        Assert.Contains("no INTx behind a VMD", choice.Reason);
        Assert.Contains("poll", choice.Reason);
    }

    [Fact]
    public void Automatic_prefers_msix_then_msi_then_polling()
    {
        InterruptModeChoice both = ChildInterruptModes.Choose(With(msix: true, msi: true), Child, InterruptMode.Automatic);
        InterruptModeChoice msiOnly = ChildInterruptModes.Choose(With(msix: false, msi: true), Child, InterruptMode.Automatic);
        InterruptModeChoice none = ChildInterruptModes.Choose(With(msix: false, msi: false), Child, InterruptMode.Automatic);

        Assert.Equal((InterruptMode.Msix, (ushort)0x60), (both.Mode, both.CapabilityOffset));
        Assert.Equal((InterruptMode.Msi, (ushort)0x50), (msiOnly.Mode, msiOnly.CapabilityOffset));
        Assert.True(none.Succeeded);
        Assert.Equal(InterruptMode.Polling, none.Mode);
    }

    [Fact]
    public void Asking_for_a_capability_the_function_lacks_is_unsupported()
    {
        InterruptModeChoice choice = ChildInterruptModes.Choose(With(msix: false, msi: true), Child, InterruptMode.Msix);

        Assert.Equal(VmdError.Unsupported, choice.Error);
        Assert.Equal(ChildInterruptModes.NoMsix, choice.Reason);
    }

    [Fact]
    public void A_vanished_function_reports_the_walk_error()
    {
        var fake = new FakeConfigSpace();
        fake.Add(Child).Vanished = true;

        InterruptModeChoice choice = ChildInterruptModes.Choose(fake, Child, InterruptMode.Automatic);

        Assert.False(choice.Succeeded);
        Assert.NotEqual(VmdError.Unsupported, choice.Error);
        Assert.Equal(ChildInterruptModes.WalkFailed, choice.Reason);
    }
}
