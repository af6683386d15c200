// What Kestrel accepts as an HTTP/2 :authority (host[:port], as for a Host header) and how to turn
// a grpc-go dial target used as authority ("http://127.0.0.1:2379", "unix:///path") into one.
namespace FastKv.Grpc.Hosting;

internal static class AuthorityForm
{
    private static ReadOnlySpan<byte> Fallback => "localhost"u8;

    /// <summary>An empty value, host[:port], or [ipv6][:port]; host characters per RFC 3986 reg-name.</summary>
    public static bool IsValid(ReadOnlySpan<byte> authority)
    {
        if (authority.IsEmpty) return true;
        int hostEnd;
        if (authority[0] == (byte)'[')
        {
            var close = authority.IndexOf((byte)']');
            if (close < 2) return false;
            foreach (var c in authority[1..close])
            {
                if (!(IsHex(c) || c == ':' || c == '.')) return false;
            }
            hostEnd = close + 1;
        }
        else
        {
            hostEnd = authority.IndexOf((byte)':');
            if (hostEnd < 0) hostEnd = authority.Length;
            if (hostEnd == 0) return false;
            foreach (var c in authority[..hostEnd])
            {
                if (!IsRegNameCharacter(c)) return false;
            }
        }
        var rest = authority[hostEnd..];
        if (rest.IsEmpty) return true;
        if (rest[0] != ':') return false;
        foreach (var c in rest[1..])
        {
            if (c is < (byte)'0' or > (byte)'9') return false;
        }
        return true;
    }

    /// <summary>
    /// Drops a "scheme://" prefix, any user info, path, query or fragment; "localhost" if nothing
    /// valid is left. The result is a slice of authority (or static data), so rewriting copies nothing.
    /// </summary>
    public static ReadOnlySpan<byte> Normalize(ReadOnlySpan<byte> authority)
    {
        var schemeEnd = authority.IndexOf("://"u8);
        if (schemeEnd >= 0) authority = authority[(schemeEnd + 3)..];
        var end = authority.IndexOfAny("/?#"u8);
        if (end >= 0) authority = authority[..end];
        var at = authority.LastIndexOf((byte)'@');
        if (at >= 0) authority = authority[(at + 1)..];
        return authority.IsEmpty || !IsValid(authority) ? Fallback : authority;
    }

    private static bool IsHex(byte c) => c is >= (byte)'0' and <= (byte)'9' or >= (byte)'a' and <= (byte)'f' or >= (byte)'A' and <= (byte)'F';

    private static bool IsRegNameCharacter(byte c) =>
        c is >= (byte)'a' and <= (byte)'z' or >= (byte)'A' and <= (byte)'Z' or >= (byte)'0' and <= (byte)'9'
        || "-._~!$&'()*+,;=%"u8.Contains(c);
}
