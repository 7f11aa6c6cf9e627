using System;

namespace KernelHost.Interrupts;

/// <summary>Hands out the device vectors of the IDT (a bitmap over a fixed range); bring-up and hot-plug time only.</summary>
public sealed class VectorAllocator
{
    private readonly object _gate = new();
    private readonly bool[] _used;

    /// <summary>Creates an allocator for <paramref name="count"/> vectors from <paramref name="first"/>.</summary>
    public VectorAllocator(uint first, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(first + (uint)count, (uint)InterruptTable.Size);
        First = first;
        _used = new bool[count];
    }

    /// <summary>Lowest vector of the range.</summary>
    public uint First { get; }

    /// <summary>Vectors handed out and not freed.</summary>
    public int InUse
    {
        get
        {
            lock (_gate)
            {
                return Array.FindAll(_used, used => used).Length;
            }
        }
    }

    /// <summary>Takes the lowest free vector; false when all are taken.</summary>
    public bool TryAllocate(out uint vector)
    {
        lock (_gate)
        {
            int free = Array.IndexOf(_used, false);
            if (free >= 0)
            {
                _used[free] = true;
                vector = First + (uint)free;
                return true;
            }
        }

        vector = 0;
        return false;
    }

    /// <summary>True when <paramref name="vector"/> is in the range and handed out.</summary>
    public bool IsAllocated(uint vector)
    {
        lock (_gate)
        {
            return vector >= First && vector - First < (uint)_used.Length && _used[vector - First];
        }
    }

    /// <summary>Gives a vector back.</summary>
    /// <exception cref="InvalidOperationException">It was not handed out (a double free is a driver bug).</exception>
    public void Free(uint vector)
    {
        lock (_gate)
        {
            if (vector < First || vector - First >= (uint)_used.Length || !_used[vector - First])
            {
                throw new InvalidOperationException($"vector {vector:x2} is not allocated");
            }

            _used[vector - First] = false;
        }
    }
}
