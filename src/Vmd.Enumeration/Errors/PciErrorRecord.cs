namespace Vmd.Enumeration.Errors;

/// <summary>
/// One register's worth of errors of one function, as read (and cleared) by <see cref="ErrorCollector"/>. A value type,
/// so a kernel can collect into a span without allocating; <see cref="PciErrorNames"/> turns it into names.
/// </summary>
public readonly struct PciErrorRecord
{
    /// <summary>Creates a record.</summary>
    public PciErrorRecord(PciAddress address, PciErrorSource source, PciErrorSeverity severity, uint status, int firstErrorPointer = -1,
        uint header0 = 0, uint header1 = 0, uint header2 = 0, uint header3 = 0, ushort correctableSourceId = 0, ushort uncorrectableSourceId = 0)
    {
        Address = address;
        Source = source;
        Severity = severity;
        Status = status;
        FirstErrorPointer = firstErrorPointer;
        Header0 = header0;
        Header1 = header1;
        Header2 = header2;
        Header3 = header3;
        CorrectableSourceId = correctableSourceId;
        UncorrectableSourceId = uncorrectableSourceId;
    }

    /// <summary>The function whose register held the errors.</summary>
    public PciAddress Address { get; }

    /// <summary>Which register.</summary>
    public PciErrorSource Source { get; }

    /// <summary>The worst severity among the bits set.</summary>
    public PciErrorSeverity Severity { get; }

    /// <summary>The error bits as read (only the register's error bits; everything else masked off).</summary>
    public uint Status { get; }

    /// <summary>AER First Error Pointer (the bit of the uncorrectable error that came first), or −1 when not valid.</summary>
    public int FirstErrorPointer { get; }

    /// <summary>AER Header Log, first dword (the TLP header of the first uncorrectable error).</summary>
    public uint Header0 { get; }

    /// <summary>AER Header Log, second dword.</summary>
    public uint Header1 { get; }

    /// <summary>AER Header Log, third dword.</summary>
    public uint Header2 { get; }

    /// <summary>AER Header Log, fourth dword.</summary>
    public uint Header3 { get; }

    /// <summary>Root ports: requester ID of the last ERR_COR source (Error Source Identification 15:0); for containment, the DPC Error Source ID.</summary>
    public ushort CorrectableSourceId { get; }

    /// <summary>Root ports: requester ID of the last ERR_FATAL/ERR_NONFATAL source (31:16).</summary>
    public ushort UncorrectableSourceId { get; }

    /// <summary>True when the Header Log holds something (a first error was logged).</summary>
    public bool HasHeaderLog => FirstErrorPointer >= 0;
}
