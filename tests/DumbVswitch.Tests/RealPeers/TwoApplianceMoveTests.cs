// Issue 10 with real peers: VM A moves from appliance a to appliance b, two `hairpin bridge` processes
// sharing their VSI store on a real etcd, the dumb vswitches announcing the VM (VDP). Host C pings the VM
// across the move: the loss is measured and printed (it goes in the README), the VM's VSI is b's with
// its type's ACL from its first frame there, its counters continue exactly, and a has nothing left of it.
using System.Globalization;
using System.Text.Json;
using Hairpin.DumbVswitch.Tests.Infrastructure;
using Hairpin.Host.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Hairpin.DumbVswitch.Tests.RealPeers;

[Collection(RealPeerTestGroup.Name)]
public sealed class TwoApplianceMoveTests(ITestOutputHelper output)
{
    /// <summary>
    /// VM A's type: VLAN 10, and host C's second address denied (a recognisable ACL verdict). ACL not-c
    /// (host C's first address denied) is for a type changed in the store to name it.
    /// </summary>
    internal const string Policy =
        $"""
        acls:
          - name: not-c2
            default: permit
            rules:
              - {"{"} name: deny-c2, action: deny, dst_ip: {TwoApplianceLab.AddressC2}/32 {"}"}
          - name: not-c
            default: permit
            rules:
              - {"{"} name: deny-c, action: deny, dst_ip: {TwoApplianceLab.AddressC}/32 {"}"}
        vsi_types:
          - {"{"} id: 42, version: 1, vlan: 10, acl: not-c2 {"}"}
        """;

    private const int AcrossCount = 60;
    private const double AcrossInterval = 0.1;
    private const int QuietCount = 10;

    [Fact(Timeout = 55_000)]
    public async Task VmMovedToTheOtherApplianceKeepsItsPolicyAndCountersAndLeavesNothingBehind()
    {
        await using TwoApplianceLab lab = await TwoApplianceLab.StartAsync(Policy);
        Assert.True((await TwoApplianceLab.PingAsync(lab.VmSource, TwoApplianceLab.AddressC, 3, 0.1)).Received == 3, $"VM A reaches host C through a{lab.Diagnostics()}");
        ShownVsi before = lab.LocalVsi(lab.ApplianceA) ?? throw new InvalidOperationException($"a lost VM A{lab.Diagnostics()}");

        // Host C pings the VM across the move; the VM's destination copy pings host C's denied address
        // all along, so each of its frames that b admits meets the type's ACL (it never gets an answer).
        Task<PingRun> across = TwoApplianceLab.PingAsync(lab.HostC, TwoApplianceLab.VmAddress, AcrossCount, AcrossInterval);
        Task<PingRun> denied = TwoApplianceLab.PingAsync(lab.VmDestination, TwoApplianceLab.AddressC2, AcrossCount, AcrossInterval);
        await Task.Delay(1500);
        await lab.MoveToBAsync();
        PingRun moved = await across;
        PingRun deniedRun = await denied;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"ping host C -> VM A every {AcrossInterval} s across the move a/{TwoApplianceLab.PortA} -> b/{TwoApplianceLab.PortB}: {moved.Lost} of {moved.Sent} lost (icmp_seq {string.Join(',', moved.Unanswered)}), {moved.Replies} replies"));
        Assert.True(moved.Lost <= 10, $"{moved.Lost} of {moved.Sent} pings lost across the move{lab.Diagnostics()}");
        Assert.Equal(0, deniedRun.Received);

        ShownVsi? onB = null;
        Assert.True(await Eventually.HoldsAsync(() => (onB = lab.LocalVsi(lab.ApplianceB)) is { State: "associated", Port: TwoApplianceLab.PortB }
            && onB.InFrames == before.InFrames + moved.Replies + onB.AclDenied, 5_000),
            $"b's totals continue a's: in-frames {onB?.InFrames} = {before.InFrames} before + {moved.Replies} echo replies + {onB?.AclDenied} denied by the type's ACL{lab.Diagnostics()}");
        Assert.True(onB!.AclDenied >= 1, $"the destination copy's pings to host C's denied address met the type's ACL on b{lab.Diagnostics()}");

        // a has nothing left of it: not among its own VSIs, no FDB entry on its evb port, and it lists it as b's.
        Assert.Null(lab.LocalVsi(lab.ApplianceA));
        Assert.DoesNotContain(lab.ApplianceA.Cli("fdb", "show").Output.Split('\n'),
            line => line.Contains(TwoApplianceLab.VmMac, StringComparison.OrdinalIgnoreCase) && line.Contains($"dev {TwoApplianceLab.PortA} ", StringComparison.Ordinal));
        ShownVsi heldByB = Assert.Single(TwoApplianceLab.Shown(lab.ApplianceA));
        Assert.Equal(("b", TwoApplianceLab.PortB, "associated"), (heldByB.Appliance, heldByB.Port, heldByB.State));

        // Counters exact in both directions with the path quiet: a fixed number of pings from the VM.
        ShownVsi quiet = lab.LocalVsi(lab.ApplianceB)!;
        Assert.Equal(QuietCount, (await TwoApplianceLab.PingAsync(lab.VmDestination, TwoApplianceLab.AddressC, QuietCount, 0.05)).Received);
        ShownVsi after = lab.LocalVsi(lab.ApplianceB)!;
        Assert.Equal((quiet.InFrames + QuietCount, quiet.OutFrames + QuietCount), (after.InFrames, after.OutFrames));

        // The type's ACL on b: host C's second address denied, and counted; its first stays reachable.
        Assert.Equal(0, (await TwoApplianceLab.PingAsync(lab.VmDestination, TwoApplianceLab.AddressC2, 3, 0.1)).Received);
        Assert.Equal(after.AclDenied + 3, lab.LocalVsi(lab.ApplianceB)!.AclDenied);

        // b's history of the VSI lists the move.
        var (exit, history, error) = lab.ApplianceB.Cli("--json", "vsi", "history", TwoApplianceLab.VsiId);
        Assert.True(exit == 0, error);
        using JsonDocument moves = JsonDocument.Parse(history);
        Assert.Contains(moves.RootElement.EnumerateArray(), move =>
            move.GetProperty("from").GetString() == $"a/{TwoApplianceLab.PortA}" && move.GetProperty("to").GetString() == $"b/{TwoApplianceLab.PortB}");
    }
}
