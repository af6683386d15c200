// etcdserverpb.Maintenance: the member's status (version, db sizes, Raft position, leader).
using FastKv.Api.Etcdserverpb;
using FastKv.Grpc.Server;
using FastKv.Server.Member;

namespace FastKv.Server.Services;

public sealed class MaintenanceService(EtcdMember member)
{
    private const string Service = "etcdserverpb.Maintenance";

    public void Register(MethodTable methods)
    {
        methods.AddUnary<StatusRequest, StatusResponse>(Service, "Status", StatusRequest.Parser, Status);
        methods.AddUnary<AlarmRequest, AlarmResponse>(Service, "Alarm", AlarmRequest.Parser, Alarm);
        methods.AddUnary<HashKVRequest, HashKVResponse>(Service, "HashKV", HashKVRequest.Parser, HashKV);
        methods.AddUnary<HashRequest, HashResponse>(Service, "Hash", HashRequest.Parser, Hash);
    }

    private ValueTask<StatusResponse> Status(StatusRequest request, CallContext call)
    {
        var raft = member.Raft;
        var response = new StatusResponse
        {
            Header = member.Fill(null),
            Version = member.Config.EtcdVersion,
            DbSize = member.Backend.Size,
            DbSizeInUse = member.Backend.SizeInUse,
            Leader = raft.Leader,
            RaftIndex = raft.CommittedIndex,
            RaftTerm = raft.Term,
            RaftAppliedIndex = raft.AppliedIndex,
        };
        response.Errors.Add(member.Alarms.Errors());
        return ValueTask.FromResult(response);
    }

    // Every alarm action goes through Raft, so all members agree on the alarms in force.
    private async ValueTask<AlarmResponse> Alarm(AlarmRequest request, CallContext call)
    {
        var response = await member.ProposeAsync<AlarmResponse>(new InternalRaftRequest { Alarm = request }, call.CancellationToken, member.Caller(call.GetMetadata("token"))).ConfigureAwait(false);
        member.Fill(response.Header ??= new ResponseHeader());
        return response;
    }

    private async ValueTask<HashKVResponse> HashKV(HashKVRequest request, CallContext call)
    {
        await member.LinearizableReadAsync(call.CancellationToken).ConfigureAwait(false);
        var h = member.Kv.HashKV(request.Revision);
        return new HashKVResponse { Header = member.Fill(new ResponseHeader { Revision = h.Revision }), Hash = h.Hash, CompactRevision = h.CompactRevision };
    }

    private async ValueTask<HashResponse> Hash(HashRequest request, CallContext call)
    {
        await member.LinearizableReadAsync(call.CancellationToken).ConfigureAwait(false);
        var h = member.Kv.Hash();
        return new HashResponse { Header = member.Fill(new ResponseHeader { Revision = h.Revision }), Hash = h.Hash };
    }
}
