using System.Runtime.CompilerServices;

[assembly: InternalsVisibleTo("Vmd.Enumeration.Tests")]
[assembly: InternalsVisibleTo("Vmd.Core")]
