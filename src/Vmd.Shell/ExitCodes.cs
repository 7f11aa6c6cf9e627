namespace Vmd.Shell;

/// <summary>The documented exit codes of <c>vmd</c> (docs/commands.md).</summary>
internal static class ExitCodes
{
    /// <summary>The command did what it was asked.</summary>
    public const int Ok = 0;

    /// <summary>An unexpected internal error (a bug: please report it).</summary>
    public const int InternalError = 1;

    /// <summary>Usage error: unknown command or option, missing value, unknown machine, malformed address.</summary>
    public const int Usage = 2;

    /// <summary>No VMD was found on the machine.</summary>
    public const int NoVmd = 3;

    /// <summary>A VMD was found but a bring-up step failed on it (the report says which and why).</summary>
    public const int StepFailed = 4;
}
