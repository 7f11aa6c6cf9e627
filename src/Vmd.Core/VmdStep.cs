namespace Vmd.Core;

/// <summary>The steps of a VMD bring-up, named in failures and logs.</summary>
public enum VmdStep
{
    /// <summary>Step 0: find the endpoint.</summary>
    Detect = 0,

    /// <summary>Step 1: size and map the BARs, read shadow offsets and the bus range.</summary>
    Map = 1,

    /// <summary>Step 2: enable the endpoint, create the domain's config space and apertures.</summary>
    Enable = 2,

    /// <summary>Step 3: enumerate the domain and assign resources.</summary>
    Enumerate = 3,

    /// <summary>Step 4: route interrupts (remap, bypass or polling).</summary>
    RouteInterrupts = 4,

    /// <summary>Step 5: reset the domain and bring it back.</summary>
    Reset = 5,

    /// <summary>Step 6: hot-plug slots (insertion, removal, LEDs).</summary>
    HotPlug = 6,
}
