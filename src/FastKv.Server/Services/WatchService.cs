// etcdserverpb.Watch: one bidirectional stream carries many watches. Requests from the client
// go straight to the stream's hub state; a pump copies the hub's responses (already ordered,
// atomic per revision, bounded) to the wire. The stream ends when the client ends its side or
// cancels, as etcd's does.
using FastKv.Api.Etcdserverpb;
using FastKv.Grpc;
using FastKv.Grpc.Server;
using FastKv.Server.Member;

namespace FastKv.Server.Services;

public sealed class WatchService(EtcdMember member)
{
    public void Register(MethodTable methods) =>
        methods.AddDuplexStreaming<WatchRequest, WatchResponse>("etcdserverpb.Watch", "Watch", WatchRequest.Parser, Watch);

    private async Task Watch(MessageReader<WatchRequest> requests, MessageWriter<WatchResponse> responses, CallContext call)
    {
        using var stream = member.Watch.OpenStream();
        using var done = CancellationTokenSource.CreateLinkedTokenSource(call.CancellationToken);
        var pump = PumpAsync(stream, responses, done.Token);
        try
        {
            while (await requests.MoveNextAsync().ConfigureAwait(false))
                stream.Handle(requests.Current);
        }
        finally
        {
            await done.CancelAsync().ConfigureAwait(false);
            try { await pump.ConfigureAwait(false); }
            catch (OperationCanceledException) { }
        }
    }

    private async Task PumpAsync(FastKv.Mvcc.Watch.WatchStream stream, MessageWriter<WatchResponse> responses, CancellationToken cancel)
    {
        while (await stream.WaitToReadAsync(cancel).ConfigureAwait(false))
        {
            while (stream.TryRead(out var response))
            {
                member.Fill(response.Header ??= new ResponseHeader());
                await responses.WriteAsync(response, cancel).ConfigureAwait(false);
            }
        }
    }
}
