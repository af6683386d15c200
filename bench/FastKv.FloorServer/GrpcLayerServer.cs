// The FastKv.Grpc floor: the project's own gRPC host (preface sniffing, routing, framing,
// protobuf parse and serialize) with KV Put and Range answering from nothing: a header as a
// member fills it and, for Range, no keys. The server's real handlers add Raft, the WAL and Mvcc.
using System.Net;
using FastKv.Api.Etcdserverpb;
using FastKv.Grpc.Hosting;
using FastKv.Grpc.Server;

namespace FastKv.FloorServer;

internal static class GrpcLayerServer
{
    public static GrpcHost Build(IPEndPoint endPoint, SyncedLog? log)
    {
        long revision = 1;
        ResponseHeader Header(long rev) => new() { ClusterId = 0xcdf818194e3a8c32, MemberId = 0x8e9e05c52164694d, RaftTerm = 2, Revision = rev };
        var methods = new MethodTable()
            .AddUnary<PutRequest, PutResponse>("etcdserverpb.KV", "Put", PutRequest.Parser, (_, _) =>
            {
                log?.Append();
                return ValueTask.FromResult(new PutResponse { Header = Header(Interlocked.Increment(ref revision)) });
            })
            .AddUnary<RangeRequest, RangeResponse>("etcdserverpb.KV", "Range", RangeRequest.Parser, (_, _) =>
                ValueTask.FromResult(new RangeResponse { Header = Header(Volatile.Read(ref revision)) }));
        var options = new GrpcHostOptions();
        options.Endpoints.Add(new GrpcEndpoint(endPoint, null, null));
        return new GrpcHost(options, methods);
    }
}
