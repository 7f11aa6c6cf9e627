namespace Vmd.Enumeration.Errors;

/// <summary>Which register an error record was decoded from.</summary>
public enum PciErrorSource
{
    /// <summary>The conventional Status register (0x06): parity, aborts, system error.</summary>
    Status = 0,

    /// <summary>A bridge's Secondary Status register (0x1E): the same errors seen on its secondary side.</summary>
    SecondaryStatus,

    /// <summary>PCI Express Device Status (capability +0x0A): correctable, non-fatal, fatal, unsupported request detected.</summary>
    DeviceStatus,

    /// <summary>AER Correctable Error Status (+0x10).</summary>
    AerCorrectable,

    /// <summary>AER Uncorrectable Error Status (+0x04), with severity, first error pointer and header log.</summary>
    AerUncorrectable,

    /// <summary>A root port's AER Root Error Status (+0x30) with the Error Source Identification (+0x34).</summary>
    RootError,

    /// <summary>Downstream Port Containment Status: the port contained its link after an uncorrectable error.</summary>
    Containment,
}
