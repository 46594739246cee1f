// The wire format as specs/cli.md documents it, pinned so that a rename in a DTO cannot change it unnoticed.
using System.Text.Json;
using Hairpin.Host.Management;

namespace Hairpin.Host.Tests.Management;

public sealed class ProtocolTests
{
    [Fact]
    public void A_link_set_request_is_one_line_of_camel_case_json_with_kebab_case_enums()
    {
        ManagementRequest request = ManagementRequest.Create(
            ManagementCommands.LinkSet,
            new LinkSetArgs("vm1", new PortFlagChanges { Hairpin = true, McastFlood = false, State = PortAdminState.Blocking }, Save: true));

        Assert.Equal(
            """{"version":1,"command":"link.set","args":{"port":"vm1","changes":{"hairpin":true,"hairpinAuto":null,"isolated":null,"learning":null,"flood":null,"mcastFlood":false,"bcastFlood":null,"bpduGuard":null,"state":"blocking"},"save":true}}""",
            JsonSerializer.Serialize(request, ManagementJson.Wire));
    }

    [Fact]
    public void A_failure_answer_names_its_kind_and_details()
    {
        ManagementResponse response = ManagementResponse.Failure(ManagementErrorKind.Operation, "2 errors", ["a.yaml:3: bad"]);

        Assert.Equal(
            """{"ok":false,"result":null,"error":"2 errors","errorKind":"operation","details":["a.yaml:3: bad"]}""",
            JsonSerializer.Serialize(response, ManagementJson.Wire));
    }

    [Fact]
    public void The_client_ignores_members_a_newer_server_adds_but_the_server_refuses_unknown_ones()
    {
        const string Answer = """{"ok":true,"result":{"ok":true},"error":null,"errorKind":null,"details":null,"elapsedMicroseconds":12}""";

        ManagementResponse? response = JsonSerializer.Deserialize<ManagementResponse>(Answer, ManagementJson.Answers);

        Assert.True(response?.Ok);
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<ManagementResponse>(Answer, ManagementJson.Wire));
    }
}
