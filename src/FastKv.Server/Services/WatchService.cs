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
            var caller = member.Caller(call);
            while (await requests.MoveNextAsync().ConfigureAwait(false))
            {
                var request = requests.Current;
                if (request.CreateRequest is { } create && member.Auth.IsEnabled && !MayWatch(caller, create))
                {
                    stream.Refuse(create, FastKv.Api.EtcdErrors.WatchPermissionDeniedReason);
                    continue;
                }
                stream.Handle(request);
            }
            // A client that closes its sending side still receives events, as from etcd: the
            // stream ends when the call is cancelled (client gone, deadline, server stopping).
            await WaitUntilCancelledAsync(call.CancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await done.CancelAsync().ConfigureAwait(false);
            try { await pump.ConfigureAwait(false); }
            catch (OperationCanceledException) { }
        }
    }

    private static async Task WaitUntilCancelledAsync(CancellationToken cancel)
    {
        try { await Task.Delay(Timeout.Infinite, cancel).ConfigureAwait(false); }
        catch (OperationCanceledException) { }
    }

    private bool MayWatch(FastKv.Mvcc.Auth.AuthInfo caller, WatchCreateRequest create)
    {
        try
        {
            member.Auth.CheckWatch(caller, create.Key.Span, create.RangeEnd.Span);
            return true;
        }
        catch (FastKv.Api.EtcdException)
        {
            return false;
        }
    }

    private async Task PumpAsync(FastKv.Mvcc.Watch.WatchStream stream, MessageWriter<WatchResponse> responses, CancellationToken cancel)
    {
        while (await stream.WaitToReadAsync(cancel).ConfigureAwait(false))
        {
            while (stream.TryRead(out var response))
            {
                member.Fill(response);
                await responses.WriteAsync(response, cancel).ConfigureAwait(false);
            }
        }
    }
}
