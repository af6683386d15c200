// HTTP/1.1 on the client port: /version and /health, which etcd's operators and probes use.
using System.Text.Json;
using FastKv.Server.Member;
using Microsoft.AspNetCore.Http;

namespace FastKv.Server.Http;

public sealed class HttpEndpoints(EtcdMember member)
{
    public async Task Handle(HttpContext context)
    {
        var response = context.Response;
        switch (context.Request.Path.Value)
        {
            case "/version":
                response.ContentType = "application/json";
                await response.WriteAsync(JsonSerializer.Serialize(new Dictionary<string, string>
                {
                    ["etcdserver"] = member.Config.EtcdVersion,
                    ["etcdcluster"] = "3.4.0",
                })).ConfigureAwait(false);
                break;
            case "/health":
                var healthy = member.Raft.Leader != 0;
                response.StatusCode = healthy ? 200 : 503;
                response.ContentType = "application/json";
                await response.WriteAsync(healthy ? "{\"health\":\"true\",\"reason\":\"\"}" : "{\"health\":\"false\",\"reason\":\"RAFT NO LEADER\"}").ConfigureAwait(false);
                break;
            default:
                response.StatusCode = 404;
                await response.WriteAsync("404 page not found\n").ConfigureAwait(false);
                break;
        }
    }
}
