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
        return ValueTask.FromResult(response);
    }
}
