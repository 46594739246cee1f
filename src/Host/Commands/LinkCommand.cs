// `hairpin link show [dev NAME]` and `hairpin link set dev NAME FLAG VALUE... [--save]`, with the flag
// names of `bridge link set` so muscle memory carries over.
using Hairpin.Host.Management;

namespace Hairpin.Host.Commands;

internal static class LinkCommand
{
    public const string Usage =
        """
          link [show [dev NAME]]
          link set dev NAME [hairpin on|off|auto] [isolated on|off] [learning on|off] [flood on|off]
                   [mcast_flood on|off] [bcast_flood on|off] [guard on|off]
                   [state forwarding|blocking|disabled] [--save]
        """;

    public static void Run(Words words, CommandSession session)
    {
        string verb = words.AtEnd ? "show" : words.Take("verb");
        switch (verb)
        {
            case "show" or "list":
                Show(words, session);
                break;
            case "set":
                Set(words, session);
                break;
            default:
                throw new UsageException($"unknown verb '{verb}' (show, set)");
        }
    }

    private static void Show(Words words, CommandSession session)
    {
        string? port = null;
        if (words.TryTake("dev"))
        {
            port = words.ValueOf("dev");
        }
        else if (!words.AtEnd)
        {
            port = words.Take("device");   // `link show vm1`, as `ip link show eth0`
        }
        words.ExpectEnd();
        List<PortInfo> ports = session.Call<List<PortInfo>>(ManagementCommands.LinkShow, new PortSelector(port));
        if (session.Json)
        {
            session.PrintJson(ports);
            return;
        }
        session.PrintLines(LinkPrinter.Table(ports));
    }

    private static void Set(Words words, CommandSession session)
    {
        if (!words.TryTake("dev"))
        {
            throw new UsageException("link set needs 'dev NAME'");
        }
        string port = words.ValueOf("dev");
        var changes = new PortFlagChanges();
        bool save = false;
        while (!words.AtEnd)
        {
            string keyword = words.Take("setting");
            if (keyword is "--save" or "save")
            {
                save = true;
                continue;
            }
            string value = words.ValueOf(keyword);
            changes = keyword switch
            {
                "hairpin" when value == "auto" => changes with { HairpinAuto = true },
                "hairpin" => changes with { Hairpin = Words.OnOff(keyword, value) },
                "isolated" => changes with { Isolated = Words.OnOff(keyword, value) },
                "learning" => changes with { Learning = Words.OnOff(keyword, value) },
                "flood" => changes with { Flood = Words.OnOff(keyword, value) },
                "mcast_flood" => changes with { McastFlood = Words.OnOff(keyword, value) },
                "bcast_flood" => changes with { BcastFlood = Words.OnOff(keyword, value) },
                "guard" or "bpdu_guard" => changes with { BpduGuard = Words.OnOff(keyword, value) },
                "state" => changes with { State = State(value) },
                _ => throw new UsageException(
                    $"unknown setting '{keyword}' (hairpin, isolated, learning, flood, mcast_flood, bcast_flood, guard, state)"),
            };
        }
        if (changes.IsEmpty)
        {
            throw new UsageException("link set needs at least one setting, e.g. 'hairpin on'");
        }
        PortInfo after = session.Call<PortInfo>(ManagementCommands.LinkSet, new LinkSetArgs(port, changes, save));
        if (session.Json)
        {
            session.PrintJson(after);
        }
    }

    /// <summary>A state by name or by the number `bridge link set state` takes (0 disabled, 3 forwarding, 4 blocking).</summary>
    private static PortAdminState State(string value) => value switch
    {
        "forwarding" or "3" => PortAdminState.Forwarding,
        "blocking" or "4" => PortAdminState.Blocking,
        "disabled" or "0" => PortAdminState.Disabled,
        _ => throw new UsageException($"state: '{value}' is not forwarding, blocking or disabled"),
    };
}
