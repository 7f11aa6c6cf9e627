using System.Runtime.CompilerServices;

// The dispatcher's per-thread read records are internal; their tests count them.
[assembly: InternalsVisibleTo("Vmd.Interrupts.Tests")]
