using System.IO;
using Vmd.Simulation.Machines;

namespace Vmd.Shell.Commands;

/// <summary><c>vmd machines</c>: the built-in simulated machines.</summary>
internal static class MachinesCommand
{
    public static int Run(ShellOptions options, TextWriter output)
    {
        if (options.Json)
        {
            JsonOutput.Write(output, json =>
            {
                json.WriteStartObject();
                json.WriteString("default", MachineCatalog.DefaultName);
                json.WriteStartArray("machines");
                foreach (MachineInfo machine in MachineCatalog.All)
                {
                    json.WriteStartObject();
                    json.WriteString("name", machine.Name);
                    json.WriteString("description", machine.Description);
                    json.WriteEndObject();
                }

                json.WriteEndArray();
                json.WriteEndObject();
            });
            return ExitCodes.Ok;
        }

        WriteList(output);
        return ExitCodes.Ok;
    }

    public static void WriteList(TextWriter writer)
    {
        foreach (MachineInfo machine in MachineCatalog.All)
        {
            string marker = machine.Name == MachineCatalog.DefaultName ? " (default)" : string.Empty;
            writer.WriteLine($"  {machine.Name,-16} {machine.Description}{marker}");
        }
    }
}
