using System;
using BenchmarkDotNet.Attributes;
using Vmd.Interrupts.Dispatch;

namespace Vmd.Benchmarks;

/// <summary>
/// Interrupt dispatch: one VMD vector fanned out to 1, 4 and 16 child handlers (shared vectors run every
/// handler), against a plain loop over the same number of delegate calls in the same run. Goal: 0 B per interrupt.
/// </summary>
[MemoryDiagnoser]
public class DispatchBenchmarks
{
    private InterruptDispatcher _dispatcher = null!;
    private Action<uint>[] _delegates = null!;
    private CountingSink _sink = null!;

    /// <summary>Handlers on the vector.</summary>
    [Params(1, 4, 16)]
    public int Handlers { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _dispatcher = new InterruptDispatcher(vectorCount: 19);
        _sink = new CountingSink();
        _delegates = new Action<uint>[Handlers];
        for (int i = 0; i < Handlers; i++)
        {
            _dispatcher.Attach(2, _sink, (uint)i);
            _delegates[i] = _sink.OnInterrupt;
        }
    }

    /// <summary>The baseline: what a kernel's hand-written shared-IRQ loop costs.</summary>
    [Benchmark(Baseline = true)]
    public void DelegateLoop()
    {
        Action<uint>[] handlers = _delegates;
        for (int i = 0; i < handlers.Length; i++)
        {
            handlers[i]((uint)i);
        }
    }

    /// <summary>The library's dispatcher: quiescence bookkeeping, counts, then every handler.</summary>
    [Benchmark]
    public bool Dispatch() => _dispatcher.Dispatch(2);

    private sealed class CountingSink : IInterruptSink
    {
        private long _count;

        public void OnInterrupt(uint cookie) => _count++;
    }
}
