namespace Vmd.Simulation.Functions;

/// <summary>Something that reacts when functions are plugged into or unplugged from a bus (the port above a link).</summary>
internal interface IBusOccupancyListener
{
    void OnOccupancyChanged(SimulatedBus bus);
}
