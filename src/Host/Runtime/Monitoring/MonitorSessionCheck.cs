// The checks a live `monitor add` makes before anything starts, worded as the file reader words them
// (MonitorSessionReader reports the same mistakes at their line and column).
using Hairpin.Host.Configuration;
using Hairpin.Host.Management;

namespace Hairpin.Host.Runtime.Monitoring;

internal static class MonitorSessionCheck
{
    /// <summary>What is wrong with <paramref name="session"/> on a bridge with these ports; empty when nothing.</summary>
    public static List<string> Problems(MonitorSessionConfig session, IReadOnlyList<string> portNames)
    {
        var problems = new List<string>();
        Check(problems, () => Hairpin.Host.Configuration.Yaml.ConfigScalars.Name(session.Name));
        if (portNames.Contains(session.Name))
        {
            problems.Add($"monitor session name '{session.Name}' is also a port's: an ACL rule's 'mirror: {session.Name}' would be ambiguous");
        }
        foreach (MonitorSourceConfig source in session.Sources)
        {
            if ((source.Port is null) == (source.Vsi is null))
            {
                problems.Add("a source is one port or one vsi");
            }
            if (source.Port is string port && !portNames.Contains(port))
            {
                problems.Add($"no port named '{port}'");
            }
            if (source.Port is not null && source.Port == session.Destination.Port)
            {
                problems.Add($"port {source.Port} is both a source and the destination: its copies would go back out where they came from");
            }
        }
        MonitorDestinationConfig destination = session.Destination;
        if ((destination.Port is null) == (destination.File is null))
        {
            problems.Add("the destination is one of a port (span, rspan vlan or erspan) or a file");
        }
        if (destination.Port is string destinationPort && !portNames.Contains(destinationPort))
        {
            problems.Add($"no port named '{destinationPort}'");
        }
        if (destination.RspanVlan is < 1 or > 4094)
        {
            problems.Add($"rspan vlan {destination.RspanVlan} is outside 1..4094");
        }
        if (destination.RspanVlan is not null && destination.Erspan is not null)
        {
            problems.Add("the destination is rspan or erspan, not both");
        }
        if (destination.File is string file)
        {
            Check(problems, () => MonitorWords.FilePath(file));
            Check(problems, () => MonitorWords.FileSize(destination.FileSize));
            if (destination.FileCount is < 1 or > 10_000)
            {
                problems.Add($"file count {destination.FileCount} is outside 1..10000");
            }
            if (destination.SnapLength is < 64 or > 65_535)
            {
                problems.Add($"snap length {destination.SnapLength} is outside 64..65535");
            }
        }
        if (destination.Erspan is ErspanConfig erspan)
        {
            if (erspan.Type is not (2 or 3))
            {
                problems.Add($"erspan type {erspan.Type} is not 2 or 3");
            }
            if (erspan.ErspanId is < 0 or > 1023)
            {
                problems.Add($"erspan id {erspan.ErspanId} is outside 0..1023");
            }
            Check(problems, () => MonitorWords.Ipv4(erspan.DestinationIp));
            Check(problems, () => MonitorWords.Ipv4(erspan.OriginIp));
            Check(problems, () => Hairpin.Host.Configuration.Yaml.ConfigScalars.UnicastMac(erspan.NextHopMac));
            if (erspan.Ttl is < 1 or > 255 || erspan.Dscp is < 0 or > 63 || erspan.Mtu is < 148 or > 9216)
            {
                problems.Add($"erspan ttl {erspan.Ttl}, dscp {erspan.Dscp} or mtu {erspan.Mtu} is out of range (1..255, 0..63, 148..9216)");
            }
        }
        return problems;
    }

    private static void Check<T>(List<string> problems, Func<T> parse)
    {
        try
        {
            parse();
        }
        catch (FormatException error)
        {
            problems.Add(error.Message);
        }
    }
}
