// Doubles for the VDP tests: policies, and a station wired back to back with one bridge port through
// encoded bytes on a manual clock (no ECP: every VDPDU arrives, unless the test silences a side).
using Hairpin.Bridge.Core.Headers;
using Hairpin.Bridge.Core.Qbg.Vdp;

namespace Hairpin.Bridge.Core.Tests.Infrastructure;

/// <summary>Accepts everything; VID 0 entries get <see cref="Vid"/>. Counts the questions it is asked.</summary>
public sealed class FixedVlanPolicy(int vid) : IVsiPolicy
{
    public int Vid { get; } = vid;
    public List<VsiRequest> Asked { get; } = [];

    public VsiVerdict Evaluate(VsiRequest request)
    {
        Asked.Add(request);
        return VsiVerdict.AcceptOnVlan(Vid, request.Filters.Count);
    }
}

/// <summary>
/// A policy that claims each VSI in a distant store first: it defers a VSI until the test grants it
/// (the claim won), then accepts it on <see cref="Vid"/>; a revoked VSI is deferred again.
/// </summary>
public sealed class ClaimingPolicy(int vid) : IVsiPolicy
{
    private readonly HashSet<VsiId> _granted = [];

    public int Vid { get; } = vid;
    public List<VsiRequest> Asked { get; } = [];

    public void Grant(VsiId id) => _granted.Add(id);
    public void Revoke(VsiId id) => _granted.Remove(id);

    public VsiVerdict Evaluate(VsiRequest request)
    {
        Asked.Add(request);
        return _granted.Contains(request.Id)
            ? VsiVerdict.AcceptOnVlan(Vid, request.Filters.Count)
            : VsiVerdict.Defer($"claiming VSI {request.Id} in the store");
    }
}

public static class VdpTestKit
{
    public static readonly VdpManagerId Manager = VdpManagerId.FromText("mgr1");
    public static readonly VsiId Uuid1 = VsiId.ParseUuid("a1412857-60f7-4ce1-e95a-2164943f53aa");
    public static readonly VsiId Uuid2 = VsiId.ParseUuid("11111111-2222-3333-4444-555555555555");
    public static readonly VsiId Uuid3 = VsiId.ParseUuid("00000000-0000-4000-8000-000000000003");
    public static readonly MacAddress Mac1 = MacAddress.Parse("52:54:00:8e:aa:11");
    public static readonly MacAddress Mac2 = MacAddress.Parse("52:54:00:8e:aa:12");
    public static readonly MacAddress Mac3 = MacAddress.Parse("52:54:00:8e:aa:13");

    /// <summary>VSI type 42 on VLAN 10 and type 7 on VLAN 20, as in the capture; anything else is refused.</summary>
    public static VsiTypeTable TypeTable() => new([new VsiTypeEntry(42, null, 10), new VsiTypeEntry(7, null, 20)]);

    public static VsiRequestSpec Spec(VsiId id, MacAddress mac, uint typeId = 42, int vid = 0) =>
        new(Manager, typeId, 1, id, mac, vid);

    public static VsiTlv Tlv(VdpRequest type, VsiId id, MacAddress mac, int vid, uint typeId = 42, byte status = 0) =>
        new(type, new VdpStatus(status), typeId, 1, id, VdpFilterFormat.MacVid, [VdpFilter.ForMac(mac, vid)]);

    public static byte[] Payload(params VsiTlv[] tlvs) => VdpCodec.Encode(new VdpMessage(Manager, tlvs));

    /// <summary>Same TLV, byte for byte (the record's own equality compares filter lists by reference).</summary>
    public static void AssertSameTlv(VsiTlv expected, VsiTlv actual) =>
        Assert.Equal(Convert.ToHexString(Payload(expected)), Convert.ToHexString(Payload(actual)));

    public static VdpMessage Parse(byte[] payload)
    {
        Assert.True(VdpCodec.TryParse(payload, out VdpMessage message, out VdpParseFailure failure), failure.ToString());
        return message;
    }
}

/// <summary>A station and a bridge port exchanging encoded VDPDUs; the bridge's decisions are collected.</summary>
public sealed class VdpLink(VdpStation station, VdpBridge bridge)
{
    public VdpStation Station { get; } = station;
    public VdpBridge Bridge { get; } = bridge;
    public TimeSpan Now { get; private set; }
    public List<VsiDecision> Decisions { get; } = [];
    /// <summary>Every VDPDU the bridge answered with, decoded.</summary>
    public List<VdpMessage> Answers { get; } = [];
    /// <summary>VDPDUs the station sent, decoded.</summary>
    public List<VdpMessage> Requests { get; } = [];
    /// <summary>The station's VDPDUs are lost (the station is gone, or the link to the bridge is cut).</summary>
    public bool StationSilenced { get; set; }

    /// <summary>One round at <paramref name="now"/>: the station sends what is due, the bridge answers, then expires.</summary>
    public void Step(TimeSpan now)
    {
        Now = now;
        var sent = new List<byte[]>();
        Station.Tick(now, sent);
        foreach (byte[] request in StationSilenced ? [] : sent)
        {
            Requests.Add(VdpTestKit.Parse(request));
            VdpAnswer answer = Bridge.Receive(request, now);
            Decisions.AddRange(answer.Decisions);
            if (answer.Response is VdpMessage response)
            {
                Answers.Add(response);
                Assert.True(Station.Receive(VdpCodec.Encode(response), now));
            }
        }
        Decisions.AddRange(Bridge.Tick(now));
    }

    /// <summary>Steps at every deadline of either side up to <paramref name="end"/>, then at <paramref name="end"/>.</summary>
    public void RunUntil(TimeSpan end)
    {
        for (int rounds = 0; rounds < 100_000; rounds++)
        {
            TimeSpan next = Min(Station.NextDeadline, Bridge.NextDeadline) ?? end;
            if (next > end)
            {
                break;
            }
            Step(next < Now ? Now : next);
        }
        Step(end);
    }

    private static TimeSpan? Min(TimeSpan? a, TimeSpan? b) => a is null ? b : b is null ? a : a < b ? a : b;
}
