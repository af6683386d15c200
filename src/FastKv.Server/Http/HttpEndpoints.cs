// HTTP/1.1 on the client port: /version and /health, which operators and probes use.
// /health answers as etcd's does: unhealthy while an alarm is raised (unless excluded with
// ?exclude=NAME), without a leader, or when a linearizable read through Raft does not complete
// in time; ?serializable=true checks only this member.
using System.Text.Json;
using FastKv.Api.Etcdserverpb;
using FastKv.Server.Member;
using Microsoft.AspNetCore.Http;

namespace FastKv.Server.Http;

public sealed class HttpEndpoints(EtcdMember member)
{
    private static readonly TimeSpan HealthTimeout = TimeSpan.FromSeconds(7);

    /// <summary>etcd's JSON gateway, serving /v3/... and /v3beta/...; none when null.</summary>
    public FastKv.Server.Gateway.JsonGateway? Gateway { get; init; }

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
                var reason = await CheckHealthAsync(context.Request.Query, context.RequestAborted).ConfigureAwait(false);
                response.StatusCode = reason.Length == 0 ? 200 : 503;
                response.ContentType = "application/json";
                await response.WriteAsync(JsonSerializer.Serialize(new Dictionary<string, string>
                {
                    ["health"] = reason.Length == 0 ? "true" : "false",
                    ["reason"] = reason,
                })).ConfigureAwait(false);
                break;
            case var path when Gateway is not null && FastKv.Server.Gateway.JsonGateway.Serves(path):
                await Gateway.HandleAsync(context).ConfigureAwait(false);
                break;
            default:
                response.StatusCode = 404;
                await response.WriteAsync("404 page not found\n").ConfigureAwait(false);
                break;
        }
    }

    private async Task<string> CheckHealthAsync(IQueryCollection query, CancellationToken aborted)
    {
        var excluded = query["exclude"].Select(v => v?.ToUpperInvariant()).ToHashSet();
        foreach (var alarm in member.Alarms.Get())
        {
            var name = alarm.Alarm.ToString().ToUpperInvariant();
            if (!excluded.Contains(name)) return "ALARM " + name;
        }
        if (member.Raft.Leader == 0) return "RAFT NO LEADER";
        if (string.Equals(query["serializable"], "true", StringComparison.OrdinalIgnoreCase)) return "";
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        timeout.CancelAfter(HealthTimeout);
        try
        {
            await member.LinearizableReadAsync(timeout.Token).ConfigureAwait(false);
            member.Kv.Range(new RangeRequest { Key = Google.Protobuf.ByteString.CopyFromUtf8("health"), Serializable = true });
            return "";
        }
        catch (Exception e) when (e is OperationCanceledException or FastKv.Api.EtcdException)
        {
            return "QGET ERROR";
        }
    }
}
