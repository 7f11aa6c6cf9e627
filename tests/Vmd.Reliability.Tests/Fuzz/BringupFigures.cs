namespace Vmd.Reliability.Tests.Fuzz;

/// <summary>What one bring-up cost: configuration accesses, functions listed at most, and buses the walk scanned (root buses + bridges).</summary>
internal readonly record struct BringupFigures(long Accesses, int Listed, int ScannedBuses);
