namespace Vmd.Core;

/// <summary>The steps of a VMD bring-up, named in failures and logs.</summary>
public enum VmdStep
{
    /// <summary>Step 0: find the endpoint.</summary>
    Detect = 0,

    /// <summary>Step 1: size and map the BARs, read shadow offsets and the bus range.</summary>
    Map = 1,
}
