namespace Vmd.Registers;

/// <summary>Header Type byte (offset 0x0E) decoding, PCI Local Bus 3.0 §6.2.1.</summary>
public static class HeaderType
{
    /// <summary>Bits 6:0: the header layout.</summary>
    public const byte LayoutMask = 0x7F;

    /// <summary>Bit 7: the device has functions 1–7 (test the raw byte, never the masked layout).</summary>
    public const byte MultiFunction = 0x80;

    /// <summary>Layout 0: an endpoint (type 0 header).</summary>
    public const byte Endpoint = 0x00;

    /// <summary>Layout 1: a PCI-to-PCI bridge (type 1 header).</summary>
    public const byte Bridge = 0x01;

    /// <summary>Layout 2: a CardBus bridge.</summary>
    public const byte CardBus = 0x02;
}
