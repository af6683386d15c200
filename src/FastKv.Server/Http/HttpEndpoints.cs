// HTTP/1.1 on the client port: /version, /health, /livez, /readyz and /metrics, which operators,
// probes and Prometheus use; the metrics listener (--listen-metrics-urls) serves the last four.
// /health answers as etcd's does: unhealthy while an alarm is raised (unless excluded with
// ?exclude=NAME), without a leader, or when a linearizable read through Raft does not complete
// in time; ?serializable=true checks only this member.
using System.Text.Json;
using FastKv.Api.Etcdserverpb;
using FastKv.Server.Member;
using FastKv.Server.Metrics;
using Microsoft.AspNetCore.Http;

namespace FastKv.Server.Http;

public sealed class HttpEndpoints(EtcdMember member, MetricRegistry? metrics = null)
{
    private static readonly TimeSpan HealthTimeout = TimeSpan.FromSeconds(7);
    private readonly HealthProbes _probes = new(member);

    /// <summary>The metrics listener's handler: only the monitoring endpoints, 404 for the rest.</summary>
    public Task HandleMonitoring(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "";
        if (path is "/metrics" or "/health" || HealthProbes.Serves(path)) return Handle(context);
        context.Response.StatusCode = 404;
        return context.Response.WriteAsync("404 page not found\n");
    }

    /// <summary>Host whitelist and CORS on the client port; none (everything allowed, no CORS headers) when null.</summary>
    public AccessControl? Access { get; init; }

    /// <summary>etcd's JSON gateway, serving /v3/... and /v3beta/...; none when null.</summary>
    public FastKv.Server.Gateway.JsonGateway? Gateway { get; init; }

    public async Task Handle(HttpContext context)
    {
        if (Access is not null && await Access.AnsweredAsync(context).ConfigureAwait(false)) return;
        var response = context.Response;
        var path = context.Request.Path.Value ?? "";
        switch (path)
        {
            case "/metrics" when metrics is not null:
                await MetricsResponse.WriteAsync(context, metrics).ConfigureAwait(false);
                break;
            case var _ when HealthProbes.Serves(path):
                await _probes.HandleAsync(context).ConfigureAwait(false);
                break;
            case "/version":
                response.ContentType = "application/json";
                await response.WriteAsync(JsonSerializer.Serialize(new Dictionary<string, string>
                {
                    ["etcdserver"] = member.Config.EtcdVersion,
                    ["etcdcluster"] = member.Config.EtcdClusterVersion + ".0",
                })).ConfigureAwait(false);
                break;
            case "/health":
                var reason = await CheckHealthAsync(context.Request.Query, context.RequestAborted).ConfigureAwait(false);
                (reason.Length == 0 ? member.Metrics.HealthSuccess : member.Metrics.HealthFailures).Inc();
                response.StatusCode = reason.Length == 0 ? 200 : 503;
                response.ContentType = "application/json";
                await response.WriteAsync(JsonSerializer.Serialize(new Dictionary<string, string>
                {
                    ["health"] = reason.Length == 0 ? "true" : "false",
                    ["reason"] = reason,
                })).ConfigureAwait(false);
                break;
            case var _ when Gateway is not null && FastKv.Server.Gateway.JsonGateway.Serves(path):
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
            member.Kv.Range(new RangeRequest { Key = HealthProbes.ProbeKey, Serializable = true });
            return "";
        }
        catch (Exception e) when (e is OperationCanceledException or FastKv.Api.EtcdException)
        {
            return "QGET ERROR";
        }
    }
}
