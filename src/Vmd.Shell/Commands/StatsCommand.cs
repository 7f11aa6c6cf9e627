using System.IO;
using Microsoft.Extensions.Logging;
using Vmd.Core;
using Vmd.Simulation;

namespace Vmd.Shell.Commands;

/// <summary><c>vmd stats</c>: the whole bring-up, then how many hardware accesses it took.</summary>
internal static class StatsCommand
{
    public static int Run(ShellOptions options, SimulatedMachine machine, ILoggerFactory loggers, TextWriter output, TextWriter error)
    {
        using VmdHost host = VmdHost.Detect(machine.HostConfig, machine.Memory, new VmdHostOptions(), loggers);
        StepRunner.RunTo(host, VmdState.Enumerated);
        long reads = 0;
        long readBacks = 0;
        long writes = 0;
        long rejected = 0;
        int functions = 0;
        foreach (VmdController vmd in host.Controllers)
        {
            functions += vmd.Functions.Length;
            if (vmd.Domain is { } domain)
            {
                reads += domain.Reads;
                readBacks += domain.ReadBacks;
                writes += domain.Writes;
                rejected += domain.RejectedAccesses;
            }
        }

        if (options.Json)
        {
            JsonOutput.Write(output, json =>
            {
                json.WriteStartObject();
                json.WriteString("machine", machine.Name);
                json.WriteNumber("vmds", host.Controllers.Count);
                json.WriteNumber("functions", functions);
                json.WriteNumber("configReads", reads + readBacks);
                json.WriteNumber("configReadBacks", readBacks);
                json.WriteNumber("configWrites", writes);
                json.WriteNumber("rejectedAccesses", rejected);
                json.WriteNumber("hostConfigReads", machine.Counters.HostConfigReads);
                json.WriteNumber("hostConfigWrites", machine.Counters.HostConfigWrites);
                json.WriteNumber("mmioReads", machine.Counters.MmioReads);
                json.WriteNumber("mmioWrites", machine.Counters.MmioWrites);
                json.WriteEndObject();
            });
        }
        else
        {
            output.WriteLine($"machine            {machine.Name}");
            output.WriteLine($"VMDs               {host.Controllers.Count}");
            output.WriteLine($"functions behind   {functions}");
            output.WriteLine($"CFGBAR reads       {reads + readBacks} ({readBacks} of them read-backs after writes)");
            output.WriteLine($"CFGBAR writes      {writes}");
            output.WriteLine($"refused accesses   {rejected} (outside the domain, never sent)");
            output.WriteLine($"host config reads  {machine.Counters.HostConfigReads}, writes {machine.Counters.HostConfigWrites}");
            output.WriteLine($"MMIO reads         {machine.Counters.MmioReads}, writes {machine.Counters.MmioWrites} (CFGBAR accesses included)");
        }

        return CommandResult.Of(host, error);
    }
}
