namespace Sonde.Agent.Protocol;

/// <summary>A frame that doesn't decode: the connection it came on is dropped, the others go on.</summary>
internal sealed class AgentProtocolException(string message) : Exception(message);
