// The gRPC metadata a gateway call carries, derived from the HTTP request as grpc-gateway does:
// Authorization passes as `authorization`, Grpc-Metadata-X headers as `x`, other standard HTTP
// headers as `grpcgateway-<Name>`, and the caller's address as x-forwarded-host/-for. etcd reads the
// auth token from `token`, falling back to `authorization`; FastKv's services read `token`, so the
// Authorization value is offered there too when no explicit token came.
using System.Collections.Frozen;
using Microsoft.AspNetCore.Http;

namespace FastKv.Server.Gateway;

internal static class GatewayMetadata
{
    private const string MetadataHeaderPrefix = "Grpc-Metadata-";

    // grpc-gateway's "permanent" HTTP headers, forwarded with the grpcgateway- prefix.
    private static readonly FrozenSet<string> PermanentHeaders = new[]
    {
        "Accept", "Accept-Charset", "Accept-Language", "Accept-Ranges", "Authorization", "Cache-Control",
        "Content-Type", "Cookie", "Date", "Expect", "From", "Host", "If-Match", "If-Modified-Since",
        "If-None-Match", "If-Schedule-Tag-Match", "If-Unmodified-Since", "Max-Forwards", "Origin", "Pragma",
        "Referer", "User-Agent", "Via", "Warning",
    }.ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    public static IHeaderDictionary From(HttpRequest request)
    {
        var metadata = new HeaderDictionary();
        foreach (var (name, values) in request.Headers)
        {
            if (string.Equals(name, "Authorization", StringComparison.OrdinalIgnoreCase))
                metadata.Append("authorization", values);
            if (PermanentHeaders.Contains(name))
                metadata.Append("grpcgateway-" + name, values);
            else if (name.StartsWith(MetadataHeaderPrefix, StringComparison.OrdinalIgnoreCase) && name.Length > MetadataHeaderPrefix.Length)
                metadata.Append(name[MetadataHeaderPrefix.Length..].ToLowerInvariant(), values);
        }
        var host = request.Headers["X-Forwarded-Host"];
        metadata["x-forwarded-host"] = host.Count > 0 ? host : new(request.Host.Value);
        if (request.HttpContext.Connection.RemoteIpAddress is { } remote)
        {
            var forwarded = request.Headers["X-Forwarded-For"];
            metadata["x-forwarded-for"] = forwarded.Count > 0 ? $"{forwarded}, {remote}" : remote.ToString();
        }
        if (!metadata.ContainsKey("token") && metadata.TryGetValue("authorization", out var authorization))
            metadata["token"] = authorization;
        return metadata;
    }
}
