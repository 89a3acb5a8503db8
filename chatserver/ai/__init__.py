"""The AI first responder: responders (OpenAI-compatible streaming, offline knowledge),
knowledge retrieval, escalation detection, and the runner that ties them to conversations."""
