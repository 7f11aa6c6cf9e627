using System;
using System.Globalization;
using System.Threading;

namespace Vmd.Interrupts.Vectors;

/// <summary>
/// The VMD's own MSI-X vectors as remapping targets: how many there are, which are usable, the host vector
/// granted to each entry, and how many child interrupts use each one (hardware digest §8.1–§8.3, §16.6).
/// </summary>
/// <remarks>
/// <para>Entries 0 to <see cref="ActiveCount"/> − 1 are in use: every table entry until a grant (a host that polls
/// the VMD's Pending Bit Array needs no host vectors), then the entries that got a host vector. Entries below
/// <see cref="FirstUsable"/> are never handed to a child: on IDs with the offset-first-vector feature, vector 0 may
/// carry interrupts the hardware or firmware raise itself.</para>
/// <para>A host that grants fewer vectors than asked leaves the table <see cref="Degraded"/>: children then share
/// the vectors there are, which works (every handler of a vector runs) but costs latency.</para>
/// <para>User counts are exact: <see cref="Allocate"/> adds one to the vector it returns, <see cref="Free"/>
/// takes one from the vector named, shared vector included.</para>
/// <para>Thread safety: every member may be called from any thread (one internal lock); none is interrupt-safe.
/// The policy runs under that lock.</para>
/// </remarks>
public sealed class VmdVectorTable
{
    /// <summary>Most entries an MSI-X table can have.</summary>
    public const int MaxTableSize = 2048;

    private readonly object _gate = new();
    private readonly int[] _users;
    private readonly HostVector[] _hostVectors;
    private int _granted;
    private int _totalUsers;

    /// <summary>Creates the table for a VMD whose MSI-X capability has <paramref name="tableSize"/> entries.</summary>
    /// <param name="tableSize">Entries of the VMD's MSI-X table, 1–2048 (<see cref="MsixCapabilityInfo.TableSize"/>).</param>
    /// <param name="offsetFirstVector">True on IDs with the offset-first-vector feature (client VMDs): vector 0 is not used.</param>
    /// <param name="policy">How vectors are chosen; <see cref="LinuxVectorPolicy"/>, <see cref="FreeBsdVectorPolicy"/> or the host's own.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="tableSize"/> is outside 1–2048.</exception>
    public VmdVectorTable(int tableSize, bool offsetFirstVector, IVectorPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        if (tableSize < 1 || tableSize > MaxTableSize)
        {
            throw new ArgumentOutOfRangeException(nameof(tableSize), tableSize, "An MSI-X table has 1 to 2048 entries.");
        }

        TableSize = tableSize;
        FirstUsable = offsetFirstVector ? 1 : 0;
        Policy = policy;
        _users = new int[tableSize];
        _hostVectors = new HostVector[tableSize];
        ActiveCount = tableSize;
        Requested = tableSize;
    }

    /// <summary>Entries of the VMD's MSI-X table.</summary>
    public int TableSize { get; }

    /// <summary>First index a child may be given: 1 with the offset-first-vector feature, else 0.</summary>
    public int FirstUsable { get; }

    /// <summary>Entries in use, 0 to <see cref="ActiveCount"/> − 1: <see cref="TableSize"/> until a grant, then the granted count.</summary>
    public int ActiveCount { get; private set; }

    /// <summary>Vectors a child can be given (<see cref="ActiveCount"/> − <see cref="FirstUsable"/>, at least 0).</summary>
    public int UsableCount => Math.Max(0, ActiveCount - FirstUsable);

    /// <summary>Host vectors asked for by the last grant; <see cref="TableSize"/> before any.</summary>
    public int Requested { get; private set; }

    /// <summary>True when host vectors were granted: <see cref="TryGetHostVector"/> then answers for every active entry.</summary>
    public bool HasHostVectors => _granted > 0;

    /// <summary>True when the host granted fewer vectors than asked, so children share more than they would.</summary>
    public bool Degraded { get; private set; }

    /// <summary>Why the table is <see cref="Degraded"/>, as a sentence; null when it is not.</summary>
    public string? DegradedReason { get; private set; }

    /// <summary>The policy that chooses vectors.</summary>
    public IVectorPolicy Policy { get; }

    /// <summary>Child interrupts using any vector.</summary>
    public int TotalUsers => Volatile.Read(ref _totalUsers);

    /// <summary>Child interrupts using vector <paramref name="index"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The index is outside the table.</exception>
    public int GetUserCount(int index)
    {
        CheckIndex(index);
        return Volatile.Read(ref _users[index]);
    }

    /// <summary>The host vector granted to entry <paramref name="index"/>.</summary>
    /// <returns>False when no host vector was granted to it (no grant, or beyond the granted count, or a bad index).</returns>
    public bool TryGetHostVector(int index, out HostVector vector)
    {
        lock (_gate)
        {
            if ((uint)index < (uint)_granted)
            {
                vector = _hostVectors[index];
                return true;
            }
        }

        vector = default;
        return false;
    }

    /// <summary>
    /// Asks <paramref name="host"/> for one vector per entry, from entry 0 up to <paramref name="requested"/> − 1,
    /// stopping at the first refusal. Fewer than asked (but more than <see cref="FirstUsable"/>) is a success that
    /// leaves the table <see cref="Degraded"/>.
    /// </summary>
    /// <param name="host">The host's interrupt controller; the vectors are the table's until <see cref="ReleaseTo"/>.</param>
    /// <param name="requested">Entries to back, <see cref="FirstUsable"/> + 1 to <see cref="TableSize"/> (Linux asks for all).</param>
    /// <param name="error"><see cref="VmdError.Exhausted"/> when not even one usable vector was granted (what was granted is freed).</param>
    /// <exception cref="InvalidOperationException">Vectors are granted already, or children still hold vectors.</exception>
    public bool TryGrantFrom(IInterruptController host, int requested, out VmdError error)
    {
        ArgumentNullException.ThrowIfNull(host);
        lock (_gate)
        {
            CheckCanGrant(requested);
            int granted = 0;
            while (granted < requested && host.TryAllocate(out HostVector vector))
            {
                _hostVectors[granted++] = vector;
            }

            if (granted <= FirstUsable)
            {
                for (int i = 0; i < granted; i++)
                {
                    host.Free(_hostVectors[i]);
                    _hostVectors[i] = default;
                }

                error = VmdError.Exhausted;
                return false;
            }

            Commit(granted, requested);
            error = VmdError.None;
            return true;
        }
    }

    /// <summary>Records vectors the host allocated itself: <paramref name="granted"/>[i] backs entry i.</summary>
    /// <param name="granted">One host vector per entry from entry 0; more than <see cref="FirstUsable"/>, at most <paramref name="requested"/>.</param>
    /// <param name="requested">What was asked for (fewer granted marks the table <see cref="Degraded"/>).</param>
    /// <exception cref="ArgumentOutOfRangeException">The counts do not fit the table.</exception>
    /// <exception cref="InvalidOperationException">Vectors are granted already, or children still hold vectors.</exception>
    public void SetGranted(ReadOnlySpan<HostVector> granted, int requested)
    {
        lock (_gate)
        {
            CheckCanGrant(requested);
            if (granted.Length <= FirstUsable || granted.Length > requested)
            {
                throw new ArgumentOutOfRangeException(nameof(granted), granted.Length, "Grant more vectors than the first usable index, and no more than requested.");
            }

            granted.CopyTo(_hostVectors);
            Commit(granted.Length, requested);
        }
    }

    /// <summary>Frees every granted host vector to <paramref name="host"/> and returns to the ungranted state.</summary>
    /// <exception cref="InvalidOperationException">Children still hold vectors (free them first).</exception>
    public void ReleaseTo(IInterruptController host)
    {
        ArgumentNullException.ThrowIfNull(host);
        lock (_gate)
        {
            if (_totalUsers != 0)
            {
                throw new InvalidOperationException("Children still use VMD vectors; free them before releasing the host vectors.");
            }

            for (int i = 0; i < _granted; i++)
            {
                host.Free(_hostVectors[i]);
                _hostVectors[i] = default;
            }

            _granted = 0;
            ActiveCount = TableSize;
            Requested = TableSize;
            Degraded = false;
            DegradedReason = null;
        }
    }

    /// <summary>Chooses a vector for one more interrupt of a child with <paramref name="classCode"/> and counts it.</summary>
    /// <param name="classCode">24-bit class code of the child.</param>
    /// <param name="index">The VMD vector index; program the child with <see cref="VmdRemapping.ChildMessage"/>.</param>
    /// <param name="error"><see cref="VmdError.Exhausted"/> when no vector is usable (nothing counted).</param>
    /// <exception cref="InvalidOperationException">The policy returned an index outside the usable range.</exception>
    public bool TryAllocate(uint classCode, out int index, out VmdError error)
    {
        lock (_gate)
        {
            if (ActiveCount <= FirstUsable)
            {
                index = -1;
                error = VmdError.Exhausted;
                return false;
            }

            index = Policy.SelectVector(this, classCode);
            if (index < FirstUsable || index >= ActiveCount)
            {
                throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                    $"The vector policy chose {index}; usable vectors are {FirstUsable} to {ActiveCount - 1}."));
            }

            _users[index]++;
            _totalUsers++;
            error = VmdError.None;
            return true;
        }
    }

    /// <summary>Chooses and counts a vector; see <see cref="TryAllocate"/>.</summary>
    /// <exception cref="InvalidOperationException">No vector is usable, or the policy returned a bad index.</exception>
    public int Allocate(uint classCode) =>
        TryAllocate(classCode, out int index, out _)
            ? index
            : throw new InvalidOperationException("The VMD has no usable vector (none granted beyond the reserved first one).");

    /// <summary>Takes one user off vector <paramref name="index"/> (the one <see cref="Allocate"/> returned).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The index is outside the table.</exception>
    /// <exception cref="InvalidOperationException">The vector has no user to free.</exception>
    public void Free(int index)
    {
        CheckIndex(index);
        lock (_gate)
        {
            if (_users[index] == 0)
            {
                throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"VMD vector {index} has no user to free."));
            }

            _users[index]--;
            _totalUsers--;
        }
    }

    private void CheckCanGrant(int requested)
    {
        if (requested <= FirstUsable || requested > TableSize)
        {
            throw new ArgumentOutOfRangeException(nameof(requested), requested, "Ask for more vectors than the first usable index and at most the table size.");
        }

        if (_granted != 0)
        {
            throw new InvalidOperationException("Host vectors are granted already; release them first.");
        }

        if (_totalUsers != 0)
        {
            throw new InvalidOperationException("Children already use VMD vectors; grant host vectors before allocating.");
        }
    }

    private void Commit(int granted, int requested)
    {
        _granted = granted;
        ActiveCount = granted;
        Requested = requested;
        Degraded = granted < requested;
        DegradedReason = !Degraded
            ? null
            : granted == FirstUsable + 1
                ? string.Create(CultureInfo.InvariantCulture,
                    $"The host granted {granted} of {requested} VMD vectors: every child interrupt shares vector {FirstUsable}.")
                : string.Create(CultureInfo.InvariantCulture,
                    $"The host granted {granted} of {requested} VMD vectors: child interrupts share vectors {FirstUsable}-{granted - 1}.");
    }

    private void CheckIndex(int index)
    {
        if ((uint)index >= (uint)TableSize)
        {
            throw new ArgumentOutOfRangeException(nameof(index), index, "The VMD has no such vector.");
        }
    }
}
