using System;
using Vmd.Enumeration.Capabilities;
using Vmd.Registers;

namespace Vmd.Interrupts.Routing;

/// <summary>
/// Decides how a child behind a VMD may signal interrupts. A VMD forwards only memory writes of MSI and MSI-X
/// messages (remapped onto its own vectors, hardware digest §8.1); it has no INTx routing, so an INTx request is
/// refused (FreeBSD refuses it too, §8.3) and polling is offered instead.
/// </summary>
/// <remarks>Stateless; reads configuration space only (a bounded capability walk); never throws for hardware values.</remarks>
public static class ChildInterruptModes
{
    /// <summary>Why INTx is refused.</summary>
    public const string NoIntx =
        "There is no INTx behind a VMD: it forwards only MSI and MSI-X writes, remapped onto its own vectors. "
        + "Use MSI-X or MSI, or poll the device (InterruptPoller).";

    /// <summary>Why an MSI-X request failed on a function without the capability.</summary>
    public const string NoMsix = "The function has no MSI-X capability; use MSI or polling.";

    /// <summary>Why an MSI request failed on a function without the capability.</summary>
    public const string NoMsi = "The function has no MSI capability; use MSI-X or polling.";

    /// <summary>Why a request failed when the capability list could not be walked.</summary>
    public const string WalkFailed = "The function's capability list could not be walked.";

    /// <summary>Chooses the mode for a child function.</summary>
    /// <param name="config">Configuration port of the VMD domain.</param>
    /// <param name="child">The child function.</param>
    /// <param name="requested">
    /// <see cref="InterruptMode.Automatic"/> (MSI-X, else MSI, else polling), a specific mode, or
    /// <see cref="InterruptMode.Intx"/>, which always fails with <see cref="VmdError.Unsupported"/> and <see cref="NoIntx"/>.
    /// </param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="requested"/> is not a defined mode.</exception>
    public static InterruptModeChoice Choose(IConfigSpace config, PciAddress child, InterruptMode requested)
    {
        ArgumentNullException.ThrowIfNull(config);
        switch (requested)
        {
            case InterruptMode.Intx:
                return new InterruptModeChoice(InterruptMode.Intx, 0, VmdError.Unsupported, NoIntx);
            case InterruptMode.Polling:
                return new InterruptModeChoice(InterruptMode.Polling, 0, VmdError.None, null);
            case InterruptMode.Msix:
                return Find(config, child, CapabilityId.MsiX, InterruptMode.Msix, NoMsix);
            case InterruptMode.Msi:
                return Find(config, child, CapabilityId.Msi, InterruptMode.Msi, NoMsi);
            case InterruptMode.Automatic:
                InterruptModeChoice msix = Find(config, child, CapabilityId.MsiX, InterruptMode.Msix, NoMsix);
                if (msix.Succeeded || msix.Error != VmdError.Unsupported)
                {
                    return msix;
                }

                InterruptModeChoice msi = Find(config, child, CapabilityId.Msi, InterruptMode.Msi, NoMsi);
                return msi.Succeeded || msi.Error != VmdError.Unsupported
                    ? msi
                    : new InterruptModeChoice(InterruptMode.Polling, 0, VmdError.None, null);
            default:
                throw new ArgumentOutOfRangeException(nameof(requested), requested, "Not an interrupt mode.");
        }
    }

    private static InterruptModeChoice Find(IConfigSpace config, PciAddress child, CapabilityId id, InterruptMode mode, string missing)
    {
        if (CapabilityWalker.TryFind(config, child, id, out ushort offset, out VmdError error))
        {
            return new InterruptModeChoice(mode, offset, VmdError.None, null);
        }

        return error == VmdError.None
            ? new InterruptModeChoice(mode, 0, VmdError.Unsupported, missing)
            : new InterruptModeChoice(mode, 0, error, WalkFailed);
    }
}
