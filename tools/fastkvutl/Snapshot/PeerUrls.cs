// etcd's rules for peer URL lists, with its error texts: `name=url,...` maps, each URL http(s) or
// unix(s) with host:port and no path, and the comparison of a member's advertised URLs with the
// initial cluster's (host names other than localhost are resolved, so a name and its address match).
using System.Net;

namespace FastKv.Util.Snapshot;

internal static class PeerUrls
{
    /// <summary>Parses `name=url,name=url`; a name given twice collects all its URLs.</summary>
    public static SortedDictionary<string, List<string>> ParseMap(string text)
    {
        var raw = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var part in text.Split(','))
        {
            if (part.Length == 0) continue;
            var eq = part.IndexOf('=');
            var (name, url) = eq >= 0 ? (part[..eq], part[(eq + 1)..]) : (part, "");
            if (!raw.TryGetValue(name, out var list)) raw[name] = list = [];
            list.Add(url);
        }
        foreach (var urls in raw.Values)
        {
            var parsed = ParseList(urls);
            urls.Clear();
            urls.AddRange(parsed);
        }
        return raw;
    }

    /// <summary>Checks and sorts a URL list as etcd does; the texts are kept as given (trimmed).</summary>
    public static List<string> ParseList(IEnumerable<string> urls)
    {
        var all = new List<string>();
        foreach (var given in urls)
        {
            var text = given.Trim();
            if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https" or "unix" or "unixs"))
                throw new SnapshotException($"URL scheme must be http, https, unix, or unixs: {text}");
            var separator = text.IndexOf("://", StringComparison.Ordinal);
            var authority = separator < 0 ? "" : text[(separator + 3)..];
            var slash = authority.IndexOfAny(['/', '?', '#']);
            if (slash >= 0 && authority[slash] == '/')
                throw new SnapshotException($"URL must not contain a path: {text}");
            if (!HasPort(slash >= 0 ? authority[..slash] : authority))
                throw new SnapshotException($"URL address does not have the form \"host:port\": {text}");
            all.Add(text);
        }
        if (all.Count == 0) throw new SnapshotException("no valid URLs given");
        all.Sort(StringComparer.Ordinal);
        return all;
    }

    private static bool HasPort(string hostPort)
    {
        var colon = hostPort.LastIndexOf(':');
        if (colon < 0) return false;
        if (hostPort.StartsWith('[') && hostPort.LastIndexOf(']') > colon) return false;
        return true;
    }

    /// <summary>The text form etcd prints a map in: `name=url` pairs sorted by name then URL.</summary>
    public static string Format(SortedDictionary<string, List<string>> map) =>
        string.Join(',', map.SelectMany(kv => kv.Value.Select(u => $"{kv.Key}={u}")));

    /// <summary>Null when both lists name the same endpoints, else etcd's explanation of the first difference.</summary>
    public static string? Mismatch(IReadOnlyList<string> a, IReadOnlyList<string> b)
    {
        if (a.Count != b.Count)
            return $"len({GoQuoteList(a)}) != len({GoQuoteList(b)})";
        var ra = a.Select(Resolve).Order(StringComparer.Ordinal).ToList();
        var rb = b.Select(Resolve).Order(StringComparer.Ordinal).ToList();
        for (var i = 0; i < ra.Count; i++)
            if (ra[i] != rb[i])
                return $"resolved urls: \"{ra[i]}\" != \"{rb[i]}\"";
        return null;
    }

    // localhost and literal addresses are compared as written; other host names by their first IPv4 address.
    private static string Resolve(string url)
    {
        var uri = new Uri(url);
        if (uri.Host == "localhost" || IPAddress.TryParse(uri.Host.Trim('[', ']'), out _)) return url;
        IPAddress[] addresses;
        try { addresses = Dns.GetHostAddresses(uri.Host); }
        catch (System.Net.Sockets.SocketException e) { throw new SnapshotException($"lookup {uri.Host}: {e.Message}"); }
        var ip = addresses.FirstOrDefault(x => x.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork) ?? addresses.FirstOrDefault();
        return ip is null ? url : $"{uri.Scheme}://{ip}:{uri.Port}";
    }

    public static bool HasDuplicate(SortedDictionary<string, List<string>> map)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        return map.Values.SelectMany(v => v).Any(u => !seen.Add(u));
    }

    private static string GoQuoteList(IEnumerable<string> items) => "[" + string.Join(' ', items.Select(s => $"\"{s}\"")) + "]";
}
