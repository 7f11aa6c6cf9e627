using System;

namespace Vmd.Simulation.Faults;

/// <summary>
/// When and how a <see cref="FaultInjector"/> injects: a <see cref="FaultKind"/>, the access classes its trigger counts,
/// and the trigger — the k-th counted access once (<see cref="AtAccess"/>) or every k-th (<see cref="Every"/>).
/// </summary>
/// <remarks>Immutable. Accesses of classes the plan does not count are neither counted towards the trigger nor faulted.</remarks>
public sealed class FaultPlan
{
    private FaultPlan(FaultKind kind, long interval, bool repeats, FaultAccessClasses counted)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(interval);
        if (counted == FaultAccessClasses.None)
        {
            throw new ArgumentOutOfRangeException(nameof(counted), counted, "A plan counts at least one access class.");
        }

        Kind = kind;
        Interval = interval;
        Repeats = repeats;
        Counted = counted;
    }

    /// <summary>What the fault does.</summary>
    public FaultKind Kind { get; }

    /// <summary>k: the counted access the fault hits (1 = the first), or the period when <see cref="Repeats"/>.</summary>
    public long Interval { get; }

    /// <summary>True for every k-th counted access; false for the k-th only.</summary>
    public bool Repeats { get; }

    /// <summary>The access classes counted towards the trigger.</summary>
    public FaultAccessClasses Counted { get; }

    /// <summary>
    /// The classes a kind applies to: reads for <see cref="FaultKind.AllOnesRead"/>, writes for
    /// <see cref="FaultKind.DroppedWrite"/>, and for <see cref="FaultKind.PortFailure"/> every read, write and every call
    /// with a <c>Try</c> shape (<see cref="FaultAccessClasses.Map"/>, <see cref="FaultAccessClasses.VectorAllocate"/>): the
    /// ways the port contracts let a port fail. Calls whose contract documents no failure
    /// (<see cref="FaultAccessClasses.VectorCall"/>, <see cref="FaultAccessClasses.Unmap"/>,
    /// <see cref="FaultAccessClasses.VectorRelease"/>) are faulted only when a plan names them explicitly.
    /// </summary>
    public static FaultAccessClasses DefaultClasses(FaultKind kind) => kind switch
    {
        FaultKind.AllOnesRead => FaultAccessClasses.Reads,
        FaultKind.DroppedWrite => FaultAccessClasses.Writes,
        _ => FaultAccessClasses.Reads | FaultAccessClasses.Writes | FaultAccessClasses.Map | FaultAccessClasses.VectorAllocate,
    };

    /// <summary>A one-shot fault at the <paramref name="k"/>-th counted access (1 = the first after arming).</summary>
    /// <param name="kind">What the fault does.</param>
    /// <param name="k">Which counted access it hits; at least 1.</param>
    /// <param name="counted">The classes counted; <see cref="FaultAccessClasses.None"/> for <see cref="DefaultClasses"/>.</param>
    public static FaultPlan AtAccess(FaultKind kind, long k, FaultAccessClasses counted = FaultAccessClasses.None) =>
        new(kind, k, repeats: false, counted == FaultAccessClasses.None ? DefaultClasses(kind) : counted);

    /// <summary>A fault at every <paramref name="k"/>-th counted access.</summary>
    /// <param name="kind">What the fault does.</param>
    /// <param name="k">The period; at least 1 (1 = every counted access).</param>
    /// <param name="counted">The classes counted; <see cref="FaultAccessClasses.None"/> for <see cref="DefaultClasses"/>.</param>
    public static FaultPlan Every(FaultKind kind, long k, FaultAccessClasses counted = FaultAccessClasses.None) =>
        new(kind, k, repeats: true, counted == FaultAccessClasses.None ? DefaultClasses(kind) : counted);

    /// <inheritdoc />
    public override string ToString() =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{Kind} at {(Repeats ? "every " : string.Empty)}access {Interval} of {Counted}");
}
