namespace Vmd;

/// <summary>
/// Offered by an <see cref="IConfigSpace"/> that serialises its accesses (as the VMD's domain port must): one thread
/// may take that serialisation once for a run of accesses, so each access of the run skips it. The library's walkers
/// (enumeration, re-scan, hot-plug enumeration) take it once per walk when their port offers it.
/// </summary>
/// <remarks>
/// <para>While a thread holds it, other threads' accesses through the same port wait until it is released: a walk holds
/// it for as long as the walk takes (on hardware about 1 µs per register read, so a few milliseconds for a large
/// domain). Interrupt-path code must not use a port that another thread may hold this way on the same CPU.</para>
/// <para>Calls nest on the same thread; every <see cref="BeginExclusive"/> needs its <see cref="EndExclusive"/>, on the
/// same thread, in a <c>finally</c> block.</para>
/// </remarks>
public interface IExclusiveConfigAccess
{
    /// <summary>Takes the port's serialisation for the calling thread (waits while another thread holds it).</summary>
    void BeginExclusive();

    /// <summary>Releases what the matching <see cref="BeginExclusive"/> took.</summary>
    /// <exception cref="System.Threading.SynchronizationLockException">The calling thread does not hold it.</exception>
    void EndExclusive();
}
