namespace Vmd.Core;

/// <summary>Why a step failed: the step, the kind of error, and a sentence naming the register or value at fault.</summary>
public sealed class VmdFailure
{
    /// <summary>Creates a failure record.</summary>
    public VmdFailure(VmdStep step, VmdError error, string message)
    {
        Step = step;
        Error = error;
        Message = message;
    }

    /// <summary>The step that failed; the controller stays in the state before it, and the step can be retried.</summary>
    public VmdStep Step { get; }

    /// <summary>The kind of error.</summary>
    public VmdError Error { get; }

    /// <summary>What failed, in lspci notation (e.g. "CFGBAR of 0000:00:0e.0 is 512 KiB; at least 1 MiB is needed").</summary>
    public string Message { get; }

    /// <inheritdoc />
    public override string ToString() => $"{Step} failed ({Error}): {Message}";
}
