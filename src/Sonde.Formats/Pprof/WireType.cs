namespace Sonde.Formats.Pprof;

/// <summary>The protobuf wire types: how a field's value is laid out after its tag.</summary>
internal enum WireType
{
    Varint = 0,
    Fixed64 = 1,
    LengthDelimited = 2,
    StartGroup = 3,
    EndGroup = 4,
    Fixed32 = 5,
}
