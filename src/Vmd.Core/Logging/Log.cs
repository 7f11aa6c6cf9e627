using Microsoft.Extensions.Logging;

namespace Vmd.Core.Logging;

/// <summary>Every log line of Vmd.Core (event ids 1000–1999; shipped ids are never renumbered or reused, see docs/events.md).</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1001, Level = LogLevel.Information,
        Message = "VMD {Endpoint} found: 8086:{DeviceId:x4} ({Platform}), domain {Domain:x}")]
    internal static partial void VmdDetected(ILogger logger, PciAddress endpoint, ushort deviceId, string platform, uint domain);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Warning,
        Message = "{Address} is an Intel RAID-class function 8086:{DeviceId:x4} not in the VMD table; skipped (declare it with VmdHostOptions.AddDevice)")]
    internal static partial void UnsupportedVmd(ILogger logger, PciAddress address, ushort deviceId);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Debug,
        Message = "Host scan done: {Count} VMD(s) among {Functions} functions, {Reads} config reads")]
    internal static partial void DetectionDone(ILogger logger, int count, int functions, long reads);

    [LoggerMessage(EventId = 1010, Level = LogLevel.Information,
        Message = "VMD {Endpoint} mapped: domain {Domain:x}, buses {First:x2}-{Last:x2}, CFGBAR {CfgBar:x} MEMBAR1 {MemBar1:x} MEMBAR2 {MemBar2:x}")]
    internal static partial void Mapped(ILogger logger, PciAddress endpoint, uint domain, byte first, byte last, ulong cfgBar, ulong memBar1, ulong memBar2);

    [LoggerMessage(EventId = 1011, Level = LogLevel.Error,
        Message = "VMD {Endpoint}: {Step} failed ({Error}): {Reason}")]
    internal static partial void StepFailed(ILogger logger, PciAddress endpoint, VmdStep step, VmdError error, string reason);

    [LoggerMessage(EventId = 1012, Level = LogLevel.Information,
        Message = "VMD {Endpoint}: memory decode was off; turned on so the mapped BARs answer")]
    internal static partial void MemoryDecodeEnabled(ILogger logger, PciAddress endpoint);

    [LoggerMessage(EventId = 1013, Level = LogLevel.Information,
        Message = "VMD {Endpoint}: host-physical MEMBAR1 {MemBar1:x}, MEMBAR2 {MemBar2:x} from {Source}; offsets {Offset1:x}, {Offset2:x}")]
    internal static partial void ShadowOffsetsRead(ILogger logger, PciAddress endpoint, ulong memBar1, ulong memBar2, Mapping.ShadowSource source, ulong offset1, ulong offset2);

    [LoggerMessage(EventId = 1014, Level = LogLevel.Warning,
        Message = "VMD {Endpoint}: no usable MSI-X capability; child interrupts can only be polled")]
    internal static partial void MsixMissing(ILogger logger, PciAddress endpoint);

    [LoggerMessage(EventId = 1015, Level = LogLevel.Information,
        Message = "VMD {Endpoint}: BARs unmapped")]
    internal static partial void Unmapped(ILogger logger, PciAddress endpoint);

    [LoggerMessage(EventId = 1016, Level = LogLevel.Warning,
        Message = "VMD {Endpoint}: CFGBAR holds {Buses} buses; the domain uses {Used} (bus numbers end at ff)")]
    internal static partial void CfgBarClamped(ILogger logger, PciAddress endpoint, int buses, int used);

    [LoggerMessage(EventId = 1017, Level = LogLevel.Information,
        Message = "VMD {Endpoint}: second root bus — root bus 0 buses {First0:x2}-{Last0:x2} at CFGBAR bus {Index0}, root bus 1 buses {First1:x2}-{Last1:x2} at CFGBAR bus {Index1}; MEMBAR1 split at +0x{Split1:x}, MEMBAR2 split at +0x{Split2:x}")]
    internal static partial void SecondRootBus(ILogger logger, PciAddress endpoint, byte first0, byte last0, int index0, byte first1, byte last1, int index1, ulong split1, ulong split2);

    [LoggerMessage(EventId = 1018, Level = LogLevel.Warning,
        Message = "VMD {Endpoint}: BUSRANGE{RootBus} gives {Buses} CFGBAR buses but only {Used} bus numbers fit from bus {First:x2}; the rest are not used")]
    internal static partial void RootBusClamped(ILogger logger, PciAddress endpoint, int rootBus, int buses, int used, byte first);

    [LoggerMessage(EventId = 1019, Level = LogLevel.Warning,
        Message = "VMD {Endpoint}: a BAR held its sizing mask (an earlier sizing was cut short); the value read before the first sizing was written back")]
    internal static partial void BarsRestored(ILogger logger, PciAddress endpoint);

    [LoggerMessage(EventId = 1021, Level = LogLevel.Warning,
        Message = "VMD {Endpoint}: root port {Port} still held Secondary Bus Reset with nothing listed below it (an earlier reset's deassert was lost); pulsing it and walking the domain again")]
    internal static partial void HeldPortReleased(ILogger logger, PciAddress endpoint, PciAddress port);

    [LoggerMessage(EventId = 1020, Level = LogLevel.Information,
        Message = "VMD {Endpoint} enabled: domain {Domain:x} buses {First:x2}-{Last:x2} open through CFGBAR")]
    internal static partial void Enabled(ILogger logger, PciAddress endpoint, uint domain, byte first, byte last);

    [LoggerMessage(EventId = 1030, Level = LogLevel.Information,
        Message = "VMD {Endpoint}: domain {Domain:x} enumerated: {Functions} functions ({Unassigned} without resources), buses {First:x2}-{Highest:x2}, fingerprint {Fingerprint:x16}")]
    internal static partial void Enumerated(ILogger logger, PciAddress endpoint, uint domain, int functions, int unassigned, byte first, int highest, ulong fingerprint);

    [LoggerMessage(EventId = 1031, Level = LogLevel.Warning,
        Message = "VMD {Endpoint}: {Function} {Issue}")]
    internal static partial void FunctionIssue(ILogger logger, PciAddress endpoint, PciAddress function, string issue);

    [LoggerMessage(EventId = 1032, Level = LogLevel.Warning,
        Message = "VMD {Endpoint}: {Count} config accesses outside domain {Domain:x} were refused (read all-ones, writes dropped)")]
    internal static partial void AccessesOutsideDomain(ILogger logger, PciAddress endpoint, uint domain, long count);

    [LoggerMessage(EventId = 1033, Level = LogLevel.Debug,
        Message = "VMD {Endpoint}: re-scan of domain {Domain:x}: {Result}")]
    internal static partial void Rescanned(ILogger logger, PciAddress endpoint, uint domain, string result);

    [LoggerMessage(EventId = 1040, Level = LogLevel.Information,
        Message = "VMD {Endpoint}: interrupts routed, mode {Mode}, {Vectors} VMD vectors; degraded: {Degraded}")]
    internal static partial void InterruptsRouted(ILogger logger, PciAddress endpoint, Interrupts.InterruptRoutingMode mode, int vectors, string degraded);

    [LoggerMessage(EventId = 1050, Level = LogLevel.Information,
        Message = "VMD {Endpoint}: domain {Domain:x} reset: {After} of {Before} functions back, same topology and resources: {Restored}")]
    internal static partial void ResetDone(ILogger logger, PciAddress endpoint, uint domain, int after, int before, bool restored);

    [LoggerMessage(EventId = 1051, Level = LogLevel.Warning,
        Message = "VMD {Endpoint}: secondary bus reset of {Port}: {Outcome}")]
    internal static partial void ResetPortTrouble(ILogger logger, PciAddress endpoint, PciAddress port, string outcome);

    [LoggerMessage(EventId = 1052, Level = LogLevel.Warning,
        Message = "VMD {Endpoint}: {Function} did not come back after the reset; it is removed from the device list")]
    internal static partial void FunctionLost(ILogger logger, PciAddress endpoint, PciAddress function);

    [LoggerMessage(EventId = 1053, Level = LogLevel.Warning,
        Message = "VMD {Endpoint}: {Function} did not come back after its function-level reset ({Outcome})")]
    internal static partial void FunctionLevelResetFailed(ILogger logger, PciAddress endpoint, PciAddress function, string outcome);

    [LoggerMessage(EventId = 1060, Level = LogLevel.Information,
        Message = "VMD {Endpoint}: hot-plug enabled on {Slots} slot(s)")]
    internal static partial void HotPlugEnabled(ILogger logger, PciAddress endpoint, int slots);

    [LoggerMessage(EventId = 1061, Level = LogLevel.Information,
        Message = "VMD {Endpoint}: slot {PhysicalSlot} ({Port}): card inserted, {Functions} function(s) added")]
    internal static partial void SlotInserted(ILogger logger, PciAddress endpoint, PciAddress port, int physicalSlot, int functions);

    [LoggerMessage(EventId = 1062, Level = LogLevel.Information,
        Message = "VMD {Endpoint}: slot {PhysicalSlot} ({Port}): {Functions} function(s) removed (surprise: {Surprise})")]
    internal static partial void SlotRemoved(ILogger logger, PciAddress endpoint, PciAddress port, int physicalSlot, int functions, bool surprise);

    [LoggerMessage(EventId = 1063, Level = LogLevel.Warning,
        Message = "VMD {Endpoint}: slot {PhysicalSlot} ({Port}): insertion failed: {Reason}")]
    internal static partial void SlotInsertionFailed(ILogger logger, PciAddress endpoint, PciAddress port, int physicalSlot, string reason);

    [LoggerMessage(EventId = 1064, Level = LogLevel.Warning,
        Message = "VMD {Endpoint}: slot {PhysicalSlot} ({Port}) did not complete a Slot Control command within 1 s")]
    internal static partial void SlotCommandTimeout(ILogger logger, PciAddress endpoint, PciAddress port, int physicalSlot);

    [LoggerMessage(EventId = 1065, Level = LogLevel.Information,
        Message = "VMD {Endpoint}: slot {Port} is polled: {Reason}")]
    internal static partial void SlotPolled(ILogger logger, PciAddress endpoint, PciAddress port, string reason);

    [LoggerMessage(EventId = 1066, Level = LogLevel.Debug,
        Message = "VMD {Endpoint}: slot {Port} LED set to {State}")]
    internal static partial void SlotLedSet(ILogger logger, PciAddress endpoint, PciAddress port, string state);

    [LoggerMessage(EventId = 1070, Level = LogLevel.Warning,
        Message = "VMD {Endpoint}: {Function} {Register}: correctable {Errors}")]
    internal static partial void CorrectableError(ILogger logger, PciAddress endpoint, PciAddress function, string register, string errors);

    [LoggerMessage(EventId = 1071, Level = LogLevel.Error,
        Message = "VMD {Endpoint}: {Function} {Register}: {Severity} {Errors}; first error {FirstError}, header {Header0:x8} {Header1:x8} {Header2:x8} {Header3:x8}")]
    internal static partial void UncorrectableError(ILogger logger, PciAddress endpoint, PciAddress function, string register, string severity, string errors, string firstError, uint header0, uint header1, uint header2, uint header3);

    [LoggerMessage(EventId = 1072, Level = LogLevel.Warning,
        Message = "VMD {Endpoint}: {Function} {Register}: …and {Count} more in {Seconds} s")]
    internal static partial void ErrorsSuppressed(ILogger logger, PciAddress endpoint, PciAddress function, string register, long count, double seconds);

    [LoggerMessage(EventId = 1073, Level = LogLevel.Error,
        Message = "VMD {Endpoint}: {Function} {Register}: {Severity} {Errors}")]
    internal static partial void UncorrectableErrorNoHeader(ILogger logger, PciAddress endpoint, PciAddress function, string register, string severity, string errors);
}
