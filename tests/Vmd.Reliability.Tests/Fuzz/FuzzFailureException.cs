using System;

namespace Vmd.Reliability.Tests.Fuzz;

/// <summary>An invariant that did not hold; the message names the seed.</summary>
public sealed class FuzzFailureException : Exception
{
    public FuzzFailureException(string message)
        : base(message)
    {
    }

    public FuzzFailureException()
    {
    }

    public FuzzFailureException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
