using System;
using System.Diagnostics.CodeAnalysis;
using Vmd;
using Vmd.Registers;

namespace KernelHost.Interrupts;

/// <summary>
/// The kernel's <see cref="IInterruptController"/>: device vectors from a <see cref="VectorAllocator"/>, handlers in
/// the <see cref="InterruptTable"/>, and x86 MSI messages aimed at one CPU's local APIC.
/// </summary>
/// <remarks>
/// Allocation, attach, detach and free run at bring-up, reset and hot-plug time. <see cref="Mask"/> and
/// <see cref="Unmask"/> are interrupt-safe (the table masks in software). Misuse the library never commits
/// (using a vector it was not given) throws, to show a driver bug where it happens.
/// </remarks>
public sealed class KernelInterruptController : IInterruptController
{
    private readonly VectorAllocator _vectors;
    private readonly InterruptTable _table;
    private readonly byte _apicId;

    /// <summary>Creates the controller; messages go to the CPU whose local APIC ID is <paramref name="apicId"/>.</summary>
    public KernelInterruptController(VectorAllocator vectors, InterruptTable table, byte apicId)
    {
        ArgumentNullException.ThrowIfNull(vectors);
        ArgumentNullException.ThrowIfNull(table);
        _vectors = vectors;
        _table = table;
        _apicId = apicId;
    }

    /// <inheritdoc />
    public bool TryAllocate([MaybeNullWhen(false)] out HostVector vector)
    {
        if (_vectors.TryAllocate(out uint number))
        {
            // A fresh vector is masked: nothing can run before the library has attached and unmasked it.
            _table.Mask(number);
            vector = new HostVector(number);
            return true;
        }

        vector = default;
        return false;
    }

    /// <inheritdoc />
    public MsiMessage ComposeMessage(HostVector vector)
    {
        Require(vector);

        // Intel SDM vol. 3 §11.11: address 0xFEE, destination APIC ID in bits 19:12, physical mode; data = fixed, edge, vector.
        return new MsiMessage(X86MsiAddress.Base | ((uint)_apicId << X86MsiAddress.DestinationIdShift), vector.Value & X86MsiAddress.DataVectorMask);
    }

    /// <inheritdoc />
    public void Attach(HostVector vector, IInterruptSink sink, uint cookie)
    {
        ArgumentNullException.ThrowIfNull(sink);
        Require(vector);
        _table.Set(vector.Value, sink, cookie);
    }

    /// <inheritdoc />
    public void Detach(HostVector vector)
    {
        Require(vector);
        _table.Clear(vector.Value);
    }

    /// <inheritdoc />
    public void Mask(HostVector vector) => _table.Mask(vector.Value & X86MsiAddress.DataVectorMask);

    /// <inheritdoc />
    public void Unmask(HostVector vector) => _table.Unmask(vector.Value & X86MsiAddress.DataVectorMask);

    /// <inheritdoc />
    public void Free(HostVector vector)
    {
        _table.Mask(vector.Value & X86MsiAddress.DataVectorMask);
        _vectors.Free(vector.Value);
    }

    private void Require(HostVector vector)
    {
        if (!_vectors.IsAllocated(vector.Value))
        {
            throw new InvalidOperationException($"{vector} was not allocated by this controller.");
        }
    }
}
