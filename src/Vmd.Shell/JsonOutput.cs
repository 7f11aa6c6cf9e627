using System;
using System.IO;
using System.Text;
using System.Text.Json;

namespace Vmd.Shell;

/// <summary>Writes indented JSON through <see cref="Utf8JsonWriter"/> (no reflection-based serialisation).</summary>
internal static class JsonOutput
{
    public static void Write(TextWriter output, Action<Utf8JsonWriter> write)
    {
        var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            write(json);
        }

        output.WriteLine(Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
    }
}
