namespace Sonde.Profiles.Memory;

/// <summary>How many objects of one type the collector tracked, and their shallow size in bytes.</summary>
public sealed record ObjectTypeCount(string Type, long Count, long Bytes);
