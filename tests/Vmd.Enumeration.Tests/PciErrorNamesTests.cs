using System;
using System.Collections.Generic;
using System.Linq;
using Vmd.Enumeration.Errors;
using Vmd.Registers;

namespace Vmd.Enumeration.Tests;

/// <summary>
/// <see cref="PciErrorNames"/>: the stable names tools match on, per register and bit (PCIe Base r6.0 §7.5.1.1.4,
/// §7.5.3.5, §7.8.4, §7.9.14), "bitN" for bits without a defined error, and the source and severity names.
/// </summary>
public sealed class PciErrorNamesTests
{
    private static readonly PciAddress Address = new(0x10000, 1, 0, 0);

    /// <summary>Which bits each register defines an error name for.</summary>
    public static TheoryData<PciErrorSource, uint> DefinedBits => new()
    {
        { PciErrorSource.Status, (uint)PciStatus.ErrorBits },
        { PciErrorSource.SecondaryStatus, (uint)PciStatus.ErrorBits },
        { PciErrorSource.DeviceStatus, PciExpressDevice.StatusErrorBits },
        { PciErrorSource.AerCorrectable, AdvancedErrorReportingBits.CorrectableDefined },
        { PciErrorSource.AerUncorrectable, AdvancedErrorReportingBits.UncorrectableDefined | 0x0780_0000 }, // + bits 23–26
        { PciErrorSource.RootError, AdvancedErrorReportingBits.RootErrorStatusEvents },
        { PciErrorSource.Containment, 0x1F },
    };

    [Theory]
    [MemberData(nameof(DefinedBits))]
    public void Defined_bits_have_unique_names_and_every_other_bit_is_bitN(PciErrorSource source, uint defined)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (int bit = 0; bit < 32; bit++)
        {
            string name = PciErrorNames.BitName(source, bit);
            if ((defined & (1u << bit)) != 0)
            {
                Assert.False(name.StartsWith("bit", StringComparison.Ordinal), $"{source} bit {bit} is unnamed: {name}");
                Assert.Matches("^[A-Z][A-Za-z]+$", name);
                Assert.True(names.Add(name), $"{source}: {name} is used twice");
                Assert.Equal(name, PciErrorNames.BitName(source, bit)); // stable
            }
            else
            {
                Assert.Equal($"bit{bit}", name);
            }
        }
    }

    [Fact]
    public void Every_source_is_covered()
    {
        Assert.Equal(
            Enum.GetValues<PciErrorSource>().OrderBy(s => s),
            DefinedBits.Select(row => (PciErrorSource)row[0]).OrderBy(s => s));
    }

    [Theory]
    // Status (PCI Local Bus 3.0 §6.2.3) and Secondary Status (PCI-to-PCI Bridge 1.2 §3.2.5.7).
    [InlineData(PciErrorSource.Status, 8, "MasterDataParityError")]
    [InlineData(PciErrorSource.Status, 11, "SignaledTargetAbort")]
    [InlineData(PciErrorSource.Status, 12, "ReceivedTargetAbort")]
    [InlineData(PciErrorSource.Status, 13, "ReceivedMasterAbort")]
    [InlineData(PciErrorSource.Status, 14, "SignaledSystemError")]
    [InlineData(PciErrorSource.Status, 15, "DetectedParityError")]
    [InlineData(PciErrorSource.SecondaryStatus, 8, "MasterDataParityError")]
    [InlineData(PciErrorSource.SecondaryStatus, 11, "SignaledTargetAbort")]
    [InlineData(PciErrorSource.SecondaryStatus, 12, "ReceivedTargetAbort")]
    [InlineData(PciErrorSource.SecondaryStatus, 13, "ReceivedMasterAbort")]
    [InlineData(PciErrorSource.SecondaryStatus, 14, "ReceivedSystemError")]
    [InlineData(PciErrorSource.SecondaryStatus, 15, "DetectedParityError")]
    // Device Status (§7.5.3.5).
    [InlineData(PciErrorSource.DeviceStatus, 0, "CorrectableErrorDetected")]
    [InlineData(PciErrorSource.DeviceStatus, 1, "NonFatalErrorDetected")]
    [InlineData(PciErrorSource.DeviceStatus, 2, "FatalErrorDetected")]
    [InlineData(PciErrorSource.DeviceStatus, 3, "UnsupportedRequestDetected")]
    // AER Correctable Error Status (§7.8.4.5).
    [InlineData(PciErrorSource.AerCorrectable, 0, "ReceiverError")]
    [InlineData(PciErrorSource.AerCorrectable, 6, "BadTlp")]
    [InlineData(PciErrorSource.AerCorrectable, 7, "BadDllp")]
    [InlineData(PciErrorSource.AerCorrectable, 8, "ReplayNumRollover")]
    [InlineData(PciErrorSource.AerCorrectable, 12, "ReplayTimerTimeout")]
    [InlineData(PciErrorSource.AerCorrectable, 13, "AdvisoryNonFatal")]
    [InlineData(PciErrorSource.AerCorrectable, 14, "CorrectedInternal")]
    [InlineData(PciErrorSource.AerCorrectable, 15, "HeaderLogOverflow")]
    // AER Uncorrectable Error Status (§7.8.4.2).
    [InlineData(PciErrorSource.AerUncorrectable, 4, "DataLinkProtocol")]
    [InlineData(PciErrorSource.AerUncorrectable, 5, "SurpriseDown")]
    [InlineData(PciErrorSource.AerUncorrectable, 12, "PoisonedTlp")]
    [InlineData(PciErrorSource.AerUncorrectable, 13, "FlowControlProtocol")]
    [InlineData(PciErrorSource.AerUncorrectable, 14, "CompletionTimeout")]
    [InlineData(PciErrorSource.AerUncorrectable, 15, "CompleterAbort")]
    [InlineData(PciErrorSource.AerUncorrectable, 16, "UnexpectedCompletion")]
    [InlineData(PciErrorSource.AerUncorrectable, 17, "ReceiverOverflow")]
    [InlineData(PciErrorSource.AerUncorrectable, 18, "MalformedTlp")]
    [InlineData(PciErrorSource.AerUncorrectable, 19, "Ecrc")]
    [InlineData(PciErrorSource.AerUncorrectable, 20, "UnsupportedRequest")]
    [InlineData(PciErrorSource.AerUncorrectable, 21, "AcsViolation")]
    [InlineData(PciErrorSource.AerUncorrectable, 22, "UncorrectableInternal")]
    [InlineData(PciErrorSource.AerUncorrectable, 23, "McBlockedTlp")]
    [InlineData(PciErrorSource.AerUncorrectable, 24, "AtomicOpEgressBlocked")]
    [InlineData(PciErrorSource.AerUncorrectable, 25, "TlpPrefixBlocked")]
    [InlineData(PciErrorSource.AerUncorrectable, 26, "PoisonedTlpEgressBlocked")]
    // Root Error Status (§7.8.4.10).
    [InlineData(PciErrorSource.RootError, 0, "ErrCorReceived")]
    [InlineData(PciErrorSource.RootError, 1, "MultipleErrCorReceived")]
    [InlineData(PciErrorSource.RootError, 2, "ErrFatalNonFatalReceived")]
    [InlineData(PciErrorSource.RootError, 3, "MultipleErrFatalNonFatalReceived")]
    [InlineData(PciErrorSource.RootError, 4, "FirstUncorrectableFatal")]
    [InlineData(PciErrorSource.RootError, 5, "NonFatalErrorMessagesReceived")]
    [InlineData(PciErrorSource.RootError, 6, "FatalErrorMessagesReceived")]
    // DPC Status (§7.9.14.5).
    [InlineData(PciErrorSource.Containment, 0, "DpcTriggered")]
    [InlineData(PciErrorSource.Containment, 1, "UnmaskedUncorrectable")]
    [InlineData(PciErrorSource.Containment, 2, "ErrNonFatalReceived")]
    [InlineData(PciErrorSource.Containment, 3, "ErrFatalReceived")]
    [InlineData(PciErrorSource.Containment, 4, "TriggerReasonExtension")]
    public void Each_defined_bit_has_its_pcie_name(PciErrorSource source, int bit, string expected)
    {
        Assert.Equal(expected, PciErrorNames.BitName(source, bit));
    }

    [Theory]
    [InlineData(PciErrorSource.Status, 0)]
    [InlineData(PciErrorSource.Status, 3)] // Interrupt Status: not an error
    [InlineData(PciErrorSource.Status, 4)] // Capabilities List
    [InlineData(PciErrorSource.SecondaryStatus, 9)]
    [InlineData(PciErrorSource.DeviceStatus, 5)] // Transactions Pending
    [InlineData(PciErrorSource.AerCorrectable, 1)]
    [InlineData(PciErrorSource.AerCorrectable, 31)]
    [InlineData(PciErrorSource.AerUncorrectable, 0)]
    [InlineData(PciErrorSource.AerUncorrectable, 27)]
    [InlineData(PciErrorSource.RootError, 7)]
    [InlineData(PciErrorSource.RootError, 27)] // message number field
    [InlineData(PciErrorSource.Containment, 5)]
    public void Undefined_bits_are_named_bitN(PciErrorSource source, int bit)
    {
        Assert.Equal("bit" + bit.ToString(System.Globalization.CultureInfo.InvariantCulture), PciErrorNames.BitName(source, bit));
    }

    [Fact]
    public void Unnamed_bits_do_not_depend_on_the_current_culture()
    {
        System.Globalization.CultureInfo saved = System.Globalization.CultureInfo.CurrentCulture;
        try
        {
            System.Globalization.CultureInfo.CurrentCulture = new System.Globalization.CultureInfo("ar-SA");
            Assert.Equal("bit31", PciErrorNames.BitName(PciErrorSource.Status, 31));
        }
        finally
        {
            System.Globalization.CultureInfo.CurrentCulture = saved;
        }
    }

    [Fact]
    public void Names_lists_the_bits_set_lowest_first()
    {
        var record = new PciErrorRecord(Address, PciErrorSource.AerUncorrectable, PciErrorSeverity.Fatal, (1u << 20) | (1u << 5) | (1u << 14) | (1u << 0));

        Assert.Equal(new[] { "bit0", "SurpriseDown", "CompletionTimeout", "UnsupportedRequest" }, PciErrorNames.Names(record));
    }

    [Fact]
    public void Names_covers_bit_31()
    {
        var record = new PciErrorRecord(Address, PciErrorSource.AerCorrectable, PciErrorSeverity.Correctable, 0x8000_0001);

        Assert.Equal(new[] { "ReceiverError", "bit31" }, PciErrorNames.Names(record));
    }

    [Fact]
    public void Names_of_an_empty_record_is_empty()
    {
        Assert.Empty(PciErrorNames.Names(new PciErrorRecord(Address, PciErrorSource.Status, PciErrorSeverity.NonFatal, 0)));
    }

    [Fact]
    public void Names_depends_on_the_register()
    {
        const uint bit14 = 1u << 14;

        Assert.Equal(new[] { "SignaledSystemError" }, PciErrorNames.Names(new PciErrorRecord(Address, PciErrorSource.Status, PciErrorSeverity.NonFatal, bit14)));
        Assert.Equal(new[] { "ReceivedSystemError" }, PciErrorNames.Names(new PciErrorRecord(Address, PciErrorSource.SecondaryStatus, PciErrorSeverity.NonFatal, bit14)));
        Assert.Equal(new[] { "CorrectedInternal" }, PciErrorNames.Names(new PciErrorRecord(Address, PciErrorSource.AerCorrectable, PciErrorSeverity.Correctable, bit14)));
        Assert.Equal(new[] { "CompletionTimeout" }, PciErrorNames.Names(new PciErrorRecord(Address, PciErrorSource.AerUncorrectable, PciErrorSeverity.NonFatal, bit14)));
    }

    [Theory]
    [InlineData(PciErrorSource.Status, 0xA800u, "SignaledTargetAbort")]
    [InlineData(PciErrorSource.DeviceStatus, 0xCu, "FatalErrorDetected")]
    [InlineData(PciErrorSource.AerUncorrectable, 0x0014_4000u, "CompletionTimeout")]
    [InlineData(PciErrorSource.RootError, 0x44u, "ErrFatalNonFatalReceived")]
    [InlineData(PciErrorSource.Containment, 0x5u, "DpcTriggered")]
    [InlineData(PciErrorSource.AerCorrectable, 0x0000_0002u, "bit1")]
    [InlineData(PciErrorSource.AerCorrectable, 0u, "none")]
    public void FirstName_is_the_name_of_the_lowest_bit_set_or_none(PciErrorSource source, uint status, string expected)
    {
        var record = new PciErrorRecord(Address, source, PciErrorSeverity.NonFatal, status);

        Assert.Equal(expected, PciErrorNames.FirstName(record));
        if (status != 0)
        {
            Assert.Equal(PciErrorNames.Names(record)[0], PciErrorNames.FirstName(record));
        }
    }

    [Theory]
    [InlineData(PciErrorSource.Status, "status")]
    [InlineData(PciErrorSource.SecondaryStatus, "secondary-status")]
    [InlineData(PciErrorSource.DeviceStatus, "device-status")]
    [InlineData(PciErrorSource.AerCorrectable, "aer-correctable")]
    [InlineData(PciErrorSource.AerUncorrectable, "aer-uncorrectable")]
    [InlineData(PciErrorSource.RootError, "root-error")]
    [InlineData(PciErrorSource.Containment, "containment")]
    public void SourceName_is_the_short_json_kind(PciErrorSource source, string expected)
    {
        Assert.Equal(expected, PciErrorNames.SourceName(source));
    }

    [Fact]
    public void Source_names_are_distinct()
    {
        string[] names = Enum.GetValues<PciErrorSource>().Select(PciErrorNames.SourceName).ToArray();

        Assert.Equal(names.Length, names.Distinct(StringComparer.Ordinal).Count());
    }

    [Theory]
    [InlineData(PciErrorSeverity.Correctable, "correctable")]
    [InlineData(PciErrorSeverity.NonFatal, "non-fatal")]
    [InlineData(PciErrorSeverity.Fatal, "fatal")]
    public void SeverityName_values(PciErrorSeverity severity, string expected)
    {
        Assert.Equal(expected, PciErrorNames.SeverityName(severity));
    }
}
