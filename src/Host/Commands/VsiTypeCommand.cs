// `hairpin vsi type [show]`: the VSI types in force (port profiles, in NX-OS words), where they come
// from and how many VMs use each here. `vsi type set ID VERSION vlan VID [acl NAME] [meter NAME]
// [max_macs N] [managers ID,...]` and `vsi type del ID VERSION` change the site's types where they are
// shared (etcd store); the server checks a type against its ACLs and meters before writing it.
using System.Globalization;
using Hairpin.Host.Demo;
using Hairpin.Host.Management;

namespace Hairpin.Host.Commands;

internal static class VsiTypeCommand
{
    private static readonly string[] Header = ["ID", "VERSION", "VLAN", "ACL", "METER", "MAX-MACS", "MANAGERS", "VSIS", "SOURCE"];

    /// <summary>After `vsi type`.</summary>
    public static void Run(Words words, CommandSession session)
    {
        string verb = words.AtEnd ? "show" : words.Take("verb");
        switch (verb)
        {
            case "show" or "list":
                words.ExpectEnd();
                Print(session.Call<List<VsiTypeInfo>>(ManagementCommands.VsiTypeShow), session);
                break;
            case "set":
                Print([session.Call<VsiTypeInfo>(ManagementCommands.VsiTypeSet, SetArgs(words))], session);
                break;
            case "del" or "delete":
                var selector = new VsiTypeSelector(TypeId(words.Take("ID")), TypeVersion(words.Take("VERSION")));
                words.ExpectEnd();
                session.Call<Done>(ManagementCommands.VsiTypeDel, selector);
                break;
            default:
                throw new UsageException($"unknown verb '{verb}' (show, set, del)");
        }
    }

    private static VsiTypeSetArgs SetArgs(Words words)
    {
        var args = new VsiTypeSetArgs(TypeId(words.Take("ID")), TypeVersion(words.Take("VERSION")), 0);
        while (!words.AtEnd)
        {
            string keyword = words.Take("keyword");
            string value = words.ValueOf(keyword);
            args = keyword switch
            {
                "vlan" => args with { Vlan = Words.Vid(value) },
                "acl" => args with { Acl = value },
                "meter" => args with { Meter = value },
                "max_macs" => args with { MaxMacs = Words.Number(keyword, value, 0, int.MaxValue) },
                "managers" => args with { Managers = [.. value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)] },
                _ => throw new UsageException($"unknown keyword '{keyword}' (vlan, acl, meter, max_macs, managers)"),
            };
        }
        return args.Vlan == 0 ? throw new UsageException("vlan is missing: a VSI type puts its VMs in one VLAN (vlan VID)") : args;
    }

    private static int TypeId(string value) => Words.Number("ID", value, 0, Configuration.EvbReader.MaxTypeId);

    private static int TypeVersion(string value) => Words.Number("VERSION", value, 0, 255);

    private static void Print(List<VsiTypeInfo> types, CommandSession session)
    {
        if (session.Json)
        {
            session.PrintJson(types);
            return;
        }
        session.PrintLines(Table(types));
    }

    public static List<string> Table(IReadOnlyList<VsiTypeInfo> types)
    {
        if (types.Count == 0)
        {
            return ["no VSI types (vsi_types: in the config file, or the store's)"];
        }
        var rows = new List<string[]> { Header };
        rows.AddRange(types.Select(type => new[]
        {
            type.Id.ToString(CultureInfo.InvariantCulture), type.Version.ToString(CultureInfo.InvariantCulture), type.Vlan.ToString(CultureInfo.InvariantCulture),
            type.Acl ?? "-", type.Meter ?? "-", type.MaxMacs == 0 ? "-" : type.MaxMacs.ToString(CultureInfo.InvariantCulture),
            type.Managers.Count == 0 ? "any" : string.Join(",", type.Managers), type.Vsis.ToString(CultureInfo.InvariantCulture), type.Source,
        }));
        return TextTable.Format(rows, "", [0, 1, 2, 5, 7]);
    }
}
