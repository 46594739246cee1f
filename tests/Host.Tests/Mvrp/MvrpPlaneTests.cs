// Two appliances' MVRP planes back to back on one manual clock, their MVRPDUs carried between them as
// bytes (an access appliance's `up` to an aggregation appliance's `down`): what the access appliance
// needs is registered at the aggregation within a join time and published as membership; a withdrawal
// ends it a leave time later; the registrar modes and the VID limit hold; a malformed MVRPDU is counted
// by reason and changes nothing; `mvrp show` reports it all.
using Hairpin.Bridge.Core.Headers;
using Hairpin.Bridge.Core.Mrp;
using Hairpin.Host.Configuration;
using Hairpin.Host.Management;
using Hairpin.Host.Mvrp;
using Hairpin.Host.Tests.Configuration;
using Hairpin.Host.Tests.Infrastructure;

namespace Hairpin.Host.Tests.Mvrp;

public sealed class MvrpPlaneTests : IDisposable
{
    private const int AccessUp = 1;
    private const int AggregationDown = 0;
    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(50);

    private readonly Queue<(bool ToAggregation, byte[] Frame)> _wire = new();
    private readonly List<MvrpState> _accessPublished = [];
    private readonly List<MvrpState> _aggregationPublished = [];
    private readonly List<(int Port, int Vid)> _accessFlushed = [];
    private readonly List<(int Port, int Vid)> _aggregationFlushed = [];
    private readonly CapturingLogger _log = new();
    private readonly MvrpPlane _access;
    private readonly MvrpPlane _aggregation;
    private TimeSpan _now;

    public MvrpPlaneTests() : this("mvrp: true")
    {
    }

    private MvrpPlaneTests(string downMvrp)
    {
        HostConfig access = ConfigFile.Load(
            """
            ports:
              - { name: hv1, attach: { afpacket: hv1 }, evb: bridge }
              - { name: up, attach: { afpacket: up }, vlan: { trunk: "1", native: 1 }, mvrp: true }
            """);
        HostConfig aggregation = ConfigFile.Load(
            $$"""
            ports:
              - { name: down, attach: { afpacket: down }, vlan: { trunk: "1,20", native: 1 }, {{downMvrp}} }
              - { name: host, attach: { afpacket: host }, vlan: 10 }
            """);
        _access = new MvrpPlane(access, MacAddress.Parse("02:00:00:00:00:a0"), () => access,
            (port, frame) => Carry(port == AccessUp, true, frame), _accessPublished.Add, _log.Factory.CreateLogger("access"), new Random(1))
        {
            FlushLearnedInVlan = (port, vid) => Flushed(_accessFlushed, port, vid),
        };
        _aggregation = new MvrpPlane(aggregation, MacAddress.Parse("02:00:00:00:00:b0"), () => aggregation,
            (port, frame) => Carry(port == AggregationDown, false, frame), _aggregationPublished.Add, _log.Factory.CreateLogger("aggregation"), new Random(2))
        {
            FlushLearnedInVlan = (port, vid) => Flushed(_aggregationFlushed, port, vid),
        };
        _access.Start(_now);
        _aggregation.Start(_now);
        Run(TimeSpan.FromSeconds(1));
    }

    private static MvrpPlaneTests With(string downMvrp) => new(downMvrp);

    public void Dispose() => _log.Dispose();

    /// <summary>Records the engine call a flush makes; the "engine" had 3 learned entries there.</summary>
    private static int Flushed(List<(int Port, int Vid)> into, int port, int vid)
    {
        into.Add((port, vid));
        return 3;
    }

    private void Carry(bool onTrunk, bool toAggregation, byte[] frame)
    {
        if (onTrunk)
        {
            _wire.Enqueue((toAggregation, frame));
        }
    }

    /// <summary>Moves the clock by <paramref name="duration"/> in steps, delivering every frame and running every timer due.</summary>
    private void Run(TimeSpan duration)
    {
        for (TimeSpan end = _now + duration; _now < end; _now += Step)
        {
            Deliver();
            _access.Tick(_now);
            _aggregation.Tick(_now);
            Deliver();
        }
    }

    private void Deliver()
    {
        while (_wire.TryDequeue(out (bool ToAggregation, byte[] Frame) sent))
        {
            if (sent.ToAggregation)
            {
                _aggregation.Receive(AggregationDown, sent.Frame, _now);
            }
            else
            {
                _access.Receive(AccessUp, sent.Frame, _now);
            }
        }
    }

    private MvrpPortInfo Down => Assert.Single(_aggregation.Show(_now));

    [Fact]
    public void WhatTheAccessApplianceNeedsIsRegisteredAtTheAggregationWithinAJoinTimeAndCarriedThere()
    {
        Assert.Empty(Down.Registered);

        _access.Need([10], _now);
        Run(TimeSpan.FromMilliseconds(250));

        Assert.Equal([10], Down.Registered);
        Assert.Equal([10], Down.Dynamic);
        Assert.Equal([10], _aggregation.Published.On("down"));
        Assert.Equal([10], _aggregationPublished[^1].On("down"));
        Assert.Contains(_log.Lines, line => line.Message == "port down: MVRP registered VLAN 10: a neighbour declares it, the port carries it");
        Assert.Equal([10], Assert.Single(_access.Show(_now)).Declared);
        MvrpAttributeInfo attribute = Assert.Single(Down.Attributes);
        Assert.Equal((10, "in"), (attribute.Vid, attribute.Registrar));
    }

    [Fact]
    public void AWithdrawnVidIsDeregisteredALeaveTimeLaterAndLeavesTheMembership()
    {
        _access.Need([10], _now);
        Run(TimeSpan.FromSeconds(1));

        _access.Need([], _now);
        Run(TimeSpan.FromMilliseconds(500));
        Assert.Equal([10], Down.Registered);   // leaving: the leave timer runs
        Assert.NotNull(Assert.Single(Down.Attributes).LeaveTimer);
        Run(TimeSpan.FromSeconds(1));

        Assert.Empty(Down.Registered);
        Assert.Empty(_aggregation.Published.Registered);
        Assert.Contains(_log.Lines, line => line.Message.StartsWith("port down: MVRP deregistered VLAN 10", StringComparison.Ordinal));
    }

    [Fact]
    public void StaticVlansAreRegisteredButNeverPublishedAsDynamic()
    {
        _access.Need([20, 30], _now);
        Run(TimeSpan.FromSeconds(1));

        Assert.Equal([20, 30], Down.Registered);
        Assert.Equal([30], Down.Dynamic);
        Assert.Equal([30], _aggregation.Published.On("down"));
    }

    [Fact]
    public void ThePortsLimitRefusesFurtherVidsAndCountsThem()
    {
        using MvrpPlaneTests lab = With("mvrp: { max_vids: 2 }");

        lab._access.Need([10, 11, 12], lab._now);
        lab.Run(TimeSpan.FromSeconds(1));

        Assert.Equal([10, 11], lab.Down.Registered);
        Assert.True(lab.Down.Counters.RegistrationsRefused >= 1, $"refused {lab.Down.Counters.RegistrationsRefused}");
        Assert.Equal(1024, MvrpPortConfig.DefaultMaxVids);
    }

    [Fact]
    public void AForbiddenRegistrarRegistersNothingAndCountsWhatItIgnored()
    {
        using MvrpPlaneTests lab = With("mvrp: { registrar: forbidden }");

        lab._access.Need([10], lab._now);
        lab.Run(TimeSpan.FromSeconds(1));

        Assert.Empty(lab.Down.Registered);
        Assert.Empty(lab._aggregationPublished);
        Assert.True(lab.Down.Counters.DeclarationsIgnored >= 1);
        Assert.Equal("forbidden", lab.Down.Registrar);
    }

    [Fact]
    public void AFixedRegistrarHoldsItsStaticVlansAndRegistersNothingElse()
    {
        using MvrpPlaneTests lab = With("mvrp: { registrar: fixed }");

        lab._access.Need([10], lab._now);
        lab.Run(TimeSpan.FromSeconds(1));

        Assert.Equal([1, 20], lab.Down.Registered);
        Assert.Empty(lab.Down.Dynamic);
        Assert.Empty(lab._aggregation.Published.Registered);
    }

    [Fact]
    public void AMalformedMvrpduIsCountedByReasonAndChangesNothing()
    {
        _access.Need([10], _now);
        Run(TimeSpan.FromSeconds(1));
        byte[] truncated = [.. MvrpFrame(), .. new byte[] { 0, 1, 2, 0x00, 0x05, 0x00 }];   // a vector of five VIDs cut short after its header

        _aggregation.Receive(AggregationDown, truncated.AsSpan(0, 14 + 1 + 2 + 2 + 1), _now);

        Assert.Equal(new Dictionary<string, long> { ["truncated"] = 1 }, Down.Counters.Malformed);
        Assert.Equal([10], Down.Registered);
    }

    [Fact]
    public void AnMvrpduOnAPortThatDoesNotRunMvrpIsIgnored()
    {
        byte[] frame = [.. MvrpFrame(), 0, 0, 0];

        _access.Receive(0, frame, _now);   // hv1: no mvrp

        Assert.False(_access.Runs(0));
        Assert.Equal(0, Assert.Single(_access.Show(_now)).Counters.PdusReceived);
    }

    [Fact]
    public void ALinkGoingDownDropsItsRegistrationsAtOnceAndComingUpLearnsThemAgain()
    {
        _access.Need([10], _now);
        Run(TimeSpan.FromSeconds(1));

        _aggregation.LinkDown(AggregationDown, _now);
        _wire.Clear();   // a link that is down carries nothing (an MVRPDU heard would prove it up)
        _aggregation.Tick(_now);
        Assert.Empty(Down.Registered);
        Assert.Empty(_aggregation.Published.Registered);

        _aggregation.LinkUp(AggregationDown, _now);
        Run(TimeSpan.FromSeconds(1.5));   // the access side re-declares on its next periodic transmission
        Assert.Equal([10], Down.Registered);
    }

    [Fact]
    public void FuzzedMvrpdusNeverThrowAndOnlyWellFormedOnesCount()
    {
        _access.Need([10], _now);
        Run(TimeSpan.FromSeconds(1));
        var random = new Random(20261204);
        var message = new MvrpMessage();
        for (int vid = 1; vid <= 40; vid++)
        {
            message.Events.Add(new VidEvent((ushort)vid, (MrpAttributeEvent)(vid % 6)));
        }
        var frames = new List<byte[]>();
        MvrpPdu.Encode(MacAddress.Parse("02:00:00:00:00:77"), message, frames);
        byte[] valid = Assert.Single(frames);
        long accepted = 0;
        long receivedBefore = Down.Counters.PdusReceived;
        for (int round = 0; round < 5_000; round++)
        {
            byte[] frame = [.. valid];
            for (int flips = random.Next(1, 4); flips > 0; flips--)
            {
                frame[random.Next(14, frame.Length)] ^= (byte)(1 << random.Next(8));
            }
            int length = random.Next(4) == 0 ? random.Next(0, frame.Length) : frame.Length;
            accepted += MvrpPdu.Decode(frame.AsSpan(0, length), new MvrpMessage()) == MvrpError.None ? 1 : 0;
            _aggregation.Receive(AggregationDown, frame.AsSpan(0, length), _now);   // the wire is not delivered meanwhile: only these frames arrive
        }

        MvrpCountersInfo counters = Down.Counters;
        Assert.InRange(accepted, 1, 4_999);
        Assert.Equal(accepted, counters.PdusReceived - receivedBefore);
        Assert.Equal(5_000 - accepted, counters.Malformed.Values.Sum());   // every other one counted by its reason
        Assert.True(Down.Registered.All(vid => vid is >= 1 and <= 4094));
        Run(TimeSpan.FromSeconds(3));   // and the planes go on working: the access appliance's declaration holds
        Assert.Contains(10, Down.Registered);
    }

    [Fact]
    public void AnMvrpduHeardBeforeTheLinkWatchNoticedTheLinkRegistersAndTheLateNoticeKeepsIt()
    {
        HostConfig config = ConfigFile.Load("ports:\n  - { name: down, attach: { afpacket: down }, vlan: { trunk: \"1\", native: 1 }, mvrp: true }\n");
        var published = new List<MvrpState>();
        var plane = new MvrpPlane(config, MacAddress.Parse("02:00:00:00:00:c0"), () => config, (_, _) => { }, published.Add,
            _log.Factory.CreateLogger("early"), new Random(3))
        {
            FlushLearnedInVlan = (_, _) => 0,
        };
        var message = new MvrpMessage();
        message.Events.Add(new VidEvent(40, MrpAttributeEvent.New));
        var frames = new List<byte[]>();
        MvrpPdu.Encode(MacAddress.Parse("02:00:00:00:00:99"), message, frames);

        plane.Receive(0, frames[0], _now);   // the forwarding thread's first batch, before its link watch ran
        plane.Tick(_now);
        plane.LinkUp(0, _now);               // the link watch, a moment later
        plane.Start(_now);                   // and the start, posted to the forwarding thread
        plane.Tick(_now);

        Assert.Equal([40], Assert.Single(plane.Show(_now)).Registered);
        Assert.Equal([40], published[^1].On("down"));
    }

    [Fact]
    public void ANewHeardOnAnMvrpPortHasTheEngineFlushThePortsLearnedEntriesInThatVlan()
    {
        _access.Need([10], _now);
        Run(TimeSpan.FromSeconds(1));
        Assert.Empty(_aggregationFlushed);   // plain Joins flush nothing
        Assert.Empty(_accessFlushed);
        var message = new MvrpMessage();
        message.Events.Add(new VidEvent(10, MrpAttributeEvent.New));
        message.Events.Add(new VidEvent(11, MrpAttributeEvent.JoinIn));
        var frames = new List<byte[]>();
        MvrpPdu.Encode(MacAddress.Parse("02:00:00:00:00:99"), message, frames);

        _aggregation.Receive(AggregationDown, frames[0], _now);

        Assert.Equal([(AggregationDown, 10)], _aggregationFlushed);
        Assert.Equal((1, 3), (Down.Counters.VlanFlushes, Down.Counters.EntriesFlushed));
        Assert.Contains(_log.Lines, line => line.Message == "port down: MVRP New for VLAN 10 heard (the topology beyond the port changed): 3 learned entries of VLAN 10 on the port flushed");
        Run(TimeSpan.FromSeconds(2));
        Assert.Single(_aggregationFlushed);   // once per New
    }

    [Fact]
    public void APriorityTaggedMvrpduIsHeardAndOneTaggedWithAVidIsCountedAndChangesNothing()
    {
        var message = new MvrpMessage();
        message.Events.Add(new VidEvent(20, MrpAttributeEvent.New));
        var frames = new List<byte[]>();
        MvrpPdu.Encode(MacAddress.Parse("02:00:00:00:00:99"), message, frames);
        byte[] Tagged(byte tciHigh, byte tciLow) => [.. frames[0][..12], 0x81, 0x00, tciHigh, tciLow, .. frames[0][12..]];
        long receivedBefore = Down.Counters.PdusReceived;

        _aggregation.Receive(AggregationDown, Tagged(0x00, 0x14), _now);                 // VID 20: a participant inside VLAN 20
        _aggregation.Receive(AggregationDown, Tagged(0xE0, 0x00).AsSpan(0, 17), _now);           // priority tag, cut inside its EtherType
        _aggregation.Receive(AggregationDown, Tagged(0xE0, 0x00).AsSpan(0, 24), _now);           // priority tag, vector cut
        Assert.DoesNotContain(20, Down.Registered);
        Assert.Empty(_aggregationFlushed);
        Assert.Equal(receivedBefore, Down.Counters.PdusReceived);
        Assert.Equal(new Dictionary<string, long> { ["too-short"] = 1, ["truncated"] = 1, ["vlan-tagged"] = 1 }, Down.Counters.Malformed);

        _aggregation.Receive(AggregationDown, Tagged(0xE0, 0x00), _now);                 // priority-tagged (PCP 7, VID 0): an untagged MVRPDU

        Assert.Contains(20, Down.Registered);
        Assert.Equal([(AggregationDown, 20)], _aggregationFlushed);   // it carried a New
        Assert.Equal(receivedBefore + 1, Down.Counters.PdusReceived);
    }

    /// <summary>An MVRPDU's Ethernet header (to 01-80-C2-00-00-21, EtherType 0x88F5); the body follows.</summary>
    private static byte[] MvrpFrame() => [0x01, 0x80, 0xC2, 0x00, 0x00, 0x21, 0x02, 0, 0, 0, 0, 1, 0x88, 0xF5];
}
