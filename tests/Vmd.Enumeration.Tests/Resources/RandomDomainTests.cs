using System;
using System.Collections.Generic;
using System.Linq;
using NSubstitute;
using NSubstitute.Core;
using Vmd.Enumeration.Functions;
using Vmd.Enumeration.Resources;
using Vmd.Enumeration.Tests.Fakes;
using Vmd.Registers;

namespace Vmd.Enumeration.Tests.Resources;

/// <summary>Property style: seeded random domains and apertures; every invariant holds, whatever fits or not.</summary>
public sealed class RandomDomainTests
{
    private const int SeedCount = 80;

    public static TheoryData<int> Seeds()
    {
        var seeds = new TheoryData<int>();
        for (int seed = 1; seed <= SeedCount; seed++)
        {
            seeds.Add(seed);
        }

        return seeds;
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Tight_apertures_keep_every_invariant_and_reassign_identically(int seed) => RunTight(seed);

    [Fact]
    public void Tight_sweep_covers_success_and_every_kind_of_failure()
    {
        var seen = new Dictionary<FunctionIssues, int>();
        int allAssigned = 0;
        for (int seed = 1; seed <= SeedCount; seed++)
        {
            PciFunction[] functions = RunTight(seed);
            allAssigned += functions.All(f => f.Assigned) ? 1 : 0;
            foreach (PciFunction function in functions)
            {
                foreach (FunctionIssues issue in new[] { FunctionIssues.NoApertureSpace, FunctionIssues.BarLargerThanApertures, FunctionIssues.UpstreamUnassigned, FunctionIssues.IoBarUnsupported })
                {
                    if (function.Issues.HasFlag(issue))
                    {
                        seen[issue] = seen.GetValueOrDefault(issue) + 1;
                    }
                }
            }
        }

        Assert.True(allAssigned > 0);
        Assert.Equal(4, seen.Count);
    }

    private static PciFunction[] RunTight(int seed)
    {
        var random = new Random(seed);
        TestDomain domain = Build(random, maxBarLog2: 26);

        // Half the seeds list the domain depth-first, half bus by bus as the walker does; both put parents first.
        PciFunction[] functions = seed % 2 == 0 ? domain.Functions : domain.Functions.OrderBy(f => f.Depth).ToArray();
        ulong membar1Base = random.Next(2) == 0 ? 0x8000_0000UL : 0x8010_0000UL;
        ulong offset = random.Next(3) == 0 ? 0x2_0000_0000UL : 0;
        Aperture[] apertures =
        [
            new("MEMBAR1", membar1Base + offset, 1UL << random.Next(24, 29), offset),
            new("MEMBAR2", 0x40_0000_0000 + 0x2000, (1UL << random.Next(20, 27)) - 0x2000, 0),
        ];
        IConfigSpace config = ConfigSpy.Over(domain.Config);
        var assigner = new ResourceAssigner(config);

        AssignmentResult result = assigner.Assign(functions, apertures);

        Assert.Equal(functions.Length, result.FunctionsAssigned + result.FunctionsUnassigned);
        Assert.Equal(functions.Count(f => f.Assigned), result.FunctionsAssigned);
        AssignmentInvariants.Check(domain, functions, apertures);
        CheckWrites(config, functions);
        foreach (PciFunction function in functions.Where(f => !f.Assigned))
        {
            Assert.NotEqual(FunctionIssues.None, function.Issues & (FunctionIssues.BarLargerThanApertures | FunctionIssues.NoApertureSpace | FunctionIssues.UpstreamUnassigned));
        }

        string first = Describe(functions);
        assigner.Assign(functions, apertures);
        Assert.Equal(first, Describe(functions));
        return functions;
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Roomy_apertures_assign_everything(int seed)
    {
        var random = new Random(seed);
        TestDomain domain = Build(random, maxBarLog2: 22);
        PciFunction[] functions = domain.Functions;
        Aperture[] apertures = [new("LOW", 0x4000_0000, 3UL << 30, 0), new("HIGH", 0x40_0000_0000, 64UL << 30, 0)];

        AssignmentResult result = new ResourceAssigner(domain.Config).Assign(functions, apertures);

        Assert.True(result.AllAssigned, string.Join(", ", functions.Where(f => !f.Assigned).Select(f => $"{f.Address} {f.Issues}")));
        AssignmentInvariants.Check(domain, functions, apertures);
    }

    private static TestDomain Build(Random random, int maxBarLog2)
    {
        var domain = new TestDomain();
        int rootDevices = random.Next(1, 6);
        for (int device = 0; device < rootDevices; device++)
        {
            if (random.Next(4) == 0)
            {
                AddBars(domain, domain.Endpoint(null, device, command: (ushort)random.Next(8)), random, maxBarLog2, Type0Header.BarCount);
            }
            else
            {
                Subtree(domain, RandomBridge(domain, null, device, random, PciExpressPortType.RootPort, maxBarLog2), random, 1, maxBarLog2);
            }
        }

        return domain;
    }

    private static void Subtree(TestDomain domain, PciFunction bridge, Random random, int depth, int maxBarLog2)
    {
        if (depth < 3 && random.Next(3) == 0)
        {
            PciFunction upstream = RandomBridge(domain, bridge, 0, random, PciExpressPortType.SwitchUpstreamPort, maxBarLog2);
            int ports = random.Next(1, 4);
            for (int port = 0; port < ports; port++)
            {
                Subtree(domain, RandomBridge(domain, upstream, port, random, PciExpressPortType.SwitchDownstreamPort, maxBarLog2), random, depth + 2, maxBarLog2);
            }

            return;
        }

        int functions = random.Next(0, 3);
        for (int function = 0; function < functions; function++)
        {
            AddBars(domain, domain.Endpoint(bridge, 0, function, (ushort)random.Next(8)), random, maxBarLog2, Type0Header.BarCount);
        }
    }

    private static PciFunction RandomBridge(TestDomain domain, PciFunction? parent, int device, Random random, PciExpressPortType type, int maxBarLog2)
    {
        PciFunction bridge = domain.Bridge(parent, device, random.Next(5) != 0, random.Next(10) < 7, random.Next(10) < 3, type);
        if (random.Next(8) == 0)
        {
            AddBars(domain, bridge, random, Math.Min(maxBarLog2, 17), Type1Header.BarCount);
        }

        return bridge;
    }

    private static void AddBars(TestDomain domain, PciFunction function, Random random, int maxBarLog2, int slots)
    {
        int slot = 0;
        int count = random.Next(0, 4);
        for (int n = 0; n < count && slot < slots; n++)
        {
            ulong size = 1UL << random.Next(4, maxBarLog2 + 1);
            int kind = random.Next(20);
            bool prefetchable = random.Next(3) == 0;
            if (kind == 0)
            {
                domain.IoBar(function, slot++, 0x20);
            }
            else if (kind < 10 && slot + 1 < slots)
            {
                domain.Bar64(function, slot, size, prefetchable);
                slot += 2;
            }
            else
            {
                domain.Bar32(function, slot++, size, prefetchable);
            }
        }
    }

    private static void CheckWrites(IConfigSpace config, PciFunction[] functions)
    {
        var listed = new HashSet<PciAddress>(functions.Select(f => f.Address));
        foreach (ICall call in config.ReceivedCalls())
        {
            string name = call.GetMethodInfo().Name;
            if (!name.StartsWith("Write", StringComparison.Ordinal))
            {
                continue;
            }

            object?[] args = call.GetArguments();
            var address = (PciAddress)args[0]!;
            var offset = (ushort)args[1]!;
            Assert.Contains(address, listed);
            Assert.NotEqual("Write8", name);
            Assert.Equal(0, offset & (name == "Write16" ? 1 : 3));
            Assert.False(name == "Write16" && offset == PciHeader.Command && ((ushort)args[2]! & (ushort)PciCommand.IoSpaceEnable) != 0);
        }
    }

    private static string Describe(PciFunction[] functions) => string.Join(
        "\n",
        functions.Select(f => $"{f.Address} {f.Assigned} {f.Issues} {f.Command:x4} {string.Join(",", Enumerable.Range(0, f.BarCount).Select(i => $"{f.Bars[i].Address:x}/{f.GetBarCpuAddress(i):x}"))} {f.Bridge.Memory.Base:x}-{f.Bridge.Memory.Limit:x} {f.Bridge.Prefetchable.Base:x}-{f.Bridge.Prefetchable.Limit:x}"));
}
