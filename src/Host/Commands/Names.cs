// Enum values in the words the CLI prints, the same kebab-case the JSON carries ("error-disabled").
using System.Text.Json;

namespace Hairpin.Host.Commands;

internal static class Names
{
    public static string Of<TEnum>(TEnum value)
        where TEnum : struct, Enum =>
        JsonNamingPolicy.KebabCaseLower.ConvertName(value.ToString());
}
