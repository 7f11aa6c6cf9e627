using System;
using Vmd.Enumeration.Functions;
using Vmd.Registers;

namespace Vmd.Enumeration.Resources;

/// <summary>
/// Gives every function of a PCI domain memory resources: sizes each bridge's windows bottom-up, places root-bus
/// BARs and windows inside the apertures, places everything else inside its bridge's windows, programs BARs and
/// windows through <see cref="IConfigSpace"/>, and turns on Memory Space and Bus Master where that worked.
/// </summary>
/// <remarks>
/// <para>Policy, in short:</para>
/// <list type="bullet">
/// <item>Two resource classes: non-prefetchable (NP) and prefetchable (PF) memory. There is no I/O space behind a
/// VMD, so I/O BARs are flagged (<see cref="FunctionIssues.IoBarUnsupported"/>), never written, and I/O Space Enable
/// is never set.</item>
/// <item>A bridge's NP window decodes 32-bit bus addresses only, so everything behind it lands below 4 GiB. Its PF
/// window may reach above 4 GiB when the bridge and every bridge above implement 64-bit prefetchable windows and
/// nothing inside is a 32-bit BAR; a prefetchable BAR behind a bridge without a PF window goes in the NP window.</item>
/// <item>Windows are sized bottom-up: children packed with natural alignment, largest alignment first, rounded up to
/// the 1 MiB window granularity; a hot-plug-capable bridge gets at least the <see cref="ResourceOptions"/> reserve.</item>
/// <item>Root-bus items (BARs and windows) are placed largest alignment first, first fit on bus addresses. Items that
/// may go above 4 GiB (64-bit root-bus BARs, 64-bit-capable PF windows) try apertures reaching above 4 GiB first and
/// fall back below; everything else uses apertures (or parts of them) below 4 GiB.</item>
/// <item>Failure is contained: a function that cannot have one BAR gets none and keeps decode off; a window that
/// cannot be placed stays closed and only the functions that need it lose their resources
/// (<see cref="FunctionIssues.UpstreamUnassigned"/>); everything else proceeds.</item>
/// </list>
/// <para>
/// The assigner keeps its scratch arrays between calls: once they are large enough, <see cref="Assign"/> allocates
/// nothing. Not thread-safe: run one <see cref="Assign"/> at a time per instance, on the thread that owns the records.
/// Not for interrupt context (it performs many configuration accesses). Never throws for hardware values.
/// </para>
/// </remarks>
public sealed partial class ResourceAssigner
{
    /// <summary>Memory window granularity (PCI-to-PCI Bridge 1.2 §3.2.5.8): windows are 1 MiB-aligned multiples of 1 MiB.</summary>
    private const ulong WindowGranularity = Type1Header.MemoryWindowGranularity;

    /// <summary>Issue flags this class owns; cleared at the start of each assignment so a re-run reports afresh.</summary>
    private const FunctionIssues OwnedIssues =
        FunctionIssues.BarLargerThanApertures | FunctionIssues.NoApertureSpace | FunctionIssues.UpstreamUnassigned;

    private readonly IConfigSpace _config;
    private readonly ulong _hotPlugMemoryReserve;
    private readonly ulong _hotPlugPrefetchableReserve;
    private readonly FreeRangeList _free = new();

    // Per function (index into the list passed to Assign).
    private int[] _parent = [];
    private int[] _firstChild = [];
    private int[] _lastChild = [];
    private int[] _nextSibling = [];
    private int[] _firstBarItem = [];
    private int[] _barItemCount = [];
    private int[] _memoryWindowItem = [];
    private int[] _prefetchableWindowItem = [];
    private FunctionState[] _state = [];

    // Per resource request.
    private ResourceItem[] _items = [];
    private int _itemCount;
    private int[] _order = [];

    // Per aperture.
    private ulong[] _apertureFirst = [];
    private ulong[] _apertureLast = [];
    private ulong[] _bytesUsed = [];
    private PciFunction? _subtreeRoot;
    private ulong _largestBelow4GiB;
    private ulong _largestAnywhere;

    /// <summary>Creates an assigner that programs functions through <paramref name="config"/>.</summary>
    /// <param name="config">Configuration space of the domain (for a VMD, its CFGBAR). Not owned; never disposed.</param>
    /// <param name="options">Hot-plug reserves; null for the defaults. The values are copied.</param>
    /// <exception cref="ArgumentNullException"><paramref name="config"/> is null.</exception>
    public ResourceAssigner(IConfigSpace config, ResourceOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        _config = config;
        _hotPlugMemoryReserve = options?.HotPlugMemoryReserve ?? ResourceOptions.DefaultHotPlugMemoryReserve;
        _hotPlugPrefetchableReserve = options?.HotPlugPrefetchableReserve ?? 0;
    }

    [Flags]
    private enum FunctionState : byte
    {
        None = 0,

        /// <summary>Header layout other than 0 or 1: never programmed.</summary>
        Unsupported = 1 << 0,

        /// <summary>Gets no resources; decode stays off.</summary>
        Dead = 1 << 1,

        /// <summary>A bridge with a prefetchable window.</summary>
        PrefetchableImplemented = 1 << 2,

        /// <summary>This bridge and every bridge above have 64-bit prefetchable windows.</summary>
        Prefetchable64Path = 1 << 3,

        /// <summary>The NP window was needed but could not be placed.</summary>
        MemoryWindowFailed = 1 << 4,

        /// <summary>The PF window was needed but could not be placed.</summary>
        PrefetchableWindowFailed = 1 << 5,
    }

    /// <summary>
    /// Assigns, programs and enables the memory resources of <paramref name="functions"/> inside
    /// <paramref name="apertures"/>, and records the outcome on each function (<see cref="PciFunction.Bars"/> and
    /// <see cref="PciFunction.GetBarCpuAddress"/>, <see cref="PciFunction.Bridge"/> windows,
    /// <see cref="PciFunction.Command"/>, <see cref="PciFunction.Assigned"/>, <see cref="PciFunction.Issues"/>).
    /// </summary>
    /// <param name="functions">
    /// The whole domain with every bridge listed before the functions below it (depth-first, or bus by bus as a
    /// walker finds them): each function's <see cref="PciFunction.Parent"/> is listed earlier (null on the root bus).
    /// BARs sized, bridge bus numbers programmed, bridge windows closed. Only these functions are ever written.
    /// </param>
    /// <param name="apertures">
    /// Where root-bus resources may go (for a VMD: MEMBAR1, then MEMBAR2 after its reserved start), in order of
    /// preference. They must not overlap each other.
    /// </param>
    /// <returns>Counts of assigned and unassigned functions, and bytes used per aperture.</returns>
    /// <exception cref="ArgumentException">
    /// A function is null, or a <see cref="PciFunction.Parent"/> is not a bridge listed earlier. Checked before any
    /// configuration access.
    /// </exception>
    public AssignmentResult Assign(ReadOnlySpan<PciFunction> functions, ReadOnlySpan<Aperture> apertures)
    {
        EnsureCapacity(functions.Length, apertures.Length);
        LinkTree(functions);
        MeasureApertures(apertures);
        CollectBars(functions);
        SizeWindows(functions);
        PlaceOnRootBus(functions, apertures.Length);
        PlaceBelowBridges(functions);
        Program(functions, apertures);
        return Enable(functions, apertures.Length);
    }

    /// <summary>
    /// Assigns the functions below <paramref name="bridge"/> (after a hot insertion) inside the bridge's existing memory
    /// window, given as <paramref name="window"/>: the functions whose parent is the bridge are placed as if on a root
    /// bus whose only aperture is that window, everything deeper as usual. The bridge itself is not written, so its
    /// window and its neighbours stay as they are; what does not fit stays unassigned with its reason.
    /// </summary>
    /// <param name="bridge">The slot's port; its window was sized and placed by the full assignment (hot-plug reserve).</param>
    /// <param name="functions">The functions below it in walk order (as <c>DomainEnumerator.EnumerateBelow</c> returns them).</param>
    /// <param name="window">The bridge's non-prefetchable window as CPU range and bus offset.</param>
    /// <exception cref="ArgumentException">A function's parent is neither the bridge nor listed before it.</exception>
    public AssignmentResult AssignBelow(PciFunction bridge, ReadOnlySpan<PciFunction> functions, Aperture window)
    {
        ArgumentNullException.ThrowIfNull(bridge);
        _subtreeRoot = bridge;
        try
        {
            return Assign(functions, [window]);
        }
        finally
        {
            _subtreeRoot = null;
        }
    }

    private void EnsureCapacity(int functions, int apertures)
    {
        if (_parent.Length < functions)
        {
            int capacity = Math.Max(functions, 2 * _parent.Length);
            _parent = new int[capacity];
            _firstChild = new int[capacity];
            _lastChild = new int[capacity];
            _nextSibling = new int[capacity];
            _firstBarItem = new int[capacity];
            _barItemCount = new int[capacity];
            _memoryWindowItem = new int[capacity];
            _prefetchableWindowItem = new int[capacity];
            _state = new FunctionState[capacity];

            // At most six BARs and two windows per function.
            _items = new ResourceItem[capacity * 8];
            _order = new int[capacity * 8];
        }

        if (_apertureFirst.Length < apertures)
        {
            _apertureFirst = new ulong[apertures];
            _apertureLast = new ulong[apertures];
            _bytesUsed = new ulong[apertures];
        }

        // One range per aperture; each allocation splits one range in two and each release adds one.
        _free.Reset(apertures + (2 * _items.Length) + 1);
    }

    /// <summary>Finds each function's parent index and links its children, checking that parents come first.</summary>
    private void LinkTree(ReadOnlySpan<PciFunction> functions)
    {
        for (int i = 0; i < functions.Length; i++)
        {
            PciFunction function = functions[i] ?? throw new ArgumentException($"functions[{i}] is null.", nameof(functions));
            _firstChild[i] = -1;
            _lastChild[i] = -1;
            _nextSibling[i] = -1;
            PciFunction? parent = function.Parent;
            if (parent is null || ReferenceEquals(parent, _subtreeRoot))
            {
                _parent[i] = -1;
                continue;
            }

            int p = FindEarlier(functions, i, parent);
            if (p < 0 || !parent.IsBridge)
            {
                throw new ArgumentException(
                    $"{function.Address}: its parent {parent.Address} is not a bridge listed before it; list every bridge before the functions below it.",
                    nameof(functions));
            }

            _parent[i] = p;
            if (_lastChild[p] < 0)
            {
                _firstChild[p] = i;
            }
            else
            {
                _nextSibling[_lastChild[p]] = i;
            }

            _lastChild[p] = i;
        }
    }

    /// <summary>Index of <paramref name="parent"/> before <paramref name="index"/>; siblings usually follow each other, so try the previous function's parent first.</summary>
    private int FindEarlier(ReadOnlySpan<PciFunction> functions, int index, PciFunction parent)
    {
        if (index > 0 && _parent[index - 1] >= 0 && ReferenceEquals(functions[_parent[index - 1]], parent))
        {
            return _parent[index - 1];
        }

        for (int j = index - 1; j >= 0; j--)
        {
            if (ReferenceEquals(functions[j], parent))
            {
                return j;
            }
        }

        return -1;
    }

    private bool IsDead(int function) => (_state[function] & FunctionState.Dead) != 0;

    private bool Has(int function, FunctionState flag) => (_state[function] & flag) != 0;

    /// <summary>Marks <paramref name="function"/> and every function below it as unreachable.</summary>
    /// <remarks>Parents precede children and a dead function's children are always dead, so one forward sweep finds the subtree.</remarks>
    private void KillSubtree(ReadOnlySpan<PciFunction> functions, int function)
    {
        _state[function] |= FunctionState.Dead;
        functions[function].Issues |= FunctionIssues.UpstreamUnassigned;
        for (int i = function + 1; i < functions.Length; i++)
        {
            int parent = _parent[i];
            if (parent >= 0 && IsDead(parent) && !IsDead(i))
            {
                _state[i] |= FunctionState.Dead;
                functions[i].Issues |= FunctionIssues.UpstreamUnassigned;
            }
        }
    }

    /// <summary>Sorts <c>_order[0..count)</c>: largest alignment first, then largest size, then list order and slot: earlier functions win ties.</summary>
    private void SortByAlignment(int count)
    {
        for (int i = 1; i < count; i++)
        {
            int item = _order[i];
            int j = i - 1;
            while (j >= 0 && Precedes(item, _order[j]))
            {
                _order[j + 1] = _order[j];
                j--;
            }

            _order[j + 1] = item;
        }
    }

    private bool Precedes(int a, int b)
    {
        ref ResourceItem x = ref _items[a];
        ref ResourceItem y = ref _items[b];
        if (x.Alignment != y.Alignment)
        {
            return x.Alignment > y.Alignment;
        }

        if (x.Size != y.Size)
        {
            return x.Size > y.Size;
        }

        return x.Function != y.Function ? x.Function < y.Function : x.Slot < y.Slot;
    }

    private int AddItem(int function, int slot, ulong size, ulong alignment, ResourceRoute route, bool mayGoAbove4GiB)
    {
        int index = _itemCount++;
        _items[index] = new ResourceItem
        {
            Function = function,
            Slot = slot,
            Size = size,
            Alignment = alignment,
            Route = route,
            MayGoAbove4GiB = mayGoAbove4GiB,
        };
        return index;
    }
}
