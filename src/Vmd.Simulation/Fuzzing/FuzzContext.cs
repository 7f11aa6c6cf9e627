using System;

namespace Vmd.Simulation.Fuzzing;

/// <summary>The state of one generation: its random stream, what is left of the budget, and what was built.</summary>
internal sealed class FuzzContext
{
    public FuzzContext(int seed, FuzzOptions options)
    {
        Random = new Random(seed);
        Options = options;
    }

    public Random Random { get; }

    public FuzzOptions Options { get; }

    public int Functions { get; set; }

    public int Bridges { get; set; }

    public int Buses { get; set; }

    public FuzzFeatures Features { get; set; }

    public bool HasBudget => Functions < Options.MaxFunctions;

    /// <summary>True with the options' hostile probability.</summary>
    public bool Hostile() => Random.NextDouble() < Options.HostileProbability;

    /// <summary>True once in <paramref name="n"/>.</summary>
    public bool OneIn(int n) => Random.Next(n) == 0;

    public byte NextByte() => (byte)Random.Next(256);

    public ushort NextUInt16() => (ushort)Random.Next(0x10000);

    public uint NextUInt32() => (uint)Random.NextInt64(0x1_0000_0000);

    public ulong NextUInt64() => ((ulong)NextUInt32() << 32) | NextUInt32();

    /// <summary>A power of two 2^k with k in [<paramref name="minShift"/>, <paramref name="maxShift"/>].</summary>
    public ulong PowerOfTwo(int minShift, int maxShift) => 1UL << Random.Next(minShift, maxShift + 1);

    public void Mark(FuzzFeatures feature) => Features |= feature;
}
