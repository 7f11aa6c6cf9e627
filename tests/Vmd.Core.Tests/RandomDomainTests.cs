using System;
using Vmd.Enumeration.Functions;
using Vmd.Simulation;
using Vmd.Simulation.Diagnostics;

namespace Vmd.Core.Tests;

/// <summary>
/// Property test over seeded random and adversarial domains: every bring-up ends, stays inside the domain,
/// and leaves a consistent device list. A failing seed is named in the message; keep it as a fact.
/// </summary>
public sealed class RandomDomainTests
{
    public static TheoryData<int> Seeds()
    {
        var seeds = new TheoryData<int>();
        for (int seed = 1; seed <= 300; seed++)
        {
            seeds.Add(seed);
        }

        return seeds;
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Random_domain_enumerates_within_bounds_and_inside_the_domain(int seed)
    {
        SimulatedMachine machine = RandomDomains.Build(seed, out int built);
        var observer = new BoundsObserver(machine);
        VmdController vmd = Bringup.To(machine, VmdState.Enabled);
        machine.ConfigAccessObserver = observer;

        Assert.True(vmd.TryEnumerate(), $"seed {seed}: {vmd.LastFailure}");
        vmd.Rescan(); // must end without throwing; its verdict may differ on broken hardware (stuck bus numbers)

        DomainInvariants.Check(vmd);
        Assert.True(vmd.Functions.Length <= built, $"seed {seed}: {vmd.Functions.Length} listed, {built} built");
        Assert.Equal(0, observer.WritesOutside);
        // Bound: every reachable bus costs at most 32 slot probes (+7 functions each), every function a bounded decode.
        long bound = (vmd.BusRange!.Count * 32L * 8) + (built * 600L);
        Assert.True(observer.Accesses <= bound * 2, $"seed {seed}: {observer.Accesses} accesses, bound {bound * 2}");
        foreach (PciFunction function in vmd.Functions)
        {
            Assert.True(function.Assigned || (function.Issues & ~FunctionIssues.Informational) != FunctionIssues.None,
                $"seed {seed}: {function.Address} unassigned without a reason");
        }
    }

    private sealed class BoundsObserver(SimulatedMachine machine) : IConfigAccessObserver
    {
        public long Accesses { get; private set; }

        public int WritesOutside { get; private set; }

        public void OnConfigAccess(in ConfigAccess access)
        {
            Accesses++;
            if (access.IsWrite && access.Source == ConfigAccessSource.Host && access.Address != machine.Vmds[0].Address)
            {
                WritesOutside++;
            }

            if (access.IsWrite && access.Source == ConfigAccessSource.VmdDomain && !access.Claimed)
            {
                WritesOutside++; // a write that reached no function: the walk wrote somewhere it never found a device
            }
        }
    }
}

public sealed class RandomDomainCoverageTests
{
    [Fact]
    public void The_seeds_produce_every_kind_of_hostile_hardware()
    {
        FunctionIssues seen = FunctionIssues.None;
        int functions = 0;
        for (int seed = 1; seed <= 300; seed++)
        {
            SimulatedMachine machine = RandomDomains.Build(seed, out _);
            VmdController vmd = Bringup.To(machine, VmdState.Enumerated);
            foreach (PciFunction function in vmd.Functions)
            {
                seen |= function.Issues;
                functions++;
            }
        }

        Assert.True(functions > 1000, $"{functions} functions over 300 seeds");
        foreach (FunctionIssues kind in new[]
        {
            FunctionIssues.MalformedCapabilities, FunctionIssues.MalformedExtendedCapabilities, FunctionIssues.BarLargerThanApertures,
            FunctionIssues.NoApertureSpace, FunctionIssues.BusNumbersExhausted, FunctionIssues.BusNumberNotWritable,
        })
        {
            Assert.True((seen & kind) != 0, $"no seed produced {kind}");
        }
    }
}
