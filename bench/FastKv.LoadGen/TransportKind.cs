// --transport: which client carries the calls. h2 is the generator's own lean HTTP/2 client
// (cleartext only); httpclient is FastKv.Grpc's SocketsHttpHandler-based client, kept for
// comparison and for https endpoints; auto picks h2 for http:// and httpclient for https://.
namespace FastKv.LoadGen;

public enum TransportKind
{
    Auto,
    H2,
    HttpClient,
}

public static class TransportKinds
{
    public static readonly string[] Names = ["auto", "h2", "httpclient"];

    public static TransportKind Parse(string text) => text switch
    {
        "auto" => TransportKind.Auto,
        "h2" => TransportKind.H2,
        "httpclient" => TransportKind.HttpClient,
        _ => throw new ArgumentException($"invalid --transport \"{text}\": want auto, h2 or httpclient"),
    };

    /// <summary>The transport one endpoint gets; h2 asked for an https endpoint is a usage error.</summary>
    public static TransportKind For(TransportKind requested, Uri endpoint) => requested switch
    {
        TransportKind.Auto => endpoint.Scheme == Uri.UriSchemeHttp ? TransportKind.H2 : TransportKind.HttpClient,
        TransportKind.H2 when endpoint.Scheme != Uri.UriSchemeHttp =>
            throw new ArgumentException($"--transport h2 speaks cleartext HTTP/2 only; {endpoint} needs --transport httpclient (or auto)"),
        _ => requested,
    };
}
