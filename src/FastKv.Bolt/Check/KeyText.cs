// Renders keys and values for people: printable ASCII as text, anything else as hex, long ones cut.
using System.Text;

namespace FastKv.Bolt.Check;

public static class KeyText
{
    public static string Format(ReadOnlySpan<byte> bytes, int max = 48)
    {
        var shown = bytes.Length > max ? bytes[..max] : bytes;
        string body = IsPrintable(shown) ? "\"" + Encoding.ASCII.GetString(shown) + "\"" : "0x" + Convert.ToHexStringLower(shown);
        return bytes.Length > max ? $"{body}...({bytes.Length} bytes)" : body;
    }

    public static bool IsPrintable(ReadOnlySpan<byte> bytes)
    {
        foreach (byte b in bytes)
            if (b < 0x20 || b > 0x7e) return false;
        return true;
    }
}
