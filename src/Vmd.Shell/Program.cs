using System;

namespace Vmd.Shell;

internal static class Program
{
    private static int Main(string[] args) => ShellApp.Run(args, Console.Out, Console.Error);
}
