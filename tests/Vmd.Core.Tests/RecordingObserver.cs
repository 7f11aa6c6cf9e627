using System.Collections.Generic;
using Vmd.Simulation.Diagnostics;

namespace Vmd.Core.Tests;

/// <summary>Keeps every config access the simulator saw, for assertions on where the driver wrote.</summary>
internal class RecordingObserver : IConfigAccessObserver
{
    public List<ConfigAccess> Accesses { get; } = [];

    public virtual void OnConfigAccess(in ConfigAccess access) => Accesses.Add(access);
}
