using System;
using System.Buffers.Binary;
using System.Globalization;
using Vmd.Registers;

namespace Vmd.Simulation.Devices.Nvme;

/// <summary>Builds the Identify Controller data structure (CNS 01h, NVM Express Base 1.4 §5.15.2.1) from the drive's options.</summary>
internal static class IdentifyControllerData
{
    private const byte RequiredAndMaximumSqes = 0x66; // 64-byte entries
    private const byte RequiredAndMaximumCqes = 0x44; // 16-byte entries
    private const byte IoController = 1;
    private const byte Space = 0x20;

    public static byte[] Build(NvmeOptions options)
    {
        var data = new byte[NvmeCommands.IdentifyDataSize];
        BinaryPrimitives.WriteUInt16LittleEndian(data.AsSpan(NvmeIdentifyController.Vid), options.VendorId);
        BinaryPrimitives.WriteUInt16LittleEndian(data.AsSpan(NvmeIdentifyController.Ssvid), options.SubsystemVendorId);
        string serial = options.SerialNumberText ?? options.SerialNumber.ToString("X16", CultureInfo.InvariantCulture);
        WriteAscii(data.AsSpan(NvmeIdentifyController.Sn, NvmeIdentifyController.SnLength), serial);
        WriteAscii(data.AsSpan(NvmeIdentifyController.Mn, NvmeIdentifyController.MnLength), options.ModelNumber);
        WriteAscii(data.AsSpan(NvmeIdentifyController.Fr, NvmeIdentifyController.FrLength), options.FirmwareRevision);
        BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(NvmeIdentifyController.Ver), options.Version);
        data[NvmeIdentifyController.Cntrltype] = IoController;
        data[NvmeIdentifyController.Sqes] = RequiredAndMaximumSqes;
        data[NvmeIdentifyController.Cqes] = RequiredAndMaximumCqes;

        // No namespaces are modelled yet: NN = 0 tells a driver there is nothing to identify.
        BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(NvmeIdentifyController.Nn), 0);
        return data;
    }

    /// <summary>Left-justified ASCII, padded with spaces; characters outside printable ASCII become '?'.</summary>
    private static void WriteAscii(Span<byte> field, string? text)
    {
        field.Fill(Space);
        int length = Math.Min(field.Length, text?.Length ?? 0);
        for (int i = 0; i < length; i++)
        {
            char c = text![i];
            field[i] = c is >= ' ' and <= '~' ? (byte)c : (byte)'?';
        }
    }
}
