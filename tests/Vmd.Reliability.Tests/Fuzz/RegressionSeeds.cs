namespace Vmd.Reliability.Tests.Fuzz;

/// <summary>
/// Every seed that ever failed <see cref="BringupFuzzTests"/> (with <c>FuzzOptions.Default</c>), kept for good: each
/// runs on every test run. Add a seed with a line saying what it found.
/// </summary>
[Trait("Category", "Fuzz")]
public sealed class RegressionSeeds
{
    public static TheoryData<int> Seeds() =>
    [
        // Access bound first set without the host scan (256 buses x 32 devices at detection): runner bound fixed.
        5, 9, 15, 35, 49, 101, 103,
        // Domain write reported outside the range: VMCAP bus restriction on an ID without it (observer now uses the CFGBAR index).
        37, 169,
        // Rescan listed a function enumeration had skipped, unassigned without a reason (FoundByRescan).
        11, 13, 41, 47, 60, 67, 127, 185, 207, 283, 287, 299, 323, 329, 365, 477,
        // BAR size mask with holes assigned and decoded at an address that did not stick (BarSizer: Malformed).
        25, 38, 52, 145, 253,
        // D3hot -> D0 in the client PM quirk reset a function after its resources were programmed (state saved and restored).
        66, 383, 473, 2253,
        // VMD MSI-X table larger than MEMBAR2: ArgumentException from MsixController escaped TryRouteInterrupts.
        1029,
        // Function vanished between its header and its BARs during Rescan: listed assigned with all-ones BARs.
        5610, 7239,
        // A bridge vanished after its BARs: its windows read all-ones (the re-scan's closing Vendor ID read catches it).
        67823,
        // One-entry VMD MSI-X table on an offset-first-vector ID: ArgumentOutOfRangeException from VmdVectorTable.
        12686,
        // CFGBAR split by BUSRANGE on an ID the driver treats as single-rooted (observer artefact).
        11095, 15174,
        // Generator: a device number reused when function 0 was left out ("Slot 0a.1 is already taken").
        18340,
        // Bridge looped onto an ancestor's bus (one device at two addresses): resource checks after a changed rescan.
        1941, 2618, 4470, 5959, 6479, 7075, 10072, 12210, 13288, 14075, 18524, 18694, 19311,
        // A PM capability whose No_Soft_Reset bit the model let a write clear: the simulator now judges it as read before the write.
        1613126,
        // The 1,000,000-case run from seed 1000000: a BAR that sized cleanly but did not keep the address written at
        // assignment (ResourceAssigner now reads it back), and bus-loop aliases after a rescan.
        1011235, 1024659, 1036825, 1062757, 1100299, 1186911, 1341461, 1349058, 1350301, 1514078, 1542819, 1547776, 1631935, 1676749, 1722381, 1746425, 1830691, 1836774, 1873746, 1894520, 1914239, 1948714,
    ];

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Seed_that_once_failed_brings_up_within_the_invariants(int seed) => BringupRunner.Run(seed);
}
