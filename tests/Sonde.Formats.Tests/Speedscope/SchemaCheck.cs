using System.Text.Json;

namespace Sonde.Formats.Tests.Speedscope;

/// <summary>
/// Checks a JSON document against the parts of JSON Schema that speedscope's schema uses: <c>$ref</c> into
/// <c>definitions</c>, <c>anyOf</c>, <c>type</c>, <c>enum</c>, <c>required</c>, <c>properties</c> and <c>items</c>.
/// </summary>
internal static class SchemaCheck
{
    public static List<string> Errors(JsonElement schemaRoot, JsonElement instance)
    {
        var errors = new List<string>();
        Check(schemaRoot, schemaRoot, instance, "$", errors);
        return errors;
    }

    private static void Check(JsonElement root, JsonElement schema, JsonElement value, string path, List<string> errors)
    {
        if (schema.TryGetProperty("$ref", out var reference))
        {
            Check(root, Resolve(root, reference.GetString()!), value, path, errors);
        }
        if (schema.TryGetProperty("anyOf", out var options))
        {
            var matched = false;
            foreach (var option in options.EnumerateArray())
                matched |= Errors(root, option, value).Count == 0;
            if (!matched) errors.Add($"{path}: matches none of anyOf");
        }
        if (schema.TryGetProperty("type", out var type) && !HasType(value, type.GetString()!))
            errors.Add($"{path}: expected {type.GetString()}, found {value.ValueKind}");
        if (schema.TryGetProperty("enum", out var allowed)
            && !allowed.EnumerateArray().Any(a => a.ValueKind == value.ValueKind && a.GetRawText() == value.GetRawText()))
            errors.Add($"{path}: {value.GetRawText()} is not one of {allowed.GetRawText()}");
        if (value.ValueKind == JsonValueKind.Object)
        {
            if (schema.TryGetProperty("required", out var required))
                foreach (var name in required.EnumerateArray())
                    if (!value.TryGetProperty(name.GetString()!, out _)) errors.Add($"{path}: missing {name.GetString()}");
            if (schema.TryGetProperty("properties", out var properties))
                foreach (var property in properties.EnumerateObject())
                    if (value.TryGetProperty(property.Name, out var child)) Check(root, property.Value, child, $"{path}.{property.Name}", errors);
        }
        if (value.ValueKind == JsonValueKind.Array && schema.TryGetProperty("items", out var items))
        {
            var i = 0;
            foreach (var item in value.EnumerateArray()) Check(root, items, item, $"{path}[{i++}]", errors);
        }
    }

    private static List<string> Errors(JsonElement root, JsonElement schema, JsonElement value)
    {
        var errors = new List<string>();
        Check(root, schema, value, "", errors);
        return errors;
    }

    private static JsonElement Resolve(JsonElement root, string reference)
    {
        const string prefix = "#/definitions/";
        Assert.StartsWith(prefix, reference);
        return root.GetProperty("definitions").GetProperty(reference[prefix.Length..]);
    }

    private static bool HasType(JsonElement value, string type) => type switch
    {
        "object" => value.ValueKind == JsonValueKind.Object,
        "array" => value.ValueKind == JsonValueKind.Array,
        "string" => value.ValueKind == JsonValueKind.String,
        "number" => value.ValueKind == JsonValueKind.Number,
        _ => throw new NotSupportedException($"schema type {type}"),
    };
}
