// Unary gRPC round trips through GrpcClient and GrpcHost on loopback h2c, and the framing alone.
// MemoryDiagnoser counts every thread's allocations, so the round-trip numbers are client plus
// server per call; the framing benchmarks isolate what the server's read/write path allocates
// beyond the message objects themselves.
// Run: dotnet run -c Release --project bench/FastKv.Bench -- --filter '*GrpcUnary*' --job short --inProcess
// (2 shared cores under heavy load, 2026-11-21: Range round trip ~0.14-0.2 ms and 6.5 KB per call
// client+server, almost all of it HttpClient's request/response objects; framing alone 776 B, which
// is exactly the parsed RangeResponse with its 256-byte value.)
using System.Buffers;
using System.IO.Pipelines;
using BenchmarkDotNet.Attributes;
using FastKv.Api.Etcdserverpb;
using FastKv.Api.Mvccpb;
using FastKv.Grpc.Client;
using FastKv.Grpc.Framing;
using FastKv.Grpc.Hosting;
using FastKv.Grpc.Server;
using Google.Protobuf;

namespace FastKv.Bench.Grpc;

[MemoryDiagnoser]
[ShortRunJob]
public class GrpcUnaryBenchmarks
{
    private GrpcHost _host = null!;
    private GrpcClient _client = null!;
    private RangeRequest _range = null!;
    private RangeResponse _stored = null!;
    private PutRequest _put = null!;
    private PutResponse _putResponse = null!;
    private Pipe _pipe = null!;

    [GlobalSetup]
    public async Task Setup()
    {
        _range = new RangeRequest { Key = ByteString.CopyFromUtf8("/registry/pods/default/web-0") };
        _stored = new RangeResponse
        {
            Header = new ResponseHeader { ClusterId = 1, MemberId = 1, Revision = 42, RaftTerm = 2 },
            Count = 1,
        };
        _stored.Kvs.Add(new KeyValue { Key = _range.Key, Value = ByteString.CopyFrom(new byte[256]), CreateRevision = 10, ModRevision = 42, Version = 3 });
        _put = new PutRequest { Key = _range.Key, Value = ByteString.CopyFrom(new byte[256]) };
        _putResponse = new PutResponse { Header = _stored.Header };

        var methods = new MethodTable()
            .AddUnary<RangeRequest, RangeResponse>("etcdserverpb.KV", "Range", RangeRequest.Parser, (_, _) => ValueTask.FromResult(_stored))
            .AddUnary<PutRequest, PutResponse>("etcdserverpb.KV", "Put", PutRequest.Parser, (_, _) => ValueTask.FromResult(_putResponse));
        var options = new GrpcHostOptions();
        options.Endpoints.Add(GrpcEndpoint.Loopback());
        _host = new GrpcHost(options, methods);
        await _host.StartAsync();
        _client = new GrpcClient(new Uri($"http://{_host.BoundEndPoints[0]}"));
        await _client.UnaryAsync("/etcdserverpb.KV/Range", _range, RangeResponse.Parser);
        _pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 0, useSynchronizationContext: false));
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        _client.Dispose();
        await _host.DisposeAsync();
    }

    [Benchmark(Description = "Range round trip (256 B value)")]
    public Task<RangeResponse> RangeRoundTrip() => _client.UnaryAsync("/etcdserverpb.KV/Range", _range, RangeResponse.Parser);

    [Benchmark(Description = "Put round trip (256 B value)")]
    public Task<PutResponse> PutRoundTrip() => _client.UnaryAsync("/etcdserverpb.KV/Put", _put, PutResponse.Parser);

    [Benchmark(Description = "Frame write + parse of a RangeResponse (server framing only)")]
    public async Task<RangeResponse?> FramingOnly()
    {
        MessageFraming.Write(_pipe.Writer, _stored);
        await _pipe.Writer.FlushAsync();
        return await MessageFraming.ReadAsync(_pipe.Reader, RangeResponse.Parser, int.MaxValue, gzip: false, CancellationToken.None);
    }
}
