using System;

namespace Vmd.Simulation.Faults;

/// <summary>Thrown by a fault-injecting wrapper when an injected <see cref="FaultKind.PortFailure"/> hits a call that has no other way to fail.</summary>
public sealed class HostPortFailureException : Exception
{
    /// <summary>Creates the exception with a default message.</summary>
    public HostPortFailureException()
        : base("Injected host port failure.")
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/>.</summary>
    public HostPortFailureException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/> and the exception that caused it.</summary>
    public HostPortFailureException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
