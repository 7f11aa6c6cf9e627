using System.Threading.Tasks;
using Vmd.Registers;
using Vmd.Simulation.Functions;

namespace Vmd.Simulation.Tests;

public sealed class ConcurrencyAndHookTests
{
    private sealed class CountingHook : IConfigWriteHook
    {
        public int Calls { get; private set; }

        public ushort LastOffset { get; private set; }

        public void OnConfigWrite(SimulatedFunction function, ushort offset, int width, uint value)
        {
            Calls++;
            LastOffset = offset;
            function.Set8(0x4C, (byte)value);
        }
    }

    [Fact]
    public void Write_hook_runs_only_for_its_dwords_and_may_change_read_only_state()
    {
        var builder = new FunctionBuilder(HeaderType.Endpoint);
        builder.Function.DefineRegister(0x48, 4, 0, uint.MaxValue);
        SimulatedFunction function = builder.Build();
        var hook = new CountingHook();
        function.SetWriteHook(hook, 0x48, 4);

        function.Write32(0x40, 1);
        function.Write8(0x4A, 0x5A);

        Assert.Equal(1, hook.Calls);
        Assert.Equal(0x4A, hook.LastOffset);
        Assert.Equal(0x5A, function.Read8(0x4C));
    }

    [Fact]
    public void Concurrent_port_accesses_are_each_counted_once()
    {
        SimulatedMachine machine = TestHelpers.Machine();
        IMmioRegion cfgbar = TestHelpers.MapCfgBar(machine, machine.Vmds[0]);
        machine.Counters.Reset();

        Parallel.For(0, 2000, i =>
        {
            Assert.Equal(0x8086, machine.HostConfig.Read16(TestHelpers.TigerLakeVmd, PciHeader.VendorId));
            Assert.Equal(0x9A09_8086u, cfgbar.Read32((nuint)Ecam.Offset(0, 6, 0, 0)));
        });

        Assert.Equal(2000, machine.Counters.HostConfigReads16);
        Assert.Equal(2000, machine.Counters.DomainConfigReads32);
        Assert.Equal(2000, machine.Counters.MmioReads);
    }
}
