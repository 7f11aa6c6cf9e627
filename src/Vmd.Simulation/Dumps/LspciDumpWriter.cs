using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using Vmd.Simulation.Domain;
using Vmd.Simulation.Functions;

namespace Vmd.Simulation.Dumps;

/// <summary>
/// Writes a simulated machine's configuration space in the text format of <c>lspci -D -x</c>, <c>-xxx</c> or
/// <c>-xxxx</c>, which pciutils reads back with <c>lspci -F FILE</c>: per function a header line
/// (<c>10000:e1:00.0 Class 0108: Device 144d:a80a (rev 00)</c>), then the bytes 16 to a line with the offset in front
/// (<c>00: 86 80 …</c> below 0x100, <c>100: …</c> from there on), lower-case hex, and an empty line after the function.
/// </summary>
/// <remarks>
/// <para>
/// What is written is what configuration requests would reach now: every host function of segment 0, then every
/// function of every VMD domain found by routing each CFGBAR bus index and device/function through the bridges' current
/// bus numbers (<see cref="SimulatedVmd.FindFunctionAtIndex"/>; both root buses of a second-root-bus part while it splits
/// them), under the VMD's <see cref="SimulatedVmd.DomainSegment"/> and the absolute bus number. Functions are sorted as
/// lspci sorts them (domain, bus, device, function). A function that would read all-ones is left out: one in reset or not
/// ready yet, or one below a bridge whose link is down (held by Secondary Bus Reset, training, an empty or powered-off
/// slot). Those states are taken as the last access to the machine left them: writing a dump does not advance link
/// training or slot events (call <c>PciePort.Update()</c> first to apply what the clock has made due).
/// </para>
/// <para>
/// Writing has no side effects: the bytes are the functions' registers as they stand (<see cref="SimulatedFunction.ConfigBytes"/>),
/// read without a configuration request, so no counter moves, no observer sees an access and no hook runs. A host with
/// <see cref="Host.SimulatedHostConfigSpace.HasExtendedSpace"/> false reaches only 256 bytes of its own functions, so no
/// more than 256 are written for them. Takes the machine's lock while it gathers the bytes.
/// </para>
/// </remarks>
public static class LspciDumpWriter
{
    /// <summary>Bytes of the standard header, as <c>lspci -x</c> shows.</summary>
    public const int HeaderBytes = 64;

    /// <summary>Bytes of conventional configuration space, as <c>lspci -xxx</c> shows.</summary>
    public const int ConventionalBytes = 256;

    /// <summary>Bytes of PCIe extended configuration space, as <c>lspci -xxxx</c> shows.</summary>
    public const int ExtendedBytes = SimulatedFunction.ConfigSpaceSize;

    private const int BytesPerLine = 16;
    private const int MaxBus = 255;
    private const int MaxDepth = 256;

    /// <summary>Writes every function of <paramref name="machine"/> that configuration requests reach now.</summary>
    /// <param name="machine">The machine to dump.</param>
    /// <param name="writer">Where the text goes.</param>
    /// <param name="bytesPerFunction">64 (<c>-x</c>), 256 (<c>-xxx</c>) or 4096 (<c>-xxxx</c>, the default).</param>
    /// <param name="withSizes">
    /// Also write, after each header line, the <c>Region N: … [size=S]</c> lines of <c>lspci -vv</c> for every
    /// implemented BAR, so an importer learns the sizes a dump alone cannot tell (lspci -F
    /// skips these lines). Default false: exactly <c>lspci -D -xxxx</c>.
    /// </param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="bytesPerFunction"/> is not 64, 256 or 4096.</exception>
    public static void Write(SimulatedMachine machine, TextWriter writer, int bytesPerFunction = ExtendedBytes, bool withSizes = false)
    {
        ArgumentNullException.ThrowIfNull(machine);
        ArgumentNullException.ThrowIfNull(writer);
        CheckSize(bytesPerFunction);
        foreach (DumpedFunction function in Collect(machine, bytesPerFunction))
        {
            WriteFunction(function.Address, function.Bytes, writer, withSizes ? function.Sizes : null);
        }
    }

    /// <summary>The dump of <paramref name="machine"/> as one string (see <see cref="Write"/>).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="bytesPerFunction"/> is not 64, 256 or 4096.</exception>
    public static string ToText(SimulatedMachine machine, int bytesPerFunction = ExtendedBytes, bool withSizes = false)
    {
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        Write(machine, writer, bytesPerFunction, withSizes);
        return writer.ToString();
    }

    /// <summary>
    /// The addresses <see cref="Write"/> would write, in the order it writes them, each with the function it reads.
    /// </summary>
    public static IReadOnlyList<KeyValuePair<PciAddress, SimulatedFunction>> ReachableFunctions(SimulatedMachine machine)
    {
        ArgumentNullException.ThrowIfNull(machine);
        lock (machine.SyncRoot)
        {
            List<KeyValuePair<PciAddress, SimulatedFunction>> found = Gather(machine);
            return found;
        }
    }

    /// <summary>
    /// Writes one function: the header line <c>address Class cccc: Device vvvv:dddd (rev rr)</c> (the class, IDs and
    /// revision come from <paramref name="bytes"/>), the bytes 16 to a line and an empty line.
    /// </summary>
    /// <param name="address">The address printed (domain of at least four hex digits, as <c>lspci -D</c> prints it).</param>
    /// <param name="bytes">The configuration bytes from offset 0: a multiple of 16, 16 to 4096 of them.</param>
    /// <param name="writer">Where the text goes.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="bytes"/> is empty, longer than 4096 or not a multiple of 16.</exception>
    public static void WriteFunction(PciAddress address, ReadOnlySpan<byte> bytes, TextWriter writer) => WriteFunction(address, bytes, writer, null);

    private static void WriteFunction(PciAddress address, ReadOnlySpan<byte> bytes, TextWriter writer, string? sizeLines)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (bytes.Length == 0 || bytes.Length > ExtendedBytes || bytes.Length % BytesPerLine != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(bytes), bytes.Length, "A function's dump is 16 to 4096 bytes, a multiple of 16.");
        }

        writer.Write(address.ToString());
        writer.Write(' ');
        writer.Write(Describe(bytes));
        writer.Write('\n');
        if (sizeLines is not null)
        {
            writer.Write(sizeLines);
        }

        Span<char> line = stackalloc char[3 + 2 + (BytesPerLine * 3)];
        for (int offset = 0; offset < bytes.Length; offset += BytesPerLine)
        {
            int at = 0;
            if (offset >= 0x100)
            {
                line[at++] = Hex(offset >> 8);
            }

            line[at++] = Hex(offset >> 4);
            line[at++] = Hex(offset);
            line[at++] = ':';
            for (int i = 0; i < BytesPerLine; i++)
            {
                byte value = bytes[offset + i];
                line[at++] = ' ';
                line[at++] = Hex(value >> 4);
                line[at++] = Hex(value);
            }

            writer.Write(line[..at]);
            writer.Write('\n');
        }

        writer.Write('\n');
    }

    private static string Describe(ReadOnlySpan<byte> bytes)
    {
        ushort vendor = (ushort)(bytes[0] | (bytes[1] << 8));
        ushort device = (ushort)(bytes[2] | (bytes[3] << 8));
        int classCode = (bytes[0x0B] << 8) | bytes[0x0A];
        return string.Create(CultureInfo.InvariantCulture, $"Class {classCode:x4}: Device {vendor:x4}:{device:x4} (rev {bytes[0x08]:x2})");
    }

    /// <summary>lspci -vv's Region lines for a function's implemented BARs, with their sizes.</summary>
    private static string SizeLines(SimulatedFunction function)
    {
        var text = new StringBuilder();
        int bars = function.IsBridge ? 2 : 6;
        for (int i = 0; i < bars; i++)
        {
            BarKind kind = function.GetBarKind(i);
            ulong size = function.GetBarSize(i);
            if (kind is BarKind.None or BarKind.Memory64Upper || size == 0)
            {
                continue;
            }

            ulong address = function.GetBarAddress(i);
            bool prefetchable = (function.ConfigBytes[Registers.PciHeader.BaseAddress(i)] & 0x8) != 0;
            text.Append(CultureInfo.InvariantCulture, $"\tRegion {i}: ");
            text.Append(kind == BarKind.Io
                ? string.Create(CultureInfo.InvariantCulture, $"I/O ports at {address:x}")
                : string.Create(CultureInfo.InvariantCulture, $"Memory at {address:x} ({(kind == BarKind.Memory64 ? "64-bit" : "32-bit")}, {(prefetchable ? "prefetchable" : "non-prefetchable")})"));
            text.Append(" [size=").Append(SizeText(size)).Append("]\n");
        }

        return text.ToString();
    }

    /// <summary>A size as lspci prints it: 16, 2K, 16M, 4G.</summary>
    private static string SizeText(ulong size)
    {
        string[] units = ["", "K", "M", "G", "T"];
        int unit = 0;
        while (unit < units.Length - 1 && size >= 1024 && size % 1024 == 0)
        {
            size /= 1024;
            unit++;
        }

        return size.ToString(CultureInfo.InvariantCulture) + units[unit];
    }

    private static char Hex(int value) => "0123456789abcdef"[value & 0xF];

    private static void CheckSize(int bytesPerFunction)
    {
        if (bytesPerFunction is not (HeaderBytes or ConventionalBytes or ExtendedBytes))
        {
            throw new ArgumentOutOfRangeException(nameof(bytesPerFunction), bytesPerFunction, "lspci dumps 64 (-x), 256 (-xxx) or 4096 (-xxxx) bytes per function.");
        }
    }

    private static List<DumpedFunction> Collect(SimulatedMachine machine, int bytesPerFunction)
    {
        var dumped = new List<DumpedFunction>();
        lock (machine.SyncRoot)
        {
            int hostBytes = machine.HostConfigSpace.HasExtendedSpace ? bytesPerFunction : Math.Min(bytesPerFunction, ConventionalBytes);
            foreach (KeyValuePair<PciAddress, SimulatedFunction> entry in Gather(machine))
            {
                int length = entry.Key.Segment == 0 ? hostBytes : bytesPerFunction;
                dumped.Add(new DumpedFunction(entry.Key, entry.Value.ConfigBytes[..length].ToArray(), SizeLines(entry.Value)));
            }
        }

        return dumped;
    }

    /// <summary>Every function a configuration request reaches now, sorted by address. Callers hold the machine's lock.</summary>
    private static List<KeyValuePair<PciAddress, SimulatedFunction>> Gather(SimulatedMachine machine)
    {
        var found = new SortedDictionary<PciAddress, SimulatedFunction>();
        for (int bus = 0; bus <= MaxBus; bus++)
        {
            for (int device = 0; device <= PciAddress.MaxDevice; device++)
            {
                for (int function = 0; function <= PciAddress.MaxFunction; function++)
                {
                    var address = new PciAddress(0, (byte)bus, device, function);
                    if (machine.FindHostFunction(address) is SimulatedFunction host && Answers(host))
                    {
                        found.TryAdd(address, host);
                    }
                }
            }
        }

        foreach (SimulatedVmd vmd in machine.Vmds)
        {
            for (int index = 0; index < vmd.BusCount; index++)
            {
                if (!vmd.TryDecodeIndex(index, out _, out _, out int bus))
                {
                    continue;
                }

                for (int device = 0; device <= PciAddress.MaxDevice; device++)
                {
                    for (int function = 0; function <= PciAddress.MaxFunction; function++)
                    {
                        if (vmd.FindFunctionAtIndex(index, device, function) is SimulatedFunction reached && Answers(reached))
                        {
                            // The first bus index that reaches an address wins, as the lower ECAM offset would be read first.
                            found.TryAdd(new PciAddress(vmd.DomainSegment, (byte)bus, device, function), reached);
                        }
                    }
                }
            }
        }

        return [.. found];
    }

    /// <summary>
    /// Whether a configuration request that routing delivered to <paramref name="function"/> is answered, judged from the
    /// state as it stands (no clock is read, nothing settles): the function is out of reset and ready, and every link
    /// above it is up.
    /// </summary>
    private static bool Answers(SimulatedFunction function)
    {
        if (function.IsInReset)
        {
            return false;
        }

        SimulatedFunction current = function;
        for (int depth = 0; depth < MaxDepth; depth++)
        {
            SimulatedFunction? bridge = current.ParentBus?.UpstreamBridge;
            if (bridge is null)
            {
                return true;
            }

            if (!bridge.SecondaryLinkUp || bridge.DownstreamLink is { PassesRequests: false })
            {
                return false;
            }

            current = bridge;
        }

        return true;
    }

    private readonly record struct DumpedFunction(PciAddress Address, byte[] Bytes, string Sizes);
}
