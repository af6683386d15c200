// --endpoints as etcd's tools accept it: comma-separated, each host:port or a full http(s) URL.
namespace FastKv.LoadGen;

public static class Endpoint
{
    public static IReadOnlyList<Uri> ParseList(string text)
    {
        var list = new List<Uri>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var withScheme = part.Contains("://", StringComparison.Ordinal) ? part : "http://" + part;
            if (!Uri.TryCreate(withScheme, UriKind.Absolute, out var uri) || (uri.Scheme != "http" && uri.Scheme != "https") || uri.IsDefaultPort && !part.Contains("://", StringComparison.Ordinal))
                throw new ArgumentException($"invalid endpoint \"{part}\": want host:port or http(s)://host:port");
            list.Add(new Uri(uri.GetLeftPart(UriPartial.Authority)));
        }
        if (list.Count == 0) throw new ArgumentException("--endpoints: at least one endpoint is required");
        return list;
    }
}
