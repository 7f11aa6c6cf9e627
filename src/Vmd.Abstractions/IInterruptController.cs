using System.Diagnostics.CodeAnalysis;

namespace Vmd;

/// <summary>The host's interrupt controller port: host vectors for MSI/MSI-X messages.</summary>
/// <remarks>
/// Allocation, attach, detach and free happen at bring-up, reset and hot-plug time. <see cref="Mask"/>
/// and <see cref="Unmask"/> may be called from interrupt context and must not allocate or block.
/// The host calls the attached <see cref="IInterruptSink"/> when the vector fires.
/// </remarks>
public interface IInterruptController
{
    /// <summary>Allocates one host vector; false when none is left.</summary>
    bool TryAllocate([MaybeNullWhen(false)] out HostVector vector);

    /// <summary>The MSI message (address, data) that makes a device raise <paramref name="vector"/>.</summary>
    MsiMessage ComposeMessage(HostVector vector);

    /// <summary>Attaches the handler run when <paramref name="vector"/> fires (one per vector).</summary>
    void Attach(HostVector vector, IInterruptSink sink, uint cookie);

    /// <summary>Detaches the handler; returns once no call to it is in flight.</summary>
    void Detach(HostVector vector);

    /// <summary>Masks the vector at the host (interrupt-safe).</summary>
    void Mask(HostVector vector);

    /// <summary>Unmasks the vector at the host (interrupt-safe).</summary>
    void Unmask(HostVector vector);

    /// <summary>Returns the vector to the host.</summary>
    void Free(HostVector vector);
}
