// Shows bytes to a person: hex, and the printable text beside it with '.' for anything else.
using System.Text;

namespace FastKv.Util.Db;

internal static class Bytes
{
    public static string Hex(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(bytes);

    public static string Printable(ReadOnlySpan<byte> bytes)
    {
        var text = new StringBuilder(bytes.Length);
        foreach (byte b in bytes)
            text.Append(b >= 0x20 && b < 0x7f ? (char)b : '.');
        return text.ToString();
    }

    /// <summary>Text for printable bytes; otherwise a quoted string with \xNN escapes (like Go's %q).</summary>
    public static string Quoted(ReadOnlySpan<byte> bytes)
    {
        var text = new StringBuilder(bytes.Length + 2).Append('"');
        foreach (byte b in bytes)
        {
            if (b == '"' || b == '\\') text.Append('\\').Append((char)b);
            else if (b >= 0x20 && b < 0x7f) text.Append((char)b);
            else text.Append($"\\x{b:x2}");
        }
        return text.Append('"').ToString();
    }

    public static string HexAndText(ReadOnlySpan<byte> bytes, int max = 64)
    {
        var shown = bytes.Length > max ? bytes[..max] : bytes;
        string more = bytes.Length > max ? $" ...({bytes.Length} bytes)" : "";
        return $"{Hex(shown)}  |{Printable(shown)}|{more}";
    }
}
