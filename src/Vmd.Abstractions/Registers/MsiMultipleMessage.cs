namespace Vmd.Registers;

/// <summary>
/// The Multiple Message Capable (bits 3:1) and Multiple Message Enable (bits 6:4) fields of the MSI Message
/// Control register, PCI Local Bus 3.0 §6.8.1.3: each holds log2 of a message count, 0 (1 message) to 5 (32).
/// </summary>
public static class MsiMultipleMessage
{
    /// <summary>Shift of Multiple Message Capable within Message Control.</summary>
    public const int CapableShift = 1;

    /// <summary>Shift of Multiple Message Enable within Message Control.</summary>
    public const int EnableShift = 4;

    /// <summary>Largest encoded value: 5, that is 32 messages; 6 and 7 are reserved.</summary>
    public const int MaxLog2 = 5;

    /// <summary>Most messages one MSI function can have (1 &lt;&lt; <see cref="MaxLog2"/>).</summary>
    public const int MaxMessages = 1 << MaxLog2;

    /// <summary>Message Data is 16 bits wide unless the (PCIe) extended message data feature is enabled.</summary>
    public const uint DataMask = 0xFFFF;
}
