// The v2 store image etcd 3.4 keeps in a snap file's data: a bootstrapped member's store holds only
// the cluster's members (/0/members/<id>/raftAttributes, created at indexes 1..n in ID order) and
// the event history of those creations. etcd 3.4 reads its membership back from this image at
// start, so a restored data dir carries it for the real etcd; FastKv reads the page file instead.
using System.Text;
using System.Text.Json;
using FastKv.Server.Member;

namespace FastKv.Util.Snapshot;

internal static class V2MembershipImage
{
    private const int EventHistoryCapacity = 1000;
    private const string ZeroTime = "0001-01-01T00:00:00Z";

    /// <summary>The store image for <paramref name="members"/>, which must be in ID order.</summary>
    public static byte[] Build(IReadOnlyList<MemberInfo> members)
    {
        var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WritePropertyName("Root");
            WriteDirectory(w, "/", 0, () =>
            {
                w.WritePropertyName("0");
                WriteDirectory(w, "/0", 0, () =>
                {
                    w.WritePropertyName("members");
                    WriteDirectory(w, "/0/members", 1, () =>
                    {
                        for (var i = 0; i < members.Count; i++)
                        {
                            var hex = MemberIds.ToHex(members[i].Id);
                            var index = i + 1;
                            w.WritePropertyName(hex);
                            WriteDirectory(w, $"/0/members/{hex}", index, () =>
                            {
                                w.WritePropertyName("raftAttributes");
                                WriteNode(w, $"/0/members/{hex}/raftAttributes", index, RaftAttributes(members[i]), null);
                            });
                        }
                    });
                });
                w.WritePropertyName("1");
                WriteDirectory(w, "/1", 0, () => { });
            });

            w.WriteStartObject("WatcherHub");
            w.WriteStartObject("EventHistory");
            w.WriteStartObject("Queue");
            w.WriteStartArray("Events");
            for (var i = 0; i < EventHistoryCapacity; i++)
            {
                if (i >= members.Count)
                {
                    w.WriteNullValue();
                    continue;
                }
                var hex = MemberIds.ToHex(members[i].Id);
                w.WriteStartObject();
                w.WriteString("action", "create");
                w.WriteStartObject("node");
                w.WriteString("key", $"/0/members/{hex}/raftAttributes");
                w.WriteString("value", RaftAttributes(members[i]));
                w.WriteNumber("modifiedIndex", i + 1);
                w.WriteNumber("createdIndex", i + 1);
                w.WriteEndObject();
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteNumber("Size", members.Count);
            w.WriteNumber("Front", 0);
            w.WriteNumber("Back", members.Count);
            w.WriteNumber("Capacity", EventHistoryCapacity);
            w.WriteEndObject();
            w.WriteNumber("StartIndex", 1);
            w.WriteNumber("LastIndex", members.Count);
            w.WriteEndObject();
            w.WriteEndObject();

            w.WriteNumber("CurrentIndex", members.Count);
            w.WriteStartObject("Stats");
            foreach (var stat in new[] { "getsSuccess", "getsFail", "setsSuccess", "setsFail", "deleteSuccess", "deleteFail", "updateSuccess", "updateFail",
                                         "createSuccess", "createFail", "compareAndSwapSuccess", "compareAndSwapFail", "compareAndDeleteSuccess",
                                         "compareAndDeleteFail", "expireCount", "watchers" })
                w.WriteNumber(stat, stat == "createSuccess" ? members.Count : 0);
            w.WriteEndObject();
            w.WriteNumber("CurrentVersion", 2);
            w.WriteEndObject();
        }
        return buffer.ToArray();
    }

    private static string RaftAttributes(MemberInfo member) =>
        JsonSerializer.Serialize(new Dictionary<string, string[]> { ["peerURLs"] = member.PeerUrls });

    private static void WriteDirectory(Utf8JsonWriter w, string path, int index, Action children) =>
        WriteNode(w, path, index, "", children);

    private static void WriteNode(Utf8JsonWriter w, string path, int index, string value, Action? children)
    {
        w.WriteStartObject();
        w.WriteString("Path", path);
        w.WriteNumber("CreatedIndex", index);
        w.WriteNumber("ModifiedIndex", index);
        w.WriteString("ExpireTime", ZeroTime);
        w.WriteString("Value", value);
        w.WritePropertyName("Children");
        if (children is null)
        {
            w.WriteNullValue();
        }
        else
        {
            w.WriteStartObject();
            children();
            w.WriteEndObject();
        }
        w.WriteEndObject();
    }
}
