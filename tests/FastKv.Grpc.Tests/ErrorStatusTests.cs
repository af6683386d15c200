// Every failure ends its own call with grpc-go's status and text, and the server keeps serving.
using FastKv.Api;
using FastKv.Api.Etcdserverpb;
using FastKv.Grpc.Client;
using Google.Protobuf;

namespace FastKv.Grpc.Tests;

public sealed class ErrorStatusTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Unknown_method_and_unknown_service_are_unimplemented()
    {
        await using var server = await TestServer.StartAsync();
        using var client = new GrpcClient(server.Address);
        var method = await Assert.ThrowsAsync<RpcException>(() =>
            client.UnaryAsync("/etcdserverpb.KV/Nope", new RangeRequest(), RangeResponse.Parser));
        Assert.Equal(StatusCode.Unimplemented, method.Code);
        Assert.Equal("unknown method Nope for service etcdserverpb.KV", method.Message);

        var service = await Assert.ThrowsAsync<RpcException>(() =>
            client.UnaryAsync("/etcdserverpb.Lease/LeaseGrant", new RangeRequest(), RangeResponse.Parser));
        Assert.Equal(StatusCode.Unimplemented, service.Code);
        Assert.Equal("unknown service etcdserverpb.Lease", service.Message);
        await client.AssertServesAsync();
    }

    [Fact]
    public async Task Oversized_message_is_resource_exhausted_with_both_sizes()
    {
        await using var server = await TestServer.StartAsync(maxReceiveMessageSize: 1000);
        using var client = new GrpcClient(server.Address);
        var request = new PutRequest { Key = ByteString.CopyFromUtf8("k"), Value = ByteString.CopyFrom(new byte[5000]) };
        var error = await Assert.ThrowsAsync<RpcException>(() =>
            client.UnaryAsync("/etcdserverpb.KV/Put", request, PutResponse.Parser));
        Assert.Equal(StatusCode.ResourceExhausted, error.Code);
        Assert.Equal($"grpc: received message larger than max ({request.CalculateSize()} vs. 1000)", error.Message);
        await client.AssertServesAsync();
    }

    [Theory]
    [InlineData(new byte[] { 0, 0, 0 })]                    // prefix cut short
    [InlineData(new byte[] { 0, 0, 0, 0, 10, 0x0a, 0x01 })] // length beyond the body
    [InlineData(new byte[] { 0, 0, 0, 0, 2, 0x0a, 0x05 })]  // protobuf field longer than the message
    [InlineData(new byte[] { 1, 0, 0, 0, 0 })]              // compressed without grpc-encoding
    [InlineData(new byte[] { 7, 0, 0, 0, 0 })]              // unknown flag
    public async Task Malformed_frame_is_internal_and_the_server_keeps_serving(byte[] body)
    {
        await using var server = await TestServer.StartAsync();
        var (code, message, _) = await RawHttp2.CallAsync(server.Address, "/etcdserverpb.KV/Range", body);
        Assert.True((int)StatusCode.Internal == code, $"{code}: {message}");
        Assert.StartsWith("grpc: ", message);
        using var client = new GrpcClient(server.Address);
        await client.AssertServesAsync();
    }

    [Fact]
    public async Task Unary_call_without_a_message_is_an_error()
    {
        await using var server = await TestServer.StartAsync();
        var (code, _, _) = await RawHttp2.CallAsync(server.Address, "/etcdserverpb.KV/Range", []);
        Assert.Equal((int)StatusCode.Internal, code);
    }

    [Fact]
    public async Task Gzip_compressed_request_is_accepted()
    {
        await using var server = await TestServer.StartAsync();
        using var client = new GrpcClient(server.Address);
        await client.PutAsync("zipped", "value");
        var request = new RangeRequest { Key = ByteString.CopyFromUtf8("zipped") }.ToByteArray();
        using var compressed = new MemoryStream();
        using (var gz = new System.IO.Compression.GZipStream(compressed, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true))
            gz.Write(request);
        var (code, _, body) = await RawHttp2.CallAsync(server.Address, "/etcdserverpb.KV/Range",
            RawHttp2.Frame(1, (uint)compressed.Length, compressed.ToArray()), ("grpc-encoding", "gzip"));
        Assert.Equal(0, code);
        var response = RangeResponse.Parser.ParseFrom(body.AsSpan(5));
        Assert.Equal("value", response.Kvs.Single().Value.ToStringUtf8());
    }

    [Fact]
    public async Task Unknown_grpc_encoding_is_unimplemented()
    {
        await using var server = await TestServer.StartAsync();
        var (code, message, _) = await RawHttp2.CallAsync(server.Address, "/etcdserverpb.KV/Range",
            RawHttp2.Frame(1, 0, []), ("grpc-encoding", "snappy"));
        Assert.Equal((int)StatusCode.Unimplemented, code);
        Assert.Equal("grpc: Decompressor is not installed for grpc-encoding \"snappy\"", message);
    }

    [Fact]
    public async Task Server_side_deadline_from_grpc_timeout_is_deadline_exceeded_and_cancels_the_handler()
    {
        await using var server = await TestServer.StartAsync();
        var (code, message, _) = await RawHttp2.CallAsync(server.Address, $"/{ProbeService.Service}/Hang",
            RawHttp2.Frame(0, 0, []), ("grpc-timeout", "200m"));
        Assert.Equal((int)StatusCode.DeadlineExceeded, code);
        Assert.Equal("context deadline exceeded", message);
        await server.Probes.HangCancelled.Task.WaitAsync(Bound);
        Assert.NotNull(server.Probes.LastDeadline);
        using var client = new GrpcClient(server.Address);
        await client.AssertServesAsync();
    }

    [Fact]
    public async Task Malformed_grpc_timeout_is_rejected()
    {
        await using var server = await TestServer.StartAsync();
        var (code, _, _) = await RawHttp2.CallAsync(server.Address, $"/{ProbeService.Service}/Hang",
            RawHttp2.Frame(0, 0, []), ("grpc-timeout", "soon"));
        Assert.Equal((int)StatusCode.Internal, code);
    }

    [Fact]
    public async Task Client_deadline_surfaces_as_deadline_exceeded()
    {
        await using var server = await TestServer.StartAsync();
        using var client = new GrpcClient(server.Address);
        // Long enough for the handler to be running when it expires, even on a loaded box (at 300 ms a
        // CI run once cancelled the call before the handler started, so there was nothing to cancel).
        var call = Assert.ThrowsAsync<RpcException>(() => client.UnaryAsync($"/{ProbeService.Service}/Hang",
            new RangeRequest(), RangeResponse.Parser, new CallOptions { Timeout = TimeSpan.FromSeconds(2) }));
        await server.Probes.HangStarted.Task.WaitAsync(Bound);
        var error = await call.WaitAsync(Bound);
        Assert.Equal(StatusCode.DeadlineExceeded, error.Code);
        Assert.Equal("context deadline exceeded", error.Message);
        await server.Probes.HangCancelled.Task.WaitAsync(Bound);
        await client.AssertServesAsync();
    }

    [Fact]
    public async Task Client_cancellation_of_a_unary_call_fires_the_handler_token()
    {
        await using var server = await TestServer.StartAsync();
        using var client = new GrpcClient(server.Address);
        using var cancel = new CancellationTokenSource();
        var call = Assert.ThrowsAsync<RpcException>(() => client.UnaryAsync($"/{ProbeService.Service}/Hang",
            new RangeRequest(), RangeResponse.Parser, new CallOptions { CancellationToken = cancel.Token }));
        await server.Probes.HangStarted.Task.WaitAsync(Bound);
        await cancel.CancelAsync();
        var error = await call.WaitAsync(Bound);
        Assert.Equal(StatusCode.Cancelled, error.Code);
        await server.Probes.HangCancelled.Task.WaitAsync(Bound);
        await client.AssertServesAsync();
    }

    [Fact]
    public async Task Disposing_a_stream_mid_way_cancels_the_server_handler()
    {
        await using var server = await TestServer.StartAsync();
        using var client = new GrpcClient(server.Address);
        var call = client.ServerStreaming($"/{ProbeService.Service}/Stream", new RangeRequest { Limit = 1 }, RangeResponse.Parser);
        Assert.True(await call.ResponseStream.MoveNextAsync());
        Assert.True(await call.ResponseStream.MoveNextAsync());
        call.Dispose();
        await server.Probes.StreamCancelled.Task.WaitAsync(Bound);
        await client.AssertServesAsync();
    }

    [Fact]
    public async Task Handler_exception_is_unknown_with_its_message()
    {
        await using var server = await TestServer.StartAsync();
        using var client = new GrpcClient(server.Address);
        var error = await Assert.ThrowsAsync<RpcException>(() =>
            client.UnaryAsync($"/{ProbeService.Service}/Throw", new RangeRequest(), RangeResponse.Parser));
        Assert.Equal(StatusCode.Unknown, error.Code);
        Assert.Equal("probe handler failed on purpose", error.Message);
        await client.AssertServesAsync();
    }

    [Fact]
    public async Task Etcd_exception_keeps_its_code_and_text_even_beyond_ascii()
    {
        await using var server = await TestServer.StartAsync();
        using var client = new GrpcClient(server.Address);
        const string text = "etcdserver: 100% über\nlimit";
        var error = await Assert.ThrowsAsync<RpcException>(() => client.UnaryAsync($"/{ProbeService.Service}/Fail",
            new RangeRequest { Key = ByteString.CopyFromUtf8(text) }, RangeResponse.Parser));
        Assert.Equal(StatusCode.FailedPrecondition, error.Code);
        Assert.Equal(text, error.Message);

        // On the wire the text is percent-encoded UTF-8.
        var payload = new RangeRequest { Key = ByteString.CopyFromUtf8(text) }.ToByteArray();
        var (_, raw, _) = await RawHttp2.CallAsync(server.Address, $"/{ProbeService.Service}/Fail",
            RawHttp2.Frame(0, (uint)payload.Length, payload));
        Assert.Equal("etcdserver: 100%25 %C3%BCber%0Alimit", raw);
    }

    [Fact]
    public async Task A_stream_writer_used_after_its_call_ended_fails_instead_of_writing_into_another_call()
    {
        await using var server = await TestServer.StartAsync();
        using var client = new GrpcClient(server.Address);
        using (var call = client.ServerStreaming($"/{ProbeService.Service}/Leak", new RangeRequest(), RangeResponse.Parser))
        {
            Assert.False(await call.ResponseStream.MoveNextAsync());
        }
        var leaked = await server.Probes.LeakedWriter.Task.WaitAsync(Bound);
        // Keep the connection busy with new calls (Kestrel reuses stream objects) while the stale writer tries.
        var traffic = Enumerable.Range(0, 20).Select(i => client.PutAsync($"t{i}", "v")).ToArray();
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await leaked.WriteAsync(new RangeResponse { Count = 99 }));
        await Task.WhenAll(traffic).WaitAsync(Bound);
        await client.AssertServesAsync();
    }
}
