// IPFIX flow export against real collectors from Debian (specs/flow-export.md): the appliance in the
// kernel-VEPA lab exports to nfcapd (nfdump) on the bridge namespace's loopback while VM A pings host
// C; once the flows are idle, what nfdump reads back is exactly what was sent (packets, IP bytes,
// addresses, MACs, VLAN, in and out interfaces), and tshark's IPFIX decoder (cflow) reads every
// message the appliance sent without a malformed one. Root only (CI runs as root).
using System.Globalization;
using System.Text.Json;
using Hairpin.Host.Tests.Infrastructure;

namespace Hairpin.Host.Tests.RealPeers;

[Collection(RealPeerTestGroup.Name)]
public sealed class IpfixCollectorTests
{
    private const int CollectorPort = 42739;
    private const int Pings = 12;
    private const int IpPacketSize = 84;   // ping's default: 56 bytes of data, ICMP header 8, IPv4 header 20

    private static JsonElement FlowStats(KernelVepaLab lab) =>
        JsonDocument.Parse(lab.Appliance.Cli("stats", "--json").Output).RootElement.GetProperty("flowExport");

    [Fact]
    public async Task NfcapdStoresEachPingFlowWithThePacketsAndBytesSentAndTsharkDecodesEveryMessage()
    {
        await using KernelVepaLab lab = await KernelVepaLab.StartAsync(bridgeSettings:
            $"flow_export: {{ collectors: [ \"127.0.0.1:{CollectorPort}\" ], idle_timeout: 2s, active_timeout: 10m, template_interval: 1s, observation_domain: 77 }}");
        using ScratchDirectory scratch = ScratchDirectory.Create();
        await using NfcapdCollector collector = await NfcapdCollector.StartAsync(lab.BridgeNamespace, "127.0.0.1", CollectorPort, scratch.File("flows"));
        string pcap = scratch.File("ipfix.pcap");
        Task<ProcessRunner.Result> capture = NetLab.InAsync(lab.BridgeNamespace,
            ["tshark", "-q", "-i", "lo", "-f", $"udp port {CollectorPort}", "-a", "duration:16", "-w", pcap], check: false, timeout: TimeSpan.FromSeconds(40));
        await Task.Delay(TimeSpan.FromSeconds(3));   // tshark attaching; templates (every second) reach nfcapd before any data
        // Templates sent before nfcapd listened drew an ICMP error, counted as a failed send; none from here on.
        long failedBefore = FlowStats(lab).GetProperty("failedSends").GetInt64();
        double listening = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;
        // Static neighbours: no ARP, so the only IPv4 frames are the pings and their replies.
        await NetLab.Ip("-n", lab.VmA, "neigh", "replace", KernelVepaLab.AddressC, "lladdr", KernelVepaLab.MacC, "dev", "eth0", "nud", "permanent");
        await NetLab.Ip("-n", lab.HostC, "neigh", "replace", KernelVepaLab.AddressA, "lladdr", KernelVepaLab.MacA, "dev", "eth0", "nud", "permanent");

        ProcessRunner.Result ping = await NetLab.InAsync(lab.VmA, ["ping", "-n", "-c", Pings.ToString(CultureInfo.InvariantCulture), "-i", "0.2", "-W", "1", KernelVepaLab.AddressC],
            check: false, timeout: TimeSpan.FromSeconds(20));
        Assert.True(ping.Output.Contains($"{Pings} packets transmitted, {Pings} received", StringComparison.Ordinal), ping.Output + lab.Diagnostics());

        // Idle for 2 s, then the next expiry ends both flows and the exporter sends them.
        JsonElement flows = default;
        await Eventually.TrueAsync(() =>
        {
            flows = FlowStats(lab);
            return flows.GetProperty("sentRecords").GetInt64() >= 2 && flows.GetProperty("activeFlows").GetInt64() == 0;
        }, "both ping flows exported", TimeSpan.FromSeconds(10));
        Assert.Equal(0, flows.GetProperty("lostRecords").GetInt64());
        Assert.Equal(failedBefore, flows.GetProperty("failedSends").GetInt64());
        await Task.Delay(TimeSpan.FromSeconds(1));
        double stopping = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;
        await collector.StopAsync();

        string csv = await collector.DumpAsync("-q", "-N", "-o", "fmt:%pr|%sa|%da|%dp|%pkt|%byt|%in|%out|%ismc|%idmc|%svln", "proto icmp");
        string diagnostics = $"\nnfdump:\n{csv}\n{await collector.DumpAsync("-o", "raw")}\nnfcapd:\n{collector.Log}{lab.Diagnostics()}";
        string[][] records = [.. csv.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(line => line.Split('|', StringSplitOptions.TrimEntries))];
        Assert.True(records.Length == 2, $"expected the request and the reply flow{diagnostics}");
        string[] request = Assert.Single(records, record => record[1] == KernelVepaLab.AddressA);
        string[] reply = Assert.Single(records, record => record[1] == KernelVepaLab.AddressC);
        // Protocol, addresses, ICMP type.code as nfdump writes it (from destinationTransportPort), packets, bytes, in and out interfaces
        // (port index + 1: hv1 is 1, hv2 is 2), source and destination MAC, VLAN (the ports' PVID 1).
        Assert.True(request.SequenceEqual(["1", KernelVepaLab.AddressA, KernelVepaLab.AddressC, "8.0", $"{Pings}", $"{Pings * IpPacketSize}", "1", "2", KernelVepaLab.MacA, KernelVepaLab.MacC, "1"]),
            $"request flow: {string.Join('|', request)}{diagnostics}");
        Assert.True(reply.SequenceEqual(["1", KernelVepaLab.AddressC, KernelVepaLab.AddressA, "0.0", $"{Pings}", $"{Pings * IpPacketSize}", "2", "1", KernelVepaLab.MacC, KernelVepaLab.MacA, "1"]),
            $"reply flow: {string.Join('|', reply)}{diagnostics}");

        await capture;
        // Every message while nfcapd listened (tshark reads the whole capture, so it knows the templates
        // sent before): data sent before the capture saw a template, or after nfcapd went away (a gap in
        // the sequence), is not the exporter's fault.
        string window = string.Create(CultureInfo.InvariantCulture, $"frame.time_epoch >= {listening:0.000} && frame.time_epoch <= {stopping:0.000}");
        ProcessRunner.Result decoded = await ProcessRunner.RunAsync("tshark", ["-r", pcap, "-d", $"udp.port=={CollectorPort},cflow", "-Y", window, "-T", "fields",
            "-e", "cflow.version", "-e", "cflow.od_id", "-e", "cflow.packets", "-e", "cflow.srcaddr", "-e", "_ws.malformed", "-e", "_ws.expert.severity"], timeout: TimeSpan.FromSeconds(30));
        string[] messages = decoded.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(messages.Length >= 4, $"tshark read {messages.Length} messages:\n{decoded.Output}{decoded.Error}");
        Assert.All(messages, message => Assert.StartsWith("10\t77\t", message, StringComparison.Ordinal));   // IPFIX, observation domain 77
        Assert.DoesNotContain(messages, message => message.Split('\t')[4].Length > 0 || message.Split('\t')[5].Length > 0);   // nothing malformed, no expert warnings
        Assert.Contains(messages, message => message.Split('\t')[2].Split(',').Contains($"{Pings}") && message.Contains(KernelVepaLab.AddressA, StringComparison.Ordinal));
    }
}
