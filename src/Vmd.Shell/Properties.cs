using System.Runtime.CompilerServices;

[assembly: InternalsVisibleTo("Vmd.Shell.Tests")]
