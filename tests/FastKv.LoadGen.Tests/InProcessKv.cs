// A GrpcHost on a free loopback port with just enough of etcd's KV for the transport tests: Put
// and Range over a dictionary, a Watch stream that acknowledges each create, and a method that
// always fails with a status whose message needs percent-encoding. Stopped on dispose.
using System.Collections.Concurrent;
using System.Net;
using FastKv.Api;
using FastKv.Api.Etcdserverpb;
using FastKv.Api.Mvccpb;
using FastKv.Grpc;
using FastKv.Grpc.Hosting;
using FastKv.Grpc.Server;
using Google.Protobuf;

namespace FastKv.LoadGen.Tests;

internal sealed class InProcessKv : IAsyncDisposable
{
    public const string FailMethod = "/etcdserverpb.KV/Compact";
    public const string FailMessage = "etcdserver: mvcc: required revision has been compacted (100% sure)";

    private readonly GrpcHost _host;
    private long _revision = 1;

    private InProcessKv(GrpcHost host) => _host = host;

    /// <summary>Stored values by key; keys as Latin-1 text, one char per byte, so binary keys stay distinct.</summary>
    public ConcurrentDictionary<string, ByteString> Data { get; } = new();

    public static string KeyText(ByteString key) => System.Text.Encoding.Latin1.GetString(key.Span);

    public Uri Address => new($"http://127.0.0.1:{_host.BoundEndPoints[0].Port}");

    public static async Task<InProcessKv> StartAsync()
    {
        var methods = new MethodTable();
        var options = new GrpcHostOptions { MaxReceiveMessageSize = 16 * 1024 * 1024 };
        options.Endpoints.Add(new GrpcEndpoint(new IPEndPoint(IPAddress.Loopback, 0), null, null));
        InProcessKv? kv = null;
        methods.AddUnary<PutRequest, PutResponse>("etcdserverpb.KV", "Put", PutRequest.Parser, (r, _) => ValueTask.FromResult(kv!.Put(r)));
        methods.AddUnary<RangeRequest, RangeResponse>("etcdserverpb.KV", "Range", RangeRequest.Parser, (r, _) => ValueTask.FromResult(kv!.Range(r)));
        methods.AddUnary<CompactionRequest, CompactionResponse>("etcdserverpb.KV", "Compact", CompactionRequest.Parser,
            (_, _) => throw new RpcException(StatusCode.OutOfRange, FailMessage));
        methods.AddDuplexStreaming<WatchRequest, WatchResponse>("etcdserverpb.Watch", "Watch", WatchRequest.Parser, WatchAsync);
        var host = new GrpcHost(options, methods);
        kv = new InProcessKv(host);
        await host.StartAsync();
        return kv;
    }

    private PutResponse Put(PutRequest request)
    {
        Data[KeyText(request.Key)] = request.Value;
        return new PutResponse { Header = new ResponseHeader { Revision = Interlocked.Increment(ref _revision) } };
    }

    private RangeResponse Range(RangeRequest request)
    {
        var response = new RangeResponse { Header = new ResponseHeader { Revision = Volatile.Read(ref _revision) } };
        if (Data.TryGetValue(KeyText(request.Key), out var value))
            response.Kvs.Add(new KeyValue { Key = request.Key, Value = value });
        response.Count = response.Kvs.Count;
        return response;
    }

    private static async Task WatchAsync(MessageReader<WatchRequest> requests, MessageWriter<WatchResponse> responses, CallContext context)
    {
        long id = 0;
        while (await requests.MoveNextAsync().ConfigureAwait(false))
        {
            if (requests.Current.CreateRequest is not { } create) continue;
            var response = new WatchResponse { WatchId = id++, Created = true };
            response.Events.Add(new Event { Kv = new KeyValue { Key = create.Key } });
            await responses.WriteAsync(response).ConfigureAwait(false);
        }
    }

    public ValueTask DisposeAsync() => _host.DisposeAsync();
}
