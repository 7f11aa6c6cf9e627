namespace Vmd.Core;

/// <summary>The last step a <see cref="VmdController"/> completed. Steps run in this order; each can be the last one a host runs.</summary>
public enum VmdState
{
    /// <summary>Found in the host's config space (step 0). Nothing is mapped.</summary>
    Detected = 0,

    /// <summary>BARs sized and mapped, shadow offsets and bus range known (step 1).</summary>
    Mapped = 1,

    /// <summary>Memory decode and bus mastering on, the domain's config space and apertures ready (step 2).</summary>
    Enabled = 2,

    /// <summary>Every function behind the VMD found, numbered, decoded and given resources (step 3).</summary>
    Enumerated = 3,

    /// <summary>The VMD's interrupt mode chosen and its vectors set up; children can attach handlers (step 4).</summary>
    InterruptsRouted = 4,
}
