// What every HTTP request on the client port passes first, as in etcd: on cleartext connections
// the Host header must be in --host-whitelist (a guard against DNS rebinding, CVE-2018-5702);
// CORS headers are added for --cors origins, and OPTIONS preflights are answered here.
using Microsoft.AspNetCore.Http;

namespace FastKv.Server.Http;

public sealed class AccessControl(IReadOnlyList<string> corsOrigins, IReadOnlyList<string> hostWhitelist)
{
    private readonly HashSet<string> _origins = corsOrigins.Select(o => o.ToLowerInvariant()).ToHashSet(StringComparer.Ordinal);
    private readonly HashSet<string> _hosts = hostWhitelist.Select(h => h.ToLowerInvariant()).ToHashSet(StringComparer.Ordinal);

    private bool AnyOrigin => _origins.Count == 0 || _origins.Contains("*");

    private bool AnyHost => _hosts.Count == 0 || _hosts.Contains("*");

    /// <summary>Applies the rules; true when the request was answered here and goes no further.</summary>
    public async Task<bool> AnsweredAsync(HttpContext context)
    {
        var request = context.Request;
        var response = context.Response;
        if (!request.IsHttps && !AnyHost)
        {
            var host = request.Host.Host.ToLowerInvariant();
            if (!_hosts.Contains(host))
            {
                response.StatusCode = StatusCodes.Status421MisdirectedRequest;
                response.ContentType = "text/plain; charset=utf-8";
                response.Headers.XContentTypeOptions = "nosniff";
                await response.WriteAsync(UnrecognizedHost(request.Host.Host)).ConfigureAwait(false);
                return true;
            }
        }

        if (AnyOrigin) AddCorsHeaders(response, "*");
        else if (request.Headers.Origin.ToString() is { Length: > 0 } origin && _origins.Contains(origin.ToLowerInvariant()))
            AddCorsHeaders(response, origin);

        if (HttpMethods.IsOptions(request.Method))
        {
            response.StatusCode = StatusCodes.Status200OK;
            return true;
        }
        return false;
    }

    private static void AddCorsHeaders(HttpResponse response, string origin)
    {
        response.Headers.AccessControlAllowMethods = "POST, GET, OPTIONS, PUT, DELETE";
        response.Headers.AccessControlAllowOrigin = origin;
        response.Headers.AccessControlAllowHeaders = "accept, content-type, authorization";
    }

    private static string UnrecognizedHost(string host) => $"""

        etcd received your request, but the Host header was unrecognized.

        To fix this, choose one of the following options:
        - Enable TLS, then any HTTPS request will be allowed.
        - Add the hostname you want to use to the whitelist in settings.
          - e.g. etcd --host-whitelist "{host}"

        This requirement has been added to help prevent "DNS Rebinding" attacks (CVE-2018-5702).


        """;
}
