// The gateway around methods of the test's own: the Authorization header reaches a handler as the
// `token` etcd reads (an explicit Grpc-Metadata-Token wins), the methods run through the same
// MethodTable the gRPC path uses, errors map to grpc-gateway's status codes and bodies, a method
// nobody registered fails as gRPC's Unimplemented, a stream's failure ends it with an error chunk,
// a Grpc-Timeout header bounds the call, and calls count in the gRPC call observer.
using System.Text;
using FastKv.Api;
using FastKv.Api.Etcdserverpb;
using FastKv.Grpc;
using FastKv.Grpc.Server;
using FastKv.Server.Gateway;
using Google.Protobuf;
using Microsoft.AspNetCore.Http;

namespace FastKv.Server.Tests;

public sealed class GatewayInProcessTests
{
    private static JsonGateway Gateway(int maxRequest = 1 << 20, IGrpcCallObserver? observer = null)
    {
        var methods = new MethodTable();
        methods.AddUnary<RangeRequest, RangeResponse>("etcdserverpb.KV", "Range", RangeRequest.Parser, (request, call) =>
            ValueTask.FromResult(new RangeResponse
            {
                Count = request.Limit,
                Kvs =
                {
                    new FastKv.Api.Mvccpb.KeyValue
                    {
                        Key = ByteString.CopyFromUtf8(call.GetMetadata("token") ?? "-"),
                        Value = ByteString.CopyFromUtf8(call.GetMetadata("authorization") ?? "-"),
                    },
                },
            }));
        methods.AddUnary<PutRequest, PutResponse>("etcdserverpb.KV", "Put", PutRequest.Parser, (_, _) => throw EtcdErrors.EmptyKey());
        methods.AddDuplexStreaming<WatchRequest, WatchResponse>("etcdserverpb.Watch", "Watch", WatchRequest.Parser, async (requests, responses, call) =>
        {
            while (await requests.MoveNextAsync())
            {
                if (requests.Current.CancelRequest is { } cancel)
                    throw new RpcException(StatusCode.FailedPrecondition, $"cannot cancel {cancel.WatchId}");
                await responses.WriteAsync(new WatchResponse { WatchId = requests.Current.CreateRequest.StartRevision, Created = true });
            }
        });
        methods.AddDuplexStreaming<LeaseKeepAliveRequest, LeaseKeepAliveResponse>("etcdserverpb.Lease", "LeaseKeepAlive", LeaseKeepAliveRequest.Parser, async (requests, responses, call) =>
        {
            while (await requests.MoveNextAsync()) await responses.WriteAsync(new LeaseKeepAliveResponse { ID = requests.Current.ID, TTL = 5 });
        });
        methods.AddUnary<LeaseGrantRequest, LeaseGrantResponse>("etcdserverpb.Lease", "LeaseGrant", LeaseGrantRequest.Parser, async (_, call) =>
        {
            await Task.Delay(Timeout.Infinite, call.CancellationToken);
            return new LeaseGrantResponse();
        });
        return new JsonGateway(methods, maxRequest, observer);
    }

    private static async Task<(int Status, string Body, IHeaderDictionary Headers)> PostAsync(JsonGateway gateway, string path, string body,
        Dictionary<string, string>? headers = null, string method = "POST")
    {
        var context = new DefaultHttpContext();
        context.Request.Method = method;
        context.Request.Path = path;
        context.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes(body));
        foreach (var (k, v) in headers ?? []) context.Request.Headers[k] = v;
        var output = new MemoryStream();
        context.Response.Body = output;
        await gateway.HandleAsync(context);
        return (context.Response.StatusCode, Encoding.UTF8.GetString(output.ToArray()), context.Response.Headers);
    }

    [Fact]
    public async Task Authorization_header_is_the_token_unless_grpc_metadata_names_one()
    {
        var gateway = Gateway();
        var (status, body, headers) = await PostAsync(gateway, "/v3/kv/range", """{"key":"YQ==","limit":"3"}""",
            new() { ["Authorization"] = "tok1" });
        Assert.Equal(200, status);
        Assert.Equal("""{"kvs":[{"key":"dG9rMQ==","value":"dG9rMQ=="}],"count":"3"}""", body);
        Assert.Equal("application/json", headers.ContentType);
        Assert.Equal("application/grpc", headers["Grpc-Metadata-Content-Type"]);

        (_, body, _) = await PostAsync(gateway, "/v3beta/kv/range", "{}",
            new() { ["Authorization"] = "tok1", ["Grpc-Metadata-Token"] = "tok2" });
        Assert.Equal("""{"kvs":[{"key":"dG9rMg==","value":"dG9rMQ=="}]}""", body);

        (_, body, _) = await PostAsync(gateway, "/v3/kv/range", "{}");
        Assert.Equal("""{"kvs":[{"key":"LQ==","value":"LQ=="}]}""", body);
    }

    [Fact]
    public async Task Errors_get_grpc_gateway_status_codes_and_bodies()
    {
        var gateway = Gateway(maxRequest: 64);
        Assert.Equal((400, """{"error":"etcdserver: key is not provided","message":"etcdserver: key is not provided","code":3}"""),
            Strip(await PostAsync(gateway, "/v3/kv/put", """{"key":"YQ=="}""")));
        Assert.Equal((501, """{"error":"unknown service v3lockpb.Lock","message":"unknown service v3lockpb.Lock","code":12}"""),
            Strip(await PostAsync(gateway, "/v3/lock/lock", """{"name":"YQ=="}""")));
        Assert.Equal((501, """{"error":"unknown method Txn for service etcdserverpb.KV","message":"unknown method Txn for service etcdserverpb.KV","code":12}"""),
            Strip(await PostAsync(gateway, "/v3/kv/txn", "{}")));
        // A body an unregistered method cannot parse is refused before the call, as grpc-gateway does.
        Assert.Equal((400, """{"error":"json: cannot unmarshal number into Go value of type []uint8","message":"json: cannot unmarshal number into Go value of type []uint8","code":3}"""),
            Strip(await PostAsync(gateway, "/v3/lock/lock", """{"name":5}""")));
        var big = Convert.ToBase64String(new byte[100]);
        Assert.Equal((429, """{"error":"grpc: received message larger than max (102 vs. 64)","message":"grpc: received message larger than max (102 vs. 64)","code":8}"""),
            Strip(await PostAsync(gateway, "/v3/kv/range", $$"""{"key":"{{big}}"}""")));
        Assert.Equal((404, "Not Found\n"), Strip(await PostAsync(gateway, "/v3/kv/nothing", "{}")));
        Assert.Equal((404, "Not Found\n"), Strip(await PostAsync(gateway, "/v3alpha/kv/range", "{}")));
        Assert.Equal((405, "Method Not Allowed\n"), Strip(await PostAsync(gateway, "/v3/kv/range", "", method: "GET")));
    }

    [Fact]
    public async Task Streams_answer_one_result_line_per_message_and_end_with_an_error_chunk()
    {
        var gateway = Gateway();
        var (status, body, _) = await PostAsync(gateway, "/v3/lease/keepalive", """{"ID":1} {"ID":"2"}{"ID":3}""");
        Assert.Equal(200, status);
        Assert.Equal("""
            {"result":{"ID":"1","TTL":"5"}}
            {"result":{"ID":"2","TTL":"5"}}
            {"result":{"ID":"3","TTL":"5"}}

            """.ReplaceLineEndings("\n"), body);

        // A value that does not decode ends the request stream quietly after the good ones.
        (status, body, _) = await PostAsync(gateway, "/v3/lease/keepalive", """{"ID":1} {"ID":x}""");
        Assert.Equal((200, "{\"result\":{\"ID\":\"1\",\"TTL\":\"5\"}}\n"), (status, body));

        // A bad first value fails the call with the decoder's error (Unknown), not a stream chunk.
        (status, body, _) = await PostAsync(gateway, "/v3/lease/keepalive", "xx");
        Assert.Equal((500, """{"error":"invalid character 'x' looking for beginning of value","message":"invalid character 'x' looking for beginning of value","code":2}"""), (status, body));

        using var cancel = new CancellationTokenSource();
        var context = new DefaultHttpContext();
        context.Request.Method = "POST";
        context.Request.Path = "/v3/watch";
        context.Request.Body = new MemoryStream("""{"create_request":{"start_revision":7}}{"cancel_request":{"watch_id":"7"}}"""u8.ToArray());
        var output = new MemoryStream();
        context.Response.Body = output;
        await gateway.HandleAsync(context);
        Assert.Equal("""
            {"result":{"watch_id":"7","created":true}}
            {"error":{"grpc_code":9,"http_code":412,"message":"cannot cancel 7","http_status":"Precondition Failed"}}
            """.ReplaceLineEndings("\n"), Encoding.UTF8.GetString(output.ToArray()));
    }

    [Fact]
    public async Task A_watch_goes_on_after_its_request_body_ends_until_the_client_leaves()
    {
        var gateway = Gateway();
        using var leave = new CancellationTokenSource();
        var context = new DefaultHttpContext { RequestAborted = leave.Token };
        context.Request.Method = "POST";
        context.Request.Path = "/v3/watch";
        context.Request.Body = new MemoryStream("""{"create_request":{"start_revision":3}}"""u8.ToArray());
        context.Response.Body = new MemoryStream();
        var call = gateway.HandleAsync(context);
        await Task.Delay(300);
        Assert.False(call.IsCompleted);
        await leave.CancelAsync();
        await call.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("{\"result\":{\"watch_id\":\"3\",\"created\":true}}\n", Encoding.UTF8.GetString(((MemoryStream)context.Response.Body).ToArray()));
    }

    [Fact]
    public async Task A_stream_ends_with_unavailable_when_the_host_stops()
    {
        var gateway = Gateway();
        using var stopping = new CancellationTokenSource();
        var context = new DefaultHttpContext();
        context.Features.Set(new FastKv.Grpc.Hosting.HostStoppingFeature(stopping.Token));
        context.Request.Method = "POST";
        context.Request.Path = "/v3/watch";
        context.Request.Body = new MemoryStream("""{"create_request":{"start_revision":4}}"""u8.ToArray());
        context.Response.Body = new MemoryStream();
        var call = gateway.HandleAsync(context);
        await Task.Delay(200);
        Assert.False(call.IsCompleted);
        await stopping.CancelAsync();
        await call.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("""
            {"result":{"watch_id":"4","created":true}}
            {"error":{"grpc_code":14,"http_code":503,"message":"the server is shutting down","http_status":"Service Unavailable"}}
            """.ReplaceLineEndings("\n"), Encoding.UTF8.GetString(((MemoryStream)context.Response.Body).ToArray()));
    }

    [Fact]
    public async Task Grpc_timeout_header_is_the_calls_deadline()
    {
        var gateway = Gateway();
        Assert.Equal((504, """{"error":"context deadline exceeded","message":"context deadline exceeded","code":4}"""),
            Strip(await PostAsync(gateway, "/v3/lease/grant", "{}", new() { ["Grpc-Timeout"] = "200m" })));
        Assert.Equal((400, """{"error":"invalid grpc-timeout: soon","message":"invalid grpc-timeout: soon","code":3}"""),
            Strip(await PostAsync(gateway, "/v3/lease/grant", "{}", new() { ["Grpc-Timeout"] = "soon" })));
    }

    [Fact]
    public async Task Gateway_calls_are_told_to_the_grpc_call_observer()
    {
        var observer = new RecordingObserver();
        var gateway = Gateway(observer: observer);
        await PostAsync(gateway, "/v3/kv/range", "{}");
        await PostAsync(gateway, "/v3/kv/put", "{}");
        await PostAsync(gateway, "/v3/lock/lock", "{}");
        await PostAsync(gateway, "/v3/lease/keepalive", """{"ID":1}""");
        Assert.Equal(
            ["start /etcdserverpb.KV/Range", "end /etcdserverpb.KV/Range OK", "start /etcdserverpb.KV/Put", "end /etcdserverpb.KV/Put InvalidArgument",
             "start /etcdserverpb.Lease/LeaseKeepAlive", "end /etcdserverpb.Lease/LeaseKeepAlive OK"],
            observer.Calls);
    }

    private sealed class RecordingObserver : IGrpcCallObserver
    {
        public List<string> Calls { get; } = [];

        public void OnCallStarted(GrpcMethodInfo method) => Calls.Add($"start {method.Path}");

        public void OnCallCompleted(GrpcMethodInfo method, StatusCode code, TimeSpan elapsed) => Calls.Add($"end {method.Path} {code}");
    }

    private static (int, string) Strip((int Status, string Body, IHeaderDictionary Headers) r) => (r.Status, r.Body);
}
