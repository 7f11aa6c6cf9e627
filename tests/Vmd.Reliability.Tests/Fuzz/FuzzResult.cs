using Vmd.Simulation.Fuzzing;

namespace Vmd.Reliability.Tests.Fuzz;

/// <summary>The figures of one case that passed: its accesses, the bound they were held to, and what it contained.</summary>
internal readonly record struct FuzzResult(int Seed, long Accesses, long Bound, int Listed, int Built, FuzzFeatures Features);
