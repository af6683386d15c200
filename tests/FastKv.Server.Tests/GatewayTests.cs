// etcd's JSON gateway on the client port: the seeds' curl examples (put, range, deleterange, txn,
// leases, maintenance status, watch, auth with the Authorization header) and bad requests get the
// same HTTP status and the same JSON, byte for byte, from FastKv as from a real etcd 3.4. Both
// servers derive the same member and cluster IDs and see the same operations in the same order,
// so only lease IDs, tokens and what depends on timing or file layout are masked.
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using FastKv.Server.Tests.Support;

namespace FastKv.Server.Tests;

internal static partial class GatewayHttp
{
    public static readonly HttpClient Client = new(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(30) };

    public static async Task<(HttpStatusCode Status, string Body)> PostAsync(string endpoint, string path, string body, string? authorization = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"http://{endpoint}{path}")
        {
            Content = new StringContent(body, Encoding.UTF8, "application/x-www-form-urlencoded"),
        };
        if (authorization is not null) request.Headers.TryAddWithoutValidation("Authorization", authorization);
        // One connection per request, as the seeds' curl commands make them.
        request.Headers.ConnectionClose = true;
        using var response = await Client.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Masks what legitimately differs between two servers: lease IDs, auth tokens and the given fields.</summary>
    public static string Mask(string json, params string[] fields)
    {
        json = LeaseId().Replace(json, "\"${k}\":\"<id>\"");
        json = Token().Replace(json, "\"token\":\"<token>\"");
        foreach (var f in fields) json = Regex.Replace(json, $"\"{f}\":(\"[^\"]*\"|[0-9]+)", $"\"{f}\":<{f}>");
        return json;
    }

    [GeneratedRegex("\"(?<k>ID|lease)\":\"[0-9]+\"")]
    private static partial Regex LeaseId();

    [GeneratedRegex("\"token\":\"[^\"]*\"")]
    private static partial Regex Token();
}

[Collection("parity")]
public sealed class GatewayTests(ParityServers servers) : IClassFixture<ParityServers>
{
    private async Task<string> SameAsync(string path, string body, string? etcdAuth = null, string? fastkvAuth = null, params string[] masked)
    {
        var etcd = await GatewayHttp.PostAsync(servers.Etcd.Endpoint, path, body, etcdAuth);
        var fastkv = await GatewayHttp.PostAsync(servers.FastKv.Endpoint, path, body, fastkvAuth);
        var expected = $"{(int)etcd.Status} {GatewayHttp.Mask(etcd.Body.Replace(servers.Etcd.Endpoint, "<endpoint>", StringComparison.Ordinal), masked)}";
        var actual = $"{(int)fastkv.Status} {GatewayHttp.Mask(fastkv.Body.Replace(servers.FastKv.Endpoint, "<endpoint>", StringComparison.Ordinal), masked)}";
        Assert.True(expected == actual, $"POST {path} {body}\n etcd:   {expected}\n fastkv: {actual}");
        return fastkv.Body;
    }

    [Fact]
    public async Task Seed_curl_examples_answer_like_etcd()
    {
        await SameAsync("/v3/kv/put", """{"key": "Zm9v", "value": "YmFy"}""");
        await SameAsync("/v3/kv/range", """{"key": "Zm9v"}""");
        await SameAsync("/v3/kv/put", """{"key": "Zm9vMg==", "value": "YmF6", "prev_kv": true}""");
        await SameAsync("/v3/kv/put", """{"key": "Zm9vMg==", "value": "cXV4", "prev_kv": true}""");
        // The whole prefix "foo", newest first, with the camelCase spelling of a field.
        await SameAsync("/v3/kv/range", """{"key": "Zm9v", "range_end": "Zm9w", "sortOrder": "DESCEND", "sort_target": "MOD"}""");
        await SameAsync("/v3/kv/range", """{"key": "Zm9v", "range_end": "Zm9w", "limit": 1, "keys_only": true}""");
        await SameAsync("/v3/kv/range", """{"key": "Zm9v", "range_end": "Zm9w", "count_only": true}""");
        await SameAsync("/v3/kv/range", """{"key": "bm9uZQ=="}""");
        await SameAsync("/v3beta/kv/range", """{"key": "Zm9v", "revision": "2"}""");
        await SameAsync("/v3/kv/txn", """
            {"compare":[{"key":"Zm9v","result":"EQUAL","target":"VALUE","value":"YmFy"}],
             "success":[{"request_put":{"key":"Zm9v","value":"YmFyMg=="}},{"request_range":{"key":"Zm9v"}}],
             "failure":[{"request_range":{"key":"Zm9v"}}]}
            """);
        await SameAsync("/v3/kv/txn", """
            {"compare":[{"key":"Zm9v","result":"EQUAL","target":"VALUE","value":"YmFy"}],
             "success":[{"request_put":{"key":"Zm9v","value":"eA=="}}],
             "failure":[{"request_range":{"key":"Zm9v"}},{"request_delete_range":{"key":"Zm9vMg==","prev_kv":true}}]}
            """);
        await SameAsync("/v3/kv/txn", """{"compare":[{"key":"Zm9v","target":"MOD","result":"GREATER","mod_revision":"1"}]}""");
        await SameAsync("/v3/kv/deleterange", """{"key": "Zm9v", "prev_kv": true}""");
        await SameAsync("/v3/kv/deleterange", """{"key": "Zm9v"}""");
        await SameAsync("/v3/kv/compaction", """{"revision": "3"}""");
        await SameAsync("/v3/kv/range", """{"key": "Zm9v", "revision": 2}""");
        await SameAsync("/v3/kv/range", """{"key": "Zm9v", "revision": 100}""");
        await SameAsync("/v3/maintenance/status", "{}", masked: ["dbSize", "dbSizeInUse", "raftIndex", "raftAppliedIndex"]);
        await SameAsync("/v3/cluster/member/list", "{}");
    }

    [Fact]
    public async Task Lease_grant_put_with_lease_and_time_to_live_answer_like_etcd()
    {
        await SameAsync("/v3/lease/grant", """{"TTL": 300, "ID": 7001}""");
        await SameAsync("/v3/kv/put", """{"key": "bGVhc2Vk", "value": "dg==", "lease": "7001"}""");
        var ttl = await SameAsync("/v3/lease/timetolive", """{"ID": 7001, "keys": true}""", masked: ["TTL"]);
        Assert.Contains("\"grantedTTL\":\"300\"", ttl, StringComparison.Ordinal);
        await SameAsync("/v3/kv/lease/timetolive", """{"ID": "7001"}""", masked: ["TTL"]);
        await SameAsync("/v3/lease/leases", "{}");
        await SameAsync("/v3/kv/lease/leases", "{}");
        await SameAsync("/v3/lease/revoke", """{"ID": 7001}""");
        await SameAsync("/v3/kv/range", """{"key": "bGVhc2Vk"}""");
        await SameAsync("/v3/kv/lease/revoke", """{"ID": 7001}""");
        await SameAsync("/v3/lease/timetolive", """{"ID": 7001}""");
        // A lease the server picks: its ID is random on both sides.
        await SameAsync("/v3/lease/grant", """{"TTL": "60"}""");
    }

    [Fact]
    public async Task Lease_keepalive_stream_answers_each_request_like_etcd()
    {
        await SameAsync("/v3/lease/grant", """{"TTL": 120, "ID": 7002}""");
        // Two keep-alives and one for a lease that does not exist, back to back in one body; the
        // stream ends with the body, as etcd's does.
        await SameAsync("/v3/lease/keepalive", """{"ID":7002}{"ID":99} {"ID":"7002"}""");
    }

    [Fact]
    public async Task Bad_requests_get_etcds_status_and_error_text()
    {
        string[] bodies =
        [
            """{"key": "Zm9v", "limit": "x"}""",
            """{"key": "Zm9v", "limit": "abc"}""",
            "{\"key\": \"Zm9v\"",
            "[]",
            "5",
            "",
            "null",
            """{"key": 5}""",
            """{"key": "!!"}""",
            """{"key": "YQ"}""",
            """{"key": "YQ="}""",
            """{"key": "YQ==YQ=="}""",
            """{"key": "YQ==\n"}""",
            """{"key": "Zm9v", "sort_order": "NOPE"}""",
            """{"key": "Zm9v", "sort_order": "2"}""",
            """{"key": "Zm9v", "sort_order": true}""",
            """{"key": "Zm9v", "limit": 1.5}""",
            """{"key": "Zm9v", "limit": "1.5"}""",
            """{"key": "Zm9v", "limit": ""}""",
            """{"key": "Zm9v", "limit": "0x10"}""",
            """{"key": "Zm9v", "limit": 99999999999999999999}""",
            """{"key": "Zm9v", "limit": [1]}""",
            """{"key": "Zm9v", "serializable": "true"}""",
            """{"key": "Zm9v", "serializable": 1}""",
            """{"key": "Zm9v", "bogus": {"nested": [1, 2]}}""",
            """{"key": "Zm9v"} trailing garbage""",
            """{"key": tru}""",
            """{"key": "Zm9v",}""",
            """{"key" "Zm9v"}""",
            """{"key": "a\qb"}""",
            """{"key": -}""",
            """{"key": 1.}""",
            """{"key": 1e}""",
        ];
        foreach (var body in bodies) await SameAsync("/v3/kv/range", body);
        await SameAsync("/v3/kv/put", """{"value": "YQ=="}""");
        await SameAsync("/v3/kv/txn", """{"compare":[{"key":"Zm9v","target":"VERSION","version":"x"}]}""");
        await SameAsync("/v3/kv/txn", """{"success":[{"request_put":5}]}""");
        await SameAsync("/v3/lease/revoke", """{"ID": 424242}""");
        await SameAsync("/v3/watch", "xx");
        await SameAsync("/v3/auth/user/get", """{"name":"nobody"}""");
        await SameAsync("/v3/nothing/here", "{}");
        await SameAsync("/v3/kv/range/", "{}");

        foreach (var server in new[] { servers.Etcd, servers.FastKv })
        {
            var response = await GatewayHttp.Client.GetAsync($"http://{server.Endpoint}/v3/kv/range");
            Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
            Assert.Equal("Method Not Allowed\n", await response.Content.ReadAsStringAsync());
        }
    }

    [Fact]
    public async Task Watch_stream_delivers_a_put_made_after_it_started_like_etcd()
    {
        var etcd = await WatchAsync(servers.Etcd.Endpoint);
        var fastkv = await WatchAsync(servers.FastKv.Endpoint);
        Assert.Equal(etcd, fastkv);
        Assert.Equal(3, fastkv.Length);
        Assert.Contains("\"created\":true", fastkv[0], StringComparison.Ordinal);
        Assert.Contains("\"value\":\"d2F0Y2hlZA==\"", fastkv[1], StringComparison.Ordinal);
        Assert.Contains("\"type\":\"DELETE\"", fastkv[2], StringComparison.Ordinal);
    }

    // The seeds' curl watch: the whole request in the body, which then ends, and the stream goes on.
    // Puts and deletes the key once the watch is created; returns the first three result lines.
    private static async Task<string[]> WatchAsync(string endpoint)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        using var request = new HttpRequestMessage(HttpMethod.Post, $"http://{endpoint}/v3/watch")
        {
            Content = new StringContent("""{"create_request": {"key": "d2F0Y2hlZA==", "prev_kv": true}}"""),
        };
        using var response = await GatewayHttp.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(timeout.Token));
        var lines = new List<string> { await reader.ReadLineAsync(timeout.Token) ?? "<end>" };
        await GatewayHttp.PostAsync(endpoint, "/v3/kv/put", """{"key": "d2F0Y2hlZA==", "value": "d2F0Y2hlZA=="}""");
        await GatewayHttp.PostAsync(endpoint, "/v3/kv/deleterange", """{"key": "d2F0Y2hlZA=="}""");
        lines.Add(await reader.ReadLineAsync(timeout.Token) ?? "<end>");
        lines.Add(await reader.ReadLineAsync(timeout.Token) ?? "<end>");
        return lines.ToArray();
    }
}

[Collection("parity")]
public sealed class GatewayAuthTests(ParityServers servers) : IClassFixture<ParityServers>
{
    private async Task SameAsync(string path, string body, string? etcdAuth = null, string? fastkvAuth = null)
    {
        var etcd = await GatewayHttp.PostAsync(servers.Etcd.Endpoint, path, body, etcdAuth);
        (HttpStatusCode Status, string Body) fastkv;
        try
        {
            fastkv = await GatewayHttp.PostAsync(servers.FastKv.Endpoint, path, body, fastkvAuth);
        }
        catch (HttpRequestException e)
        {
            throw new InvalidOperationException($"POST {path} {body}\n{servers.FastKv.Log}", e);
        }
        var expected = $"{(int)etcd.Status} {GatewayHttp.Mask(etcd.Body)}";
        var actual = $"{(int)fastkv.Status} {GatewayHttp.Mask(fastkv.Body)}";
        Assert.True(expected == actual, $"POST {path} {body}\n etcd:   {expected}\n fastkv: {actual}");
    }

    private static async Task<string> TokenAsync(string endpoint)
    {
        var (status, body) = await GatewayHttp.PostAsync(endpoint, "/v3/auth/authenticate", """{"name": "root", "password": "rootpw"}""");
        Assert.True(status == HttpStatusCode.OK, body);
        return Regex.Match(body, "\"token\":\"(?<t>[^\"]+)\"").Groups["t"].Value;
    }

    [Fact]
    public async Task Auth_enable_authenticate_and_token_in_the_authorization_header_like_etcd()
    {
        await SameAsync("/v3/auth/enable", "{}");
        await SameAsync("/v3/auth/user/add", """{"name": "root", "password": "rootpw"}""");
        await SameAsync("/v3/auth/role/add", """{"name": "root"}""");
        await SameAsync("/v3/auth/user/grant", """{"user": "root", "role": "root"}""");
        await SameAsync("/v3/auth/enable", "{}");
        await SameAsync("/v3/kv/put", """{"key": "c2VjcmV0", "value": "eA=="}""");
        await SameAsync("/v3/auth/authenticate", """{"name": "root", "password": "wrong"}""");
        await SameAsync("/v3/auth/authenticate", """{"name": "root", "password": "rootpw"}""");

        var etcdToken = await TokenAsync(servers.Etcd.Endpoint);
        var fastkvToken = await TokenAsync(servers.FastKv.Endpoint);
        await SameAsync("/v3/kv/put", """{"key": "c2VjcmV0", "value": "eA=="}""", etcdToken, fastkvToken);
        await SameAsync("/v3/kv/range", """{"key": "c2VjcmV0"}""", etcdToken, fastkvToken);
        await SameAsync("/v3/kv/range", """{"key": "c2VjcmV0"}""", "not-a-token", "not-a-token");
        await SameAsync("/v3/auth/role/add", """{"name": "r<&>é"}""", etcdToken, fastkvToken);
        await SameAsync("/v3/auth/role/grant", """{"name": "r<&>é", "perm": {"permType": "READWRITE", "key": "YQ==", "range_end": "Yg=="}}""", etcdToken, fastkvToken);
        await SameAsync("/v3/auth/role/get", """{"role": "r<&>é"}""", etcdToken, fastkvToken);
        await SameAsync("/v3/auth/role/list", "{}", etcdToken, fastkvToken);
        await SameAsync("/v3/auth/user/list", "{}", etcdToken, fastkvToken);
        await SameAsync("/v3/auth/user/get", """{"name": "root"}""", etcdToken, fastkvToken);
        await SameAsync("/v3/auth/disable", "{}", etcdToken, fastkvToken);
        await SameAsync("/v3/kv/range", """{"key": "c2VjcmV0"}""");
    }
}
