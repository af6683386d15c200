// A unary method whose handler writes the response's encoding: the client receives exactly those
// bytes as the message, a failing handler ends the call with its status and nothing else, large
// responses cross buffer growth, and an in-process call gets the parsed message.
using System.Buffers;
using System.Net;
using FastKv.Api;
using FastKv.Api.Etcdserverpb;
using FastKv.Api.Mvccpb;
using FastKv.Grpc.Client;
using FastKv.Grpc.Hosting;
using FastKv.Grpc.Server;
using Google.Protobuf;
using Microsoft.AspNetCore.Http;

namespace FastKv.Grpc.Tests;

public sealed class EncodedUnaryTests
{
    private const string Service = "fastkv.test.Encoded";

    // The response for a request: `limit` key-values whose values have the request key's length in bytes.
    private static RangeResponse Answer(RangeRequest r)
    {
        var resp = new RangeResponse { Header = new ResponseHeader { Revision = 9, ClusterId = 3 }, Count = r.Limit };
        for (int i = 0; i < r.Limit; i++)
            resp.Kvs.Add(new KeyValue { Key = ByteString.CopyFromUtf8($"k{i}"), Value = ByteString.CopyFrom(new byte[r.Key.Length]), ModRevision = i + 1 });
        return resp;
    }

    private static ValueTask Handle(RangeRequest request, IBufferWriter<byte> response, CallContext context)
    {
        if (request.Key.ToStringUtf8() == "fail")
        {
            // Half a response, then an error: none of it may reach the client.
            response.Write<byte>([0x0a, 0x02]);
            throw new EtcdException(StatusCode.FailedPrecondition, "etcdserver: probe failed");
        }
        Answer(request).WriteTo(response);
        return ValueTask.CompletedTask;
    }

    private static async Task<(GrpcHost Host, MethodTable Methods)> StartAsync()
    {
        var methods = new MethodTable();
        methods.AddUnaryEncoded<RangeRequest, RangeResponse>(Service, "Range", RangeRequest.Parser, RangeResponse.Parser, Handle);
        new InMemoryKvService().Register(methods);
        var options = new GrpcHostOptions { MaxReceiveMessageSize = 64 * 1024 };
        options.Endpoints.Add(new GrpcEndpoint(new IPEndPoint(IPAddress.Loopback, 0)));
        var host = new GrpcHost(options, methods);
        await host.StartAsync();
        return (host, methods);
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(1, 10)]
    [InlineData(50, 20_000)]
    public async Task The_client_receives_the_handler_bytes_as_the_message(int kvs, int valueSize)
    {
        var (host, _) = await StartAsync();
        await using var _host = host;
        using var client = new GrpcClient(new Uri($"http://127.0.0.1:{host.BoundEndPoints[0].Port}"));
        var request = new RangeRequest { Key = ByteString.CopyFrom(new byte[Math.Max(valueSize, 1)]), Limit = kvs };
        var response = await client.UnaryAsync($"/{Service}/Range", request, RangeResponse.Parser,
            new CallOptions { Timeout = TimeSpan.FromSeconds(20) });
        Assert.Equal(Answer(request), response);
    }

    [Fact]
    public async Task A_failing_handler_ends_the_call_with_its_status_and_the_server_goes_on()
    {
        var (host, _) = await StartAsync();
        await using var _host = host;
        using var client = new GrpcClient(new Uri($"http://127.0.0.1:{host.BoundEndPoints[0].Port}"));
        var error = await Assert.ThrowsAsync<RpcException>(() => client.UnaryAsync($"/{Service}/Range",
            new RangeRequest { Key = ByteString.CopyFromUtf8("fail") }, RangeResponse.Parser, new CallOptions { Timeout = TimeSpan.FromSeconds(20) }));
        Assert.Equal(StatusCode.FailedPrecondition, error.Code);
        Assert.Equal("etcdserver: probe failed", error.Message);
        await client.AssertServesAsync();
    }

    [Fact]
    public async Task An_in_process_call_gets_the_parsed_message()
    {
        var (host, methods) = await StartAsync();
        await using var _host = host;
        var request = new RangeRequest { Key = ByteString.CopyFromUtf8("abc"), Limit = 3 };
        var got = new List<IMessage>();
        var context = new CallContext(new DefaultHttpContext(), $"/{Service}/Range", new HeaderDictionary(), new HeaderDictionary(), null, CancellationToken.None);
        await methods.InvokeLocalAsync($"/{Service}/Range", One(request), (m, _) => { got.Add(m); return ValueTask.CompletedTask; }, context);
        Assert.Equal(Answer(request), Assert.Single(got));
    }

    private static async IAsyncEnumerable<IMessage> One(IMessage m)
    {
        await Task.Yield();
        yield return m;
    }
}
