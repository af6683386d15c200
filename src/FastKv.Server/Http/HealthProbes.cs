// /livez and /readyz with etcd 3.6's semantics, for Kubernetes-style probes. Each endpoint runs
// named checks: livez only serializable_read (this member can serve local reads), readyz also
// data_corruption (no CORRUPT alarm) and linearizable_read (the cluster has a leader and
// agrees on a read index). `?exclude=NAME` skips a check, `?verbose` lists the results on
// success, a failure always lists them with 503, and /livez/NAME or /readyz/NAME runs one check.
using System.Text;
using FastKv.Api;
using FastKv.Api.Etcdserverpb;
using FastKv.Server.Member;
using Google.Protobuf;
using Microsoft.AspNetCore.Http;

namespace FastKv.Server.Http;

public sealed class HealthProbes(EtcdMember member)
{
    private static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(7);
    /// <summary>The key the read checks range over (etcd reads "health").</summary>
    internal static readonly ByteString ProbeKey = ByteString.CopyFromUtf8("health");

    private static readonly string[] LivezChecks = ["serializable_read"];
    private static readonly string[] ReadyzChecks = ["data_corruption", "serializable_read", "linearizable_read"];
    private static readonly (string Root, string[] Checks)[] SingleCheckRoots = [("/livez/", LivezChecks), ("/readyz/", ReadyzChecks)];

    /// <summary>Whether a path is one of the probe endpoints (root or single check).</summary>
    public static bool Serves(string path) => ChecksFor(path, out _) is not null;

    public async Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "";
        var checks = ChecksFor(path, out var single);
        var response = context.Response;
        if (checks is null)
        {
            response.StatusCode = 404;
            await response.WriteAsync("404 page not found\n").ConfigureAwait(false);
            return;
        }
        if (!HttpMethods.IsGet(context.Request.Method))
        {
            response.Headers.Allow = "GET";
            await PlainText(response, 405, "Method Not Allowed\n").ConfigureAwait(false);
            return;
        }
        var query = context.Request.Query;
        HashSet<string> excluded = single ? [] : query["exclude"].OfType<string>().Where(v => v.Length > 0).ToHashSet(StringComparer.Ordinal);

        var report = new StringBuilder();
        var healthy = true;
        foreach (var name in checks)
        {
            if (excluded.Contains(name)) continue;
            var failure = await RunAsync(name, context.RequestAborted).ConfigureAwait(false);
            if (failure is null) report.Append("[+]").Append(name).Append(" ok\n");
            else
            {
                healthy = false;
                report.Append("[-]").Append(name).Append(" failed: ").Append(failure).Append('\n');
            }
        }
        if (!healthy)
        {
            await PlainText(response, 503, report.Append('\n').ToString()).ConfigureAwait(false);
            return;
        }
        var body = query.ContainsKey("verbose") ? report.Append("ok\n").ToString() : "ok\n";
        await PlainText(response, 200, body).ConfigureAwait(false);
    }

    private static string[]? ChecksFor(string path, out bool single)
    {
        single = false;
        if (path == "/livez") return LivezChecks;
        if (path == "/readyz") return ReadyzChecks;
        foreach (var (root, checks) in SingleCheckRoots)
        {
            if (!path.StartsWith(root, StringComparison.Ordinal)) continue;
            var name = path[root.Length..];
            if (Array.IndexOf(checks, name) < 0) return null;
            single = true;
            return [name];
        }
        return null;
    }

    // null when the check passes, else the reason.
    private async Task<string?> RunAsync(string check, CancellationToken aborted)
    {
        try
        {
            switch (check)
            {
                case "data_corruption":
                    return member.Alarms.IsActive(AlarmType.Corrupt) ? "alarm activated: CORRUPT" : null;
                case "serializable_read":
                    member.Kv.Range(new RangeRequest { Key = ProbeKey, KeysOnly = true, Limit = 1, Serializable = true });
                    return null;
                default:
                    using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(aborted))
                    {
                        timeout.CancelAfter(ReadTimeout);
                        await member.LinearizableReadAsync(timeout.Token).ConfigureAwait(false);
                    }
                    member.Kv.Range(new RangeRequest { Key = ProbeKey, KeysOnly = true, Limit = 1, Serializable = true });
                    return null;
            }
        }
        catch (EtcdException e)
        {
            return e.Message;
        }
        catch (OperationCanceledException)
        {
            return "context deadline exceeded";
        }
    }

    private static async Task PlainText(HttpResponse response, int status, string body)
    {
        response.StatusCode = status;
        response.ContentType = "text/plain; charset=utf-8";
        response.Headers.XContentTypeOptions = "nosniff";
        await response.WriteAsync(body).ConfigureAwait(false);
    }
}
