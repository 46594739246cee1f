// The appliance's 802.1Qbg bridge role through the real runtime, management socket and CLI, with a
// station built from Bridge.Core's pure pieces on a manual clock (QbgBridgeLab): reloads re-ask every
// VSI under the new types, `link set` pins or frees an evb: port's hairpin, keep-alive expiry and LLDP
// ageing undo what an association or a negotiation did, and the CLI's tables, stats and metrics show it.
using System.Text.Json;
using Hairpin.Bridge.Core.Configuration;
using Hairpin.Bridge.Core.Headers;
using Hairpin.Bridge.Core.Qbg;
using Hairpin.Bridge.Core.Qbg.Lldp;
using Hairpin.Bridge.Core.Qbg.Vdp;
using Hairpin.Host.Configuration;
using Hairpin.Host.Management;
using Hairpin.Host.Metrics;
using Hairpin.Host.Tests.Infrastructure;
using Hairpin.Host.Tests.Management;
using Microsoft.Extensions.Logging;

namespace Hairpin.Host.Tests.Qbg;

public sealed class BridgeRoleTests
{
    private const string OpenType = "  - { id: 42, version: 1, vlan: 10, acl: open }\n";

    [Fact]
    public async Task AReloadThatChangesAVsiTypesAclAppliesItToTheAssociatedVmAtOnce()
    {
        await using QbgBridgeLab lab = await QbgBridgeLab.StartAsync();
        StationVsi vsi = await lab.AssociateVmAsync();
        lab.Station.Send(QbgBridgeLab.VmFrame(QbgBridgeLab.DeniedAddress));
        await lab.SettleAsync();
        Assert.Empty(await lab.SentUpAsync());   // web-tier denies it

        lab.WriteFile(types: OpenType);
        (int exit, _, string error) = lab.Cli("config", "reload");
        await lab.SettleAsync();
        lab.Station.Send(QbgBridgeLab.VmFrame(QbgBridgeLab.DeniedAddress));
        await lab.SettleAsync();

        Assert.Equal((0, ""), (exit, error));
        Assert.Equal([new VmAclBinding("hv1", QbgBridgeLab.VmMac, "open", 10)], lab.Runtime.Engine.Config.VmAcls);
        Assert.Single(await lab.SentUpAsync());
        Assert.Equal((StationVsiState.Associated, 0L), (vsi.State, lab.Station.Vdp.Counters.BridgeDeassociations));
        JsonElement shown = Assert.Single(Vsis(lab));
        Assert.Equal(2, shown.GetProperty("counters").GetProperty("in").GetProperty("frames").GetInt64());
        Assert.Equal(1, shown.GetProperty("counters").GetProperty("drops").GetProperty("acl-denied").GetInt64());
    }

    [Theory]
    [InlineData("  - { id: 42, version: 1, vlan: 20, acl: web-tier }\n", "VID 10 is not type 42 version 1's VLAN 20")]
    [InlineData("  - { id: 43, version: 1, vlan: 10 }\n", "no VSI type 42 is configured")]
    public async Task AReloadThatMovesOrRemovesAVsiTypeDeassociatesItsVmAndTellsTheStation(string types, string reason)
    {
        await using QbgBridgeLab lab = await QbgBridgeLab.StartAsync();
        StationVsi vsi = await lab.AssociateVmAsync();

        lab.WriteFile(types);
        (int exit, _, string error) = lab.Cli("config", "reload");
        await lab.AdvanceAsync(TimeSpan.FromMilliseconds(20), TimeSpan.FromMilliseconds(10));   // ECP paces its requests (EcpEndpoint.LldpadRequestSpacing): the notice follows the last answer 10 ms later

        Assert.Equal((0, ""), (exit, error));
        Assert.Equal((StationVsiState.Deassociated, 1L), (vsi.State, lab.Station.Vdp.Counters.BridgeDeassociations));
        Assert.Empty(Vsis(lab));
        Assert.Empty(lab.Hv1.Vsi.Bindings);
        Assert.Empty(lab.Runtime.Engine.Config.VmAcls);
        Assert.False(lab.Hv1.Vlans.Members.Contains(10));
        CapturedLine line = Assert.Single(lab.Log.Lines, line => line.Message.Contains("de-associated by the reloaded configuration", StringComparison.Ordinal));
        Assert.Equal(LogLevel.Warning, line.Level);
        Assert.EndsWith(reason, line.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LinkSetPinsAnEvbPortsHairpinOnOrOffAndAutoFollowsTheStationAgain()
    {
        await using QbgBridgeLab lab = await QbgBridgeLab.StartAsync();
        await lab.ConnectAsync();
        Assert.Equal("on (negotiated)", HairpinShown(lab));

        Assert.Equal(0, lab.Cli("link", "set", "dev", "hv1", "hairpin", "off").Exit);
        Assert.Equal(("off (pinned, station asks on)", false), (HairpinShown(lab), lab.Hv1.Hairpin));
        Assert.Equal(0, lab.Cli("link", "set", "dev", "hv1", "hairpin", "on").Exit);
        Assert.Equal(("on (pinned, station asks on)", true), (HairpinShown(lab), lab.Hv1.Hairpin));
        lab.Station.Link.Lldp.ReconfigureEvb(new EvbSettings { ReflectiveRelay = false });   // RRREQ off
        await lab.AdvanceAsync(TimeSpan.FromSeconds(2));
        Assert.Equal(("on (pinned, station asks off)", true), (HairpinShown(lab), lab.Hv1.Hairpin));
        Assert.Equal(0, lab.Cli("link", "set", "dev", "hv1", "hairpin", "auto").Exit);
        Assert.Equal(("off (negotiated)", false), (HairpinShown(lab), lab.Hv1.Hairpin));
        Assert.Equal(HairpinMode.Auto, lab.Runtime.Config.Evb[0].Hairpin);
    }

    [Fact]
    public async Task HairpinAutoOnAPortWithoutEvbIsRefused()
    {
        await using QbgBridgeLab lab = await QbgBridgeLab.StartAsync();

        (int exit, _, string error) = lab.Cli("link", "set", "dev", "hv2", "hairpin", "auto");

        Assert.Equal(1, exit);
        Assert.Equal("hairpin link: port hv2: hairpin auto follows the 802.1Qbg negotiation, and this port has no evb: (use on or off)", ErrorLine.Single(error));
        Assert.False(lab.Runtime.Config.Bridge.Ports[1].Hairpin);
    }

    [Fact]
    public async Task SavingAnEvbPortsHairpinIsRefusedAndChangesNeitherThePortNorTheFile()
    {
        await using QbgBridgeLab lab = await QbgBridgeLab.StartAsync();
        await lab.ConnectAsync();
        string before = File.ReadAllText(lab.File);

        (int exit, _, string error) = lab.Cli("link", "set", "dev", "hv1", "hairpin", "off", "--save");

        Assert.Equal(1, exit);
        Assert.Equal($"hairpin link: port hv1: nothing changed: the hairpin mode of an evb: port is not saved by link set; edit 'hairpin:' in {lab.File} (auto, true or false)",
            ErrorLine.Single(error));
        Assert.Equal(before, File.ReadAllText(lab.File));
        Assert.Equal(HairpinMode.Auto, lab.Runtime.Config.Evb[0].Hairpin);
        Assert.Equal("on (negotiated)", HairpinShown(lab));
    }

    [Fact]
    public async Task AReloadThatChangesAnEvbPortsSettingsIsRefusedWholeAndTheRunningConfigurationStays()
    {
        await using QbgBridgeLab lab = await QbgBridgeLab.StartAsync();
        await lab.AssociateVmAsync();
        HostConfig running = lab.Runtime.Config;

        lab.WriteFile(types: OpenType, evb: "    evb: { role: bridge, keep_alive_exponent: 21 }\n");
        (int exit, _, string error) = lab.Cli("config", "reload");
        await lab.SettleAsync();

        Assert.Equal(1, exit);
        Assert.Equal($"hairpin config: {lab.File}: the evb: ports or their settings changed: restart the bridge to apply that (the running configuration is unchanged)",
            ErrorLine.Single(error));
        Assert.Same(running, lab.Runtime.Config);
        Assert.Equal([new VmAclBinding("hv1", QbgBridgeLab.VmMac, "web-tier", 10)], lab.Runtime.Engine.Config.VmAcls);   // the type's change in the same file waits too
        Assert.Equal(StationVsiState.Associated, lab.Station.Vsi(QbgBridgeLab.VmId).State);
        Assert.Equal(1, lab.Runtime.Reloads.Refused);
    }

    [Fact]
    public async Task AReloadThatPinsAnEvbPortsHairpinIsAppliedLive()
    {
        await using QbgBridgeLab lab = await QbgBridgeLab.StartAsync();
        await lab.ConnectAsync();

        lab.WriteFile(evb: QbgBridgeLab.DefaultEvb + "    hairpin: false\n");
        (int exit, _, string error) = lab.Cli("config", "reload");

        Assert.Equal((0, ""), (exit, error));
        Assert.Equal(("off (pinned, station asks on)", false), (HairpinShown(lab), lab.Hv1.Hairpin));
    }

    [Theory]
    [InlineData("", false)]
    [InlineData("    vlan: { trunk: \"10\", native: 1 }\n", true)]
    public async Task KeepAlivesHoldAVsiAndWhenTheyStopItGoesWithItsBindingFdbEntryAndAVlanNothingElseNeeds(string vlan, bool vlanStays)
    {
        await using QbgBridgeLab lab = await QbgBridgeLab.StartAsync(evb: QbgBridgeLab.DefaultEvb + vlan);
        StationVsi vsi = await lab.AssociateVmAsync();
        Assert.Contains($"{QbgBridgeLab.VmMac} dev hv1 vlan 10 static", lab.Cli("fdb", "show").Output, StringComparison.Ordinal);
        await lab.AdvanceAsync(TimeSpan.FromSeconds(100));   // about ten keep-alives, three windows
        Assert.Single(Vsis(lab));
        Assert.True(vsi.LastAnswerAt > lab.Now - TimeSpan.FromSeconds(11), $"the last keep-alive was answered at {vsi.LastAnswerAt}, now is {lab.Now}");

        lab.Station.VdpRunning = false;
        TimeSpan window = VdpTimers.KeepAliveWindow(VdpTimers.DefaultRka);   // 31.46 s
        await lab.AdvanceAsync(vsi.LastAnswerAt!.Value + window - TimeSpan.FromMilliseconds(10) - lab.Now);
        Assert.Single(Vsis(lab));
        await lab.AdvanceAsync(TimeSpan.FromMilliseconds(10));
        Assert.Empty(Vsis(lab));
        Assert.Empty(lab.Hv1.Vsi.Bindings);
        Assert.Equal(vlanStays, lab.Hv1.Vlans.Members.Contains(10));
        await lab.AdvanceAsync(TimeSpan.FromSeconds(1));   // the engine takes a new plan at its next batch or FDB sweep (once a second)
        Assert.DoesNotContain(QbgBridgeLab.VmMac.ToString(), lab.Cli("fdb", "show").Output, StringComparison.Ordinal);
        Assert.Contains(lab.Log.Lines, line => line.Message.EndsWith("expired: no keep-alive within the window (type 42 version 1, 52:54:00:8e:aa:11@10)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AStationThatFallsSilentAgesOutAndTakesRelayAndItsVsisWithIt()
    {
        await using QbgBridgeLab lab = await QbgBridgeLab.StartAsync();
        await lab.AssociateVmAsync();

        lab.Station.Silent = true;
        await lab.AdvanceAsync(TimeSpan.FromSeconds(119));
        Assert.Equal("on (negotiated)", HairpinShown(lab));
        await lab.AdvanceAsync(TimeSpan.FromSeconds(2));   // 120 s after its last LLDP PDU

        Assert.Equal(("off (negotiated)", false), (HairpinShown(lab), lab.Hv1.Hairpin));
        Assert.Equal(["PORT  SOURCE  CHASSIS  PORT-ID  TTL  TTL-LEFT  EVB-BRIDGE  EVB-STATION  R  RTE  RWD  RKA"], Lines(lab.Cli("lldp", "neighbors").Output));
        Assert.Empty(Vsis(lab));
        Assert.False(lab.Hv1.Vlans.Members.Contains(10));
    }

    [Fact]
    public async Task AStationsLldpShutdownTakesRelayAndItsVsisAtOnce()
    {
        await using QbgBridgeLab lab = await QbgBridgeLab.StartAsync();
        await lab.AssociateVmAsync();

        lab.Station.Send(lab.Station.Link.Shutdown());
        lab.Station.Silent = true;
        await lab.SettleAsync();

        Assert.Equal(("off (negotiated)", false), (HairpinShown(lab), lab.Hv1.Hairpin));
        Assert.Empty(Vsis(lab));
        Assert.Empty(lab.Hv1.Vsi.Bindings);
    }

    [Fact]
    public async Task LldpNeighborsAndVsiShowPrintTheStationAndItsVmWithItsCounters()
    {
        await using QbgBridgeLab lab = await QbgBridgeLab.StartAsync();
        await lab.AssociateVmAsync();   // at 1 s, once relay was granted
        await lab.AdvanceAsync(TimeSpan.FromSeconds(12));   // a keep-alive at 12 s
        lab.Station.Send(QbgBridgeLab.VmFrame(QbgBridgeLab.HostAddress));
        lab.Station.Send(QbgBridgeLab.VmFrame(QbgBridgeLab.DeniedAddress));
        lab.SendFromUp(QbgBridgeLab.HostFrame());
        await lab.AdvanceAsync(TimeSpan.FromSeconds(3));

        // The station's last LLDP PDU, the fourth of the fast ones it sent once relay was granted at 1 s,
        // left at 4 s: 108 s of its TTL left at 16 s. Two frames from the VM in (64 bytes, tagged), one
        // denied by its type's ACL; the host's frame out to it, tagged on the way.

        Assert.Equal(
        [
            "PORT  SOURCE             CHASSIS            PORT-ID            TTL  TTL-LEFT  EVB-BRIDGE          EVB-STATION                   R  RTE  RWD  RKA",
            "hv1   02:00:00:00:5a:01  02:00:00:00:5a:01  02:00:00:00:5a:01  120       108  bridge:rrcap,rrctr  station:rrreq,rrstat=enabled  3    8   20   20",
        ], Lines(lab.Cli("lldp", "neighbors").Output));
        Assert.Equal(
        [
            "VSI                                   FORMAT  TYPE  MANAGER  FILTER                PORT  STATE       AGE  KEEPALIVE  IN-FRAMES  IN-BYTES  OUT-FRAMES  OUT-BYTES  DROPS",
            "a1412857-60f7-4ce1-e95a-2164943f53aa  uuid    42/1  mgr1     52:54:00:8e:aa:11@10  hv1   associated  15s  4s ago             2       128           1         64  acl-denied=1",
        ], Lines(lab.Cli("vsi", "show", "dev", "hv1").Output));
    }

    [Fact]
    public async Task StatsAndMetricsCountAnEvbPortsLldpEcpAndVdpExchanges()
    {
        await using QbgBridgeLab lab = await QbgBridgeLab.StartAsync();
        using var metrics = new BridgeMetrics(lab.Runtime);
        await lab.AssociateVmAsync();   // at 1 s: accepted
        var unknown = VsiId.ParseUuid("a1412857-60f7-4ce1-e95a-2164943f53ac");
        lab.Station.Vdp.Associate(new VsiRequestSpec(VdpManagerId.FromText("mgr1"), 99, 1, unknown, MacAddress.Parse("52:54:00:8e:aa:13")));
        await lab.AdvanceAsync(TimeSpan.FromMilliseconds(20), TimeSpan.FromMilliseconds(10));   // refused: no type 99 (the answer paced 10 ms behind the last, EcpEndpoint.LldpadRequestSpacing)
        lab.Station.Vdp.Deassociate(unknown);   // refused, so forgotten at once: no retries later
        lab.Station.Link.Send([0xFF]);   // a VDPDU cut short: malformed, dropped unanswered
        lab.Station.Send(ControlFrame.Build(EvbTestStation.Address, EtherTypes.Ecp, [0x20, 0x00, 0x00, 0x01]));   // ECP version 2
        lab.Station.Send(ControlFrame.Build(EvbTestStation.Address, EtherTypes.Lldp, [0x00, 0x00]));   // End first: no chassis ID
        await lab.SettleAsync();
        lab.Station.LoseEcpAcks = 1;       // the keep-alive at 12 s is acknowledged and answered, but both are lost:
        lab.Station.LoseEcpRequests = 1;   // the station resends its request (a duplicate) and the bridge its answer
        await lab.AdvanceAsync(TimeSpan.FromSeconds(15));

        BridgeStats stats = await lab.Control.StatsAsync(CancellationToken.None);

        // LLDP: the bridge sent at 0 s and fast from 1 to 5 s; the station at 0 s, fast from 1 to 4 s, and the bad one.
        // ECP: requests in for the association, the refusal, the malformed VDPDU, the keep-alive and its resend.
        Assert.Equal(new QbgPortStats(
            new LldpStats(Tx: 6, Rx: 6, Discarded: 1, UnknownTlvs: 0, AgeOuts: 0),
            new EcpStats(TxRequests: 3, TxAcks: 5, Retransmissions: 1, GivenUp: 0, RxRequests: 5, RxAcks: 3, Duplicates: 1, UnexpectedAcks: 0,
                Malformed: 1, UnknownSubtype: 0, QueueOverflows: 0),
            new VdpStats(Received: 4, Accepted: 1, KeepAlives: 1, Refused: 1, Deassociated: 0, Expired: 0, Malformed: 1, MissingManagerId: 0,
                AnswersIgnored: 0, Associated: 1, Deferred: 0, Replayed: 0, Restored: 0)), stats.Ports[0].Qbg);
        Assert.Null(stats.Ports[1].Qbg);
        using (JsonDocument json = JsonDocument.Parse(lab.Cli("--json", "stats").Output))
        {
            JsonElement ports = json.RootElement.GetProperty("ports");
            Assert.Equal(1, ports[0].GetProperty("qbg").GetProperty("ecp").GetProperty("retransmissions").GetInt64());
            Assert.Equal(1, ports[0].GetProperty("qbg").GetProperty("vdp").GetProperty("associated").GetInt32());
            Assert.Equal(JsonValueKind.Null, ports[1].GetProperty("qbg").ValueKind);
        }
        string[] printed = [.. Lines(lab.Cli("stats", "dev", "hv1").Output).SkipWhile(line => !line.StartsWith("PORT  LLDP-TX", StringComparison.Ordinal))];
        Assert.Equal(
        [
            "PORT  LLDP-TX  LLDP-RX  LLDP-DISCARDED  LLDP-UNKNOWN-TLVS  LLDP-AGEOUTS",
            "hv1         6        6               1                  0             0",
            "",
            "PORT  ECP-TX-REQS  ECP-TX-ACKS  ECP-RETRANSMITS  ECP-GIVEN-UP  ECP-RX-REQS  ECP-RX-ACKS  ECP-DUPLICATES  ECP-MALFORMED",
            "hv1             3            5                1             0            5            3               1              1",
            "",
            "PORT  VDP-RX  VDP-ACCEPTED  VDP-KEEP-ALIVES  VDP-REFUSED  VDP-DEASSOCIATED  VDP-EXPIRED  VDP-DROPPED  VDP-DEFERRED  VSIS",
            "hv1        4             1                1            1                 0            0            1             0     1",
        ], printed[..8]);
        // Then the VM table (specs/visibility.md): the associated VSI, by its VSIID, MAC and VLAN, no traffic yet.
        Assert.Equal("", printed[8]);
        Assert.Equal(["PORT", "VSI", "MAC", "VLAN", "RX-FRAMES", "RX-BYTES", "TX-FRAMES", "TX-BYTES", "DROPPED"], printed[9].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(["hv1", QbgBridgeLab.VmId.ToString(), QbgBridgeLab.VmMac.ToString(), "10", "0", "0", "0", "0", "0"], printed[10].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(11, printed.Length);
        string text = PrometheusText.Collect(BridgeMetrics.MeterName);
        Assert.Contains("hairpin_qbg_lldp_frames_total{port=\"hv1\",direction=\"tx\"} 6", text, StringComparison.Ordinal);
        Assert.Contains("hairpin_qbg_lldp_discarded_total{port=\"hv1\"} 1", text, StringComparison.Ordinal);
        Assert.Contains("hairpin_qbg_ecp_frames_total{port=\"hv1\",direction=\"rx\",operation=\"request\"} 5", text, StringComparison.Ordinal);
        Assert.Contains("hairpin_qbg_ecp_retransmissions_total{port=\"hv1\"} 1", text, StringComparison.Ordinal);
        Assert.Contains("hairpin_qbg_ecp_duplicates_total{port=\"hv1\"} 1", text, StringComparison.Ordinal);
        Assert.Contains("hairpin_qbg_vdp_requests_total{port=\"hv1\",result=\"keep-alive\"} 1", text, StringComparison.Ordinal);
        Assert.Contains("hairpin_qbg_vdp_requests_total{port=\"hv1\",result=\"refused\"} 1", text, StringComparison.Ordinal);
        Assert.Contains("hairpin_qbg_vdp_dropped_total{port=\"hv1\",reason=\"malformed\"} 1", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE hairpin_qbg_vsis gauge", text, StringComparison.Ordinal);
        Assert.Contains("hairpin_qbg_vsis{port=\"hv1\"} 1", text, StringComparison.Ordinal);
        Assert.DoesNotContain("port=\"hv2\",direction=\"tx\"", text, StringComparison.Ordinal);
    }

    /// <summary>hv1's HAIRPIN column of `link show`.</summary>
    private static string HairpinShown(QbgBridgeLab lab)
    {
        string[] table = Lines(lab.Cli("link", "show", "dev", "hv1").Output);
        int start = table[0].IndexOf("HAIRPIN", StringComparison.Ordinal);
        int end = table[0].IndexOf("ISOLATED", StringComparison.Ordinal);
        return table[1][start..end].TrimEnd();
    }

    private static string[] Lines(string output) => output.TrimEnd('\n').Split('\n');

    private static List<JsonElement> Vsis(QbgBridgeLab lab)
    {
        using JsonDocument vsis = JsonDocument.Parse(lab.Cli("--json", "vsi", "show").Output);
        return [.. vsis.RootElement.EnumerateArray().Select(vsi => vsi.Clone())];
    }
}
