using System.Numerics;

namespace Vmd.Simulation.Faults;

/// <summary>
/// Decides, for each access a fault-injecting wrapper makes, whether a fault hits it, and counts what it saw: every
/// access by class (always, with or without a plan), the accesses the armed plan counts, and the faults injected.
/// One injector is shared by the wrappers of one machine, so "the k-th access" runs across all its ports.
/// </summary>
/// <remarks>
/// Thread-safe: every decision takes a private lock. With no plan armed (or after <see cref="Remove"/>) nothing is
/// faulted and the wrappers only count, so a test can run a scenario once to learn how many accesses it makes.
/// </remarks>
public sealed class FaultInjector
{
    private const int ClassCount = 9;

    private readonly object _sync = new();
    private readonly long[] _byClass = new long[ClassCount];
    private FaultPlan? _plan;
    private long _counted;
    private long _injected;
    private bool _portDown;
    private FaultAccessClasses _firstFaulted;
    private long _firstFaultedAt;

    /// <summary>Creates an injector; with <paramref name="plan"/> null it only counts until <see cref="Arm"/>.</summary>
    public FaultInjector(FaultPlan? plan = null) => _plan = plan;

    /// <summary>The armed plan, or null when none is armed or it was removed.</summary>
    public FaultPlan? Plan
    {
        get
        {
            lock (_sync)
            {
                return _plan;
            }
        }
    }

    /// <summary>Accesses the armed plan has counted since it was armed (its trigger's position).</summary>
    public long CountedAccesses
    {
        get
        {
            lock (_sync)
            {
                return _counted;
            }
        }
    }

    /// <summary>Faults injected since construction (a dead port's later accesses included).</summary>
    public long FaultsInjected
    {
        get
        {
            lock (_sync)
            {
                return _injected;
            }
        }
    }

    /// <summary>True after a <see cref="FaultKind.PortFailure"/> hit a configuration or MMIO access, until <see cref="Remove"/>.</summary>
    public bool IsPortDown
    {
        get
        {
            lock (_sync)
            {
                return _portDown;
            }
        }
    }

    /// <summary>The class of the access the first fault of the armed plan hit (<see cref="FaultAccessClasses.None"/> before any).</summary>
    public FaultAccessClasses FirstFaultedClass
    {
        get
        {
            lock (_sync)
            {
                return _firstFaulted;
            }
        }
    }

    /// <summary>The counted-access number the first fault of the armed plan hit (0 before any).</summary>
    public long FirstFaultedAccess
    {
        get
        {
            lock (_sync)
            {
                return _firstFaultedAt;
            }
        }
    }

    /// <summary>Accesses of any of <paramref name="classes"/> since construction, faulted or not.</summary>
    public long GetAccessCount(FaultAccessClasses classes)
    {
        long total = 0;
        lock (_sync)
        {
            for (int i = 0; i < ClassCount; i++)
            {
                if (((int)classes & (1 << i)) != 0)
                {
                    total += _byClass[i];
                }
            }
        }

        return total;
    }

    /// <summary>Arms <paramref name="plan"/>: its trigger counts from zero again, and a dead port comes back.</summary>
    public void Arm(FaultPlan plan)
    {
        System.ArgumentNullException.ThrowIfNull(plan);
        lock (_sync)
        {
            _plan = plan;
            _counted = 0;
            _portDown = false;
            _firstFaulted = FaultAccessClasses.None;
            _firstFaultedAt = 0;
        }
    }

    /// <summary>Removes the fault: no access is faulted from now on and a dead port answers again. Counting goes on.</summary>
    public void Remove()
    {
        lock (_sync)
        {
            _plan = null;
            _portDown = false;
        }
    }

    /// <summary>
    /// Called by a wrapper before it forwards one access of class <paramref name="access"/> (a single flag): counts it and
    /// says what to do with it.
    /// </summary>
    public FaultAction OnAccess(FaultAccessClasses access)
    {
        bool read = (access & FaultAccessClasses.Reads) != 0;
        bool write = (access & FaultAccessClasses.Writes) != 0;
        lock (_sync)
        {
            int index = BitOperations.TrailingZeroCount((uint)access);
            if (index < ClassCount)
            {
                _byClass[index]++;
            }

            if (_portDown && (read || write))
            {
                _injected++;
                return read ? FaultAction.ReturnAllOnes : FaultAction.DropWrite;
            }

            if (_plan is not { } plan || (plan.Counted & access) == 0)
            {
                return FaultAction.None;
            }

            _counted++;
            bool hit = plan.Repeats ? _counted % plan.Interval == 0 : _counted == plan.Interval;
            FaultAction action = !hit ? FaultAction.None : plan.Kind switch
            {
                FaultKind.AllOnesRead => read ? FaultAction.ReturnAllOnes : FaultAction.None,
                FaultKind.DroppedWrite => write ? FaultAction.DropWrite : FaultAction.None,
                _ => read ? FaultAction.ReturnAllOnes : write ? FaultAction.DropWrite : FaultAction.FailCall,
            };
            if (action == FaultAction.None)
            {
                return action;
            }

            if (plan.Kind == FaultKind.PortFailure && (read || write))
            {
                // Configuration and MMIO ports cannot report failure: the hardware behind them is gone until the fault is removed.
                _portDown = true;
            }

            if (_firstFaulted == FaultAccessClasses.None)
            {
                _firstFaulted = access;
                _firstFaultedAt = _counted;
            }

            _injected++;
            return action;
        }
    }
}
