// etcdserverpb.Cluster: the membership as this member knows it. Changing membership needs the
// peer transport, so those calls answer as etcd does when a change cannot be carried out.
using FastKv.Api;
using FastKv.Api.Etcdserverpb;
using FastKv.Grpc.Server;
using FastKv.Server.Member;

namespace FastKv.Server.Services;

public sealed class ClusterService(EtcdMember member)
{
    private const string Service = "etcdserverpb.Cluster";

    public void Register(MethodTable methods)
    {
        methods.AddUnary<MemberListRequest, MemberListResponse>(Service, "MemberList", MemberListRequest.Parser, MemberList);
    }

    private ValueTask<MemberListResponse> MemberList(MemberListRequest request, CallContext call)
    {
        // etcd leaves the revision out of membership responses.
        var header = member.Fill(null);
        header.Revision = 0;
        var response = new MemberListResponse { Header = header };
        foreach (var m in member.Members)
        {
            var pb = new FastKv.Api.Etcdserverpb.Member { ID = m.Id, Name = m.Name, IsLearner = m.IsLearner };
            pb.PeerURLs.Add(m.PeerUrls);
            if (m.ClientUrls is not null) pb.ClientURLs.Add(m.ClientUrls);
            response.Members.Add(pb);
        }
        return ValueTask.FromResult(response);
    }
}
