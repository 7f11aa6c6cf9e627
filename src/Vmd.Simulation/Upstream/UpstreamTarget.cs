namespace Vmd.Simulation.Upstream;

/// <summary>Where an upstream request from a function ends up.</summary>
internal enum UpstreamTarget
{
    /// <summary>The host's root complex (the function sits in the host segment, not behind a VMD).</summary>
    Host,

    /// <summary>A VMD endpoint, which carries it on with its own requester ID (and remaps interrupts).</summary>
    Vmd,

    /// <summary>Bus Master Enable was clear on the function, a bridge or the VMD.</summary>
    BusMasterDisabled,

    /// <summary>No way up: not attached, or a bridge claims the address for its own window.</summary>
    Unroutable,
}
