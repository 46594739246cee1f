// Forwarding throughput of the engine, per frame: known unicast, hairpin reflection, flooding,
// learning churn, known unicast between 802.1Qbg ports that admit and count only their VSIs, and
// known unicast with one SPAN session mirroring the ingress port to a third port, and known unicast
// with IPFIX flow accounting on every frame.
// Frames are 64 bytes on the wire (60 without FCS), batches of 256.
using BenchmarkDotNet.Attributes;
using Hairpin.Bridge.Core.Capture;
using Hairpin.Bridge.Core.Configuration;
using Hairpin.Bridge.Core.Flows;
using Hairpin.Bridge.Core.Headers;
using Hairpin.Bridge.Core.Mirroring;

namespace Hairpin.Benchmarks;

[MemoryDiagnoser]
public class ForwardingBenchmarks
{
    private const int Hosts = 64;
    private BenchBridge _unicast = null!;
    private BenchBridge _hairpin = null!;
    private BenchBridge _flood = null!;
    private BenchBridge _churn = null!;
    private BenchBridge _vsi = null!;
    private BenchBridge _mirrored = null!;
    private BenchBridge _flows = null!;
    private FlowMonitor _monitor = null!;
    private ulong _nextSource;

    [GlobalSetup]
    public void Setup()
    {
        // Known unicast: 64 hosts behind p0 talk to 64 hosts behind p1.
        _unicast = new BenchBridge(BenchBridge.Ports(2));
        _unicast.Learn(0, Hosts);
        _unicast.Learn(1, Hosts);
        _unicast.FillBatch(0, i => BenchBridge.Frame(BenchBridge.Host(0, i % Hosts), BenchBridge.Host(1, (i * 7) % Hosts)));

        // Hairpin: both ends behind p0 (a VEPA uplink), reflected back out p0.
        _hairpin = new BenchBridge(BenchBridge.Ports(2, hairpinOnFirst: true));
        _hairpin.Learn(0, 2 * Hosts);
        _hairpin.FillBatch(0, i => BenchBridge.Frame(BenchBridge.Host(0, i % Hosts), BenchBridge.Host(0, Hosts + ((i * 7) % Hosts))));

        // Flood: a broadcast from p0 to the 8 other ports.
        _flood = new BenchBridge(BenchBridge.Ports(9));
        _flood.FillBatch(0, i => BenchBridge.Frame(BenchBridge.Host(0, i % Hosts), MacAddress.Broadcast));

        // Churn: every frame has a source MAC the bridge has never seen.
        _churn = new BenchBridge(BenchBridge.Ports(2));
        _churn.Learn(1, Hosts);
        _churn.FillBatch(0, i => BenchBridge.Frame(BenchBridge.Host(0, i), BenchBridge.Host(1, i % Hosts)));

        // VSI-enforced: as KnownUnicast, but every host is a VSI associated on its port (pinned there
        // as a static entry), so each frame is admitted and counted on ingress and counted on egress.
        _vsi = new BenchBridge(new BridgeConfig
        {
            Ports = [.. Enumerable.Range(0, 2).Select(port => new PortConfig
            {
                Name = $"p{port}",
                Vsi = new VsiAdmission
                {
                    Enforced = true,
                    Bindings = [.. Enumerable.Range(0, Hosts).Select(i => new VsiBinding($"vsi-{port}-{i}", BenchBridge.Host(port, i), 1))],
                },
            })],
        });
        _vsi.FillBatch(0, i => BenchBridge.Frame(BenchBridge.Host(0, i % Hosts), BenchBridge.Host(1, (i * 7) % Hosts)));

        // Mirrored: as KnownUnicast, with a SPAN session copying every frame p0 receives to p2.
        _mirrored = new BenchBridge(BenchBridge.Ports(3));
        _mirrored.Learn(0, Hosts);
        _mirrored.Learn(1, Hosts);
        if (!_mirrored.Engine.StartMirror(new MirrorSession("span", [new CaptureSelector(0) { Outbound = false }], new SpanDestination(2))))
        {
            throw new InvalidOperationException("the SPAN session did not start");
        }
        _mirrored.FillBatch(0, i => BenchBridge.Frame(BenchBridge.Host(0, i % Hosts), BenchBridge.Host(1, (i * 7) % Hosts)));
        // Flow export: as KnownUnicast, but 64-byte IPv4 UDP frames (64 flows) and a flow monitor
        // accounting every frame (no sampling); between batches its expiry runs and its ring is drained,
        // as the appliance's forwarding loop and exporter do.
        _flows = new BenchBridge(BenchBridge.Ports(2));
        _flows.Learn(0, Hosts);
        _flows.Learn(1, Hosts);
        _flows.FillBatch(0, i => new FrameBuilder().From(BenchBridge.Host(0, i % Hosts)).To(BenchBridge.Host(1, (i * 7) % Hosts))
            .Ipv4Udp(0x0A00_0000u | (uint)(i % Hosts), 0x0A01_0000u | (uint)((i * 7) % Hosts), 40000, 53, payloadSize: 18).Build());
        _monitor = new FlowMonitor(new FlowMonitorOptions(), TimeProvider.System.TimestampFrequency);
        _flows.Engine.SetFlowMonitor(_monitor);
    }

    [Benchmark(OperationsPerInvoke = BenchBridge.BatchSize)]
    public void KnownUnicast()
    {
        _unicast.Engine.ProcessBatch(_unicast.Batch);
        _unicast.Recycle(originalsPort: 1, ingressPort: 0);
    }

    [Benchmark(OperationsPerInvoke = BenchBridge.BatchSize)]
    public void HairpinReflection()
    {
        _hairpin.Engine.ProcessBatch(_hairpin.Batch);
        _hairpin.Recycle(originalsPort: 0, ingressPort: 0);
    }

    /// <summary>Known unicast from a VSI to a VSI: admission, rx and tx counting on top of KnownUnicast.</summary>
    [Benchmark(OperationsPerInvoke = BenchBridge.BatchSize)]
    public void VsiEnforcedUnicast()
    {
        _vsi.Engine.ProcessBatch(_vsi.Batch);
        _vsi.Recycle(originalsPort: 1, ingressPort: 0);
    }

    /// <summary>KnownUnicast plus a SPAN copy of each frame (a pooled buffer, a copy, a queue entry on the destination).</summary>
    [Benchmark(OperationsPerInvoke = BenchBridge.BatchSize)]
    public void KnownUnicastWithSpanSession()
    {
        _mirrored.Engine.ProcessBatch(_mirrored.Batch);
        _mirrored.Recycle(originalsPort: 1, ingressPort: 0);
    }

    /// <summary>Known unicast with IPFIX flow accounting on every frame: headers read, flow found and updated, expiry between batches.</summary>
    [Benchmark(OperationsPerInvoke = BenchBridge.BatchSize)]
    public void KnownUnicastWithFlowExport()
    {
        _flows.Engine.ProcessBatch(_flows.Batch);
        _flows.Recycle(originalsPort: 1, ingressPort: 0);
        _monitor.Expire(TimeProvider.System.GetTimestamp());
        while (_monitor.Records.TryRead(out _))
        {
        }
    }

    /// <summary>One operation is one received frame, delivered to 8 ports (all untagged: one shared buffer on 8 queues).</summary>
    [Benchmark(OperationsPerInvoke = BenchBridge.BatchSize)]
    public void FloodToEightPorts()
    {
        _flood.Engine.ProcessBatch(_flood.Batch);
        _flood.Recycle(originalsPort: 8, ingressPort: 0);
    }

    /// <summary>A new source MAC every frame; the FDB is flushed whenever it nears its limit (cost included).</summary>
    [Benchmark(OperationsPerInvoke = BenchBridge.BatchSize)]
    public void LearningChurn()
    {
        foreach (var frame in _churn.Batch)
        {
            new MacAddress(0x06_00_00_00_00_00UL | (_nextSource++ & 0xFF_FFFF_FFFF)).Write(frame.Span[6..]);
        }
        if (_churn.Engine.Fdb.LearnedCount > 60_000)
        {
            _churn.Engine.Fdb.Flush(port: 0);
        }
        _churn.Engine.ProcessBatch(_churn.Batch);
        _churn.Recycle(originalsPort: 1, ingressPort: 0);
    }
}
