using Vmd.Registers;

namespace Vmd.Simulation.Functions.Capabilities;

/// <summary>Adds an Advanced Error Reporting extended capability (ID 0x0001, PCIe Base §7.8.4).</summary>
public static class AdvancedErrorReportingCapabilityLayout
{
    private const byte Version = 2;

    /// <summary>
    /// Adds the capability with reset values: status registers RW1C over the defined error bits, masks and
    /// severity read-write (severity at its specified default, Advisory Non-Fatal masked), first error pointer
    /// and header log read-only; root ports add Root Error Command (RW), Root Error Status (RW1C) and Error Source ID.
    /// </summary>
    /// <returns>The capability's offset.</returns>
    public static ushort AddAdvancedErrorReporting(this FunctionBuilder builder, bool rootPort, ushort offset = 0)
    {
        int length = rootPort ? AdvancedErrorReportingCapability.RootPortLength : AdvancedErrorReportingCapability.EndpointLength;
        ushort at = builder.AddExtendedCapability(ExtendedCapabilityId.AdvancedErrorReporting, Version, length, offset);
        SimulatedFunction function = builder.Function;
        const uint uncorrectable = AdvancedErrorReportingBits.UncorrectableDefined;
        const uint correctable = AdvancedErrorReportingBits.CorrectableDefined;
        function.DefineRegister((ushort)(at + AdvancedErrorReportingCapability.UncorrectableStatus), 4, 0, 0, uncorrectable);
        function.DefineRegister((ushort)(at + AdvancedErrorReportingCapability.UncorrectableMask), 4, 0, uncorrectable);
        function.DefineRegister((ushort)(at + AdvancedErrorReportingCapability.UncorrectableSeverity), 4, AdvancedErrorReportingBits.UncorrectableSeverityDefault, uncorrectable);
        function.DefineRegister((ushort)(at + AdvancedErrorReportingCapability.CorrectableStatus), 4, 0, 0, correctable);
        function.DefineRegister((ushort)(at + AdvancedErrorReportingCapability.CorrectableMask), 4, AdvancedErrorReportingBits.AdvisoryNonFatal, correctable);
        if (rootPort)
        {
            function.DefineRegister((ushort)(at + AdvancedErrorReportingCapability.RootErrorCommand), 4, 0, AdvancedErrorReportingBits.RootErrorCommandEnables);
            function.DefineRegister((ushort)(at + AdvancedErrorReportingCapability.RootErrorStatus), 4, 0, 0, AdvancedErrorReportingBits.RootErrorStatusEvents);
        }

        return at;
    }
}
